import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuleClassifier } from '../../src/cases/classification/rules.js';
import { loadPolicy } from '../../src/cases/clocks/index.js';
import { createCase, createPrismaCaseWriter, type CaseWriter } from '../../src/cases/create-case.js';
import type { Db } from '../../src/db/client.js';
import { createSqliteCaseWriter } from '../../src/db/sqlite-case-writer.js';
import { createSqliteTurnStore } from '../../src/db/sqlite-turn-store.js';
import { openSqliteWriter, type SqliteWriter } from '../../src/db/sqlite-writer.js';
import { createPrismaTurnStore } from '../../src/dialogs/prisma-turn-store.js';
import type { TurnStore } from '../../src/dialogs/turn-store.js';
import { onPostgres, openTestDatabase } from '../support/db.js';
import { expectOneCasePerMessage, rowsOf } from '../support/fast-path-rows.js';

// The embedded database's fast path (src/db/sqlite-*.ts) must write exactly the rows the Prisma
// path writes: every other module reads them through Prisma. Each scenario runs through both and
// the rows are compared as Prisma reads them back.

let db: Db;
let writer: SqliteWriter;
const policy = loadPolicy('cn', { timeZone: 'Asia/Shanghai' });
const classifier = createRuleClassifier();
const now = new Date('2026-11-27T03:00:00Z');

beforeAll(async () => {
  if (onPostgres) return;
  const opened = await openTestDatabase('cd-fast-');
  db = opened.db;
  writer = openSqliteWriter(opened.file);
});
afterAll(async () => {
  await writer?.close();
  await db?.$disconnect();
});

const paths = () =>
  [
    ['prisma', createPrismaTurnStore(db), createPrismaCaseWriter(db)],
    ['sqlite', createSqliteTurnStore(writer), createSqliteCaseWriter(writer)],
  ] as const satisfies readonly (readonly [string, TurnStore, CaseWriter])[];

function conversationOf(tag: string) {
  const key = `test:${tag}`;
  return {
    key,
    identity: { intakeChannel: 'test', externalUserId: `user-${tag}`, conversationKey: key, conversationRef: { chat: tag }, now },
    inbound: { conversationKey: key, direction: 'in' as const, author: 'customer' as const, text: 'Someone took 5000 yuan from my card', meta: {}, channelMessageId: `${tag}-1`, at: now },
  };
}

async function intake(store: TurnStore, cases: CaseWriter, tag: string) {
  const key = `test:${tag}`;
  const identity = { intakeChannel: 'test', externalUserId: `user-${tag}`, conversationKey: key, conversationRef: { chat: tag }, now };
  const inbound = { conversationKey: key, direction: 'in' as const, author: 'customer' as const, text: 'Someone took 5000 yuan from my card', meta: {}, channelMessageId: `${tag}-1`, at: now };
  const attachments = [{ kind: 'photo', fileId: `f-${tag}`, size: 10 }];
  const opened = await store.open({ dedupeKey: `test:${tag}-1`, identity, inbound, attachments, now });
  expect(opened.kind).toBe('dialog');
  if (opened.kind !== 'dialog') throw new Error('unreachable');
  expect(opened.state).toEqual({ json: null, version: 0 });
  const closed = await store.close({
    conversationKey: key,
    dedupeKey: `test:${tag}-1`,
    // As the turn runner does: a message `open` left pending is stored by `close`.
    ...(opened.inboundPending ? { inbound: { entry: inbound, attachments } } : {}),
    state: { json: '{"step":1}', expectedVersion: 0 },
    replies: [
      { conversationKey: key, direction: 'out', author: 'bot', text: 'first reply', meta: { buttons: ['Yes'] }, at: now },
      { conversationKey: key, direction: 'out', author: 'bot', text: 'second reply', meta: {}, at: now },
    ],
    // The web chat page's copy, written with the turn (TurnClosing.page).
    page: { sessionId: key, inReplyTo: 'msg-1', payloads: ['{"from":"customer","text":"Someone took 5000 yuan from my card"}', '{"text":"first reply"}', '{"text":"second reply"}'] },
    now,
  });
  expect(closed.saved).toBe(true);
  const again = await store.open({ dedupeKey: `test:${tag}-1`, identity, inbound, attachments: [], now });
  expect(again.kind).toBe('duplicate');
  const secondInbound = { ...inbound, text: 'yesterday', at: new Date(now.getTime() + 1000) };
  const second = await store.open({ dedupeKey: `test:${tag}-2`, identity: { ...identity, now: new Date(now.getTime() + 1000) }, inbound: secondInbound, attachments: [], now: new Date(now.getTime() + 1000) });
  if (second.kind !== 'dialog') throw new Error('expected the dialog');
  expect(second.state).toEqual({ json: '{"step":1}', version: 1 });
  // A stale version is refused (another instance's turn saved first).
  expect((await store.close({ conversationKey: key, dedupeKey: null, state: { json: '{}', expectedVersion: 0 }, replies: [], now })).saved).toBe(false);
  const created = await createCase(
    {
      answers: { description: 'Someone took 5000 yuan from my card', amount: 5000, currency: 'CNY', name: 'Li Lei', phone: '13800000000' },
      customerId: second.account.customerId,
      channelAccountId: second.account.accountId,
      conversationKey: key,
      intakeChannel: 'test',
      language: 'en',
      incomplete: false,
      humanRequested: true,
      now,
    },
    { db, classifier, policy, writer: cases },
  );
  // The turn that filed the case closes: its message, if still pending, joins the case.
  const filed = await store.close({
    conversationKey: key,
    dedupeKey: `test:${tag}-2`,
    ...(second.inboundPending ? { inbound: { entry: { ...secondInbound, caseId: created.id }, attachments: [] } } : {}),
    state: { json: '{"step":2}', expectedVersion: 1 },
    replies: [],
    now,
  });
  expect(filed.saved).toBe(true);
  return { key, account: second.account, created };
}

