import type { PrismaClient } from '@prisma/client';
import { type ActionResult, type StaffActor, loadWorkableCase, staffActor } from './case-action.js';
import { recordEvent } from './case-events.js';
import { err, ok } from './result.js';
import { ESCALATION_LEVELS, type TEscalationLevel } from './taxonomy.js';

const LEVEL_NAMES: Record<TEscalationLevel, string> = { frontline: 'frontline', back_office: 'back office', leadership: 'leadership' };

/**
 * Escalates a case one level (frontline → back office → leadership), with a reason. Escalation
 * is separate from status and only goes up: a serious complaint never quietly goes back down.
 * Staff are alerted (Alerts) of every escalation.
 */
export async function escalateCase(opts: {
  db: PrismaClient;
  actor: StaffActor;
  reference: string;
  reason: string;
  now: Date;
}): Promise<ActionResult<{ from: TEscalationLevel; to: TEscalationLevel }>> {
  const { db, actor, now } = opts;
  const loaded = await loadWorkableCase(db, actor, opts.reference, { mustBeOpen: true });
  if (!loaded.ok) return loaded;
  const kase = loaded.value;
  if (!opts.reason.trim()) return err({ type: 'invalid', reason: 'reason_required', message: 'Say why the case is escalated.' });
  const from = kase.escalationLevel as TEscalationLevel;
  const to = ESCALATION_LEVELS[ESCALATION_LEVELS.indexOf(from) + 1];
  if (!to) return err({ type: 'conflict', reason: 'top_level', message: `${kase.reference} is already with leadership.` });
  await db.$transaction(async (tx) => {
    await tx.case.update({ where: { id: kase.id }, data: { escalationLevel: to } });
    await recordEvent(tx, { caseId: kase.id, type: 'escalated', actor: staffActor(actor), at: now, note: opts.reason.trim(), data: { from, to } });
    // The level above has to hear of it: an escalation nobody sees is not one. The reason stays
    // on the timeline (it may quote the customer).
    await tx.staffNotification.create({
      data: { type: 'escalated', caseId: kase.id, createdAt: now, message: `${kase.reference} (${kase.severity}) escalated to ${LEVEL_NAMES[to]} by ${actor.displayName}.` },
    });
  });
  return ok({ from, to });
}
