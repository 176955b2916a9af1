import type { PrismaClient } from '@prisma/client';
import type { Logger } from 'pino';
import type { SurveyPort } from '../../dialogs/deps.js';
import type { ComplaintPolicy } from '../clocks/index.js';
import type { DomainEvents } from '../domain-events.js';
import type { CustomerMessenger } from '../messenger.js';
import type { JobHandler } from '../scheduler/index.js';
import { answerSurvey, findAwaitingSurvey, optOutOfSurveys, type LowScoreAction } from './answer-survey.js';
import { requestReview } from './request-review.js';
import { SURVEY_JOB, scheduleSurvey } from './schedule-survey.js';
import { expireSurveyJob, remindSurveyJob, sendSurveyJob } from './send-survey.js';
import type { SurveyHours } from './survey-hours.js';
import { withdrawSurvey } from './withdraw-survey.js';

export * from './answer-survey.js';
export * from './request-review.js';
export * from './schedule-survey.js';
export * from './send-survey.js';
export * from './survey-hours.js';
export * from './withdraw-survey.js';

export interface SurveyServiceDeps {
  db: PrismaClient;
  events: DomainEvents;
  messenger: CustomerMessenger;
  policy: ComplaintPolicy;
  log: Logger;
  clock: () => Date;
  delayMinutes: number;
  /** When in the day surveys and reminders may go out (SURVEY_HOURS in the bank's zone). */
  hours: SurveyHours;
  lowScoreAction: LowScoreAction;
  /** Asks the scheduler to look for due jobs now (a survey due at once goes out at once). */
  wake: () => void;
}

export interface SurveyService {
  /** Job handlers to give the scheduler. */
  handlers: Record<string, JobHandler>;
  /** The survey port of one conversation, for the dialog's deps. */
  portFor(account: { customerId: string; accountId: string }, now: Date): SurveyPort;
}

/**
 * Wires follow-up surveys (回访): a `case.resolved` listener schedules the survey (side effect
 * follows the domain event, CONVENTIONS.md §6), a `case.reopened` one withdraws it unanswered, job handlers send, remind and expire it, and the
 * port lets the dialog read and record answers.
 */
export function createSurveyService(deps: SurveyServiceDeps): SurveyService {
  const { db, events, log } = deps;
  events.on('case.resolved', async (e) => {
    const res = await scheduleSurvey({ db, caseId: e.caseId, now: e.at, delayMinutes: deps.delayMinutes, hours: deps.hours });
    if (res.ok) {
      log.info({ caseRef: e.reference, runAt: res.value.runAt }, 'survey scheduled');
      if (res.value.runAt.getTime() <= e.at.getTime()) deps.wake();
    } else {
      log.info({ caseRef: e.reference, reason: res.error.type }, 'survey not scheduled');
    }
  });
  // Reopened before the customer answered: the survey's question no longer stands.
  events.on('case.reopened', async (e) => {
    if (await withdrawSurvey({ db, caseId: e.caseId, now: e.at })) log.info({ caseRef: e.reference }, 'survey withdrawn, case reopened');
  });
  const jobDeps = { db, messenger: deps.messenger, hours: deps.hours };
  return {
    handlers: {
      [SURVEY_JOB.send]: sendSurveyJob(jobDeps),
      [SURVEY_JOB.remind]: remindSurveyJob(jobDeps),
      [SURVEY_JOB.expire]: expireSurveyJob(jobDeps),
    },
    portFor(account, now) {
      return {
        policyName: deps.policy.name,
        awaiting: (surveyId) => findAwaitingSurvey(db, { channelAccountId: account.accountId, now, ...(surveyId ? { surveyId } : {}) }),
        answer: (surveyId, answer) => answerSurvey({ db, events, lowScoreAction: deps.lowScoreAction, policy: deps.policy }, { surveyId, answer, now }),
        optOut: () => optOutOfSurveys(db, { customerId: account.customerId, now }),
        requestReview: (reference) => requestReview({ db, events, policy: deps.policy }, { reference, customerId: account.customerId, now }),
      };
    },
  };
}
