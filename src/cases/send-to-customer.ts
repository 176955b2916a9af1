import type { PrismaClient } from '@prisma/client';
import type { ActionCase, ActionResult, StaffActor } from './case-action.js';
import { recordEvent } from './case-events.js';
import type { CustomerMessenger } from './messenger.js';
import { err, ok } from './result.js';
import { appendTranscript } from './transcript.js';

/**
 * Delivers a staff-written (or staff-triggered) message into the customer's own chat through
 * the channel that holds the conversation, and keeps the transcript true to what was delivered:
 * only a delivered message is stored as sent. An `unreachable` answer from the channel (blocked
 * bot, deleted conversation) marks the account so staff stop trying that route.
 */
export async function sendToCustomer(opts: {
  db: PrismaClient;
  messenger: CustomerMessenger;
  actor: StaffActor | null;
  kase: ActionCase;
  text: string;
  /** What kind of message this is, kept in the transcript meta (reply, info_request, decision…). */
  purpose: string;
  now: Date;
}): Promise<ActionResult<{ delivered: true }>> {
  const { db, kase, now } = opts;
  const account = kase.channelAccount;
  if (!account) {
    return err({ type: 'conflict', reason: 'no_chat', message: `${kase.reference} has no chat conversation to answer in.` });
  }
  let ref: unknown;
  try {
    ref = JSON.parse(account.conversationRef);
  } catch {
    ref = null;
  }
  const result = await opts.messenger.send(ref, [{ text: opts.text }]);
  if (!result.ok) {
    if (result.unreachable) {
      await db.channelAccount.update({ where: { id: account.id }, data: { reachable: false, unreachableReason: result.reason.slice(0, 200) } });
    }
    await recordEvent(db, {
      caseId: kase.id,
      type: 'delivery_failed',
      actor: opts.actor ? { type: 'staff', id: opts.actor.userId } : { type: 'system' },
      at: now,
      note: result.reason,
      data: { purpose: opts.purpose, unreachable: result.unreachable },
    });
    return err({
      type: 'delivery_failed',
      reason: result.unreachable ? 'customer_unreachable' : 'delivery_failed',
      message: result.unreachable
        ? 'The customer can no longer be reached in their chat; the message was not delivered.'
        : `The message could not be delivered (${result.reason}); try again later.`,
      unreachable: result.unreachable,
    });
  }
  await appendTranscript(db, [
    {
      conversationKey: account.conversationKey,
      caseId: kase.id,
      direction: 'out',
      author: 'staff',
      staffUserId: opts.actor?.userId ?? null,
      text: opts.text,
      meta: { purpose: opts.purpose },
      at: now,
    },
  ]);
  return ok({ delivered: true });
}
