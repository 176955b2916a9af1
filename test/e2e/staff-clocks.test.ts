import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import type { DomainEvent } from '../../src/cases/domain-events.js';
import { createStaffToken, createStaffUser } from '../../src/cases/staff/accounts.js';
import { dialectOf } from '../../src/cases/reports/index.js';
import { requestReview } from '../../src/cases/surveys/request-review.js';
import { sweepClocks } from '../../src/cases/sweep-clocks.js';
import { loadConfig } from '../../src/config.js';
import { botFrameworkCustomer, startFakeConnector } from '../support/fake-connector.js';
import { databaseUrlIn } from '../support/db.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
// A Tuesday morning in Shanghai, clear of holidays.
const T0 = new Date('2026-03-10T01:00:00Z');
let now = T0;
let app: RunningApp;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;
let supervisorToken: string;
const milestones: Extract<DomainEvent, { type: 'case.clock_milestone' }>[] = [];

beforeAll(async () => {
  connector = await startFakeConnector();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-staff-clocks-'));
  app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await databaseUrlIn(dir), LOG_LEVEL: 'silent' }), { clock: () => now, clockSweepMs: 0 });
  app.events.on('case.clock_milestone', (e) => void milestones.push(e));
  const sup = await createStaffUser(app.db, { email: 'sup@bank.test', displayName: 'Sue Visor', role: 'supervisor', password: 'supervisor-password' }, T0);
  if (!sup.ok) throw new Error(sup.error.message);
  supervisorToken = (await createStaffToken(app.db, sup.value.id, 't', T0)).token;
});
afterAll(async () => {
  await app?.stop();
  await connector?.close();
});

async function fileRudeTellerCase(conversationId: string) {
  const customer = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId });
  await customer.send({ text: 'The teller at the branch was very rude to me, I want an apology' });
  await customer.send({ text: 'human' });
  const reference = connector.messages(conversationId).map((m) => m.text).join('\n').match(/C-\d{8}-\d{4}/)![0];
  return app.db.case.findUniqueOrThrow({ where: { reference } });
}