describe.skipIf(onPostgres)('the SQLite fast path', () => {
  it('writes the same rows as the Prisma path for a whole intake', async () => {
    const [[, pStore, pCases], [, sStore, sCases]] = paths();
    const viaPrisma = await intake(pStore, pCases, 'prisma');
    const viaSqlite = await intake(sStore, sCases, 'sqlite');
    expect(viaSqlite.created).toMatchObject({ ...viaPrisma.created, id: expect.any(String), reference: expect.stringMatching(/^C-20261127-\d{4}$/) });
    const p = await rowsOf(db, viaPrisma.key, viaPrisma.created.id, viaPrisma.account.customerId);
    const s = await rowsOf(db, viaSqlite.key, viaSqlite.created.id, viaSqlite.account.customerId);
    expect(s).toEqual(p);
    expect(s.case.amount).toBe('5000');
    expect(s.transcript.map((m) => (m as { text?: unknown }).text)).toEqual(['Someone took 5000 yuan from my card', 'first reply', 'second reply', 'yesterday']);
    expect(s.transcript.every((m) => m.caseId)).toBe(true);
    expect(s.page.map((m) => m.payload)).toEqual(['{"from":"customer","text":"Someone took 5000 yuan from my card"}', '{"text":"first reply"}', '{"text":"second reply"}']);
  });

  it('files one case per message: the same message again gets the case it filed, as filed then, another message a new one', async () => {
    for (const [name, store, cases] of paths()) {
      await expectOneCasePerMessage(db, { name, store, cases, classifier, policy }, conversationOf(`once-${name}`), now);
    }
  });

  it('shares one reference counter with Prisma: concurrent cases from both paths never collide', async () => {
    const [[, pStore, pCases], [, sStore, sCases]] = paths();
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? intake(pStore, pCases, `mix-p-${i}`) : intake(sStore, sCases, `mix-s-${i}`))));
    const refs = runs.map((r) => r.created.reference);
    expect(new Set(refs).size).toBe(refs.length);
  });

  it('waits for a Prisma transaction holding the write lock instead of failing or blocking it', async () => {
    const [, [, sStore]] = paths();
    let fastDone = false;
    const held = db.$transaction(async (tx) => {
      await tx.processedUpdate.create({ data: { key: 'held-by-prisma', createdAt: now } });
      await new Promise((r) => setTimeout(r, 150));
      // The fast write could not commit while this transaction held the lock.
      expect(fastDone).toBe(false);
    });
    await new Promise((r) => setTimeout(r, 20));
    const identity = { intakeChannel: 'test', externalUserId: 'user-wait', conversationKey: 'test:wait', conversationRef: {}, now };
    const inbound = { conversationKey: 'test:wait', direction: 'in' as const, author: 'customer' as const, text: 'hello', at: now };
    const opened = await sStore.open({ dedupeKey: null, identity, inbound, attachments: [], now }).then((r) => ((fastDone = true), r));
    await held;
    expect(opened.kind).toBe('dialog');
    expect(await db.processedUpdate.findUnique({ where: { key: 'held-by-prisma' } })).not.toBeNull();
  });
});

describe.skipIf(onPostgres)('WAL checkpoints on a worker thread', () => {
  it('keep the write-ahead log from growing while the writers never checkpoint themselves', async () => {
    const opened = await openTestDatabase('cd-ckpt-');
    const w = openSqliteWriter(opened.file);
    try {
      expect(w.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      const store = createSqliteTurnStore(w);
      const walPages = () => (w.db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
      for (let i = 0; i < 300; i++) {
        const key = `test:ckpt-${i}`;
        const identity = { intakeChannel: 'test', externalUserId: `ckpt-${i}`, conversationKey: key, conversationRef: {}, now };
        await store.open({ dedupeKey: null, identity, inbound: { conversationKey: key, direction: 'in', author: 'customer', text: 'hello '.repeat(50), at: now }, attachments: [], now });
      }
      // Give the worker (every 250 ms) time to copy the log back and let it restart.
      await new Promise((r) => setTimeout(r, 700));
      const key = 'test:ckpt-after';
      await store.open({ dedupeKey: null, identity: { intakeChannel: 'test', externalUserId: 'after', conversationKey: key, conversationRef: {}, now }, inbound: { conversationKey: key, direction: 'in', author: 'customer', text: 'x', at: now }, attachments: [], now });
      expect(walPages()).toBeLessThan(50);
    } finally {
      await w.close();
      await opened.db.$disconnect();
    }
  });
});
