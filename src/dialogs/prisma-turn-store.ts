import type { Prisma, PrismaClient } from '@prisma/client';
import { recordEvent } from '../cases/case-events.js';
import { touchChannelAccount } from '../cases/customers.js';
import { appendTranscript } from '../cases/transcript.js';
import { createPrismaStateStore } from './state-store.js';
import type { TurnStore } from './turn-store.js';

/**
 * The turn's writes through Prisma, one query at a time (`close`'s in one transaction): works on
 * every database Prisma does (PostgreSQL with several instances, where a lease keeps turns of one
 * conversation apart).
 */
export function createPrismaTurnStore(db: PrismaClient): TurnStore {
  const states = createPrismaStateStore(db);

  async function markProcessed(key: string, now: Date) {
    try {
      await db.processedUpdate.create({ data: { key, createdAt: now } });
    } catch (e) {
      if ((e as { code?: string }).code !== 'P2002') throw e;
    }
  }

  async function caseIdOf(tx: Prisma.TransactionClient, reference: string | undefined): Promise<string | null> {
    if (!reference) return null;
    const row = await tx.case.findUnique({ where: { reference }, select: { id: true } });
    return row?.id ?? null;
  }

  return {
    async open({ dedupeKey, identity, inbound, attachments, answers = true, relay = true, replay = false, now }) {
      if (dedupeKey && (await db.processedUpdate.findUnique({ where: { key: dedupeKey } }))) {
        // The replies were committed with the mark (close's transaction): found when it is.
        const updateId = inbound.channelMessageId;
        if (!replay || !updateId) return { kind: 'duplicate' };
        const replies = await db.transcriptMessage.findMany({
          where: { conversationKey: identity.conversationKey, channelMessageId: updateId, direction: 'out', author: 'bot' },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          select: { text: true, meta: true, createdAt: true },
        });
        return { kind: 'duplicate', replies };
      }
      const touched = await touchChannelAccount(db, identity);
      // Not relayed (a survey button): the turn runs as if nobody held the conversation.
      const account = relay ? touched : { ...touched, handoffCaseId: null };
      const key = identity.conversationKey;
      await appendTranscript(db, [{ ...inbound, caseId: account.handoffCaseId }]);
      if (attachments.length) {
        await db.evidence.createMany({
          data: attachments.map((a) => ({
            conversationKey: key,
            caseId: account.handoffCaseId,
            kind: a.kind,
            fileId: a.fileId,
            fileName: a.fileName ?? null,
            mimeType: a.mimeType ?? null,
            size: a.size ?? null,
            caption: a.caption ?? null,
            createdAt: now,
          })),
        });
      }
      if (account.handoffCaseId) {
        await recordEvent(db, { caseId: account.handoffCaseId, type: 'customer_message', actor: { type: 'customer' }, at: now });
        // The customer answered a staff question: the case is worked again (as addCustomerInformation does).
        const resumed = answers ? await db.case.updateMany({ where: { id: account.handoffCaseId, status: 'awaiting_customer' }, data: { status: 'in_progress' } }) : { count: 0 };
        if (resumed.count === 1) {
          await recordEvent(db, { caseId: account.handoffCaseId, type: 'status_changed', actor: { type: 'customer' }, at: now, note: 'customer answered', data: { from: 'awaiting_customer', to: 'in_progress' } });
        }
        if (dedupeKey) await markProcessed(dedupeKey, now);
        return { kind: 'relayed', account };
      }
      return { kind: 'dialog', account, state: await states.load(key) };
    },

    async close({ conversationKey, dedupeKey, state, attachOrphanEvidenceTo, replies, page, now }) {
      // One transaction: the update is marked handled only with its state, replies and page copy
      // (TurnClosing.page), so a retried message finds them all or runs again.
      return db.$transaction(async (tx) => {
        const saved = state ? await createPrismaStateStore(tx).save(conversationKey, state.json, state.expectedVersion) : true;
        // An upsert, not a create whose unique violation is caught: on PostgreSQL that error
        // would abort the whole transaction.
        if (dedupeKey) await tx.processedUpdate.upsert({ where: { key: dedupeKey }, create: { key: dedupeKey, createdAt: now }, update: {} });
        const evidenceCase = await caseIdOf(tx, attachOrphanEvidenceTo);
        if (evidenceCase) await tx.evidence.updateMany({ where: { conversationKey, caseId: null }, data: { caseId: evidenceCase } });
        await appendTranscript(tx, replies);
        // One create per message: autoincrement keeps their order (as appendWebChatMessages does).
        if (page) {
          for (const [i, payload] of page.payloads.entries()) {
            await tx.webChatMessage.create({ data: { sessionId: page.sessionId, payload, inReplyTo: page.inReplyTo, createdAt: new Date(now.getTime() + i) }, select: { seq: true } });
          }
        }
        return { saved };
      });
    },
  };
}
