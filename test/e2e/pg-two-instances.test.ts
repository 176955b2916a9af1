import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { onPostgres, testDatabaseUrl } from '../support/db.js';
import { botFrameworkCustomer, startFakeConnector } from '../support/fake-connector.js';

// Two instances of the program behind one address, sharing one PostgreSQL database: what a bank
// runs when one machine is not enough. Runs under `npm run test:pg` (TEST_DATABASE_URL set).
const TOKEN = 'two-instances-token-0123456789';
const CONVERSATIONS = 16;
/** Names are letters only (the intake rejects digits): 0 → "Aa", 1 → "Ab", … */
const nameOf = (i: number) => `Customer A${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`;
/** Which instance ran each job of type `test.two`. */
const ranOn: string[] = [];

describe.skipIf(!onPostgres)('two instances on one PostgreSQL database', { timeout: 120_000 }, () => {
  let a: RunningApp;
  let b: RunningApp;
  let connector: Awaited<ReturnType<typeof startFakeConnector>>;

  beforeAll(async () => {
    connector = await startFakeConnector();
    const { url } = await testDatabaseUrl('cd-two-');
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url, LOG_LEVEL: 'silent', STAFF_API_TOKEN: TOKEN });
    // Started together: both migrate at once, the advisory lock lets one do it.
    const jobs = (name: string) => ({ 'test.two': async () => void ranOn.push(name) });
    [a, b] = await Promise.all([startApp(config, { jobHandlers: jobs('a'), schedulerPollMs: 50 }), startApp(config, { jobHandlers: jobs('b'), schedulerPollMs: 50 })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await connector?.close();
  });

  it('files every concurrent intake once, with its own reference, whichever instance takes each turn', { timeout: 240_000 }, async () => {
    const answers = (i: number) => [
      `My credit card was charged a ${100 + i} dollar annual fee that nobody told me about`,
      'yesterday',
      { action: 'resolution:refund' },
      nameOf(i),
      `+1 415 555 ${String(1000 + i)}`,
      { action: 'confirm' },
    ];
    // Every conversation alternates between the instances turn by turn; all run at once.
    await Promise.all(
      Array.from({ length: CONVERSATIONS }, async (_, i) => {
        const conversationId = `two-${i}`;
        let turn = 0;
        for (const answer of answers(i)) {
          const app = (turn++ + i) % 2 === 0 ? a : b;
          const customer = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId, userId: `user-${i}` });
          expect(await customer.send(typeof answer === 'string' ? { text: answer, id: `${conversationId}-t${turn}` } : { ...answer, id: `${conversationId}-t${turn}` })).toBe(200);
        }
      }),
    );

    const references = Array.from({ length: CONVERSATIONS }, (_, i) => {
      const found = new Set(connector.messages(`two-${i}`).flatMap((m) => m.text?.match(/C-\d{8}-\d{4}/g) ?? []));
      expect(found.size, `conversation two-${i} was told one reference; it got:\n${connector.messages(`two-${i}`).map((m) => m.text).join('\n')}`).toBe(1);
      return [...found][0]!;
    });
    expect(new Set(references).size).toBe(CONVERSATIONS);

    const cases = await a.db.case.findMany({ select: { reference: true, conversationKey: true, customerName: true } });
    expect(cases).toHaveLength(CONVERSATIONS);
    // One daily sequence across both instances: 1…N, no gaps, no repeats.
    const seqs = cases.map((c) => Number(c.reference.slice(-4))).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: CONVERSATIONS }, (_, i) => i + 1));
    for (let i = 0; i < CONVERSATIONS; i++) {
      const c = cases.find((x) => x.reference === references[i]);
      // The case holds this conversation's own answers: no state crossed between conversations.
      expect(c?.customerName).toBe(nameOf(i));
      expect(c?.conversationKey).toContain(`two-${i}`);
      const inbound = await b.db.transcriptMessage.count({ where: { conversationKey: c!.conversationKey!, direction: 'in' } });
      expect(inbound, 'every turn stored once').toBe(6);
      const state = await a.db.dialogState.findUniqueOrThrow({ where: { conversationKey: c!.conversationKey! } });
      expect(state.version, 'every turn advanced the dialog once').toBe(6);
      expect(state.lockedBy).toBeNull();
    }
  });

  it('takes two messages of one conversation sent to both instances at once one after the other', async () => {
    const conversationId = 'two-race';
    const to = (app: RunningApp) => botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId, userId: 'user-race' });
    await to(a).send({ text: 'The ATM at the branch kept my debit card', id: 'race-1' });
    const [s1, s2] = await Promise.all([to(a).send({ text: 'yesterday', id: 'race-2' }), to(b).send({ text: 'it was on Main Street', id: 'race-3' })]);
    expect([s1, s2]).toEqual([200, 200]);
    const account = await a.db.channelAccount.findFirstOrThrow({ where: { externalUserId: 'user-race' } });
    const inbound = await a.db.transcriptMessage.findMany({ where: { conversationKey: account.conversationKey, direction: 'in' } });
    expect(inbound.map((m) => m.channelMessageId).sort()).toEqual(['race-1', 'race-2', 'race-3']);
    const state = await b.db.dialogState.findUniqueOrThrow({ where: { conversationKey: account.conversationKey } });
    expect(state.version).toBe(3);
  });

  it('handles an activity delivered to both instances at once exactly once', async () => {
    const conversationId = 'two-dup';
    const to = (app: RunningApp) => botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId, userId: 'user-dup' });
    await Promise.all([to(a).send({ text: 'The teller was rude to me', id: 'dup-1' }), to(b).send({ text: 'The teller was rude to me', id: 'dup-1' })]);
    const account = await a.db.channelAccount.findFirstOrThrow({ where: { externalUserId: 'user-dup' } });
    const state = await a.db.dialogState.findUniqueOrThrow({ where: { conversationKey: account.conversationKey } });
    expect(state.version).toBe(1);
    expect(await a.db.processedUpdate.count({ where: { key: { contains: 'dup-1' } } })).toBe(1);
  });

  it('runs each scheduled job on exactly one of the instances', async () => {
    const { scheduleJob } = await import('../../src/cases/scheduler/index.js');
    for (let i = 0; i < 40; i++) await scheduleJob(a.db, { type: 'test.two', runAt: new Date(Date.now() - 1000), payload: { i } });
    a.scheduler.wake();
    b.scheduler.wake();
    const end = Date.now() + 30_000;
    while ((await a.db.job.count({ where: { type: 'test.two', status: 'done' } })) < 40 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // more polls on both: nothing runs twice
    expect(ranOn).toHaveLength(40);
    expect(await a.db.job.count({ where: { type: 'test.two', status: 'done', attempts: 1 } })).toBe(40);
  });
});
