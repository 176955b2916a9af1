import type { PrismaClient } from '@prisma/client';
import { hasRole, loadActionCase, notClosed, notNamedIn, staffActor, type ActionResult, type StaffActor } from './case-action.js';
import { recordEvent } from './case-events.js';
import { complaintNames } from './conflict-of-interest.js';
import type { DomainEvents } from './domain-events.js';
import { err, ok } from './result.js';

/**
 * Assigns a case to a staff member (claiming is assigning to oneself). Agents may only claim
 * unassigned cases or keep their own; moving a case between people is a supervisor's call.
 * Never to someone the complaint names, nor by them (回避). Taking an untouched case starts the
 * investigation (status `in_progress`).
 */
export async function assignCase(opts: {
  db: PrismaClient;
  events: DomainEvents;
  actor: StaffActor;
  reference: string;
  /** Staff user id, or null to unassign. */
  assigneeId: string | null;
  reason?: string;
  now: Date;
}): Promise<ActionResult<{ assigneeId: string | null; status: string }>> {
  const { db, actor, now, assigneeId } = opts;
  const loaded = await loadActionCase(db, opts.reference);
  if (!loaded.ok) return loaded;
  const kase = loaded.value;
  const open = notClosed(kase);
  if (!open.ok) return open;
  // Whoever the complaint names does not choose who handles it either (回避): a named supervisor
  // could otherwise hand it to a friend, or take it off the person working it.
  const unnamed = notNamedIn(actor, kase);
  if (!unnamed.ok) return unnamed;
  const supervisor = hasRole(actor.role, 'supervisor');
  if (!supervisor) {
    if (assigneeId !== actor.userId && !(assigneeId === null && kase.assigneeId === actor.userId)) {
      return err({ type: 'forbidden', reason: 'supervisor_required', message: 'Agents can only claim a case for themselves; a supervisor assigns cases to others.' });
    }
    if (kase.assigneeId !== null && kase.assigneeId !== actor.userId) {
      return err({ type: 'forbidden', reason: 'assigned_to_someone_else', message: `${kase.reference} is already assigned to someone else; ask a supervisor.` });
    }
  }
  if (assigneeId === kase.assigneeId) {
    return err({ type: 'conflict', reason: 'already_assigned', message: `${kase.reference} is already ${assigneeId ? 'assigned to that person' : 'unassigned'}.` });
  }
  if (assigneeId) {
    const user = await db.staffUser.findUnique({ where: { id: assigneeId }, select: { id: true, active: true, displayName: true } });
    if (!user || !user.active) return err({ type: 'invalid', reason: 'unknown_assignee', message: 'No active staff member with that id.' });
    if (complaintNames(kase.description, user.displayName)) {
      return err({
        type: 'conflict',
        reason: 'conflict_of_interest',
        message: `The complaint names ${user.displayName}; the case must go to someone else (回避).`,
      });
    }
  }
  const startWork = assigneeId !== null && ['new', 'acknowledged', 'reopened'].includes(kase.status);
  const status = startWork ? 'in_progress' : kase.status;
  await db.$transaction(async (tx) => {
    await tx.case.update({ where: { id: kase.id }, data: { assigneeId, ...(startWork ? { status } : {}) } });
    await recordEvent(tx, {
      caseId: kase.id,
      type: assigneeId === actor.userId ? 'claimed' : assigneeId ? 'assigned' : 'unassigned',
      actor: staffActor(actor),
      at: now,
      note: opts.reason?.trim() || null,
      data: { from: kase.assigneeId, to: assigneeId },
    });
    if (startWork) {
      await recordEvent(tx, { caseId: kase.id, type: 'status_changed', actor: staffActor(actor), at: now, note: 'assigned', data: { from: kase.status, to: status } });
    }
  });
  if (startWork) {
    await opts.events.emit({ type: 'case.status_changed', caseId: kase.id, reference: kase.reference, from: kase.status, to: status, actorId: actor.userId, at: now });
  }
  return ok({ assigneeId, status });
}