const sweep = () => sweepClocks({ db: app.db, dialect: dialectOf(app.config.DATABASE_URL), now, policy: app.policy, events: app.events });
const types = async (caseId: string) => (await app.db.caseEvent.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' } })).map((e) => `${e.type}:${JSON.parse(e.data).clock}:${JSON.parse(e.data).milestone}`).filter((t) => t.startsWith('sla_'));

describe('clock milestones', () => {
  it('records near-breach and breach of the first-response target once each, with staff notifications', async () => {
    now = T0;
    const c = await fileRudeTellerCase('clk-1');
    const span = c.firstResponseDueAt.getTime() - c.receivedAt.getTime();
    expect(span).toBe(24 * HOUR);

    now = new Date(T0.getTime() + 0.5 * span);
    expect((await sweep()).recorded).toEqual([]);
    now = new Date(T0.getTime() + 0.8 * span);
    expect((await sweep()).recorded).toEqual([{ reference: c.reference, clock: 'first_response', milestone: 'near_75' }]);
    expect((await sweep()).recorded).toEqual([]);
    // Down for a while: both later milestones at once, in order.
    now = new Date(T0.getTime() + span + HOUR);
    expect((await sweep()).recorded.map((r) => r.milestone)).toEqual(['near_90', 'breached']);
    // Two instances sweeping at the same moment record nothing twice.
    await Promise.all([sweep(), sweep()]);

    expect(await types(c.id)).toEqual(['sla_near_breach:first_response:near_75', 'sla_near_breach:first_response:near_90', 'sla_breached:first_response:breached']);
    const notes = await app.db.staffNotification.findMany({ where: { caseId: c.id }, orderBy: { createdAt: 'asc' } });
    expect(notes.map((n) => n.type)).toEqual(['clock_near_breach', 'clock_near_breach', 'clock_breached']);
    expect(notes[2]!.message).toContain(c.reference);
    // Due 2026-03-11T01:00Z, told in the bank's zone (Asia/Shanghai) as the console shows times.
    expect(notes[2]!.message).toContain('(due 11 Mar 2026, 09:00)');
    expect(notes.map((n) => n.message).join('\n')).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(milestones.filter((m) => m.reference === c.reference).map((m) => m.milestone)).toEqual(['near_75', 'near_90', 'breached']);
  });

  it('stops the first-response clock at the first reply and counts an extended deadline afresh', async () => {
    now = T0;
    const c = await fileRudeTellerCase('clk-2');
    now = new Date(T0.getTime() + HOUR);
    const reply = await fetch(`${app.url}/api/staff/cases/${c.reference}/replies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'We are sorry; the branch manager will call you.' }),
    });
    expect(reply.status).toBe(201);

    // cn: decision due 15 days after receipt (rolled to a working day); 80 % of that.
    const regSpan = c.regulatoryDueAt.getTime() - c.receivedAt.getTime();
    expect(regSpan).toBeGreaterThan(14 * DAY);
    now = new Date(T0.getTime() + 0.8 * regSpan);
    const first = await sweep();
    expect(first.recorded.filter((r) => r.reference === c.reference)).toEqual([{ reference: c.reference, clock: 'regulatory', milestone: 'near_75' }]);

    const ext = await fetch(`${app.url}/api/staff/cases/${c.reference}/extensions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'The branch CCTV must be reviewed' }),
    });
    expect(ext.status).toBe(201);
    const extended = await app.db.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(extended.regulatoryDueAt.getTime() - c.receivedAt.getTime()).toBeGreaterThan(29 * DAY);
    // The customer got the notice, in English, with the new date.
    expect(connector.messages('clk-2').at(-1)?.text).toMatch(/extended, with approval, to \d{4}-\d{2}-\d{2}/);

    // Same moment after the extension: the new deadline is far from 75 %.
    expect((await sweep()).recorded.filter((r) => r.reference === c.reference)).toEqual([]);
    now = new Date(c.receivedAt.getTime() + 0.95 * (extended.regulatoryDueAt.getTime() - c.receivedAt.getTime()));
    expect((await sweep()).recorded.filter((r) => r.reference === c.reference).map((r) => r.milestone)).toEqual(['near_75', 'near_90']);
    expect((await types(c.id)).filter((t) => t.includes('first_response'))).toEqual([]);
  });

  it('shows alerts in the console header', async () => {
    const count = await app.db.staffNotification.count();
    expect(count).toBeGreaterThan(0);
    const res = await fetch(`${app.url}/api/staff/notifications?unread=true`, { headers: { authorization: `Bearer ${supervisorToken}` } });
    expect((await res.json()).items).toHaveLength(count);
  });
  it('does not extend a review (核查): its 30 days from the request stand, and the customer is sent no notice', async () => {
    now = T0;
    const c = await fileRudeTellerCase('clk-review');
    const post = (p: string, body: unknown) =>
      fetch(`${app.url}/api/staff/cases/${p}`, { method: 'POST', headers: { authorization: `Bearer ${supervisorToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post(`${c.reference}/transitions`, { to: 'resolved', resolution: 'We apologise.', rootCause: 'staff conduct' })).status).toBe(200);
    now = new Date(T0.getTime() + DAY);
    const review = await requestReview({ db: app.db, events: app.events, policy: app.policy }, { reference: c.reference, customerId: c.customerId, now });
    const opened = await app.db.case.findUniqueOrThrow({ where: { reference: review!.reference } });
    const sent = connector.messages('clk-review').length;

    const ext = await post(`${opened.reference}/extensions`, { reason: 'The branch CCTV must be reviewed' });
    expect(ext.status).toBe(409);
    expect((await ext.json()).error).toBe('review_not_extendable');
    expect(await app.db.case.findUniqueOrThrow({ where: { id: opened.id } })).toMatchObject({ regulatoryDueAt: opened.regulatoryDueAt, extensionCount: 0 });
    expect(connector.messages('clk-review')).toHaveLength(sent);
  });
});
