import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';

const ADMIN = { email: 'reports-admin@bank.test', password: 'correct horse battery staple' };
const H = 3_600_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reports-browser-'));
let app: RunningApp;
let browser: TestBrowser;

beforeAll(async () => {
  app = await startApp(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${dir}/db.sqlite`, LOG_LEVEL: 'silent', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }),
    { schedulerPollMs: 0 },
  );
  // Six complaints this month: three credit-card fee cases (two decided in time), a P1 fraud case,
  // a debit-card ATM case and a branch service case; one survey answered with a 2.
  const customer = await app.db.customer.create({ data: { language: 'zh' } });
  const base = Date.now() - 5 * 24 * H;
  const rows = [
    { business: 'credit_card', cause: 'fees', channel: 'mobile_app', severity: 'P3', resolvedAfter: 30 },
    { business: 'credit_card', cause: 'fees', channel: 'mobile_app', severity: 'P3', resolvedAfter: 50 },
    { business: 'credit_card', cause: 'fees', channel: 'online_banking', severity: 'P3', resolvedAfter: null },
    { business: 'debit_card', cause: 'funds_security', channel: 'atm', severity: 'P1', resolvedAfter: 10 },
    { business: 'debit_card', cause: 'facilities', channel: 'atm', severity: 'P4', resolvedAfter: null },
    { business: 'deposit', cause: 'service', channel: 'branch', severity: 'P4', resolvedAfter: null },
  ];
  let i = 0;
  for (const r of rows) {
    const receivedAt = new Date(base + i * H);
    const c = await app.db.case.create({
      data: {
        reference: `C-20990101-${String(++i).padStart(4, '0')}`,
        receivedAt,
        createdAt: receivedAt,
        customerId: customer.id,
        intakeChannel: i % 2 ? 'telegram' : 'webchat',
        language: 'zh',
        status: r.resolvedAfter ? 'resolved' : 'in_progress',
        severity: r.severity,
        business: r.business,
        cause: r.cause,
        channel: r.channel,
        description: 'seeded',
        firstResponseDueAt: new Date(receivedAt.getTime() + 24 * H),
        firstResponseAt: new Date(receivedAt.getTime() + 2 * H),
        regulatoryProfile: 'cn',
        regulatoryDueAt: new Date(receivedAt.getTime() + 15 * 24 * H),
        nextDueAt: new Date(receivedAt.getTime() + 15 * 24 * H),
        resolvedAt: r.resolvedAfter ? new Date(receivedAt.getTime() + r.resolvedAfter * H) : null,
        resolution: r.resolvedAfter ? 'decided' : null,
        rootCause: r.resolvedAfter ? 'fee not disclosed' : null,
      },
    });
    if (i === 1) await app.db.survey.create({ data: { caseId: c.id, status: 'answered', sentAt: new Date(receivedAt.getTime() + 31 * H), solved: 'no', score: 2 } });
  }
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the reports page in a real browser', () => {
  it('logs in through the console, shows charts and numbers, filters by date, exports CSV and switches the monthly summary language', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.goto(`${app.url}/staff/reports`);
    // No session: the console's login page, which brings us back afterwards.
    await page.waitForURL(/\/staff\/login/);
    await page.fill('input[name=email]', ADMIN.email);
    await page.fill('input[name=password]', ADMIN.password);
    await Promise.all([page.waitForURL(/\/staff\/reports/), page.click('button[type=submit]')]);

    // Chinese by default, the whole page.
    await expect.poll(() => page.locator('h1').textContent()).toBe('投诉统计报表');
    expect(await page.locator('[data-kpi=regulatoryOpenPastDue]').textContent()).toMatch(/^逾期未办结/);
    expect(await page.locator('[data-kpi=total] b').textContent()).toBe('6');
    expect(await page.locator('[data-kpi=firstResponseMetPct] b').textContent()).toBe('100');
    expect(await page.locator('[data-kpi=csatAverage] b').textContent()).toBe('2');
    expect(await page.locator('[data-kpi=solvedRate] b').textContent()).toBe('0');
    // Inline SVG charts, no chart library.
    expect(await page.locator('svg[role=img]').count()).toBeGreaterThanOrEqual(8);
    expect(await page.locator('svg[aria-label="投诉量趋势（按业务类别）"] rect').count()).toBeGreaterThan(0);
    const business = page.locator('table[data-table=by_business] tbody tr').first();
    expect(await business.locator('td').nth(0).textContent()).toBe('credit_card');
    expect(await business.locator('td').nth(2).textContent()).toBe('3');
    expect(await page.locator('table[data-table=root_causes] tbody tr td').first().textContent()).toBe('fee not disclosed');

    // CSV of a table, downloaded by the browser.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#t-by_cause a.csv')]);
    const csv = fs.readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    expect(csv.split('\r\n')[0]).toBe('cause,label,count,share_pct');
    expect(csv).toContain('fees,定价收费,3,50');

    // Monthly JR/T 0169 summary: Chinese by default, English one click away, with the page.
    expect(await page.locator('table[data-table=monthly_zh] thead').textContent()).toContain('件数');
    await Promise.all([page.waitForURL(/lang=en/), page.click('h2#monthly a')]);
    expect(await page.locator('table[data-table=monthly_en] thead').textContent()).toContain('Complaints');
    expect(await page.locator('table[data-table=monthly_en]').textContent()).toContain('Credit card');
    expect(await page.locator('h1').textContent()).toBe('Complaint reports');
    expect(await page.locator('svg[aria-label="Complaints by business"] rect').count()).toBeGreaterThan(0);

    // A date range before any complaint: everything drops to zero.
    await page.fill('input[name=from]', '2020-01-01');
    await page.fill('input[name=to]', '2020-01-31');
    await Promise.all([page.waitForURL(/from=2020-01-01/), page.click('form.range button')]);
    expect(await page.locator('[data-kpi=total] b').textContent()).toBe('0');
    expect(await page.locator('[data-kpi=csatAverage] b').textContent()).toBe('—');
  });
});
