import type { PrismaClient } from '@prisma/client';
import { type ActionResult, type StaffActor, loadWorkableCase, staffActor } from './case-action.js';
import { recordEvent } from './case-events.js';
import { err, ok } from './result.js';
import { ESCALATION_LEVELS, type TEscalationLevel } from './taxonomy.js';

/**
 * Escalates a case one level (frontline → back office → leadership), with a reason. Escalation
 * is separate from status and only goes up: a serious complaint never quietly goes back down.
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
  });
  return ok({ from, to });
}
