import type { PrismaClient } from '@prisma/client';
import { CLOCK_NOTICE_TEXTS, extendRegulatoryDeadline, formatStaffTime, type ComplaintPolicy } from './clocks/index.js';
import { type ActionResult, type StaffActor, interpolate, loadWorkableCase, staffActor } from './case-action.js';
import { recordEvent } from './case-events.js';
import type { CustomerMessenger } from './messenger.js';
import { customerLang } from './reply-to-customer.js';
import { refreshNextDue } from './refresh-next-due.js';
import { err, ok } from './result.js';
import { sendToCustomer } from './send-to-customer.js';
import type { TBusiness } from './taxonomy.js';

/** The customer notice for an extension, in their language, from the clocks module's texts. */
export function extensionNoticeText(key: string, params: Record<string, string | number | undefined>, lang: 'zh' | 'en'): string {
  const texts = (CLOCK_NOTICE_TEXTS as Record<string, { zh: string; en: string }>)[key] ?? CLOCK_NOTICE_TEXTS['clocks.notice.extension'];
  return interpolate(texts[lang], params);
}

/**
 * Extends the regulatory deadline by the policy's next step. The approving staff member is the
 * actor: `extendRegulatoryDeadline` refuses an agent (and, for cn's second extension, anyone
 * below admin). The customer must be told (DESIGN.md "Clocks"), so the notice is delivered
 * first and the deadline moves only once it reached them. A review (核查) is not extended: its
 * 30 days from the request (REVIEW_WINDOW_DAYS) are its whole window, the date the customer was
 * given. The policy's next step counts from receipt; where that would not move the deadline
 * nothing is extended and the customer is sent no notice.
 */
export async function extendCaseDeadline(opts: {
  db: PrismaClient;
  messenger: CustomerMessenger;
  policy: ComplaintPolicy;
  actor: StaffActor;
  reference: string;
  reason: string;
  now: Date;
}): Promise<ActionResult<{ dueAt: Date; previousDueAt: Date; extensionCount: number; notice: string }>> {
  const { db, actor, now } = opts;
  const loaded = await loadWorkableCase(db, actor, opts.reference, { mustBeOpen: true });
  if (!loaded.ok) return loaded;
  const kase = loaded.value;
  const reason = opts.reason.trim();
  if (!reason) return err({ type: 'invalid', reason: 'reason_required', message: 'An extension needs a reason; the customer is told it.' });
  if (kase.parentCaseId) {
    return err({ type: 'conflict', reason: 'review_not_extendable', message: `${kase.reference} is a review (核查): it is answered within 30 days of the request, without extension.` });
  }

  const ext = extendRegulatoryDeadline({
    receivedAt: kase.receivedAt,
    business: kase.business as TBusiness,
    policy: opts.policy,
    extensionCount: kase.extensionCount,
    approvedByRole: actor.role,
    reason,
    now,
  });
  if (!ext.ok) {
    const e = ext.error;
    if (e.type === 'limit_reached') return err({ type: 'conflict', reason: 'limit_reached', message: `No further extension is allowed (at most ${e.maxExtensions}).` });
    if (e.reason === 'deadline_passed') return err({ type: 'conflict', reason: 'deadline_passed', message: 'The regulatory deadline has already passed; it can no longer be extended.' });
    return err({ type: 'forbidden', reason: 'approval_required', message: `This extension needs the approval of ${e.requiredRole === 'admin' ? 'an admin' : `a ${e.requiredRole}`}.` });
  }
  const x = ext.value;
  if (x.dueAt <= kase.regulatoryDueAt) {
    return err({ type: 'conflict', reason: 'not_later', message: `${kase.reference} is already due ${formatStaffTime(kase.regulatoryDueAt, opts.policy.timeZone)}; the policy's next extension would not move that.` });
  }
  const notice = extensionNoticeText(x.notice.key, { ...x.notice.params, reference: kase.reference }, customerLang(kase.language));
  if (kase.channelAccount) {
    const sent = await sendToCustomer({ db, messenger: opts.messenger, actor, kase, text: notice, purpose: 'extension_notice', now });
    if (!sent.ok) return sent;
  }
  await db.$transaction(async (tx) => {
    await tx.case.update({ where: { id: kase.id }, data: { regulatoryDueAt: x.dueAt, extensionCount: x.extensionCount } });
    await refreshNextDue(tx, kase.id);
    await recordEvent(tx, {
      caseId: kase.id,
      type: 'deadline_extended',
      actor: staffActor(actor),
      at: now,
      note: reason,
      data: {
        from: kase.regulatoryDueAt.toISOString(),
        to: x.dueAt.toISOString(),
        step: x.stepId,
        extensionCount: x.extensionCount,
        approvedBy: actor.userId,
        approverRole: actor.role,
        noticeKey: x.notice.key,
        noticeDelivered: kase.channelAccount !== null,
      },
    });
  });
  return ok({ dueAt: x.dueAt, previousDueAt: kase.regulatoryDueAt, extensionCount: x.extensionCount, notice });
}
