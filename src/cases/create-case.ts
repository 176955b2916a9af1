import type { Prisma, PrismaClient } from '@prisma/client';
import { z } from 'zod';
import type { Classifier } from './classification/types.js';
import { computeDeadlines, nextDueAt, type ComplaintPolicy } from './clocks/index.js';
import { applyCustomerAnswers, type CustomerAnswers } from './customer-intake.js';
import { recordEvent } from './case-events.js';
import { allocateReference } from './reference.js';
import { ZSeverity, type TSeverity } from './taxonomy.js';

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
  /**
   * The customer's message filing the case (the turn's dedupe key, TurnOpening.dedupeKey). Filing
   * again with the same key returns the case already filed instead of a second one: the message
   * retried after its turn failed to commit (a database error, a crash) files one case.
   */
  dedupeKey?: string | null;
  now: Date;
}

export interface CreateCaseDeps {
  db: PrismaClient;
  classifier: Classifier;
  policy: ComplaintPolicy;
  /** Where the case is written; Prisma's when not given. */
  writer?: CaseWriter;
}

/** A timeline event written with a new case (actor: the customer, at the case's time). */
export interface NewCaseEvent {
  type: string;
  data?: Record<string, unknown>;
}

/** Everything a new case writes, in one transaction with its reference. */
export interface NewCaseRecord {
  now: Date;
  /** The bank's time zone: the reference's day. */
  timeZone: string;
  /** The case's columns, all but `id` and `reference`. */
  data: Omit<Prisma.CaseUncheckedCreateInput, 'id' | 'reference' | 'amount'> & { amount: number | null };
  events: NewCaseEvent[];
  /** Name and phone the customer gave, kept on the customer too. */
  customerUpdate: { customerId: string; name?: string; phone?: string } | null;
  /** The conversation's transcript and evidence so far are attached to the case. */
  conversationKey: string | null;
}

/** What the customer was told of a case already filed by the same message, as stored. */
export interface FiledCase {
  severity: string;
  business: string;
  cause: string;
  /** JSON array of flag ids, as the column holds them. */
  flags: string;
  firstResponseDueAt: Date;
  regulatoryDueAt: Date;
}

/** The case `insert` wrote, or (`existing`) the one `data.dedupeKey` had already filed. */
export interface WrittenCase {
  id: string;
  reference: string;
  existing?: FiledCase;
}

/** Writes new cases: a port so the embedded database can take a faster path than Prisma. */
export interface CaseWriter {
  /** Complete cases of the customer about `business` since `since` (the repeat rule). */
  countRecent(q: { customerId: string; business: string; since: Date }): Promise<number>;
  /**
   * Takes the next reference and writes the case, its events, customer and attachments; or, when
   * a case with the record's `data.dedupeKey` exists, writes none of that (no reference taken, no
   * second `created` event), attaches the conversation's transcript and evidence not yet on a case
   * to that case, and returns it with `existing`. One transaction either way.
   */
  insert(rec: NewCaseRecord): Promise<WrittenCase>;
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
  /**
   * The message filed it before (`dedupeKey`): a retry of a turn that did not commit. Its
   * announcement may have been made by the sweep meanwhile (src/cases/announce-missed-cases.ts).
   */
  filedBefore?: boolean;
}

/**
 * Turns a finished (or abandoned) intake into a case: classifies and grades it, computes both
 * clocks, takes a reference, writes the case with its first timeline events, and attaches the
 * conversation's transcript and evidence so far — all in one transaction, so a customer is
 * never told a reference that does not exist. Idempotent per `dedupeKey`: the same message
 * filing again gets the case it filed, with the grade and clocks stored then.
 */
