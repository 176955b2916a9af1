import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractAmount } from '../../src/cases/classification/amount.js';
import { extractOccurredOn } from '../../src/cases/classification/date.js';
import { detectFraud } from '../../src/cases/classification/fraud.js';
import { createRuleClassifier } from '../../src/cases/classification/rules.js';
import { loadPolicy } from '../../src/cases/clocks/index.js';
import type { CreatedCase } from '../../src/cases/create-case.js';
import type { Db } from '../../src/db/client.js';
import { createSqliteCaseWriter } from '../../src/db/sqlite-case-writer.js';
import { createSqliteTurnStore } from '../../src/db/sqlite-turn-store.js';
import { openSqliteWriter, type SqliteWriter } from '../../src/db/sqlite-writer.js';
import { createTurnRunner, type TurnRunner } from '../../src/dialogs/run-turn.js';
import { createPrismaTurnStore } from '../../src/dialogs/prisma-turn-store.js';
import { createMissedAnnouncementSweep, type MissedCase } from '../../src/cases/announce-missed-cases.js';
import { en } from '../../src/dialogs/locales/en.js';
import type { InboundMessage } from '../../src/dialogs/types.js';
import { onPostgres, openTestDatabase } from '../support/db.js';

// On the embedded database a customer without cases has each turn written in one commit: the
// message waits for the replies (src/dialogs/turn-store.ts, TurnStart). These tests hold the
// promise that comes with it: the message is kept however the turn ends.

let db: Db;
let writer: SqliteWriter;
const now = new Date('2026-11-27T03:00:00Z');

beforeAll(async () => {
  if (onPostgres) return;
  const opened = await openTestDatabase('cd-commit-');
  db = opened.db;
  writer = openSqliteWriter(opened.file);
});
afterAll(async () => {
  await writer?.close();
  await db?.$disconnect();
});

function runner(opts: { failFraudCheck?: () => boolean; failClose?: () => boolean; onCaseCreated?: (c: CreatedCase) => void; prismaStore?: boolean } = {}) {
  const store = opts.prismaStore ? createPrismaTurnStore(db) : createSqliteTurnStore(writer);
  return createTurnRunner({
    db,
    // A crash or a database error before the turn's commit: `close` writes nothing.
    store: { ...store, close: (t) => (opts.failClose?.() ? Promise.reject(new Error('injected commit failure')) : store.close(t)) },
    caseWriter: createSqliteCaseWriter(writer),
    classifier: createRuleClassifier(),
    policy: loadPolicy('cn', { timeZone: 'Asia/Shanghai' }),
    bank: { name: 'Test Bank', hotline: '95555' },
    log: pino({ level: 'silent' }),
    clock: () => now,
    detectFraud: (text) => {
      if (opts.failFraudCheck?.()) throw new Error('injected dialog failure');
      return detectFraud(text);
    },
    extractAmount,
    extractOccurredOn,
    ...(opts.onCaseCreated ? { onCaseCreated: opts.onCaseCreated } : {}),
  });
}

const message = (tag: string, n: number, text: string): InboundMessage => ({
  intakeChannel: 'test',
  externalUserId: `user-${tag}`,
  conversationKey: `test:${tag}`,
  conversationRef: { chat: tag },
  updateId: `${tag}-${n}`,
  receivedAt: now,
  text,
});

/**
 * Answers what the dialog asks (by its own prompts) from message `first` on until the summary
 * offers Confirm; returns the number of the next message.
 */
async function answerToSummary(r: TurnRunner, tag: string, first: number, story: string): Promise<number> {
  let replies = (await r.handle(message(tag, first, story))).replies;
  const asks = (key: keyof typeof en) => replies.some((x) => x.text.includes(en[key].split('{{')[0]!.slice(0, 20)));
  const buttons = () => replies.flatMap((x) => x.buttons ?? []).map((b) => b.value);
  for (let n = first + 1; n < first + 14; n++) {
    if (buttons().includes('confirm')) return n;
    const text = asks('ask_name') ? 'Li Lei' : asks('ask_phone') ? '13800000000' : asks('ask_occurredOn') ? 'yesterday' : asks('ask_amount') ? '300' : undefined;
    replies = (await r.handle({ ...message(tag, n, text ?? ''), ...(text ? {} : { text: undefined, action: buttons()[0] }) })).replies;
  }
  throw new Error('the summary was never reached');
}

const confirm = (tag: string, n: number): InboundMessage => ({ ...message(tag, n, ''), text: undefined, action: 'confirm' });

const transcript = (key: string) => db.transcriptMessage.findMany({ where: { conversationKey: key }, orderBy: { createdAt: 'asc' }, select: { direction: true, text: true, caseId: true } });

