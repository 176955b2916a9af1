import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { nextDueAt } from '../../src/cases/clocks/index.js';
import { createStaffToken, createStaffUser } from '../../src/cases/staff/accounts.js';
import { requestReview } from '../../src/cases/surveys/request-review.js';
import { loadConfig } from '../../src/config.js';
import { botFrameworkCustomer, startFakeConnector } from '../support/fake-connector.js';
import { databaseUrlIn } from '../support/db.js';

const HOUR = 3600_000;
// A Tuesday morning in Shanghai, clear of holidays.
const T0 = new Date('2026-03-10T01:00:00Z');
let now = T0;
let app: RunningApp;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;
let token: string;

beforeAll(async () => {
  connector = await startFakeConnector();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-staff-queue-order-'));
  app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await databaseUrlIn(dir), LOG_LEVEL: 'silent' }), { clock: () => now, clockSweepMs: 0 });
  const sup = await createStaffUser(app.db, { email: 'sup@bank.test', displayName: 'Sue Visor', role: 'supervisor', password: 'supervisor-password' }, T0);
  if (!sup.ok) throw new Error(sup.error.message);
  token = (await createStaffToken(app.db, sup.value.id, 't', T0)).token;
});
afterAll(async () => {
  await app?.stop();
  await connector?.close();
});

/** A P4 complaint (a rude teller) handed to a person, filed at `now`. */
async function fileCase(conversationId: string) {
  const customer = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId });
  await customer.send({ text: 'The teller at the branch was very rude to me, I want an apology' });
  await customer.send({ text: 'human' });
  const reference = connector.messages(conversationId).map((m) => m.text).join('\n').match(/C-\d{8}-\d{4}/)![0];
  return app.db.case.findUniqueOrThrow({ where: { reference } });
}

async function act(reference: string, action: string, body: Record<string, unknown>) {
  const res = await fetch(`${app.url}/api/staff/cases/${reference}/${action}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.ok, `${action} ${await res.clone().text()}`).toBe(true);
}

async function queue(query: string): Promise<{ reference: string; nextDueAt: string }[]> {
  const res = await fetch(`${app.url}/api/staff/cases?${query}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { reference: string; nextDueAt: string }[] }).items;
}

describe('the queue order', () => {
  it('puts an answered case by its regulatory deadline, not by its long-met first response', async () => {
    now = T0;
    const answered = await fileCase('order-answered');
    const extended = await fileCase('order-extended');
    now = new Date(T0.getTime() + HOUR);
    await act(answered.reference, 'replies', { text: 'We are sorry; the branch manager will call you.' });
    await act(extended.reference, 'replies', { text: 'We are looking into it.' });
    await act(extended.reference, 'extensions', { reason: 'The branch CCTV must be reviewed' });

    // Six hours before the answered case's regulatory deadline a new complaint arrives, its
    // first response due in 24 hours: the answered case is the more urgent of the two, and the
    // extended one, weeks from its deadline, the least.
    now = new Date(answered.regulatoryDueAt.getTime() - 6 * HOUR);
    const fresh = await fileCase('order-fresh');
    const items = await queue('status=new,acknowledged,in_progress,awaiting_customer,reopened&severity=P4');
    expect(items.map((c) => c.reference)).toEqual([answered.reference, fresh.reference, extended.reference]);
    expect(items.map((c) => c.nextDueAt)).toEqual([answered.regulatoryDueAt.toISOString(), fresh.firstResponseDueAt.toISOString(), expect.any(String)]);

    // Past that deadline the answered case is overdue; the others are not.
    now = new Date(answered.regulatoryDueAt.getTime() + HOUR);
    expect((await queue('overdue=true')).map((c) => c.reference)).toEqual([answered.reference]);
  });

  it('keeps every case’s next deadline in step with its clocks through the staff actions', async () => {
    now = T0;
    const asked = await fileCase('order-asked');
    const decided = await fileCase('order-decided');
    const raised = await fileCase('order-raised');
    const moved = await fileCase('order-moved');
    now = new Date(T0.getTime() + HOUR);
    await act(asked.reference, 'information-requests', { question: 'Which branch was it?' });
    await act(decided.reference, 'transitions', { to: 'resolved', resolution: 'We apologise; the teller was spoken to.', rootCause: 'staff conduct' });
    await act(raised.reference, 'classification', { severity: 'P2', reason: 'The customer is elderly' });
    await act(moved.reference, 'classification', { business: 'credit_card', reason: 'About a card' });
    await act(moved.reference, 'transitions', { to: 'in_progress' });
    await act(decided.reference, 'transitions', { to: 'reopened', note: 'The customer disagrees' });

    const rows = await app.db.case.findMany({ select: { reference: true, firstResponseAt: true, firstResponseDueAt: true, regulatoryDueAt: true, nextDueAt: true } });
    expect(rows.length).toBeGreaterThanOrEqual(7);
    for (const c of rows) expect(c.nextDueAt.toISOString(), c.reference).toBe(nextDueAt(c).toISOString());
    // Answered by the question and by the decision; the raised case's first response is due sooner.
    const byRef = new Map(rows.map((c) => [c.reference, c]));
    expect(byRef.get(asked.reference)!.nextDueAt).toEqual(asked.regulatoryDueAt);
    expect(byRef.get(decided.reference)!.nextDueAt).toEqual(decided.regulatoryDueAt);
    expect(byRef.get(raised.reference)!.nextDueAt).toEqual(new Date(T0.getTime() + 4 * HOUR));
  });

  it('filters by escalation level through the API', async () => {
    now = T0;
    const escalated = await fileCase('order-escalated');
    await act(escalated.reference, 'escalations', { reason: 'Needs the branch manager' });
    expect((await queue('escalationLevel=back_office')).map((c) => c.reference)).toEqual([escalated.reference]);
    expect((await queue('escalationLevel=back_office,leadership')).map((c) => c.reference)).toEqual([escalated.reference]);
    expect((await queue('escalationLevel=frontline')).map((c) => c.reference)).not.toContain(escalated.reference);
    const bad = await fetch(`${app.url}/api/staff/cases?escalationLevel=ceo`, { headers: { authorization: `Bearer ${token}` } });
    expect(bad.status).toBe(400);
  });

  it('keeps a review’s own 30-day window when staff reclassify its business', async () => {
    now = T0;
    const decided = await fileCase('order-review');
    await act(decided.reference, 'transitions', { to: 'resolved', resolution: 'We apologise; the teller was spoken to.', rootCause: 'staff conduct' });
    now = new Date(T0.getTime() + 2 * HOUR);
    const review = await requestReview({ db: app.db, events: app.events, policy: app.policy }, { reference: decided.reference, customerId: decided.customerId, now });
    const opened = await app.db.case.findUniqueOrThrow({ where: { reference: review!.reference } });

    // The customer's complaint was about a card after all: the review is still due when it was,
    // not at the complaint track's 15 days from the review's request.
    await act(opened.reference, 'classification', { business: 'credit_card', reason: 'The rude answer was about a card' });
    const moved = await app.db.case.findUniqueOrThrow({ where: { id: opened.id } });
    expect(moved.business).toBe('credit_card');
    expect(moved.regulatoryDueAt).toEqual(opened.regulatoryDueAt);
    expect(moved.nextDueAt).toEqual(nextDueAt(moved));
  });
});
