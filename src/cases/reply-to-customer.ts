import type { PrismaClient } from '@prisma/client';
import { t } from '../dialogs/i18n.js';
import type { Lang } from '../dialogs/types.js';
import { type ActionResult, type StaffActor, loadWorkableCase, staffActor } from './case-action.js';
import { recordEvent } from './case-events.js';
import type { DomainEvents } from './domain-events.js';
import type { CustomerMessenger } from './messenger.js';
import { refreshNextDue } from './refresh-next-due.js';
import { ok } from './result.js';
import { sendToCustomer } from './send-to-customer.js';

export const customerLang = (language: string): Lang => (language === 'en' ? 'en' : 'zh');

/**
 * A staff reply, delivered in the customer's own chat and kept in the transcript. The first
 * reply stops the first-response clock (`firstResponseAt`) and acknowledges a new case.
 */
export async function replyToCustomer(opts: {
  db: PrismaClient;
  messenger: CustomerMessenger;
  events: DomainEvents;
  actor: StaffActor;
  reference: string;
  text: string;
  now: Date;
}): Promise<ActionResult<{ firstResponse: boolean }>> {
  const { db, actor, now } = opts;
  const loaded = await loadWorkableCase(db, actor, opts.reference, { mustBeOpen: true });
  if (!loaded.ok) return loaded;
  const kase = loaded.value;

  const text = t(customerLang(kase.language), 'staff_reply', { reference: kase.reference, text: opts.text });
  const sent = await sendToCustomer({ db, messenger: opts.messenger, actor, kase, text, purpose: 'reply', now });
  if (!sent.ok) return sent;

  const firstResponse = kase.firstResponseAt === null;
  const acknowledge = kase.status === 'new';
  await db.$transaction(async (tx) => {
    await recordEvent(tx, { caseId: kase.id, type: 'reply_sent', actor: staffActor(actor), at: now, data: { firstResponse, chars: opts.text.length } });
    if (firstResponse || acknowledge) {
      await tx.case.update({
        where: { id: kase.id },
        data: { ...(firstResponse ? { firstResponseAt: now } : {}), ...(acknowledge ? { status: 'acknowledged', acknowledgedAt: now } : {}) },
      });
    }
    // Answered: the regulatory deadline is the one that matters next in the queue.
    if (firstResponse) await refreshNextDue(tx, kase.id);
    if (acknowledge) {
      await recordEvent(tx, { caseId: kase.id, type: 'status_changed', actor: staffActor(actor), at: now, note: 'first reply sent', data: { from: 'new', to: 'acknowledged' } });
    }
  });
  if (acknowledge) {
    await opts.events.emit({ type: 'case.status_changed', caseId: kase.id, reference: kase.reference, from: 'new', to: 'acknowledged', actorId: actor.userId, at: now });
  }
  return ok({ firstResponse });
}
