import type { PrismaClient } from '@prisma/client';
import { t } from '../dialogs/i18n.js';
import { type ActionResult, type StaffActor, loadWorkableCase, staffActor } from './case-action.js';
import { recordEvent } from './case-events.js';
import { transitionRefusal, type TTargetStatus } from './case-lifecycle.js';
import type { DomainEvents } from './domain-events.js';
import type { CustomerMessenger } from './messenger.js';
import { customerLang } from './reply-to-customer.js';
import { refreshNextDue } from './refresh-next-due.js';
import { err, ok } from './result.js';
import { sendToCustomer } from './send-to-customer.js';
import type { TCaseStatus } from './taxonomy.js';

export interface TransitionOutcome {
  from: TCaseStatus;
  to: TCaseStatus;
  /** For `resolved`: whether the decision reached the customer's chat. */
  decisionDelivered?: boolean;
}

/**
 * Moves a case along its lifecycle (DESIGN.md "Case lifecycle"). Resolving needs the decision
 * text and a root cause, and sends the decision to the customer; closing needs both too (given
 * now or at resolution). Resolving or closing ends a human handoff, so the bot answers again.
 * Reopening needs a note saying why; a closed case is archived and cannot be reopened.
 */
export async function transitionCase(opts: {
  db: PrismaClient;
  messenger: CustomerMessenger;
  events: DomainEvents;
  actor: StaffActor;
  reference: string;
  to: TTargetStatus;
  note?: string;
  resolution?: string;
  rootCause?: string;
  now: Date;
}): Promise<ActionResult<TransitionOutcome>> {
  const { db, actor, now, to } = opts;
  const loaded = await loadWorkableCase(db, actor, opts.reference, { mustBeOpen: false });
  if (!loaded.ok) return loaded;
  const kase = loaded.value;
  const from = kase.status as TCaseStatus;
  const refusal = transitionRefusal(from, to);
  if (refusal) return err({ type: 'conflict', reason: 'invalid_transition', message: `${kase.reference}: ${refusal}.` });

  const resolution = opts.resolution?.trim() || (to === 'closed' ? kase.resolution : null) || null;
  const rootCause = opts.rootCause?.trim() || (to === 'closed' ? kase.rootCause : null) || null;
  if (to === 'resolved' || to === 'closed') {
    if (!resolution) return err({ type: 'invalid', reason: 'resolution_required', message: `${to === 'resolved' ? 'Resolving' : 'Closing'} a case needs the decision (resolution) text.` });
    if (!rootCause) return err({ type: 'invalid', reason: 'root_cause_required', message: `${to === 'resolved' ? 'Resolving' : 'Closing'} a case needs a root cause.` });
  }
  if (to === 'reopened' && !opts.note?.trim()) {
    return err({ type: 'invalid', reason: 'note_required', message: 'Say why the case is reopened (note).' });
  }

  const endsHandoff = (to === 'resolved' || to === 'closed') && kase.channelAccount?.handoffCaseId === kase.id;
  await db.$transaction(async (tx) => {
    await tx.case.update({
      where: { id: kase.id },
      data: {
        status: to,
        ...(to === 'resolved' ? { resolvedAt: now, resolution, rootCause } : {}),
        ...(to === 'closed' ? { closedAt: now, resolution, rootCause } : {}),
        ...(to === 'reopened' ? { reopenCount: { increment: 1 }, resolvedAt: null } : {}),
      },
    });
    if (endsHandoff && kase.channelAccount) {
      await tx.channelAccount.update({ where: { id: kase.channelAccount.id }, data: { handoffCaseId: null } });
      await recordEvent(tx, { caseId: kase.id, type: 'handoff_ended', actor: staffActor(actor), at: now, note: `case ${to}` });
    }
    await recordEvent(tx, {
      caseId: kase.id,
      type: to === 'resolved' ? 'resolved' : to === 'closed' ? 'closed' : to === 'reopened' ? 'reopened' : 'status_changed',
      actor: staffActor(actor),
      at: now,
      note: opts.note?.trim() || null,
      data: { from, to, ...(to === 'resolved' || to === 'closed' ? { rootCause } : {}) },
    });
  });

  let decisionDelivered: boolean | undefined;
  if (to === 'resolved' && resolution) {
    // The decision is communicated in the customer's chat; a failed delivery is on the timeline
    // (delivery_failed) and does not undo the resolution — staff then use another route.
    const text = t(customerLang(kase.language), 'staff_decision', { reference: kase.reference, resolution });
    const sent = kase.channelAccount ? await sendToCustomer({ db, messenger: opts.messenger, actor, kase, text, purpose: 'decision', now }) : null;
    decisionDelivered = sent?.ok ?? false;
    // A decision is a response too: a case decided at once has met its first-response target.
    if (decisionDelivered && kase.firstResponseAt === null) {
      await db.$transaction(async (tx) => {
        await tx.case.update({ where: { id: kase.id }, data: { firstResponseAt: now } });
        await refreshNextDue(tx, kase.id);
      });
    }
  }

  await opts.events.emit({ type: 'case.status_changed', caseId: kase.id, reference: kase.reference, from, to, actorId: actor.userId, at: now });
  if (to === 'resolved') await opts.events.emit({ type: 'case.resolved', caseId: kase.id, reference: kase.reference, at: now });
  if (to === 'reopened') await opts.events.emit({ type: 'case.reopened', caseId: kase.id, reference: kase.reference, at: now });
  return ok({ from, to, ...(decisionDelivered === undefined ? {} : { decisionDelivered }) });
}
