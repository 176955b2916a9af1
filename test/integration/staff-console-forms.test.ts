import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { createStaffUser } from '../../src/cases/staff/accounts.js';
import { loadConfig } from '../../src/config.js';
import { botFrameworkCustomer, fileComplaint, startFakeConnector } from '../support/fake-connector.js';
import { csrfFrom, staffBrowser } from '../support/staff-browser.js';
import { databaseUrlIn } from '../support/db.js';

/**
 * The console's forms as staff meet them in a working day: a form refused (bad input, the case
 * refusing, a stale page) shows what was typed again with the reason.
 */
const ADMIN = { email: 'forms.admin@bank.test', password: 'forms-admin-password-1' };
const ALICE = { email: 'alice.forms@bank.test', password: 'alice-forms-password-1' };
let app: RunningApp;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;
let feeRef: string;
let zhRef: string;

beforeAll(async () => {
  connector = await startFakeConnector();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-staff-forms-'));
  app = await startApp(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await databaseUrlIn(dir), LOG_LEVEL: 'silent', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }),
    { clockSweepMs: 0 },
  );
  await createStaffUser(app.db, { email: ALICE.email, displayName: 'Alice Agent', role: 'agent', password: ALICE.password }, new Date());
  feeRef = (await fileComplaint({ botUrl: app.url, connector, conversationId: 'forms-fee', description: 'My credit card was charged a 200 dollar annual fee that nobody told me about' }))
    .reference;
  const zh = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId: 'forms-zh' });
  await zh.send({ text: 'ATM吞了我的银行卡，网点工作人员也不管' });
  await zh.send({ text: '人工' });
  zhRef = connector.messages('forms-zh').map((m) => m.text).join('\n').match(/C-\d{8}-\d{4}/)![0];
});
afterAll(async () => {
  await app?.stop();
  await connector?.close();
});

