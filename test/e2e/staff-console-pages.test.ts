import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { createStaffUser } from '../../src/cases/staff/accounts.js';
import { loadConfig } from '../../src/config.js';
import { staffBrowser } from '../support/staff-browser.js';
import { databaseUrlIn } from '../support/db.js';

/**
 * The console's pages as staff read them, on a clock the test moves: times in the bank's zone,
 * and what they say once that time has passed.
 */
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const CASES = 320;
const SEEDED_STATUSES = ['new', 'in_progress', 'awaiting_customer', 'resolved'] as const;
// 09:00 in Shanghai (the `cn` policy's zone).
const T0 = new Date('2026-03-10T01:00:00Z');
let now = T0;
const ADMIN = { email: 'pages.admin@bank.test', password: 'pages-admin-password-1' };
const LOCKED = { email: 'pages.guessed@bank.test', password: 'pages-guessed-password-1' };
let app: RunningApp;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-staff-pages-'));
  app = await startApp(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await databaseUrlIn(dir), LOG_LEVEL: 'silent', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }),
    { clock: () => now, clockSweepMs: 0 },
  );
  await createStaffUser(app.db, { email: LOCKED.email, displayName: 'Lock Ed', role: 'agent', password: LOCKED.password }, T0);
  // A queue of a few hundred cases, a quarter of each status below.
  const customer = await app.db.customer.create({ data: {} });
  await app.db.case.createMany({
    data: Array.from({ length: CASES }, (_, i) => ({
      reference: `C-20260309-${String(i + 1).padStart(4, '0')}`,
      status: SEEDED_STATUSES[i % SEEDED_STATUSES.length]!,
      receivedAt: new Date(T0.getTime() - DAY),
      customerId: customer.id,
      intakeChannel: 'webchat',
      language: 'en',
      severity: 'P3',
      business: 'deposit',
      cause: 'fees',
      channel: 'branch',
      description: 'seeded',
      firstResponseDueAt: new Date(T0.getTime() + i * MINUTE),
      regulatoryProfile: 'cn',
      regulatoryDueAt: new Date(T0.getTime() + 14 * DAY),
      nextDueAt: new Date(T0.getTime() + i * MINUTE),
    })),
  });
});
afterAll(async () => {
  await app?.stop();
});

/** One member of staff's browser. */
const browser = () => staffBrowser(() => app.url);
/**
 * The query the queue's filter form sends when Filter is pressed, as a browser builds it: ticked
 * checkboxes, each select's chosen option, the text fields.
 */
function filterQuery(html: string): string {
  const form = /<form class="filters card"[\s\S]*?<\/form>/.exec(html)![0];
  const fields: [string, string][] = [];
  for (const m of form.matchAll(/<input type="(checkbox|text)" name="([^"]+)"([^>]*)>/g)) {
    const value = /value="([^"]*)"/.exec(m[3]!)?.[1] ?? '';
    if (m[1] === 'text' || / checked/.test(m[3]!)) fields.push([m[2]!, value]);
  }
  for (const m of form.matchAll(/<select name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    fields.push([m[1]!, /<option value="([^"]*)"[^>]* selected/.exec(m[2]!)?.[1] ?? /<option value="([^"]*)"/.exec(m[2]!)![1]!]);
  }
  return new URLSearchParams(fields).toString();
}
const ticked = (html: string) => [...html.matchAll(/<input type="checkbox" name="status" value="([^"]+)" checked>/g)].map((m) => m[1]);
const totalOf = (html: string) => /data-testid="total">(\d+)/.exec(html)![1];

/** The users page's row of `email`. */
const rowOf = (html: string, email: string) => new RegExp(`<tr><th scope="row">[^<]*</th><td>${email.replace(/\./g, '\\.')}</td>[\\s\\S]*?</tr>`).exec(html)![0];

