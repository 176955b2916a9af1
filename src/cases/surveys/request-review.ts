import type { PrismaClient } from '@prisma/client';
import { addHours } from 'date-fns';
import type { ReviewReceipt } from '../../dialogs/deps.js';
import { recordEvent } from '../case-events.js';
import { addCivilDays, civilDateInZone, endOfDayInZone, nextDueAt, type ComplaintPolicy } from '../clocks/index.js';
import type { DomainEvents } from '../domain-events.js';
import { allocateReference } from '../reference.js';
import { DECIDED } from './answer-survey.js';
import { ESCALATION_LEVELS, ZSeverity, type TEscalationLevel } from '../taxonomy.js';

/** A review (核查) has its own window, counted like the regulatory one from the request. */
export const REVIEW_WINDOW_DAYS = 30;

const OPEN = ['new', 'acknowledged', 'in_progress', 'awaiting_customer', 'reopened'];

function nextLevel(level: string): TEscalationLevel {
  const i = ESCALATION_LEVELS.indexOf(level as TEscalationLevel);
  return ESCALATION_LEVELS[Math.min(Math.max(i, 0) + 1, ESCALATION_LEVELS.length - 1)]!;
}

/**
 * The customer disagrees with the decision and asks for a review: a new case linked to the
 * original (`parentCaseId`), one escalation level up (frontline → back office → leadership),
 * due 30 days from the request at the end of the day in the bank's zone. Asking again while a
 * review is open returns that review. Null when `reference` is not this customer's decided case,
 * or the case is open again (reopened): it is being worked, and a review would duplicate it.
 * `trigger: 'survey'`: opened for an unhappy survey answer on a closed case, which cannot be
 * reopened (src/cases/surveys/answer-survey.ts); the timeline says so.
 */
export async function requestReview(
  deps: { db: PrismaClient; events: DomainEvents; policy: ComplaintPolicy },
  opts: { reference: string; customerId: string; now: Date; trigger?: 'customer' | 'survey' },
): Promise<(ReviewReceipt & { caseId: string }) | null> {
  const { db, policy } = deps;
  const { now } = opts;
  const parent = await db.case.findFirst({
    where: { reference: opts.reference, customerId: opts.customerId, resolution: { not: null }, status: { in: [...DECIDED] } },
    include: { reviews: { where: { status: { in: OPEN } }, select: { id: true, reference: true, escalationLevel: true, regulatoryDueAt: true }, take: 1 } },
  });
  if (!parent) return null;
  const open = parent.reviews[0];
  if (open) return { caseId: open.id, reference: open.reference, escalationLevel: open.escalationLevel, regulatoryDueAt: open.regulatoryDueAt, alreadyExisted: true };

  const level = nextLevel(parent.escalationLevel);
  const severity = ZSeverity.catch('P3').parse(parent.severity);
  const regulatoryDueAt = endOfDayInZone(addCivilDays(civilDateInZone(now, policy.timeZone), REVIEW_WINDOW_DAYS), policy.timeZone);
  const firstResponseDueAt = addHours(now, policy.firstResponseHours[severity]);
  const review = await db.$transaction(async (tx) => {
    const reference = await allocateReference(tx, { now, timeZone: policy.timeZone });
    const created = await tx.case.create({
      data: {
        reference,
        receivedAt: now,
        createdAt: now,
        customerId: parent.customerId,
        channelAccountId: parent.channelAccountId,
        conversationKey: parent.conversationKey,
        intakeChannel: parent.intakeChannel,
        language: parent.language,
        escalationLevel: level,
        severity: parent.severity,
        business: parent.business,
        cause: parent.cause,
        channel: parent.channel,
        flags: parent.flags,
        amount: parent.amount,
        currency: parent.currency,
        occurredOn: parent.occurredOn,
        description: parent.description,
        desiredResolution: parent.desiredResolution,
        customerName: parent.customerName,
        customerPhone: parent.customerPhone,
        classification: parent.classification,
        classificationSource: parent.classificationSource,
        summary: `Review (核查) of ${parent.reference}`,
        firstResponseDueAt,
        regulatoryProfile: parent.regulatoryProfile,
        regulatoryDueAt,
        nextDueAt: nextDueAt({ firstResponseAt: null, firstResponseDueAt, regulatoryDueAt }),
        parentCaseId: parent.id,
      },
      select: { id: true, reference: true },
    });
    await recordEvent(tx, {
      caseId: created.id,
      type: 'created',
      actor: { type: 'customer' },
      at: now,
      note:
        opts.trigger === 'survey'
          ? `Review (核查) opened because the customer said in the follow-up survey that ${parent.reference}, already closed, was not put right.`
          : `Review (核查) requested by the customer after the decision on ${parent.reference}.`,
      data: { review: true, ...(opts.trigger === 'survey' ? { trigger: 'survey' } : {}), parentReference: parent.reference, escalationLevel: level, severity: parent.severity, business: parent.business, cause: parent.cause },
    });
    await recordEvent(tx, { caseId: parent.id, type: 'review_requested', actor: { type: 'customer' }, at: now, data: { reviewReference: created.reference, escalationLevel: level } });
    await tx.staffNotification.create({
      data: { type: 'review_requested', caseId: created.id, createdAt: now, message: `Review (核查) ${created.reference} of ${parent.reference} requested; ${level}, due ${civilDateInZone(regulatoryDueAt, policy.timeZone)}.` },
    });
    return created;
  });
  await deps.events.emit({
    type: 'case.created',
    caseId: review.id,
    reference: review.reference,
    severity,
    business: parent.business,
    cause: parent.cause,
    intakeChannel: parent.intakeChannel,
    at: now,
  });
  await deps.events.emit({ type: 'case.review_requested', caseId: parent.id, reference: parent.reference, reviewCaseId: review.id, reviewReference: review.reference, escalationLevel: level, at: now });
  return { caseId: review.id, reference: review.reference, escalationLevel: level, regulatoryDueAt, alreadyExisted: false };
}
