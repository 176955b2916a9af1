import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createStaffToken, createStaffUser } from '../../src/cases/staff/accounts.js';
import { eraseCustomerData } from '../../src/cases/erase-customer-data.js';
import { testDatabaseUrl } from '../support/db.js';
import { actionsOf, answerIntake, botFrameworkCustomer, startFakeConnector } from '../support/fake-connector.js';

const TOKEN = 'test-staff-token-lifecycle-0123456789';
const H = 3_600_000;
const D = 24 * H;
let now = new Date('2026-11-01T00:00:00Z');
let app: RunningApp;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;
let supToken: string;

beforeAll(async () => {
  connector = await startFakeConnector();
  const { url } = await testDatabaseUrl('reports-lifecycle-');
  app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url, LOG_LEVEL: 'silent', STAFF_API_TOKEN: TOKEN, SURVEY_DELAY_MINUTES: '0' }), { clock: () => now, schedulerPollMs: 0, clockSweepMs: 0 });
  const sup = await createStaffUser(app.db, { email: 'sup@bank.test', displayName: 'Sue', role: 'supervisor', password: 'supervisor-password' }, now);
  if (!sup.ok) throw new Error(sup.error.message);
  supToken = (await createStaffToken(app.db, sup.value.id, 't', now)).token;
});
afterAll(async () => {
  await app?.stop();
  await connector?.close();
});