describe.skipIf(onPostgres)('one commit per turn on the embedded database', () => {
  it('leaves a new customer’s message for close, and stores it at once for a customer with cases', async () => {
    const store = createSqliteTurnStore(writer);
    const identity = { intakeChannel: 'test', externalUserId: 'user-store', conversationKey: 'test:store', conversationRef: {}, now };
    const inbound = { conversationKey: 'test:store', direction: 'in' as const, author: 'customer' as const, text: 'my card fee', at: now };
    const opened = await store.open({ dedupeKey: 'test:store-1', identity, inbound, attachments: [], now });
    if (opened.kind !== 'dialog') throw new Error('expected the dialog');
    expect(opened.inboundPending).toBe(true);
    expect(await transcript('test:store')).toEqual([]);
    await store.close({ conversationKey: 'test:store', dedupeKey: 'test:store-1', inbound: { entry: inbound, attachments: [] }, replies: [{ ...inbound, direction: 'out', author: 'bot', text: 'when?' }], now });
    expect((await transcript('test:store')).map((m) => m.text)).toEqual(['my card fee', 'when?']);

    // A case exists: the case inbox may file this message on it, so it is stored before routing.
    await db.case.create({
      data: {
        reference: 'C-20261127-9001', customerId: opened.account.customerId, channelAccountId: opened.account.accountId, conversationKey: 'test:store',
        intakeChannel: 'test', language: 'en', description: 'x', channel: 'online', business: 'card', cause: 'fees', severity: 'P4',
        receivedAt: now, firstResponseDueAt: now, regulatoryProfile: 'cn', regulatoryDueAt: now, nextDueAt: now,
      },
    });
    const later = await store.open({ dedupeKey: 'test:store-2', identity, inbound: { ...inbound, text: 'any news?', at: new Date(now.getTime() + 1000) }, attachments: [], now });
    if (later.kind !== 'dialog') throw new Error('expected the dialog');
    expect(later.inboundPending).toBe(false);
    expect((await transcript('test:store')).map((m) => m.text)).toContain('any news?');
  });

  it('keeps the message of a turn that failed, and the next attempt is answered', async () => {
    let fail = true;
    const r = runner({ failFraudCheck: () => fail });
    await expect(r.handle(message('fails', 1, 'My credit card was charged an annual fee nobody told me about'))).rejects.toThrow('injected dialog failure');
    expect(await transcript('test:fails')).toEqual([{ direction: 'in', text: 'My credit card was charged an annual fee nobody told me about', caseId: null }]);
    // Not marked handled: a redelivery of the same update runs the dialog again.
    expect(await db.processedUpdate.findUnique({ where: { key: 'test:fails-1' } })).toBeNull();
    fail = false;
    const retried = await r.handle(message('fails', 2, 'My credit card was charged an annual fee nobody told me about'));
    expect(retried.replies.length).toBeGreaterThan(0);
    const rows = await transcript('test:fails');
    expect(rows.filter((m) => m.direction === 'in')).toHaveLength(2);
    expect(rows.filter((m) => m.direction === 'out').length).toBe(retried.replies.length);
  });

  it('files the turn’s own message on the case that turn filed', async () => {
    const r = runner();
    const n = await answerToSummary(r, 'filed', 1, 'My debit card was charged 300 yuan twice for one purchase yesterday');
    expect((await r.handle(confirm('filed', n))).replies.some((x) => /C-\d{8}-\d{4}/.test(x.text))).toBe(true);
    const filed = await db.case.findFirst({ where: { conversationKey: 'test:filed' }, select: { id: true } });
    expect(filed).not.toBeNull();
    const rows = await transcript('test:filed');
    expect(rows.length).toBeGreaterThan(4);
    // Every message of the intake, the Confirm that filed it included, belongs to the case.
    expect(rows.filter((m) => m.caseId !== filed!.id)).toEqual([]);
  });

  it('files one case for a message retried after its turn failed to commit, and a new one for another message', async () => {
    let fail = false;
    const announced: string[] = [];
    const r = runner({ failClose: () => fail, onCaseCreated: (c) => announced.push(c.reference) });
    const story = 'My debit card was charged 300 yuan twice for one purchase yesterday';
    const cases = (tag: string) => db.case.findMany({ where: { conversationKey: `test:${tag}` }, orderBy: { reference: 'asc' }, select: { id: true, reference: true } });

    // The case is committed, then the turn's own commit fails: the customer is told nothing.
    const n = await answerToSummary(r, 'retried', 1, story);
    fail = true;
    await expect(r.handle(confirm('retried', n))).rejects.toThrow('injected commit failure');
    fail = false;
    const [filed] = await cases('retried');
    expect(filed).toBeDefined();
    expect(await db.processedUpdate.findUnique({ where: { key: `test:retried-${n}` } })).toBeNull();
    expect(announced).toEqual([]);

    // The channel delivers the same message again: the same case, told now, announced once.
    const retried = await r.handle(confirm('retried', n));
    expect(retried.replies.map((x) => x.text).join('\n')).toContain(filed!.reference);
    expect(await cases('retried')).toEqual([filed]);
    expect(await db.caseEvent.count({ where: { caseId: filed!.id, type: 'created' } })).toBe(1);
    expect(announced).toEqual([filed!.reference]);
    expect((await transcript('test:retried')).filter((m) => m.caseId !== filed!.id)).toEqual([]);

    // Confirm pressed again as a new message after the failed commit is a new filing.
    const m = await answerToSummary(r, 'another', 1, story);
    fail = true;
    await expect(r.handle(confirm('another', m))).rejects.toThrow('injected commit failure');
    fail = false;
    const other = await r.handle(confirm('another', m + 1));
    const both = await cases('another');
    expect(both).toHaveLength(2);
    expect(other.replies.map((x) => x.text).join('\n')).toContain(both[1]!.reference);
    expect(both[1]!.reference).not.toBe(both[0]!.reference);
  });

  it.each([
    ['the embedded fast path', false],
    ['Prisma', true],
  ])('sends a redelivered update the replies its committed turn stored, buttons included (%s)', async (_name, prismaStore) => {
    const tag = prismaStore ? 'replay-prisma' : 'replay-sqlite';
    const r = runner({ prismaStore });
    // The turn commits and the process dies before its replies reach the customer: the channel
    // delivers the update again.
    const first = await r.handle(message(tag, 1, 'Someone used my credit card to take 5000 yuan, I did not do it'));
    expect(first.replies.some((x) => x.buttons?.length)).toBe(true);
    const again = await r.handle(message(tag, 1, 'Someone used my credit card to take 5000 yuan, I did not do it'));
    expect(again).toEqual({ duplicate: true, replies: first.replies });
    // Nothing was run or stored twice.
    expect((await transcript(`test:${tag}`)).filter((m) => m.direction === 'in')).toHaveLength(1);

    // The reference too, on the message that filed the case.
    const n = await answerToSummary(r, tag, 2, 'Someone used my credit card to take 5000 yuan, I did not do it');
    const filed = await r.handle(confirm(tag, n));
    const replayed = await r.handle(confirm(tag, n));
    expect(replayed.replies).toEqual(filed.replies);
    expect(replayed.replies.map((x) => x.text).join('\n')).toMatch(/C-\d{8}-\d{4}/);
  });

  it('answers a message delivered twice at once once: the turn in flight sends its replies', async () => {
    const r = runner();
    const story = message('twice', 1, 'My debit card fee was charged twice this month');
    const [first, second] = await Promise.all([r.handle(story), r.handle(story)]);
    expect(first.replies.length).toBeGreaterThan(0);
    expect(second).toEqual({ duplicate: true, replies: [] });
  });

  it('gives a retried web chat message no replay: the page keeps its own copy', async () => {
    const r = runner();
    const page = { sessionId: 'page-replay', messageId: 'msg-1', said: 'said', reply: (m: { text: string }) => m.text };
    const msg = { ...message('page-replay', 1, 'My debit card fee was charged twice'), pageCopy: page };
    expect((await r.handle(msg)).replies.length).toBeGreaterThan(0);
    expect(await r.handle(msg)).toEqual({ duplicate: true, replies: [] });
  });

  it('alerts staff once to an urgent case whose turn never committed, and not to one whose turn did', async () => {
    let fail = false;
    const announced: string[] = [];
    const r = runner({ failClose: () => fail, onCaseCreated: (c) => announced.push(c.reference) });
    const swept: MissedCase[] = [];
    const sweep = createMissedAnnouncementSweep({ db, severities: ['P1', 'P2'], announce: (c) => swept.push(c), log: pino({ level: 'silent' }) });
    const fraud = 'Someone used my debit card to take 5000 yuan yesterday, it was not me';
    const refs = async (tag: string) => (await db.case.findMany({ where: { conversationKey: `test:${tag}` }, select: { reference: true } })).map((c) => c.reference);

    // Announced with its turn: the sweep leaves it alone.
    const n = await answerToSummary(r, 'swept-ok', 1, fraud);
    await r.handle(confirm('swept-ok', n));
    // The case is committed, the turn's commit is not (the process died), and the message never comes again.
    const m = await answerToSummary(r, 'swept-lost', 1, fraud);
    fail = true;
    await expect(r.handle(confirm('swept-lost', m))).rejects.toThrow('injected commit failure');
    fail = false;
    const [lost] = await refs('swept-lost');
    expect(announced).toEqual(await refs('swept-ok'));

    // Within the first minute the turn may still be running: nothing yet.
    expect(await sweep(new Date(now.getTime() + 30_000))).toBe(0);
    expect(await sweep(new Date(now.getTime() + 2 * 60_000))).toBe(1);
    expect(swept).toEqual([expect.objectContaining({ reference: lost, severity: 'P1', intakeChannel: 'test' })]);
    // Once: later runs, and another instance's sweep (a fresh one), find it announced.
    expect(await sweep(new Date(now.getTime() + 3 * 60_000))).toBe(0);
    const other = createMissedAnnouncementSweep({ db, severities: ['P1', 'P2'], announce: (c) => swept.push(c), log: pino({ level: 'silent' }) });
    expect(await other(new Date(now.getTime() + 3 * 60_000))).toBe(0);
    expect(swept).toHaveLength(1);

    // The message comes after all: the customer hears the reference, staff are not alerted twice.
    const retried = await r.handle(confirm('swept-lost', m));
    expect(retried.replies.map((x) => x.text).join('\n')).toContain(lost);
    expect(announced).not.toContain(lost);
  });
});
