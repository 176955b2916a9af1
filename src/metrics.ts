import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Classifier } from './cases/classification/types.js';
import type { DomainEvents } from './cases/domain-events.js';
import type { TurnRunner } from './dialogs/run-turn.js';

/**
 * Prometheus metrics for operators (`GET /metrics`). Labels are low-cardinality ids only:
 * channel, severity, clock — never a reference, a customer or any text.
 */
export function createMetrics() {
  const registry = new Registry();
  // The event-loop lag histogram samples every 100 ms, not prom-client's default 10 ms: a timer
  // firing a hundred times a second was the largest part of an idle server's CPU (6.7 of 16.5 ms
  // per second). A stall still shows in the lag percentiles whenever a sample falls inside it;
  // the percentiles include the 100 ms interval itself (README, Operations).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  const turns = new Counter({ name: 'complaint_desk_turns_total', help: 'Customer turns handled', labelNames: ['channel', 'outcome'], registers: [registry] });
  const turnSeconds = new Histogram({
    name: 'complaint_desk_turn_duration_seconds',
    help: 'Time to handle one customer turn',
    labelNames: ['channel'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const cases = new Counter({ name: 'complaint_desk_cases_created_total', help: 'Cases created', labelNames: ['severity', 'intake_channel'], registers: [registry] });
  const llmCalls = new Counter({ name: 'complaint_desk_llm_calls_total', help: 'Classifications that asked the LLM', registers: [registry] });
  const llmFailures = new Counter({
    name: 'complaint_desk_llm_failures_total',
    help: 'LLM calls that failed, timed out or answered garbage (the rules decided)',
    registers: [registry],
  });
  const breaches = new Counter({
    name: 'complaint_desk_deadline_events_total',
    help: 'Near-breach and breach milestones of case clocks',
    labelNames: ['clock', 'milestone'],
    registers: [registry],
  });
  const jobLag = new Gauge({ name: 'complaint_desk_job_lag_seconds', help: 'How late the oldest due scheduled job is', registers: [registry] });

  return {
    registry,
    jobLag,
    /** Counts turns and their duration around a runner. */
    instrumentRunner(runner: TurnRunner): TurnRunner {
      return {
        async handle(input) {
          const end = turnSeconds.startTimer({ channel: input.intakeChannel });
          try {
            const result = await runner.handle(input);
            turns.inc({ channel: input.intakeChannel, outcome: result.duplicate ? 'duplicate' : result.relayed ? 'relayed' : 'answered' });
            return result;
          } catch (e) {
            turns.inc({ channel: input.intakeChannel, outcome: 'failed' });
            throw e;
          } finally {
            end();
          }
        },
      };
    },
    /** Counts LLM calls and fallbacks; a classifier without an LLM is returned unchanged. */
    instrumentClassifier(classifier: Classifier, llmConfigured: boolean): Classifier {
      if (!llmConfigured) return classifier;
      return {
        async classify(text, ctx) {
          const result = await classifier.classify(text, ctx);
          llmCalls.inc();
          if (!result.llmOpinion) llmFailures.inc();
          return result;
        },
      };
    },
    listen(events: DomainEvents) {
      events.on('case.created', (e) => cases.inc({ severity: e.severity, intake_channel: e.intakeChannel }));
      events.on('case.clock_milestone', (e) => breaches.inc({ clock: e.clock, milestone: e.milestone }));
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
