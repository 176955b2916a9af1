import type { Pool } from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractAmount } from '../../src/cases/classification/amount.js';
import { extractOccurredOn } from '../../src/cases/classification/date.js';
import { detectFraud } from '../../src/cases/classification/fraud.js';
import { createRuleClassifier } from '../../src/cases/classification/rules.js';
import { loadPolicy } from '../../src/cases/clocks/index.js';
import { createCase, createPrismaCaseWriter, type CaseWriter } from '../../src/cases/create-case.js';
import type { Db } from '../../src/db/client.js';
import { createPgCaseWriter } from '../../src/db/pg-case-writer.js';
import { openPgPool } from '../../src/db/pg-pool.js';
import { createPgTurnStore } from '../../src/db/pg-turn-store.js';
import { createPrismaTurnStore } from '../../src/dialogs/prisma-turn-store.js';
import { createTurnRunner } from '../../src/dialogs/run-turn.js';
import type { TurnLease, TurnStore } from '../../src/dialogs/turn-store.js';
import { onPostgres, openTestDatabase } from '../support/db.js';
import { expectOneCasePerMessage, rowsOf, strip } from '../support/fast-path-rows.js';

// The PostgreSQL fast path (src/db/pg-*.ts) must write exactly the rows the Prisma path writes:
// every other module reads them through Prisma. Each scenario runs through both and the rows are
// compared as Prisma reads them back. Then: references from two pools (two instances) never
// collide, and the conversation lease the store takes in `open` keeps two instances apart.

let db: Db;
let poolA: Pool;
let poolB: Pool;
const policy = loadPolicy('cn', { timeZone: 'Asia/Shanghai' });
const classifier = createRuleClassifier();
const now = new Date('2026-11-27T03:00:00Z');

beforeAll(async () => {
  if (!onPostgres) return;
  const opened = await openTestDatabase('cd-pgfast-');
  db = opened.db;
  poolA = openPgPool(`${opened.url}${opened.url.includes('?') ? '&' : '?'}connection_limit=4`);
  poolB = openPgPool(opened.url);
});
afterAll(async () => {
  await poolA?.end();
  await poolB?.end();
  await db?.$disconnect();
});

function identityOf(tag: string, at = now) {
  const key = `test:${tag}`;
  return {
    key,
    identity: { intakeChannel: 'test', externalUserId: `user-${tag}`, conversationKey: key, conversationRef: { chat: tag }, now: at },
    inbound: { conversationKey: key, direction: 'in' as const, author: 'customer' as const, text: 'Someone took 5000 yuan from my card', meta: {}, channelMessageId: `${tag}-1`, at },
  };
}

