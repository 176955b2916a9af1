import type { PrismaClient } from '@prisma/client';
import { t } from '../dialogs/i18n.js';
import { type ActionResult, type StaffActor, loadWorkableCase, staffActor } from './case-action.js';
import { recordEvent } from './case-events.js';
import { transitionRefusal } from './case-lifecycle.js';
import type { DomainEvents } from './domain-events.js';
import type { CustomerMessenger } from './messenger.js';
import { customerLang } from './reply-to-customer.js';
import { refreshNextDue } from './refresh-next-due.js';
import { err, ok } from './result.js';
import { sendToCustomer } from './send-to-customer.js';
import type { TCaseStatus } from './taxonomy.js';

/**
 * Asks the customer for information in their chat and sets the case `awaiting_customer`. The
 * customer's next message in that conversation lands on this case (see
 * `addCustomerInformation`) and puts it back `in_progress`. A case already waiting for the
 * customer may be asked another question; it stays `awaiting_customer`. The timeline's
 * `info_requested` entry keeps the question (its note). Nothing changes when the question cannot
 * be delivered.
 */
export async function requestCustomerInformation(opts: {
  db: PrismaClient;
  messenger: CustomerMessenger;
  events: DomainEvents;
  actor: StaffActor;
  reference: string;
  question: string;
  now: Date;
}): Promise<ActionResult<{ from: TCaseStatus }>> {
  const { db, actor, now } = opts;
  const loaded = await loadWorkableCase(db, actor, opts.reference, { mustBeOpen: false });
  if (!loaded.ok) return loaded;
  const kase = loaded.value;
  const from = kase.status as TCaseStatus;
  // A follow-up question while the first is unanswered is no status change.
  const refusal = from === 'awaiting_customer' ? null : transitionRefusal(from, 'awaiting_customer');
  if (refusal) return err({ type: 'conflict', reason: 'invalid_transition', message: `${kase.reference}: ${refusal}.` });

  const question = opts.question.trim();
  const text = t(customerLang(kase.language), 'staff_info_request', { reference: kase.reference, text: question });
  const sent = await sendToCustomer({ db, messenger: opts.messenger, actor, kase, text, purpose: 'info_request', now });
  if (!sent.ok) return sent;
  await db.$transaction(async (tx) => {
    await tx.case.update({ where: { id: kase.id }, data: { status: 'awaiting_customer', ...(kase.firstResponseAt ? {} : { firstResponseAt: now }) } });
    if (!kase.firstResponseAt) await refreshNextDue(tx, kase.id);
    await recordEvent(tx, { caseId: kase.id, type: 'info_requested', actor: staffActor(actor), at: now, note: question, data: { from, to: 'awaiting_customer' } });
  });
  if (from !== 'awaiting_customer') await opts.events.emit({ type: 'case.status_changed', caseId: kase.id, reference: kase.reference, from, to: 'awaiting_customer', actorId: actor.userId, at: now });
  return ok({ from });
}
