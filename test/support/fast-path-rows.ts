import type { Db } from '../../src/db/client.js';

/** A row without the given columns. */
export const strip = <T extends Record<string, unknown>>(row: T, ...keys: string[]) => Object.fromEntries(Object.entries(row).filter(([k]) => !keys.includes(k)));

/**
 * The rows one conversation and its case left behind, as Prisma reads them, without what differs
 * by construction between two runs (ids, keys, wall-clock timestamps): the fast-path parity tests
 * (SQLite and PostgreSQL) compare this for the fast path and the Prisma path.
 */
export async function rowsOf(db: Db, key: string, caseId: string, customerId: string) {
  const c = await db.case.findUniqueOrThrow({ where: { id: caseId } });
  return {
    // updatedAt is the wall clock on both paths (Prisma's @updatedAt), so it is only checked to be recent.
    case: { ...strip(c, 'id', 'reference', 'customerId', 'channelAccountId', 'conversationKey', 'updatedAt'), amount: c.amount?.toString(), updatedRecently: Date.now() - c.updatedAt.getTime() < 60_000 },
    events: (await db.caseEvent.findMany({ where: { caseId }, orderBy: { type: 'asc' } })).map((e) => strip(e, 'id', 'caseId')),
    transcript: (await db.transcriptMessage.findMany({ where: { conversationKey: key }, orderBy: [{ createdAt: 'asc' }, { text: 'asc' }] })).map((m) => ({ ...strip(m, 'id', 'conversationKey', 'channelMessageId'), caseId: m.caseId === caseId })),
    evidence: (await db.evidence.findMany({ where: { conversationKey: key }, orderBy: { kind: 'asc' } })).map((e) => ({ ...strip(e, 'id', 'conversationKey', 'fileId'), caseId: e.caseId === caseId })),
    customer: strip(await db.customer.findUniqueOrThrow({ where: { id: customerId } }), 'id', 'createdAt', 'updatedAt'),
    account: strip(await db.channelAccount.findUniqueOrThrow({ where: { conversationKey: key } }), 'id', 'customerId', 'createdAt', 'updatedAt', 'externalUserId', 'conversationKey', 'conversationRef'),
    state: strip(await db.dialogState.findUniqueOrThrow({ where: { conversationKey: key } }), 'conversationKey', 'updatedAt'),
    // The web chat page's copy of the conversation (sessionId: the key, in these tests), in order.
    page: (await db.webChatMessage.findMany({ where: { sessionId: key }, orderBy: { seq: 'asc' } })).map((m) => strip(m, 'seq', 'sessionId')),
  };
}
