import type { PrismaClient } from '@prisma/client';
import { t } from '../dialogs/i18n.js';
import { type ActionResult, type StaffActor, loadWorkableCase, staffActor } from './case-action.js';
import { recordEvent } from './case-events.js';
import type { CustomerMessenger } from './messenger.js';
import { customerLang } from './reply-to-customer.js';
import { err, ok } from './result.js';
import { sendToCustomer } from './send-to-customer.js';

/**
 * Ends a human handoff: the bot answers the conversation again. The customer is told; a failed
 * delivery of that notice is on the timeline but does not keep the conversation held.
 */
export async function handBackConversation(opts: {
  db: PrismaClient;
  messenger: CustomerMessenger;
  actor: StaffActor;
  reference: string;
  now: Date;
}): Promise<ActionResult<{ notified: boolean }>> {
  const { db, actor, now } = opts;
  const loaded = await loadWorkableCase(db, actor, opts.reference, { mustBeOpen: false });
  if (!loaded.ok) return loaded;
  const kase = loaded.value;
  const account = kase.channelAccount;
  if (!account || account.handoffCaseId !== kase.id) {
    return err({ type: 'conflict', reason: 'not_handed_off', message: 'Staff do not hold this conversation.' });
  }
  await db.channelAccount.update({ where: { id: account.id }, data: { handoffCaseId: null } });
  await recordEvent(db, { caseId: kase.id, type: 'handoff_ended', actor: staffActor(actor), at: now });
  const text = t(customerLang(kase.language), 'staff_handoff_ended');
  const sent = await sendToCustomer({ db, messenger: opts.messenger, actor, kase, text, purpose: 'handoff_ended', now });
  return ok({ notified: sent.ok });
}
