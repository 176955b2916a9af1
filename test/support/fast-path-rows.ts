import { expect } from 'vitest';
import type { Classifier } from '../../src/cases/classification/types.js';
import type { ComplaintPolicy } from '../../src/cases/clocks/index.js';
import { createCase, type CaseWriter } from '../../src/cases/create-case.js';
import type { Db } from '../../src/db/client.js';
import type { TurnStore } from '../../src/dialogs/turn-store.js';

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

/**
 * One case per message, on one turn store and case writer: the same message again (its turn's
 * commit failed after filing) gets the case it filed, as filed then; another message a new one.
 * Shared by the SQLite and PostgreSQL fast-path tests.
 */
export async function expectOneCasePerMessage(
  db: Db,
  { name, store, cases, classifier, policy }: { name: string; store: TurnStore; cases: CaseWriter; classifier: Classifier; policy: ComplaintPolicy },
  { key, identity, inbound }: { key: string; identity: Parameters<TurnStore['open']>[0]['identity']; inbound: Parameters<TurnStore['open']>[0]['inbound'] },
  now: Date,
) {
  const opened = await store.open({ dedupeKey: `test:once-${name}-1`, identity, inbound, attachments: [], now });
  if (opened.kind !== 'dialog') throw new Error('expected the dialog');
  await store.close({ conversationKey: key, dedupeKey: `test:once-${name}-1`, ...(opened.inboundPending ? { inbound: { entry: inbound, attachments: [] } } : {}), replies: [], now });
  const file = (dedupeKey: string, at: Date) =>
    createCase(
      {
        answers: { description: 'Someone took 5000 yuan from my card', amount: 5000, currency: 'CNY', name: 'Li Lei', phone: '13800000000' },
        customerId: opened.account.customerId,
        channelAccountId: opened.account.accountId,
        conversationKey: key,
        intakeChannel: 'test',
        language: 'en',
        incomplete: false,
        humanRequested: false,
        dedupeKey,
        now: at,
      },
      { db, classifier, policy, writer: cases },
    );
  const first = await file(`test:once-${name}-2`, now);
  // Its turn failed to commit; the same message comes again an hour later, and its `open`
  // stores it (the customer has a case now) before the dialog files again.
  const later = new Date(now.getTime() + 3_600_000);
  const retry = await store.open({ dedupeKey: `test:once-${name}-2`, identity: { ...identity, now: later }, inbound: { ...inbound, text: 'confirm', at: later }, attachments: [{ kind: 'photo', fileId: `once-${name}` }], now: later });
  if (retry.kind !== 'dialog' || retry.inboundPending) throw new Error('expected the message stored at once');
  const counter = await db.referenceCounter.findUniqueOrThrow({ where: { day: '20261127' } });
  const again = await file(`test:once-${name}-2`, later);
  // The grade and clocks told are the case's, not this later attempt's.
  expect(again).toEqual({ ...first, filedBefore: true });
  expect(await db.referenceCounter.findUniqueOrThrow({ where: { day: '20261127' } })).toEqual(counter);
  expect(await db.case.count({ where: { conversationKey: key } })).toBe(1);
  expect(await db.caseEvent.count({ where: { caseId: first.id } })).toBe(1);
  expect(await db.transcriptMessage.count({ where: { conversationKey: key, NOT: { caseId: first.id } } })).toBe(0);
  expect(await db.evidence.findFirstOrThrow({ where: { fileId: `once-${name}` } })).toMatchObject({ caseId: first.id });
  const other = await file(`test:once-${name}-3`, later);
  expect(other.reference).not.toBe(first.reference);
  expect(await db.case.count({ where: { conversationKey: key } })).toBe(2);
}