async function intake(store: TurnStore, cases: CaseWriter, tag: string) {
  const { key, identity, inbound } = identityOf(tag);
  const opened = await store.open({ dedupeKey: `test:${tag}-1`, identity, inbound, attachments: [{ kind: 'photo', fileId: `f-${tag}`, size: 10 }], now });
  expect(opened.kind).toBe('dialog');
  if (opened.kind !== 'dialog') throw new Error('unreachable');
  expect(opened.state).toEqual({ json: null, version: 0 });
  expect(opened.account.hasCases).not.toBe(true); // Prisma's store does not say (undefined)
  const closed = await store.close({
    conversationKey: key,
    dedupeKey: `test:${tag}-1`,
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
  const later = new Date(now.getTime() + 1000);
  const second = await store.open({ dedupeKey: `test:${tag}-2`, identity: { ...identity, now: later }, inbound: { ...inbound, text: 'yesterday', at: later }, attachments: [], now: later });
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
  // Files sent after the intake go to the case (by reference); the reply names its case.
  const third = await store.open({ dedupeKey: null, identity, inbound: { ...inbound, text: 'one more photo' }, attachments: [{ kind: 'document', fileId: `g-${tag}`, fileName: 'a.pdf', mimeType: 'application/pdf' }], now });
  if (third.kind !== 'dialog') throw new Error('expected the dialog');
  expect(third.account.hasCases).not.toBe(false);
  await store.close({ conversationKey: key, dedupeKey: null, attachOrphanEvidenceTo: created.reference, replies: [{ conversationKey: key, caseId: created.id, direction: 'out', author: 'bot', text: 'filed', meta: {}, at: now }], now });
  return { key, account: second.account, created };
}

const lease = (owner: string, ttlMs = 6000): TurnLease => ({ owner, ttlMs, held: false });

describe.skipIf(!onPostgres)('the PostgreSQL fast path', () => {
  it('writes the same rows as the Prisma path for a whole intake', async () => {
    const viaPrisma = await intake(createPrismaTurnStore(db), createPrismaCaseWriter(db), 'prisma');
    const viaPg = await intake(createPgTurnStore(poolA), createPgCaseWriter(poolA), 'pg');
    expect(viaPg.created).toMatchObject({ ...viaPrisma.created, id: expect.any(String), reference: expect.stringMatching(/^C-20261127-\d{4}$/) });
    const p = await rowsOf(db, viaPrisma.key, viaPrisma.created.id, viaPrisma.account.customerId);
    const s = await rowsOf(db, viaPg.key, viaPg.created.id, viaPg.account.customerId);
    expect(s).toEqual(p);
    expect(s.case.amount).toBe('5000');
    expect(s.customer).toMatchObject({ name: 'Li Lei', phone: '13800000000' });
    expect(s.transcript.map((m) => (m as { text?: string }).text).sort()).toEqual(['Someone took 5000 yuan from my card', 'filed', 'first reply', 'one more photo', 'second reply', 'yesterday']);
    // All but the message after the case (it is the dialog's, as on the Prisma path) belong to the case.
    expect(s.transcript.filter((m) => !m.caseId).map((m) => (m as { text?: string }).text)).toEqual(['one more photo']);
    expect(s.evidence.every((e) => e.caseId)).toBe(true);
    expect(s.page.map((m) => m.payload)).toEqual(['{"from":"customer","text":"Someone took 5000 yuan from my card"}', '{"text":"first reply"}', '{"text":"second reply"}']);
    // Timestamps are stored as UTC, as Prisma stores them.
    const first = await db.transcriptMessage.findFirstOrThrow({ where: { conversationKey: viaPg.key }, orderBy: { createdAt: 'asc' } });
    expect(first.createdAt.toISOString()).toBe(now.toISOString());
  });

  it('moves an account to the same user’s new conversation and relays messages during a handoff, as Prisma does', async () => {
    const results = [];
    for (const [name, store] of [['prisma', createPrismaTurnStore(db)], ['pg', createPgTurnStore(poolA)]] as const) {
      const first = identityOf(`move-${name}`);
      const opened = await store.open({ dedupeKey: null, identity: first.identity, inbound: first.inbound, attachments: [], now });
      if (opened.kind !== 'dialog') throw new Error('expected the dialog');
      const moved = { ...first.identity, conversationKey: `test:move-${name}-2`, conversationRef: { chat: 'new' } };
      const again = await store.open({ dedupeKey: null, identity: moved, inbound: { ...first.inbound, conversationKey: moved.conversationKey }, attachments: [], now });
      if (again.kind !== 'dialog') throw new Error('expected the dialog');
      expect(again.account).toMatchObject({ accountId: opened.account.accountId, customerId: opened.account.customerId });
      const c = await createCase(
        { answers: { description: 'The teller was rude' }, customerId: again.account.customerId, channelAccountId: again.account.accountId, conversationKey: moved.conversationKey, intakeChannel: 'test', language: 'en', incomplete: false, humanRequested: false, now },
        { db, classifier, policy, writer: name === 'pg' ? createPgCaseWriter(poolA) : createPrismaCaseWriter(db) },
      );
      await db.channelAccount.update({ where: { id: again.account.accountId }, data: { handoffCaseId: c.id } });
      const relayed = await store.open({ dedupeKey: `test:relay-${name}`, identity: moved, inbound: { ...first.inbound, conversationKey: moved.conversationKey, text: 'are you there?' }, attachments: [{ kind: 'photo', fileId: 'x' }], now });
      expect(relayed.kind).toBe('relayed');
      expect(await db.processedUpdate.findUnique({ where: { key: `test:relay-${name}` } })).not.toBeNull();
      const events = (await db.caseEvent.findMany({ where: { caseId: c.id }, orderBy: { type: 'asc' } })).map((e) => strip(e, 'id', 'caseId'));
      const relayedRows = (await db.transcriptMessage.findMany({ where: { caseId: c.id, text: 'are you there?' } })).length;
      // A survey button (relay: false) is not relayed: the dialog runs and nothing lands on the held case.
      const button = { ...first.inbound, conversationKey: moved.conversationKey, text: '[survey:score:5:s1]', channelMessageId: `${name}-button` };
      const pressed = await store.open({ dedupeKey: `test:button-${name}`, identity: moved, inbound: button, attachments: [], relay: false, now });
      expect(pressed.kind).toBe('dialog');
      expect(await db.processedUpdate.findUnique({ where: { key: `test:button-${name}` } })).toBeNull();
      expect(await db.caseEvent.count({ where: { caseId: c.id } })).toBe(events.length);
      expect(await db.transcriptMessage.findFirstOrThrow({ where: { channelMessageId: `${name}-button` } })).toMatchObject({ caseId: null });
      const account = strip(await db.channelAccount.findUniqueOrThrow({ where: { id: again.account.accountId } }), 'id', 'customerId', 'createdAt', 'updatedAt', 'externalUserId', 'conversationKey', 'handoffCaseId');
      results.push({ events, relayedRows, account, evidence: await db.evidence.count({ where: { caseId: c.id } }) });
    }
    expect(results[1]).toEqual(results[0]);
  });

  it('files one case per message: the same message again gets the case it filed, as filed then, another message a new one', async () => {
    const paths = [
      ['pg', createPgTurnStore(poolA), createPgCaseWriter(poolA)],
      ['prisma', createPrismaTurnStore(db), createPrismaCaseWriter(db)],
    ] as const satisfies readonly (readonly [string, TurnStore, CaseWriter])[];
    for (const [name, store, cases] of paths) {
      await expectOneCasePerMessage(db, { name, store, cases, classifier, policy }, identityOf(`once-${name}`), now);
    }
  });

  it('never hands out one reference twice: concurrent cases from two pools (two instances) and Prisma', async () => {
    const writers = [createPgCaseWriter(poolA), createPgCaseWriter(poolB), createPrismaCaseWriter(db)];
    const stores = [createPgTurnStore(poolA), createPgTurnStore(poolB), createPrismaTurnStore(db)];
    const before = (await db.referenceCounter.findUnique({ where: { day: '20261127' } }))?.last ?? 0;
    const runs = await Promise.all(Array.from({ length: 30 }, (_, i) => intake(stores[i % 3]!, writers[i % 3]!, `refs-${i}`)));
    const refs = runs.map((r) => r.created.reference);
    expect(new Set(refs).size).toBe(refs.length);
    // Gap-free: the counter is taken in the statement that writes the case.
    expect(refs.map((r) => Number(r.slice(-4))).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => before + i + 1));
  });

  it('takes the conversation lease in open and gives it back in close; a second instance waits, a dead one’s lease expires', async () => {
    const a = createPgTurnStore(poolA);
    const b = createPgTurnStore(poolB);
    const { key, identity, inbound } = identityOf('lease');
    const held = lease('owner-a');
    const opened = await a.open({ dedupeKey: 'test:lease-1', identity, inbound, attachments: [], now, lease: held });
    expect(opened.kind).toBe('dialog');
    expect(held.held).toBe(true);
    // The other instance is refused while the turn runs, and writes nothing.
    const other = lease('owner-b');
    const count = () => db.transcriptMessage.count({ where: { conversationKey: key } });
    expect(await count()).toBe(1);
    expect((await b.open({ dedupeKey: 'test:lease-2', identity, inbound, attachments: [], now, lease: other })).kind).toBe('busy');
    expect(other.held).toBe(false);
    expect(await count()).toBe(1);
    // The same update again is a duplicate only once it was handled (close marks it).
    await a.close({ conversationKey: key, dedupeKey: 'test:lease-1', state: { json: '{"n":1}', expectedVersion: 0 }, replies: [], now, lease: held });
    expect(held.held).toBe(false);
    expect(await db.dialogState.findUniqueOrThrow({ where: { conversationKey: key } })).toMatchObject({ lockedBy: null, lockedUntil: null, version: 1 });
    expect((await b.open({ dedupeKey: 'test:lease-1', identity, inbound, attachments: [], now, lease: other })).kind).toBe('duplicate');
    expect(other.held).toBe(false);
    // Now b gets it; a (kill -9) takes it from a dead b only once its lease has expired.
    const short = lease('owner-b', 300);
    const got = await b.open({ dedupeKey: 'test:lease-3', identity, inbound, attachments: [], now, lease: short });
    expect(got).toMatchObject({ kind: 'dialog', state: { json: '{"n":1}', version: 1 } });
    expect((await a.open({ dedupeKey: 'test:lease-4', identity, inbound, attachments: [], now: new Date(now.getTime() + 200), lease: lease('owner-a') })).kind).toBe('busy');
    const after = lease('owner-a');
    expect((await a.open({ dedupeKey: 'test:lease-4', identity, inbound, attachments: [], now: new Date(now.getTime() + 301), lease: after })).kind).toBe('dialog');
    // The dead turn's late close cannot save over the new holder's state, nor free its lease.
    expect((await b.close({ conversationKey: key, dedupeKey: null, state: { json: '{"late":true}', expectedVersion: 0 }, replies: [], now, lease: short })).saved).toBe(false);
    expect(await db.dialogState.findUniqueOrThrow({ where: { conversationKey: key } })).toMatchObject({ lockedBy: 'owner-a' });
    await a.close({ conversationKey: key, dedupeKey: 'test:lease-4', state: { json: '{"n":2}', expectedVersion: 1 }, replies: [], now, lease: after });
    expect(await db.dialogState.findUniqueOrThrow({ where: { conversationKey: key } })).toMatchObject({ lockedBy: null, version: 2, state: '{"n":2}' });
  });

  it('two turn runners on two pools never advance one conversation at once', async () => {
    const log = pino({ level: 'silent' });
    const errors: string[] = [];
    const runner = (pool: Pool) =>
      createTurnRunner({
        db,
        store: createPgTurnStore(pool),
        caseWriter: createPgCaseWriter(pool),
        sharedDatabase: true,
        classifier,
        policy,
        bank: {},
        log: Object.assign(Object.create(log), { error: (o: unknown, msg: string) => errors.push(msg) }),
        detectFraud,
        extractAmount,
        extractOccurredOn,
      });
    const runners = [runner(poolA), runner(poolB)];
    const key = 'test:runners';
    const texts = ['hello', 'The teller at the branch was rude to me', 'yesterday', 'no money involved', 'an apology', 'yes', 'thanks', 'hi again'];
    const results = await Promise.all(
      texts.map((text, i) =>
        runners[i % 2]!.handle({ conversationKey: key, intakeChannel: 'test', externalUserId: 'runner-user', conversationRef: {}, text, updateId: `r-${i}`, receivedAt: new Date() }),
      ),
    );
    expect(results.every((r) => !r.duplicate)).toBe(true);
    expect(errors).toEqual([]);
    const state = await db.dialogState.findUniqueOrThrow({ where: { conversationKey: key } });
    // Every turn saved on the state the previous one left: one version per turn, lease given back.
    expect(state).toMatchObject({ version: texts.length, lockedBy: null, lockedUntil: null });
    expect(await db.transcriptMessage.count({ where: { conversationKey: key, direction: 'in' } })).toBe(texts.length);
  });
});