export async function createCase(input: CreateCaseInput, deps: CreateCaseDeps): Promise<CreatedCase> {
  const { answers, now } = input;
  const { classifier, policy } = deps;
  const writer = deps.writer ?? createPrismaCaseWriter(deps.db);
  const ctx = { now, timeZone: policy.timeZone };
  let classification = applyCustomerAnswers(await classifier.classify(answers.description, ctx), answers);
  const since = new Date(now.getTime() - REPEAT_WINDOW_DAYS * 86_400_000);
  const earlier = await writer.countRecent({ customerId: input.customerId, business: classification.business, since });
  if (earlier > 0) {
    classification = applyCustomerAnswers(await classifier.classify(answers.description, { ...ctx, repeat: true }), answers);
  }
  const deadlines = computeDeadlines({ receivedAt: now, severity: classification.severity, business: classification.business, policy });

  const events: NewCaseEvent[] = [
    {
      type: 'created',
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
    },
  ];
  if (input.humanRequested) events.push({ type: 'human_requested' });
  const created = await writer.insert({
    now,
    timeZone: policy.timeZone,
    conversationKey: input.conversationKey,
    customerUpdate: answers.name || answers.phone ? { customerId: input.customerId, name: answers.name, phone: answers.phone } : null,
    events,
    data: {
      receivedAt: now,
      createdAt: now,
      customerId: input.customerId,
      channelAccountId: input.channelAccountId,
      conversationKey: input.conversationKey,
      dedupeKey: input.dedupeKey ?? null,
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
      nextDueAt: nextDueAt({ firstResponseAt: null, ...deadlines }),
    },
  });
  // Filed before by this message: the customer is told what was filed then (this attempt's
  // clocks start later, and its grade may differ: the repeat rule now counts that very case).
  if (created.existing) {
    const filed = created.existing;
    return {
      id: created.id,
      reference: created.reference,
      severity: ZSeverity.parse(filed.severity),
      business: filed.business,
      cause: filed.cause,
      flags: z.array(z.string()).parse(JSON.parse(filed.flags)),
      firstResponseDueAt: filed.firstResponseDueAt,
      regulatoryDueAt: filed.regulatoryDueAt,
      filedBefore: true,
    };
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
}

/**
 * The case row and its first timeline events, written through Prisma in one transaction (works
 * on every database; the embedded SQLite default uses src/db/sqlite-case-writer.ts).
 */
export function createPrismaCaseWriter(db: PrismaClient): CaseWriter {
  return {
    countRecent: ({ customerId, business, since }) => db.case.count({ where: { customerId, business, createdAt: { gte: since }, incomplete: false } }),
    insert: (rec) =>
      db.$transaction(async (tx: Prisma.TransactionClient): Promise<WrittenCase> => {
        const key = rec.data.dedupeKey;
        const existing = key ? await tx.case.findUnique({ where: { dedupeKey: key }, select: FILED_CASE }) : null;
        if (existing) {
          const { id, reference, ...filed } = existing;
          if (rec.conversationKey) await attachConversation(tx, rec.conversationKey, id);
          return { id, reference, existing: filed };
        }
        const reference = await allocateReference(tx, { now: rec.now, timeZone: rec.timeZone });
        const created = await tx.case.create({ data: { reference, ...rec.data }, select: { id: true, reference: true } });
        for (const e of rec.events) await recordEvent(tx, { caseId: created.id, type: e.type, actor: { type: 'customer' }, at: rec.now, ...(e.data ? { data: e.data } : {}) });
        if (rec.customerUpdate) {
          const { customerId, name, phone } = rec.customerUpdate;
          await tx.customer.update({ where: { id: customerId }, data: { ...(name ? { name } : {}), ...(phone ? { phone } : {}) } });
        }
        if (rec.conversationKey) await attachConversation(tx, rec.conversationKey, created.id);
        return created;
      }),
  };
}

const FILED_CASE = {
  id: true,
  reference: true,
  severity: true,
  business: true,
  cause: true,
  flags: true,
  firstResponseDueAt: true,
  regulatoryDueAt: true,
} satisfies Prisma.CaseSelect;

/** The conversation's transcript and evidence not yet on a case join the case it filed. */
async function attachConversation(tx: Prisma.TransactionClient, conversationKey: string, caseId: string): Promise<void> {
  await tx.transcriptMessage.updateMany({ where: { conversationKey, caseId: null }, data: { caseId } });
  await tx.evidence.updateMany({ where: { conversationKey, caseId: null }, data: { caseId } });
}
