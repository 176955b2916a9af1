import type { PrismaClient } from '@prisma/client';
import { t } from '../dialogs/i18n.js';
import { type ActionResult, type StaffActor, loadWorkableCase, staffActor } from './case-action.js';
import { recordEvent } from './case-events.js';
import type { CustomerMessenger } from './messenger.js';
import { customerLang } from './reply-to-customer.js';
import { err, ok } from './result.js';
import { sendToCustomer } from './send-to-customer.js';

/**
 * Human handoff: a staff member takes the customer's conversation. While
 * `ChannelAccount.handoffCaseId` points at the case the bot stays quiet and the turn runner
 * relays every customer message to the case; staff answer with replies. Ends with
 * `handBackConversation` or when the case is resolved or closed.
 */
export async function takeOverConversation(opts: {
  db: PrismaClient;
  messenger: CustomerMessenger;
  actor: StaffActor;
  reference: string;
  now: Date;
}): Promise<ActionResult<{ conversationKey: string }>> {
  const { db, actor, now } = opts;
  const loaded = await loadWorkableCase(db, actor, opts.reference, { mustBeOpen: true });
  if (!loaded.ok) return loaded;
  const kase = loaded.value;
  if (kase.status === 'resolved') return err({ type: 'conflict', reason: 'case_resolved', message: `${kase.reference} is resolved; reopen it first.` });
  const account = kase.channelAccount;
  if (!account) return err({ type: 'conflict', reason: 'no_chat', message: `${kase.reference} has no chat conversation to take over.` });
  if (account.handoffCaseId === kase.id) return err({ type: 'conflict', reason: 'already_handed_off', message: 'Staff already hold this conversation.' });
  if (account.handoffCaseId) return err({ type: 'conflict', reason: 'held_for_other_case', message: 'Staff already hold this conversation for another case.' });

  // Claim the conversation first, atomically, so two staff members cannot both take it.
  const claimed = await db.channelAccount.updateMany({ where: { id: account.id, handoffCaseId: null }, data: { handoffCaseId: kase.id } });
  if (claimed.count === 0) return err({ type: 'conflict', reason: 'already_handed_off', message: 'Someone took this conversation a moment ago.' });
  const text = t(customerLang(kase.language), 'staff_handoff_started', { reference: kase.reference });
  const sent = await sendToCustomer({ db, messenger: opts.messenger, actor, kase, text, purpose: 'handoff_started', now });
  if (!sent.ok) {
    await db.channelAccount.update({ where: { id: account.id }, data: { handoffCaseId: null } });
    return sent;
  }
  await recordEvent(db, { caseId: kase.id, type: 'handoff_started', actor: staffActor(actor), at: now });
  return ok({ conversationKey: account.conversationKey });
}