describe('the users page', () => {
  it('shows a lock-out in the bank’s time zone while it runs, and not once it has run out', async () => {
    const guesser = browser();
    for (let i = 0; i < 4; i++) expect((await guesser.login({ email: LOCKED.email, password: 'wrong-password-xx' })).status).toBe(401);
    expect((await guesser.login({ email: LOCKED.email, password: 'wrong-password-xx' })).status).toBe(429);

    const admin = browser();
    expect((await admin.login(ADMIN)).status).toBe(303);
    const locked = await admin.go('/staff/users');
    expect(locked.text).toContain('Times in Asia/Shanghai');
    // 09:00 in Shanghai plus the 15-minute lock, not the UTC instant 01:15Z.
    expect(rowOf(locked.text, LOCKED.email)).toContain('locked until 10 Mar 2026, 09:15');
    expect(locked.text).not.toContain('2026-03-10T01:15');

    now = new Date(T0.getTime() + 16 * MINUTE);
    const expired = await admin.go('/staff/users');
    expect(expired.status).toBe(200);
    expect(rowOf(expired.text, LOCKED.email)).not.toContain('locked');
    // The lock has indeed run out: the right password logs in.
    expect((await browser().login(LOCKED)).status).toBe(303);
  });
});

describe('the tables', () => {
  it('each have a caption, and each header cell says whether it heads a column or a row', async () => {
    const b = browser();
    expect((await b.login(ADMIN)).status).toBe(303);
    for (const path of ['/staff?status=all', '/staff/cases/C-20260309-0001', '/staff/users', '/staff/notifications', '/staff/account']) {
      const page = await b.go(path);
      expect(page.status, path).toBe(200);
      const tables = [...page.text.matchAll(/<table[^>]*>([\s\S]*?)<\/table>/g)].map((m) => m[1]!);
      expect(tables.length, path).toBeGreaterThan(0);
      for (const t of tables) {
        // A caption names the table for a screen reader's list of tables.
        expect(t, path).toMatch(/^<caption[^>]*>[^<]*\S/);
        expect(t.match(/<th(?=[\s>])(?![^>]*scope="(col|row)")[^>]*>/g) ?? [], path).toEqual([]);
      }
    }
    const queue = await b.go('/staff?status=all');
    // A row is announced by its case.
    expect(queue.text).toMatch(/<tr data-ref="C-20260309-0001">\s*<th scope="row"><a href="\/staff\/cases\/C-20260309-0001">/);
  });
});

describe('a case decided in Chinese', () => {
  it('marks the decision and the root cause as Chinese, for a screen reader', async () => {
    // A resolved seeded case (every fourth is), decided by a colleague who wrote in Chinese.
    const reference = 'C-20260309-0004';
    await app.db.case.update({ where: { reference }, data: { resolution: '已全额退还年费并致歉', rootCause: '开户时未告知年费' } });
    const b = browser();
    expect((await b.login(ADMIN)).status).toBe(303);
    const page = await b.go(`/staff/cases/${reference}`);
    expect(page.text).toContain('<th scope="row">Decision</th><td><span lang="zh-Hans">已全额退还年费并致歉</span></td>');
    expect(page.text).toContain('<th scope="row">Root cause</th><td><span lang="zh-Hans">开户时未告知年费</span></td>');
  });
});

