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
  | { type: 'case.clock_milestone'; caseId: string; reference: string; clock: 'first_response' | 'regulatory'; milestone: string; at: Date };

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
