import type { Prisma, PrismaClient } from '@prisma/client';
import type { ComplaintPolicy, TStaffRole } from './clocks/index.js';
import type { DomainEvents } from './domain-events.js';
import type { CustomerMessenger } from './messenger.js';
import { complaintNames } from './conflict-of-interest.js';
import { err, type Result } from './result.js';

/**
 * What every staff action shares: who acts, the refusals they may meet, and the case row the
 * use cases load. One use case per file (CONVENTIONS.md §5) imports from here.
 */

/** The staff member behind an action; recorded as the actor of every timeline event. */
export interface StaffActor {
  userId: string;
  role: TStaffRole;
  displayName: string;
  /** The STAFF_API_TOKEN's built-in user: a program, not a person a complaint could name. */
  automation?: boolean;
}

/**
 * Expected refusals of staff actions. `reason` is a stable machine code, `message` is safe to
 * show to staff. `src/cases/staff/action-errors.ts` maps `type` to an HTTP status in one table.
 */
export type ActionError =
  | { type: 'not_found'; reason: string; message: string }
  | { type: 'forbidden'; reason: string; message: string }
  | { type: 'conflict'; reason: string; message: string }
  | { type: 'invalid'; reason: string; message: string }
  | { type: 'delivery_failed'; reason: string; message: string; unreachable: boolean };

export type ActionResult<T> = Result<T, ActionError>;

/** Infrastructure every action may need; each use case takes only what it uses. */
export interface ActionDeps {
  db: PrismaClient;
  events: DomainEvents;
  messenger: CustomerMessenger;
  policy: ComplaintPolicy;
}

export const OPEN_STATUSES = ['new', 'acknowledged', 'in_progress', 'awaiting_customer', 'reopened'] as const;

export const ROLE_RANK: Record<TStaffRole, number> = { agent: 0, supervisor: 1, admin: 2 };

/** True when `role` is at least `min`. */
export function hasRole(role: TStaffRole, min: TStaffRole): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[min];
}

export const actionCaseSelect = {
  id: true,
  reference: true,
  status: true,
  severity: true,
  business: true,
  cause: true,
  channel: true,
  language: true,
  description: true,
  escalationLevel: true,
  assigneeId: true,
  receivedAt: true,
  firstResponseAt: true,
  firstResponseDueAt: true,
  regulatoryDueAt: true,
  extensionCount: true,
  resolution: true,
  rootCause: true,
  reopenCount: true,
  parentCaseId: true,
  customerName: true,
  customerPhone: true,
  channelAccountId: true,
  channelAccount: { select: { id: true, conversationKey: true, conversationRef: true, reachable: true, handoffCaseId: true } },
} satisfies Prisma.CaseSelect;

export type ActionCase = Prisma.CaseGetPayload<{ select: typeof actionCaseSelect }>;

export const notFound = (reference: string) => err({ type: 'not_found' as const, reason: 'case_not_found', message: `No case ${reference}.` });

/** Loads the case an action is about, or a not_found refusal. */
export async function loadActionCase(db: PrismaClient | Prisma.TransactionClient, reference: string): Promise<ActionResult<ActionCase>> {
  const c = await db.case.findUnique({ where: { reference }, select: actionCaseSelect });
  return c ? { ok: true, value: c } : notFound(reference);
}

/**
 * Agents work the cases that are unassigned or theirs; supervisors and admins work any case.
 * Returns a forbidden refusal otherwise.
 */
export function mayWorkOn(actor: StaffActor, c: Pick<ActionCase, 'assigneeId' | 'reference'>): ActionResult<true> {
  if (hasRole(actor.role, 'supervisor') || c.assigneeId === null || c.assigneeId === actor.userId) return { ok: true, value: true };
  return err({ type: 'forbidden', reason: 'assigned_to_someone_else', message: `${c.reference} is assigned to another member of staff; ask a supervisor to reassign it.` });
}

/**
 * Nobody works a complaint that names them (回避), whatever their role: assigning checks the
 * assignee, and every other action checks whoever acts, so an unassigned case is no way round.
 */
export function notNamedIn(actor: StaffActor, c: Pick<ActionCase, 'description' | 'reference'>): ActionResult<true> {
  if (actor.automation || !complaintNames(c.description, actor.displayName)) return { ok: true, value: true };
  return err({ type: 'conflict', reason: 'conflict_of_interest', message: `The complaint ${c.reference} names ${actor.displayName}; someone else must handle it (回避).` });
}

/** Closed cases are archived: nothing but reading them. */
export function notClosed(c: Pick<ActionCase, 'status' | 'reference'>): ActionResult<true> {
  if (c.status !== 'closed') return { ok: true, value: true };
  return err({ type: 'conflict', reason: 'case_closed', message: `${c.reference} is closed (archived).` });
}

export const staffActor = (a: StaffActor) => ({ type: 'staff' as const, id: a.userId });

/** Fills `{{name}}` placeholders (i18next syntax) for texts that live outside the locale files. */
export function interpolate(text: string, vars: Record<string, string | number | undefined>): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, k: string) => String(vars[k] ?? '')).trim();
}

/**
 * The case a staff action works on, checked once for every action: it exists, this member of
 * staff may work on it, and (unless the action also applies to closed cases) it is not closed.
 */
export async function loadWorkableCase(
  db: PrismaClient | Prisma.TransactionClient,
  actor: StaffActor,
  reference: string,
  { mustBeOpen }: { mustBeOpen: boolean },
): Promise<ActionResult<ActionCase>> {
  const loaded = await loadActionCase(db, reference);
  if (!loaded.ok) return loaded;
  const c = loaded.value;
  for (const check of mustBeOpen ? [notClosed(c), mayWorkOn(actor, c), notNamedIn(actor, c)] : [mayWorkOn(actor, c), notNamedIn(actor, c)]) {
    if (!check.ok) return check;
  }
  return loaded;
}
