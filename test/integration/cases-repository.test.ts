import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuleClassifier } from '../../src/cases/classification/rules.js';
import { loadPolicy } from '../../src/cases/clocks/index.js';
import { createCase } from '../../src/cases/create-case.js';
import { touchChannelAccount } from '../../src/cases/customers.js';
import { appendTranscript } from '../../src/cases/transcript.js';
import type { Db } from '../../src/db/client.js';
import { createPrismaLease, createPrismaStateStore } from '../../src/dialogs/state-store.js';
import { openTestDatabase } from '../support/db.js';

let db: Db;
const policy = loadPolicy('cn', { timeZone: 'Asia/Shanghai' });
const classifier = createRuleClassifier();
let n = 0;

async function newCustomer(now = new Date('2026-11-27T03:00:00Z')) {
  n += 1;
  return touchChannelAccount(db, {
    intakeChannel: 'test',
    externalUserId: `user-${n}-${Math.random()}`,
    conversationKey: `test:${n}:${Math.random()}`,
    conversationRef: { kind: 'test' },
    now,
  });
}

function caseInput(account: { customerId: string; accountId: string }, conversationKey: string | null, now: Date, description = 'I was charged a fee of 20 yuan for a transfer') {
  return {
    answers: { description, name: 'Test Customer', phone: '13800000000' },
    customerId: account.customerId,
    channelAccountId: account.accountId,
    conversationKey,
    intakeChannel: 'test',
    language: 'en',
    incomplete: false,
    humanRequested: false,
    now,
  };
}

beforeAll(async () => {
  ({ db } = await openTestDatabase());
});
afterAll(async () => db?.$disconnect());

describe('case references', () => {
  it('are unique and consecutive under concurrent case creation', async () => {
    const account = await newCustomer();
    const now = new Date('2026-11-27T03:00:00Z');
    const created = await Promise.all(Array.from({ length: 40 }, () => createCase(caseInput(account, null, now), { db, classifier, policy })));
    const refs = created.map((c) => c.reference).sort();
    expect(new Set(refs).size).toBe(40);
    expect(refs[0]).toBe('C-20261127-0001');
    expect(refs[39]).toBe('C-20261127-0040');
  });

  it('follow the bank day, not the UTC day', async () => {
    const account = await newCustomer();
    // 20:00 UTC on 30 Nov is already 1 Dec in Shanghai.
    const c = await createCase(caseInput(account, null, new Date('2026-11-30T20:00:00Z')), { db, classifier, policy });
    expect(c.reference).toMatch(/^C-20261201-/);
  });
});

describe('createCase', () => {
  it('attaches the conversation so far and writes the first timeline event', async () => {
    const account = await newCustomer();
    const key = `conv-${Math.random()}`;
    const now = new Date('2026-11-27T05:00:00Z');
    await appendTranscript(db, [
      { conversationKey: key, direction: 'in', author: 'customer', text: 'hello', at: now },
      { conversationKey: key, direction: 'out', author: 'bot', text: 'hi', at: now },
    ]);
    await db.evidence.create({ data: { conversationKey: key, kind: 'photo', fileId: 'f1' } });
    const c = await createCase(caseInput(account, key, now), { db, classifier, policy });
    const row = await db.case.findUniqueOrThrow({ where: { reference: c.reference }, include: { events: true, messages: true, evidence: true } });
    expect(row.messages).toHaveLength(2);
    expect(row.evidence).toHaveLength(1);
    expect(row.events.map((e) => e.type)).toEqual(['created']);
    expect(row).toMatchObject({ status: 'new', cause: 'fees', regulatoryProfile: 'cn', customerName: 'Test Customer' });
    expect(row.regulatoryDueAt.getTime()).toBeGreaterThan(row.firstResponseDueAt.getTime());
  });

  it('marks a second complaint about the same product as a repeat and raises it to P2', async () => {
    const account = await newCustomer();
    const first = await createCase(caseInput(account, null, new Date('2026-11-01T03:00:00Z')), { db, classifier, policy });
    const second = await createCase(caseInput(account, null, new Date('2026-11-20T03:00:00Z')), { db, classifier, policy });
    expect(first.severity).toBe('P3');
    expect(second.severity).toBe('P2');
    expect(second.flags).toContain('repeat');
  });

  it('lets a stated amount of 10,000 or more raise the grade, never lower it', async () => {
    const account = await newCustomer();
    const input = caseInput(account, null, new Date('2026-11-27T03:00:00Z'), 'The branch staff sold me a fund that lost money');
    const c = await createCase({ ...input, answers: { ...input.answers, amount: 50_000 } }, { db, classifier, policy });
    expect(c.severity).toBe('P2');
  });
});

describe('dialog state store', () => {
  it('refuses a save from a stale version', async () => {
    const store = createPrismaStateStore(db);
    const key = `state-${Math.random()}`;
    expect(await store.save(key, '{"v":1}', 0)).toBe(true);
    const loaded = await store.load(key);
    expect(loaded.version).toBe(1);
    expect(await store.save(key, '{"v":1,"a":1}', 1)).toBe(true);
    expect(await store.save(key, '{"v":1,"b":1}', 1)).toBe(false);
    expect((await store.load(key)).json).toBe('{"v":1,"a":1}');
  });

  it('gives a conversation lease to one owner at a time, and takes it back when it expires', async () => {
    const lease = createPrismaLease(db);
    const key = `lease-${Math.random()}`;
    const now = new Date('2026-11-27T03:00:00Z');
    expect(await lease.acquire(key, 'a', now, 30_000)).toBe(true);
    expect(await lease.acquire(key, 'b', now, 30_000)).toBe(false);
    expect(await lease.acquire(key, 'b', new Date(now.getTime() + 31_000), 30_000)).toBe(true);
    await lease.release(key, 'b');
    expect(await lease.acquire(key, 'a', now, 30_000)).toBe(true);
  });
});

describe('channel accounts', () => {
  it('keeps one customer per conversation and refreshes the reference', async () => {
    const who = { intakeChannel: 'test', externalUserId: 'same-user', conversationKey: 'test:same', conversationRef: { kind: 'test', v: 1 }, now: new Date() };
    const a = await touchChannelAccount(db, who);
    const b = await touchChannelAccount(db, { ...who, conversationRef: { kind: 'test', v: 2 } });
    expect(b).toEqual(a);
    const row = await db.channelAccount.findUniqueOrThrow({ where: { id: a.accountId } });
    expect(JSON.parse(row.conversationRef)).toEqual({ kind: 'test', v: 2 });
  });
});
