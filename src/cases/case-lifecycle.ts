import type { TCaseStatus } from './taxonomy.js';

/**
 * The case lifecycle of DESIGN.md: new → acknowledged → in_progress ⇄ awaiting_customer →
 * resolved → closed, resolved → reopened. Resolving is allowed from any open status (a simple
 * complaint can be decided at once); closed is the archive and has no way out.
 */
export const TRANSITIONS: Record<TCaseStatus, readonly TCaseStatus[]> = {
  new: ['acknowledged', 'in_progress', 'awaiting_customer', 'resolved'],
  acknowledged: ['in_progress', 'awaiting_customer', 'resolved'],
  in_progress: ['awaiting_customer', 'resolved'],
  awaiting_customer: ['in_progress', 'resolved'],
  reopened: ['in_progress', 'awaiting_customer', 'resolved'],
  resolved: ['closed', 'reopened'],
  closed: [],
};

/** Statuses a staff member may ask for through the API (DESIGN.md "Interfaces"). */
export const TARGET_STATUSES = ['in_progress', 'awaiting_customer', 'resolved', 'closed', 'reopened'] as const;
export type TTargetStatus = (typeof TARGET_STATUSES)[number];

/** Null when `from → to` is allowed, else the reason it is not. */
export function transitionRefusal(from: TCaseStatus, to: TCaseStatus): string | null {
  if (from === to) return `the case is already ${to}`;
  if (TRANSITIONS[from].includes(to)) return null;
  if (from === 'closed') return 'a closed case is archived and cannot change';
  if (to === 'reopened') return 'only a resolved case can be reopened';
  if (to === 'closed') return 'only a resolved case can be closed';
  return `a ${from} case cannot go to ${to}`;
}
