import type { PrismaClient } from '@prisma/client';
import { OPEN_STATUSES } from './case-action.js';
import { recordEvent } from './case-events.js';
import type { DomainEvents } from './domain-events.js';

/** `C-20261127-0042` at the start of a message, with an optional separator after it. */
const LEADING_REFERENCE = /^\s*(C-\d{8}-\d{4,})\s*[:：,，.。-]?\s*/i;

export interface CustomerInformation {
  customerId: string;
  channelAccountId: string;
  conversationKey: string;
  text?: string;
  attachmentCount: number;
  /** The case this conversation filed last (dialog state), for files sent on their own. */
  lastCaseRef?: string;
  /**
   * Set while the customer is in the middle of a new complaint: the time of the intake's last
   * question. Only an answer to a staff question asked after it is for a case (the newest thing
   * the customer was asked); anything else, a reference or files included, belongs to the intake.
   */
  askedAfter?: Date;
  /**
   * Set when the text reads as the answer to a survey question, asked then: only a staff question
   * asked after it takes the text (the newest question wins); otherwise the survey does.
   */
  surveyAskedAt?: Date;
  now: Date;
}

/**
 * Decides whether a customer's message adds to one of their open cases instead of starting a
 * new complaint, and if so files it there: the message already in the transcript (and any files
 * already stored as evidence) get the case id, the timeline gets `customer_message`, and a case
 * that was `awaiting_customer` goes back to `in_progress`. A message lands on a case when
 *   - it starts with the reference of an open case of this customer, or
 *   - a case of this conversation is `awaiting_customer` (staff asked a question), or
 *   - it is only files, and the case this conversation filed last is still open.
 * In the middle of a new complaint (`askedAfter`) only the second applies, and only to a question
 * asked after the intake's last one. Text that answers a survey question (`surveyAskedAt`) takes
 * the second only for a staff question asked after the survey's.
 * Returns the case (id, reference, language), or null when the message is not for a case.
 */
export async function addCustomerInformation(deps: { db: PrismaClient; events?: DomainEvents }, m: CustomerInformation): Promise<{ caseId: string; reference: string; language: string } | null> {
  const { db } = deps;
  const open = { in: [...OPEN_STATUSES] };
  const select = { id: true, reference: true, status: true, language: true } as const;
  const between = m.askedAfter === undefined;
  const named = between && m.text ? LEADING_REFERENCE.exec(m.text)?.[1]?.toUpperCase() : undefined;
  const since = [m.askedAfter, m.surveyAskedAt].filter((d): d is Date => d !== undefined).reduce<Date | undefined>((a, b) => (a && a > b ? a : b), undefined);
  const askedSince = since ? { events: { some: { type: 'info_requested', createdAt: { gt: since } } } } : {};
  const target =
    (named ? await db.case.findFirst({ where: { reference: named, customerId: m.customerId, status: open }, select }) : null) ??
    (await db.case.findFirst({ where: { channelAccountId: m.channelAccountId, status: 'awaiting_customer', ...askedSince }, orderBy: { updatedAt: 'desc' }, select })) ??
    (between && !m.text?.trim() && m.attachmentCount > 0 && m.lastCaseRef
      ? await db.case.findFirst({ where: { reference: m.lastCaseRef, customerId: m.customerId, status: open }, select })
      : null);
  if (!target) return null;

  const resumes = target.status === 'awaiting_customer';
  await db.$transaction(async (tx) => {
    // This turn's message and files were stored before routing; they belong to the case now.
    await tx.transcriptMessage.updateMany({ where: { conversationKey: m.conversationKey, caseId: null, direction: 'in', createdAt: m.now }, data: { caseId: target.id } });
    if (m.attachmentCount) await tx.evidence.updateMany({ where: { conversationKey: m.conversationKey, caseId: null, createdAt: m.now }, data: { caseId: target.id } });
    await recordEvent(tx, {
      caseId: target.id,
      type: 'customer_message',
      actor: { type: 'customer' },
      at: m.now,
      data: { attachments: m.attachmentCount, via: named ? 'reference' : resumes ? 'awaiting_customer' : 'files' },
    });
    if (resumes) {
      await tx.case.update({ where: { id: target.id }, data: { status: 'in_progress' } });
      await recordEvent(tx, { caseId: target.id, type: 'status_changed', actor: { type: 'customer' }, at: m.now, note: 'customer answered', data: { from: 'awaiting_customer', to: 'in_progress' } });
    }
  });
  if (resumes) {
    await deps.events?.emit({ type: 'case.status_changed', caseId: target.id, reference: target.reference, from: 'awaiting_customer', to: 'in_progress', actorId: null, at: m.now });
  }
  return { caseId: target.id, reference: target.reference, language: target.language };
}