/** One member of staff's browser; logging in must succeed. */
function browser() {
  const b = staffBrowser(() => app.url);
  return {
    ...b,
    async login(who: { email: string; password: string }) {
      expect((await b.login(who)).status).toBe(303);
    },
  };
}
/** The hidden fields of the case page's form for `action`, as the browser would send them. */
function hiddenOf(html: string, action: string): Record<string, string> {
  const form = new RegExp(`<form [^>]*data-action="${action}"[^>]*>([\\s\\S]*?)</form>`).exec(html)![1]!;
  return Object.fromEntries([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

describe('refused forms on the case page', () => {
  it('re-shows the decision typed when resolving without a root cause, with the reason', async () => {
    const b = browser();
    await b.login(ALICE);
    const page = await b.go(`/staff/cases/${zhRef}`);
    const decision = '已全额退还年费，并向客户致歉 <b>';
    const res = await b.go(`/staff/cases/${zhRef}/transitions`, { ...hiddenOf(page.text, 'transitions'), to: 'resolved', resolution: decision, rootCause: '', note: '' });
    expect(res.status).toBe(400);
    const form = /<form [^>]*data-action="transitions"[\s\S]*?<\/form>/.exec(res.text)![0];
    expect(form).toContain('role="alert"');
    expect(form).toContain('Resolving a case needs a root cause.');
    expect(form).toContain('<textarea name="resolution" maxlength="4000">已全额退还年费，并向客户致歉 &lt;b&gt;</textarea>');
    expect(form).toContain('<option value="resolved" selected>');
    expect(await app.db.case.findUniqueOrThrow({ where: { reference: zhRef } })).toMatchObject({ resolution: null });
  });

  it('keeps a reply the customer\'s chat refused in its box, with the reason', async () => {
    const b = browser();
    await b.login(ALICE);
    const page = await b.go(`/staff/cases/${feeRef}`);
    connector.blocked.add('forms-fee');
    try {
      const reply = 'We are refunding the 200 dollar fee today.\nSorry for the trouble.';
      const res = await b.go(`/staff/cases/${feeRef}/replies`, { ...hiddenOf(page.text, 'replies'), text: reply });
      expect(res.status).toBe(502);
      const form = /<form [^>]*data-action="replies"[\s\S]*?<\/form>/.exec(res.text)![0];
      expect(form).toContain('role="alert"');
      expect(form).toContain(`<textarea name="text" required maxlength="4000">${reply}</textarea>`);
    } finally {
      connector.blocked.delete('forms-fee');
    }
  });
});

describe('a reply typed on a page gone stale', () => {
  it('keeps the reply when the session ended while it was typed, and leads back to the case', async () => {
    const b = browser();
    await b.login(ALICE);
    const page = await b.go(`/staff/cases/${feeRef}`);
    // The session expires (12 hours) while the reply is being written.
    await app.db.staffSession.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    const before = connector.messages('forms-fee').length;
    const reply = '您好，年费已退还，请查收。';
    const res = await b.go(`/staff/cases/${feeRef}/replies`, { ...hiddenOf(page.text, 'replies'), text: reply });
    expect(res.status).toBe(401);
    expect(res.text).toContain('nothing was done');
    expect(res.text).toContain(`>${reply}</textarea>`);
    expect(res.text).toContain(`href="/staff/login?next=${encodeURIComponent(`/staff/cases/${feeRef}`)}"`);
    expect(connector.messages('forms-fee')).toHaveLength(before);
  });

  it('re-shows the reply with a fresh form when the CSRF token is from before the last login', async () => {
    const b = browser();
    await b.login(ALICE);
    const page = await b.go(`/staff/cases/${feeRef}`);
    // Another tab logged out and in again: a new session, so the open page's token is stale.
    expect((await b.go('/staff/logout', { _csrf: csrfFrom(page.text) })).status).toBe(303);
    await b.login(ALICE);
    const before = connector.messages('forms-fee').length;
    const reply = 'The fee will be back on your card within 3 working days.';
    const res = await b.go(`/staff/cases/${feeRef}/replies`, { ...hiddenOf(page.text, 'replies'), text: reply });
    expect(res.status).toBe(403);
    const form = /<form [^>]*data-action="replies"[\s\S]*?<\/form>/.exec(res.text)![0];
    expect(form).toContain('out of date');
    expect(form).toContain(`>${reply}</textarea>`);
    expect(connector.messages('forms-fee')).toHaveLength(before);
    // Sent again from the page it came back on, it goes through.
    const again = await b.go(`/staff/cases/${feeRef}/replies`, { ...hiddenOf(res.text, 'replies'), text: reply });
    expect(again.status).toBe(303);
    await connector.waitFor(() => connector.messages('forms-fee').length > before);
    expect(connector.messages('forms-fee').at(-1)?.text).toContain(reply);
  });
});

describe('a form sent twice', () => {
  it('sends a double-clicked reply to the customer once', async () => {
    const b = browser();
    await b.login(ALICE);
    const page = await b.go(`/staff/cases/${zhRef}`);
    const form = { ...hiddenOf(page.text, 'replies'), text: '您好，我们已联系网点，银行卡今天可以领取。' };
    const before = connector.messages('forms-zh').length;
    const events = () => app.db.caseEvent.count({ where: { case: { reference: zhRef }, type: 'reply_sent' } });
    const sentBefore = await events();
    // Two clicks in flight at once, then the browser's resubmission after the redirect.
    const [first, second] = await Promise.all([b.go(`/staff/cases/${zhRef}/replies`, form), b.go(`/staff/cases/${zhRef}/replies`, form)]);
    expect([first.status, second.status]).toEqual([303, 303]);
    const third = await b.go(`/staff/cases/${zhRef}/replies`, form);
    expect(third.status).toBe(303);
    expect((await b.go(`/staff/cases/${zhRef}`)).text).toContain('This form was sent twice: it was done once.');
    await connector.waitFor(() => connector.messages('forms-zh').length > before);
    expect(connector.messages('forms-zh').filter((m) => m.text?.includes('银行卡今天可以领取'))).toHaveLength(1);
    expect(await events()).toBe(sentBefore + 1);
  });
});

describe('two staff on one case', () => {
  it('refuses a form from a page older than a colleague\'s change, says what changed, and keeps what was typed', async () => {
    const alice = browser();
    await alice.login(ALICE);
    const boss = browser();
    await boss.login(ADMIN);
    const alicePage = await alice.go(`/staff/cases/${feeRef}`);
    const bossPage = await boss.go(`/staff/cases/${feeRef}`);
    // The supervisor reassigns the case to himself while Alice writes the decision.
    const me = await app.db.staffUser.findUniqueOrThrow({ where: { email: ADMIN.email } });
    expect((await boss.go(`/staff/cases/${feeRef}/assignment`, { ...hiddenOf(bossPage.text, 'assignment'), assigneeId: me.id, reason: 'I know this customer' })).status).toBe(303);

    const decision = { to: 'resolved', resolution: 'The annual fee is refunded in full.', rootCause: 'Fee not disclosed at account opening', note: '' };
    const res = await alice.go(`/staff/cases/${feeRef}/transitions`, { ...hiddenOf(alicePage.text, 'transitions'), ...decision });
    expect(res.status).toBe(409);
    const form = /<form [^>]*data-action="transitions"[\s\S]*?<\/form>/.exec(res.text)![0];
    expect(form).toMatch(/the case changed meanwhile \((assigned|status_changed) by Administrator, [^)]+\)/);
    expect(form).toContain('>The annual fee is refunded in full.</textarea>');
    expect(form).toContain('value="Fee not disclosed at account opening"');
    expect(await app.db.case.findUniqueOrThrow({ where: { reference: feeRef } })).toMatchObject({ status: expect.not.stringMatching(/resolved/) as string, assigneeId: me.id });

    // A note by a colleague is no such change: the supervisor's page still works after it.
    const fresh = await boss.go(`/staff/cases/${feeRef}`);
    expect((await alice.go(`/staff/cases/${feeRef}/notes`, { ...hiddenOf(res.text, 'notes'), text: 'Customer called again' })).status).toBe(303);
    expect((await boss.go(`/staff/cases/${feeRef}/transitions`, { ...hiddenOf(fresh.text, 'transitions'), ...decision })).status).toBe(303);
    expect(await app.db.case.findUniqueOrThrow({ where: { reference: feeRef } })).toMatchObject({ status: 'resolved' });
  });
});

describe('a case with a long conversation', () => {
  it('shows the latest messages, and says how many earlier ones it leaves out', async () => {
    const kase = await app.db.case.findUniqueOrThrow({ where: { reference: zhRef } });
    const already = await app.db.transcriptMessage.count({ where: { caseId: kase.id } });
    const start = Date.now() + 60_000;
    await app.db.transcriptMessage.createMany({
      data: Array.from({ length: 2100 }, (_, i) => ({
        caseId: kase.id,
        conversationKey: 'forms-zh-long',
        direction: i % 2 ? 'out' : 'in',
        author: i % 2 ? 'bot' : 'customer',
        text: i === 2099 ? '最后一条：卡还没拿到' : `第${i}条消息`,
        createdAt: new Date(start + i * 1000),
      })),
    });
    const b = browser();
    await b.login(ALICE);
    const page = await b.go(`/staff/cases/${zhRef}`);
    expect(page.status).toBe(200);
    const transcript = /<section class="card transcript"[\s\S]*?<\/section>/.exec(page.text)![0];
    expect(transcript).toContain('最后一条：卡还没拿到');
    expect(transcript).toContain(`${already + 100} earlier message(s) not shown`);
    expect(transcript).not.toContain('>第0条消息<');
  });
});
