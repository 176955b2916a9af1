import type { TSeverity } from './taxonomy.js';

/**
 * Things that happened to cases. Side effects (staff alerts, surveys, metrics) listen here
 * instead of being called from the use case itself (CONVENTIONS.md §6).
 */
export type DomainEvent =
  | { type: 'case.created'; caseId: string; reference: string; severity: TSeverity; business: string; cause: string; intakeChannel: string; at: Date }
  | { type: 'case.status_changed'; caseId: string; reference: string; from: string; to: string; actorId: string | null; at: Date }
  | { type: 'case.resolved'; caseId: string; reference: string; at: Date }
  | { type: 'case.reopened'; caseId: string; reference: string; at: Date }
  | { type: 'case.clock_milestone'; caseId: string; reference: string; clock: 'first_response' | 'regulatory'; milestone: string; at: Date }
  // Survey
  /** The customer finished the survey's questions (solved + score). */
  | { type: 'survey.answered'; caseId: string; reference: string; solved: string | null; score: number | null; at: Date }
  /**
   * "Not solved" or a score of 1–2: staff are alerted (a StaffNotification row exists too). On a
   * closed case a review is opened instead (`action: 'review'`, `reviewReference`).
   */
  | {
      type: 'survey.unhappy';
      caseId: string;
      reference: string;
      solved: string | null;
      score: number | null;
      action: 'reopened' | 'followup' | 'review';
      reviewReference?: string;
      at: Date;
    }
  /** The customer asked for a review (核查): a linked case at the next escalation level. */
  | { type: 'case.review_requested'; caseId: string; reference: string; reviewCaseId: string; reviewReference: string; escalationLevel: string; at: Date };

export type DomainEventType = DomainEvent['type'];
type Listener<T extends DomainEventType> = (event: Extract<DomainEvent, { type: T }>) => void | Promise<void>;

export interface DomainEvents {
  on<T extends DomainEventType>(type: T, listener: Listener<T>): void;
  /** Calls every listener; a failing listener is reported, never thrown at the emitter. */
  emit(event: DomainEvent): Promise<void>;
}

export function createDomainEvents(onListenerError: (error: unknown, event: DomainEvent) => void): DomainEvents {
  const listeners = new Map<DomainEventType, Listener<DomainEventType>[]>();
  return {
    on(type, listener) {
      listeners.set(type, [...(listeners.get(type) ?? []), listener as unknown as Listener<DomainEventType>]);
    },
    async emit(event) {
      for (const listener of listeners.get(event.type) ?? []) {
        try {
          await listener(event as never);
        } catch (e) {
          onListenerError(e, event);
        }
      }
    },
  };
}
