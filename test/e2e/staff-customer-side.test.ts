import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { fileComplaint, startFakeConnector } from '../support/fake-connector.js';
import { databaseUrlIn } from '../support/db.js';

const TOKEN = 'test-staff-token-customer-side';
let app: RunningApp;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;

beforeAll(async () => {
  connector = await startFakeConnector();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-staff-customer-'));
  app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await databaseUrlIn(dir), LOG_LEVEL: 'silent', STAFF_API_TOKEN: TOKEN }), { clockSweepMs: 0 });
});
afterAll(async () => {
  await app?.stop();
  await connector?.close();
});

const post = (p: string, body: unknown) =>
  fetch(`${app.url}/api/staff${p}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const detail = async (ref: string) => (await fetch(`${app.url}/api/staff/cases/${ref}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();

async function file(conversationId: string) {
  const { customer, reference } = await fileComplaint({
    botUrl: app.url,
    connector,
    conversationId,
    description: 'My credit card was charged a 200 dollar annual fee that nobody told me about',
  });
  return { customer, reference, last: () => connector.messages(conversationId).at(-1)?.text ?? '' };
}

describe('the customer adds information to an open case', () => {
  it('answers a staff question onto the case, which goes back to in progress', async () => {
    const { customer, reference, last } = await file('cs-1');
    const cases = await app.db.case.count();
    expect((await post(`/cases/${reference}/information-requests`, { question: 'Which card number ends the statement?' })).status).toBe(201);
    expect(last()).toContain('Which card number ends the statement?');

    await customer.send({ text: 'It is the card ending 4321, statement from October' });
    expect(last()).toContain(reference);
    expect(last()).toMatch(/added this to your complaint/);
    expect(await app.db.case.count()).toBe(cases);
    const d = await detail(reference);
    expect(d.case.status).toBe('in_progress');
    expect(d.transcript.some((m: { text: string; direction: string }) => m.direction === 'in' && m.text.includes('statement from October'))).toBe(true);
    const types = d.timeline.map((e: { type: string; actorType: string }) => `${e.type}:${e.actorType}`);
    expect(types).toEqual(expect.arrayContaining(['info_requested:staff', 'customer_message:customer', 'status_changed:customer']));
  });

  it('gives the freeze guidance for a fraud report sent while staff wait for an answer, instead of filing it away', async () => {
    const { customer, reference, last } = await file('cs-fraud');
    expect((await post(`/cases/${reference}/information-requests`, { question: 'Which branch did you visit?' })).status).toBe(201);
    await customer.send({ text: 'Someone just stole 5000 from my account, I did not do this' });
    const said = connector.messages('cs-fraud').map((m) => m.text ?? '').join('\n');
    expect(said).toContain('Freeze your card or account');
    expect(last()).not.toMatch(/added this to your complaint/);
    expect((await detail(reference)).case.status).toBe('awaiting_customer');
  });

  it('lets staff ask a second question while the first is unanswered, and keeps both on the timeline', async () => {
    const { reference, last } = await file('cs-two-questions');
    expect((await post(`/cases/${reference}/information-requests`, { question: 'Which branch did you visit?' })).status).toBe(201);
    const second = await post(`/cases/${reference}/information-requests`, { question: '  And on which day?  ' });
    expect(second.status).toBe(201);
    expect(last()).toContain('And on which day?');
    const d = await detail(reference);
    expect(d.case.status).toBe('awaiting_customer');
    const asked = d.timeline.filter((e: { type: string }) => e.type === 'info_requested');
    expect(asked.map((e: { note: string }) => e.note)).toEqual(['Which branch did you visit?', 'And on which day?']);
    expect(asked[1].data).toEqual({ from: 'awaiting_customer', to: 'awaiting_customer' });
    expect(d.timeline.filter((e: { type: string }) => e.type === 'status_changed')).toHaveLength(0);
  });

  it('takes a case back to in progress when the customer answers while staff hold the conversation', async () => {
    const { customer, reference, last } = await file('cs-handoff');
    expect((await post(`/cases/${reference}/information-requests`, { question: 'Which branch did you visit?' })).status).toBe(201);
    expect((await post(`/cases/${reference}/handoff`, {})).status).toBe(200);
    const said = last();

    // A button pressed on an old message is relayed, but answers nothing.
    await customer.send({ action: 'date:today' });
    expect((await detail(reference)).case.status).toBe('awaiting_customer');

    await customer.send({ text: 'The one on Nanjing Road' });
    // Relayed, not answered by the bot, and the case is back in the active queue.
    expect(last()).toBe(said);
    const d = await detail(reference);
    expect(d.case.status).toBe('in_progress');
    expect(d.timeline.filter((e: { type: string }) => e.type === 'status_changed').at(-1)).toMatchObject({
      actorType: 'customer',
      data: { from: 'awaiting_customer', to: 'in_progress' },
    });

    // A second message during the same handoff changes nothing more.
    await customer.send({ text: 'Near the metro exit' });
    const again = await detail(reference);
    expect(again.case.status).toBe('in_progress');
    expect(again.timeline.filter((e: { type: string }) => e.type === 'status_changed')).toHaveLength(d.timeline.filter((e: { type: string }) => e.type === 'status_changed').length);
    expect(again.timeline.filter((e: { type: string }) => e.type === 'customer_message')).toHaveLength(3);
  });

  it('files the answer to a staff question asked during a new complaint on the waiting case, then carries on with the complaint', async () => {
    const { customer, reference, last } = await file('cs-mid-intake');
    await customer.send({ text: 'The mobile app logs me out every minute and I cannot pay my bills' });
    const asked = last();
    const cases = await app.db.case.count();
    expect((await post(`/cases/${reference}/information-requests`, { question: 'In which month did the fee appear?' })).status).toBe(201);

    await customer.send({ text: 'March' });
    const [added, again] = connector.messages('cs-mid-intake').slice(-2).map((m) => m.text ?? '');
    expect(added).toContain(reference);
    expect(added).toMatch(/added this to your complaint/);
    expect(again).toContain('back to your new complaint');
    expect(again).toContain(asked);
    const d = await detail(reference);
    expect(d.case.status).toBe('in_progress');
    expect(d.transcript.some((m: { text: string; direction: string }) => m.direction === 'in' && m.text === 'March')).toBe(true);
    // The case's transcript has the answer and its acknowledgement; the new complaint's question
    // belongs to the new intake's conversation, not to the old case.
    expect(d.transcript.some((m: { text: string; direction: string }) => m.direction === 'out' && /added this to your complaint/.test(m.text))).toBe(true);
    expect(d.transcript.some((m: { text: string }) => m.text.includes('back to your new complaint'))).toBe(false);
    expect(await app.db.transcriptMessage.findFirstOrThrow({ where: { conversationKey: { contains: 'cs-mid-intake' }, text: { contains: 'back to your new complaint' } } })).toMatchObject({ caseId: null });

    // The next answer is the new complaint's again.
    await customer.send({ text: 'skip' });
    expect(last()).not.toMatch(/added this to your complaint/);
    expect(last()).not.toBe(again);
    expect((await detail(reference)).timeline.filter((e: { type: string }) => e.type === 'customer_message')).toHaveLength(1);
    expect(await app.db.case.count()).toBe(cases);
  });

  it('leaves an answer to the new complaint’s own question there when the staff question is older', async () => {
    const { customer, reference, last } = await file('cs-old-question');
    expect((await post(`/cases/${reference}/information-requests`, { question: 'Which branch did you visit?' })).status).toBe(201);
    await customer.send({ text: '/start' });
    await customer.send({ text: 'The mobile app logs me out every minute and I cannot pay my bills' });
    expect(last()).not.toMatch(/added this to your complaint/);
    expect((await detail(reference)).case.status).toBe('awaiting_customer');
  });

  it('files a message that starts with the reference on that case', async () => {
    const { customer, reference, last } = await file('cs-2');
    await customer.send({ text: `${reference}: I also found a second fee of 20 dollars` });
    expect(last()).toMatch(/added this to your complaint/);
    const d = await detail(reference);
    expect(d.case.status).toBe('new');
    expect(d.timeline.filter((e: { type: string }) => e.type === 'customer_message')).toHaveLength(1);
    expect(d.transcript.some((m: { text: string }) => m.text.includes('second fee of 20 dollars'))).toBe(true);
  });

  it('still answers commands, and starts a new complaint for anything else', async () => {
    const { customer, reference, last } = await file('cs-3');
    await post(`/cases/${reference}/information-requests`, { question: 'Please send the receipt.' });
    await customer.send({ text: 'status' });
    expect(last()).toContain(reference);
    expect(last()).not.toMatch(/added this to your complaint/);
    expect((await detail(reference)).case.status).toBe('awaiting_customer');

    const other = await file('cs-4');
    const before = await app.db.case.count();
    await other.customer.send({ text: 'Another thing: the mobile app logs me out every minute' });
    expect(other.last()).not.toMatch(/added this to your complaint/);
    expect((await detail(other.reference)).timeline.some((e: { type: string }) => e.type === 'customer_message')).toBe(false);
    expect(await app.db.case.count()).toBe(before);
  });
});