describe('the queue filter', () => {
  it('keeps several statuses when Filter is pressed again, and in the pager', async () => {
    const b = browser();
    expect((await b.login(ADMIN)).status).toBe(303);
    const first = await b.go('/staff?status=new,in_progress');
    expect(ticked(first.text)).toEqual(['new', 'in_progress']);
    expect(totalOf(first.text)).toBe(String(CASES / 2));

    const again = await b.go(`/staff?${filterQuery(first.text)}`);
    expect(again.status).toBe(200);
    expect(ticked(again.text)).toEqual(['new', 'in_progress']);
    expect(totalOf(again.text)).toBe(String(CASES / 2));
    const next = /<a href="([^"]+)" rel="next">/.exec(again.text)![1]!.replace(/&amp;/g, '&');
    expect(new URLSearchParams(next.split('?')[1]).get('status')).toBe('new,in_progress');
    const page2 = await b.go(next);
    expect(ticked(page2.text)).toEqual(['new', 'in_progress']);
    expect(page2.text).toContain('page 2 of');
  });

  it('ticks the open statuses when none is asked for, and every one for all', async () => {
    const b = browser();
    expect((await b.login(ADMIN)).status).toBe(303);
    const open = await b.go('/staff');
    expect(ticked(open.text)).toEqual(['new', 'acknowledged', 'in_progress', 'awaiting_customer', 'reopened']);
    expect(totalOf(open.text)).toBe(String((CASES * 3) / 4));
    expect(totalOf((await b.go(`/staff?${filterQuery(open.text)}`)).text)).toBe(String((CASES * 3) / 4));
    const all = await b.go('/staff?status=all');
    expect(ticked(all.text)).toHaveLength(7);
    expect(totalOf(all.text)).toBe(String(CASES));
    expect(totalOf((await b.go(`/staff?${filterQuery(all.text)}`)).text)).toBe(String(CASES));
  });

  it('reaches the last page of a few hundred cases in one click, keeping the filters', async () => {
    const b = browser();
    expect((await b.login(ADMIN)).status).toBe(303);
    const link = (html: string, testid: string) => new RegExp(`<a href="([^"]+)" data-testid="${testid}"`).exec(html)![1]!.replace(/&amp;/g, '&');
    const first = await b.go('/staff?status=all&severity=P3');
    const pages = Math.ceil(CASES / 25);
    expect(first.text).toContain(`page 1 of ${pages}`);
    expect(first.text).toMatch(/<nav class="pager" aria-label="[^"]+">/);
    const last = await b.go(link(first.text, 'last-page'));
    expect(last.text).toContain(`page ${pages} of ${pages}`);
    expect(totalOf(last.text)).toBe(String(CASES));
    // The least urgent case, and the filters still set.
    expect(last.text).toContain(`data-ref="C-20260309-${String(CASES).padStart(4, '0')}"`);
    expect(ticked(last.text)).toHaveLength(7);
    expect(last.text).toMatch(/<option value="P3" selected>/);
    expect(last.text).not.toContain('data-testid="last-page"');
    expect(last.text).not.toContain('rel="next"');
    const back = await b.go(link(last.text, 'first-page'));
    expect(back.text).toContain(`page 1 of ${pages}`);
    expect(ticked(back.text)).toHaveLength(7);
  });

  it('says a page past the end is past it, with the last page one click away, keeping the filters', async () => {
    const b = browser();
    expect((await b.login(ADMIN)).status).toBe(303);
    const link = (html: string, testid: string) => new RegExp(`<a href="([^"]+)" data-testid="${testid}"`).exec(html)![1]!.replace(/&amp;/g, '&');
    const pages = Math.ceil(CASES / 25);
    const past = await b.go('/staff?status=all&severity=P3&page=99');
    expect(past.status).toBe(200);
    expect(past.text).toContain(`page 99 of ${pages}`);
    expect(past.text).toContain(`Page 99 is past the end: there are ${pages} pages.`);
    expect(past.text).not.toContain('No cases match');
    // Previous (98) would be past the end too; next there is none.
    expect(past.text).not.toContain('rel="prev"');
    expect(past.text).not.toContain('rel="next"');
    const last = await b.go(link(past.text, 'last-page'));
    expect(last.text).toContain(`page ${pages} of ${pages}`);
    expect(last.text).toContain(`data-ref="C-20260309-${String(CASES).padStart(4, '0')}"`);
    expect(ticked(last.text)).toHaveLength(7);
    expect(last.text).toMatch(/<option value="P3" selected>/);
    expect(last.text).not.toContain('past the end');
    expect((await b.go(link(past.text, 'first-page'))).text).toContain(`page 1 of ${pages}`);
  });

  it.each([
    ['abc', 'page "abc": not a whole number'],
    ['-1', 'page "-1": Too small'],
    ['0', 'page "0": Too small'],
    ['2.5', 'page "2.5": not a whole number'],
  ])('refuses page=%s with the reason, as the API does', async (page, reason) => {
    const b = browser();
    expect((await b.login(ADMIN)).status).toBe(303);
    const res = await b.go(`/staff?page=${page}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain(`Bad filter: ${reason.replace(/"/g, '&quot;')}`);
    expect((await b.go(`/api/staff/cases?page=${page}`)).status).toBe(400);
  });
});
