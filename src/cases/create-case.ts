import type { Prisma, PrismaClient } from '@prisma/client';
import type { Classifier } from './classification/types.js';
import { computeDeadlines, type ComplaintPolicy } from './clocks/index.js';
import { applyCustomerAnswers, type CustomerAnswers } from './customer-intake.js';
import { recordEvent } from './case-events.js';
import { allocateReference } from './reference.js';
import type { TSeverity } from './taxonomy.js';

/** How far back an earlier complaint about the same product makes this one a repeat. */
const REPEAT_WINDOW_DAYS = 90;

export interface CreateCaseInput {
  answers: CustomerAnswers;
  customerId: string;
  channelAccountId: string | null;
  conversationKey: string | null;
  intakeChannel: string;
  language: string;
  incomplete: boolean;
  humanRequested: boolean;
  now: Date;
}

export interface CreateCaseDeps {
  db: PrismaClient;
  classifier: Classifier;
  policy: ComplaintPolicy;
}

export interface CreatedCase {
  id: string;
  reference: string;
  severity: TSeverity;
  business: string;
  cause: string;
  flags: string[];
  firstResponseDueAt: Date;
  regulatoryDueAt: Date;
}

/**
 * Turns a finished (or abandoned) intake into a case: classifies and grades it, computes both
 * clocks, takes a reference, writes the case with its first timeline events, and attaches the
 * conversation's transcript and evidence so far — all in one transaction, so a customer is
 * never told a reference that does not exist.
 */
export async function createCase(input: CreateCaseInput, deps: CreateCaseDeps): Promise<CreatedCase> {
  const { answers, now } = input;
  const { db, classifier, policy } = deps;
  const ctx = { now, timeZone: policy.timeZone };
  let classification = applyCustomerAnswers(await classifier.classify(answers.description, ctx), answers);
  const since = new Date(now.getTime() - REPEAT_WINDOW_DAYS * 86_400_000);
  const earlier = await db.case.count({
    where: { customerId: input.customerId, business: classification.business, createdAt: { gte: since }, incomplete: false },
  });
  if (earlier > 0) {
    classification = applyCustomerAnswers(await classifier.classify(answers.description, { ...ctx, repeat: true }), answers);
  }
  const deadlines = computeDeadlines({ receivedAt: now, severity: classification.severity, business: classification.business, policy });

  return db.$transaction(async (tx: Prisma.TransactionClient) => {
    const reference = await allocateReference(tx, { now, timeZone: policy.timeZone });
    const created = await tx.case.create({
      data: {
        reference,
        receivedAt: now,
        createdAt: now,
        customerId: input.customerId,
        channelAccountId: input.channelAccountId,
        conversationKey: input.conversationKey,
        intakeChannel: input.intakeChannel,
        language: input.language,
        severity: classification.severity,
        business: classification.business,
        cause: classification.cause,
        channel: classification.channel,
        flags: JSON.stringify(classification.flags),
        amount: classification.amount?.value ?? null,
        currency: classification.amount?.currency ?? null,
        occurredOn: classification.occurredOn,
        description: answers.description,
        desiredResolution: answers.desiredResolution ?? null,
        customerName: answers.name ?? null,
        customerPhone: answers.phone ?? null,
        classification: JSON.stringify({
          reasons: classification.reasons,
          confidence: classification.confidence,
          cardTail: classification.cardTail,
          rulesOpinion: (classification as { rulesOpinion?: unknown }).rulesOpinion ?? null,
          llmOpinion: (classification as { llmOpinion?: unknown }).llmOpinion ?? null,
        }),
        classificationSource: classification.source,
        summary: classification.summary ?? null,
        incomplete: input.incomplete,
        humanRequested: input.humanRequested,
        firstResponseDueAt: deadlines.firstResponseDueAt,
        regulatoryProfile: deadlines.regulatoryProfile,
        regulatoryDueAt: deadlines.regulatoryDueAt,
      },
      select: { id: true, reference: true },
    });
    await recordEvent(tx, {
      caseId: created.id,
      type: 'created',
      actor: { type: 'customer' },
      at: now,
      data: {
        severity: classification.severity,
        business: classification.business,
        cause: classification.cause,
        channel: classification.channel,
        intakeChannel: input.intakeChannel,
        incomplete: input.incomplete,
        regulatoryTrack: deadlines.regulatoryTrack,
        source: classification.source,
      },
    });
    if (input.humanRequested) await recordEvent(tx, { caseId: created.id, type: 'human_requested', actor: { type: 'customer' }, at: now });
    if (answers.name || answers.phone) {
      await tx.customer.update({
        where: { id: input.customerId },
        data: { ...(answers.name ? { name: answers.name } : {}), ...(answers.phone ? { phone: answers.phone } : {}) },
      });
    }
    if (input.conversationKey) {
      await tx.transcriptMessage.updateMany({ where: { conversationKey: input.conversationKey, caseId: null }, data: { caseId: created.id } });
      await tx.evidence.updateMany({ where: { conversationKey: input.conversationKey, caseId: null }, data: { caseId: created.id } });
    }
    return {
      id: created.id,
      reference: created.reference,
      severity: classification.severity,
      business: classification.business,
      cause: classification.cause,
      flags: classification.flags,
      firstResponseDueAt: deadlines.firstResponseDueAt,
      regulatoryDueAt: deadlines.regulatoryDueAt,
    };
  });
}