function customer(conv: string) {
  const c = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId: conv });
  return {
    async say(what: string) {
      const before = connector.messages(conv).length;
      const button = /^\[(.+)\]$/.exec(what);
      expect(await c.send(button ? { action: button[1] } : { text: what })).toBe(200);
      return connector.messages(conv).slice(before);
    },
  };
}
async function fileCase(conv: string, complaint: string): Promise<string> {
  return answerIntake(customer(conv).say, complaint);
}
async function staff(method: string, p: string, body?: unknown, token = supToken) {
  const res = await fetch(`${app.url}/api/staff${p}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}
const at = (iso: string) => (now = new Date(iso));
const plus = (base: string, ms: number) => (now = new Date(Date.parse(base) + ms));
// A decision wakes the scheduler for its survey (SURVEY_DELAY_MINUTES 0) without waiting for it:
// waiting here keeps the next step (a reopening, the clock moved) from overtaking the send.
const resolve = async (ref: string) => {
  expect((await staff('POST', `/cases/${ref}/transitions`, { to: 'resolved', resolution: 'We refunded the fee.', rootCause: 'fee not disclosed' })).status).toBe(200);
  await app.scheduler.runOnce();
};
const reply = async (ref: string) => expect((await staff('POST', `/cases/${ref}/replies`, { text: 'We are looking into it.' })).status).toBe(201);
const runJobs = () => app.scheduler.runOnce();
const surveyButtons = (conv: string) => actionsOf(connector.messages(conv).at(-1));

const refs: Record<string, string> = {};
/**
 * Thirteen complaints filed, answered, extended, decided, reopened, closed, reviewed, surveyed and
 * erased through the bot and the staff API on a moving clock, and every figure of the November
 * report counted by hand (bank zone Asia/Shanghai, cn policy, report read on 10 December).
 */
it('reports a hand-counted November of cases worked through the real code paths', async () => {
  const EN = 'My credit card was charged a 200 dollar annual fee that nobody told me about';
  const RUDE = 'The teller at the branch was very rude to me, I want an apology';
  // A: answered in 2 h, decided on day 3; survey: solved, 5.
  at('2026-11-02T02:00:00Z');
  refs.A = await fileCase('a', EN);
  plus('2026-11-02T02:00:00Z', 2 * H);
  await reply(refs.A);
  plus('2026-11-02T02:00:00Z', 3 * D);
  await resolve(refs.A);
  await runJobs();
  await customer('a').say(`[${surveyButtons('a').find((b) => b.startsWith('survey:solved:yes'))}]`);
  await customer('a').say(`[${surveyButtons('a').find((b) => b.startsWith('survey:score:5'))}]`);
  // B: information asked in 1 h, decided on day 5; survey: not solved, which reopens it; decided again on day 20.
  at('2026-11-03T02:00:00Z');
  refs.B = await fileCase('b', RUDE);
  plus('2026-11-03T02:00:00Z', 1 * H);
  expect((await staff('POST', `/cases/${refs.B}/information-requests`, { question: 'Which branch?' })).status).toBe(201);
  plus('2026-11-03T02:00:00Z', 2 * H);
  await customer('b').say('The main street branch');
  plus('2026-11-03T02:00:00Z', 5 * D);
  await resolve(refs.B);
  await runJobs();
  await customer('b').say(`[${surveyButtons('b').find((b) => b.startsWith('survey:solved:no'))}]`);
  expect((await app.db.case.findUniqueOrThrow({ where: { reference: refs.B } })).status).toBe('reopened');
  plus('2026-11-03T02:00:00Z', 20 * D);
  await resolve(refs.B);
  await runJobs();
  // C: never answered.
  at('2026-11-04T02:00:00Z');
  refs.C = await fileCase('c', RUDE);
  // D: answered after 30 h, extended on day 10, decided on day 20; survey never answered.
  at('2026-11-05T02:00:00Z');
  refs.D = await fileCase('d', EN);
  plus('2026-11-05T02:00:00Z', 30 * H);
  await reply(refs.D);
  plus('2026-11-05T02:00:00Z', 10 * D);
  expect((await staff('POST', `/cases/${refs.D}/extensions`, { reason: 'We need the card network records' })).status).toBe(201);
  plus('2026-11-05T02:00:00Z', 20 * D);
  await resolve(refs.D);
  await runJobs();
  // E: answered in 1 h, decided on day 17, closed on day 18; survey: partly, 2.
  at('2026-11-06T02:00:00Z');
  refs.E = await fileCase('e', EN);
  plus('2026-11-06T02:00:00Z', 1 * H);
  await reply(refs.E);
  plus('2026-11-06T02:00:00Z', 17 * D);
  await resolve(refs.E);
  await runJobs();
  plus('2026-11-06T02:00:00Z', 18 * D);
  expect((await staff('POST', `/cases/${refs.E}/transitions`, { to: 'closed' })).status).toBe(200);
  plus('2026-11-06T02:00:00Z', 18 * D + H);
  await customer('e').say(`[${surveyButtons('e').find((b) => b.startsWith('survey:solved:partly'))}]`);
  await customer('e').say(`[${surveyButtons('e').find((b) => b.startsWith('survey:score:2'))}]`);
  // E was closed: the unhappy answer opened its review (核查), a case of its own.
  const review = (await app.db.case.findFirstOrThrow({ where: { parentCase: { reference: refs.E } } })).reference;
  // F: A's customer again
  at('2026-11-20T02:00:00Z');
  refs.F = await fileCase('a', RUDE);
  plus('2026-11-20T02:00:00Z', 3 * H);
  await reply(refs.F);
  // G, H, I: day boundaries
  at('2026-11-30T15:30:00Z');
  refs.G = await fileCase('g', RUDE);
  at('2026-11-30T16:10:00Z');
  refs.H = await fileCase('h', RUDE);
  at('2026-10-31T15:50:00Z');
  refs.I = await fileCase('i', RUDE);
  // L: decided late (day 20, due day 16), then reopened by staff: late it stays.
  at('2026-11-07T02:00:00Z');
  refs.L = await fileCase('l', RUDE);
  plus('2026-11-07T02:00:00Z', 20 * D);
  await resolve(refs.L);
  plus('2026-11-07T02:00:00Z', 21 * D);
  expect((await staff('POST', `/cases/${refs.L}/transitions`, { to: 'reopened', note: 'The customer called: still not fixed' })).status).toBe(200);
  // M: decided in time (day 3), reopened by staff on day 4, still open long past its deadline.
  at('2026-11-08T02:00:00Z');
  refs.M = await fileCase('m', RUDE);
  plus('2026-11-08T02:00:00Z', 3 * D);
  await resolve(refs.M);
  plus('2026-11-08T02:00:00Z', 4 * D);
  expect((await staff('POST', `/cases/${refs.M}/transitions`, { to: 'reopened', note: 'New evidence from the branch' })).status).toBe(200);
  // J: erased
  at('2026-11-10T02:00:00Z');
  refs.J = await fileCase('j', EN);
  // K: Chinese, decided at once
  at('2026-11-12T02:00:00Z');
  refs.K = await fileCase('k', '我的信用卡被收取了200元年费，办卡时没有人告诉我');
  plus('2026-11-12T02:00:00Z', 4 * H);
  await resolve(refs.K);
  await runJobs();
  await customer('k').say(`[${surveyButtons('k').find((b) => b.startsWith('survey:solved:yes'))}]`);
  await customer('k').say(`[${surveyButtons('k').find((b) => b.startsWith('survey:score:4'))}]`);
  at('2026-12-01T00:00:00Z');
  await runJobs();
  at('2026-12-08T00:00:00Z');
  await runJobs();
  expect((await eraseCustomerData(app.db, { reference: refs.J, dataDir: app.config.dataDir, now, closeOpenCases: true })).ok).toBe(true);

  at('2026-12-10T04:00:00Z');
  const body = (await staff('GET', '/reports/summary?from=2026-11-01&to=2026-11-30', undefined, TOKEN)).body;
  // November in Shanghai: A B C D E F G J K L M and E's review; not H (1 December 00:10 there) nor I (31 October 23:50).
  const november = await app.db.case.findMany({ where: { receivedAt: { gte: new Date('2026-10-31T16:00:00Z'), lt: new Date('2026-11-30T16:00:00Z') } } });
  expect(november.map((c) => c.reference).sort()).toEqual([refs.A, refs.B, refs.C, refs.D, refs.E, refs.F, refs.G, refs.J, refs.K, refs.L, refs.M, review].sort());
  // Eleven complaints; E's review is E taken further, counted on its own, not as a complaint.
  expect(body.total).toBe(11);
  expect(body.reviews).toBe(1);
  const complaints = november.filter((c) => c.reference !== review);
  // The classifier's axes are its own business; the report must count what it stored.
  for (const dim of ['severity', 'business', 'cause', 'channel'] as const) {
    for (const [k, n] of Object.entries(body.counts[dim])) expect(n, `${dim}=${k}`).toBe(complaints.filter((c) => c[dim] === k).length);
  }
  expect(body.counts.status).toEqual({ new: 2, acknowledged: 1, resolved: 4, reopened: 2, closed: 2 });
  expect(body.sla).toEqual({
    // Met: A (2 h), B (information asked in 1 h), E (1 h), F (3 h), K (decision in 4 h). Missed:
    // D (30 h), L and M (their decisions, days later), C G J and the review (never answered, now past due).
    firstResponseMet: 5,
    firstResponseEvaluated: 12,
    firstResponseMetPct: 41.7,
    firstResponseAnsweredLate: 3,
    firstResponseUnansweredPastDue: 4,
    // Met: A, D (extended to 7 December, decided 25 November), E (due day 15 is a Saturday: rolled to
    // Monday 23 November, decided that morning), K, and B and M by their first decisions (days 5
    // and 3), which reached the customer in time: reopening them (B by its survey, M by staff) does
    // not undo that. Missed: L (first decided on day 20), C J F (open past their deadlines).
    // Not yet due: G and the review.
    regulatoryMet: 6,
    regulatoryEvaluated: 10,
    regulatoryMetPct: 60,
    regulatoryDecidedLate: 1,
    regulatoryOpenPastDue: 3,
    // Hours to first response 1 1 2 3 4 30 72 480. To the first decision: K 4, A 72, M 72 (reopened,
    // still open), B 120 (not its second decision, 480), E 408, D 480, L 480 (reopened, still open).
    medianHoursToFirstResponse: 3.5,
    medianHoursToDecision: 120,
  });
  // Surveys sent in November: A (yes, 5), B (no, then silent), D (silent), E (partly, 2), K (yes, 4),
  // L and M (silent: each went out with its decision, before staff reopened the case). B's "no" is
  // a response: it answered, and reopened its case; only A, E and K went on to a score.
  expect(body.csat).toEqual({ sent: 7, responses: 4, scored: 3, average: 3.67, solvedRate: 50, solvedAnswered: 4, responseRate: 57.1, distribution: { 1: 0, 2: 1, 3: 0, 4: 1, 5: 1 } });
  // The misses apart, on the page and in its CSV: L decided late; C, J and F open past the deadline.
  const page = await (await fetch(`${app.url}/staff/reports?from=2026-11-01&to=2026-11-30&lang=en`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  expect(page).toContain('data-kpi="regulatoryDecidedLate">Decided late<b>1</b>');
  expect(page).toContain('data-kpi="regulatoryOpenPastDue">Open past deadline<b>3</b>');
  expect(page).toContain('data-kpi="responseRate">Survey response rate % (of 7 sent)<b>57.1</b>');
  expect(page).toContain('data-kpi="csatAverage">CSAT average (of 3 scored)<b>3.67</b>');
  const slaCsv = await fetch(`${app.url}/staff/reports/export.csv?from=2026-11-01&to=2026-11-30&table=sla`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect((await slaCsv.text()).replace(/^\uFEFF/, '')).toBe(
    'measure,met,evaluated,met_pct,late,past_due_open\r\nfirst response (service target),5,12,41.7,3,4\r\nregulatory deadline,6,10,60,1,3\r\n',
  );
  // The JR/T 0169 monthly table counts the eleven complaints; the review has a row of its own.
  const monthly = await fetch(`${app.url}/staff/reports/export.csv?from=2026-11-01&to=2026-11-30&month=2026-11&lang=en&table=monthly_en`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const monthlyCsv = await monthly.text();
  expect(monthlyCsv).toContain('Channel,,Total,11,100');
  expect(monthlyCsv).toContain('Reviews,,"Reviews requested (not new complaints, not in the totals above)",1,\r\n');
  const overTime = await fetch(`${app.url}/staff/reports/export.csv?from=2026-11-01&to=2026-11-30&table=over_time_severity`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const perDay = (await overTime.text()).trim().split('\r\n').slice(1).map((l) => l.split(',').slice(1).reduce((a, n) => a + Number(n), 0));
  expect(perDay.reduce((a, n) => a + n, 0)).toBe(11);
  expect(page).toContain('data-kpi="reviews">Reviews requested<b>1</b>');
  // A's customer filed A and F; E's review is E taken further, not a second complaint.
  const repeat = await fetch(`${app.url}/staff/reports/export.csv?from=2026-11-01&to=2026-11-30&table=repeat_complainants`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const customerA = (await app.db.case.findUniqueOrThrow({ where: { reference: refs.A } })).customerId;
  expect((await repeat.text()).replace(/^\uFEFF/, '')).toBe(`customer,complaints\r\n${customerA},2\r\n`);
  // One day each side of the month.
  expect((await staff('GET', '/reports/summary?from=2026-12-01&to=2026-12-01', undefined, TOKEN)).body.total).toBe(1);
  expect((await staff('GET', '/reports/summary?from=2026-10-31&to=2026-10-31', undefined, TOKEN)).body.total).toBe(1);
}, 120_000);
