import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { formatStaffTime } from '../../src/cases/clocks/index.js';
import { loadConfig } from '../../src/config.js';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { botFrameworkCustomer, fileComplaint, startFakeConnector } from '../support/fake-connector.js';

const ADMIN = { email: 'console.admin@bank.test', password: 'console-admin-password' };
let app: RunningApp;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;
let browser: TestBrowser;
let feeRef: string;
let rudeRef: string;

async function file(conversationId: string, description: string) {
  return (await fileComplaint({ botUrl: app.url, connector, conversationId, description })).reference;
}

beforeAll(async () => {
  connector = await startFakeConnector();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-console-'));
  app = await startApp(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${dir}/db.sqlite`, LOG_LEVEL: 'silent', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }),
    { clockSweepMs: 0 },
  );
  feeRef = await file('console-fee', 'My credit card was charged a 200 dollar annual fee that nobody told me about');
  const rude = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId: 'console-rude' });
  await rude.send({ text: 'The teller at the branch was very rude to me, I want an apology' });
  await rude.send({ text: 'human' });
  rudeRef = connector.messages('console-rude').map((m) => m.text).join('\n').match(/C-\d{8}-\d{4}/)![0];
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await connector?.close();
});

/** Opens the queue, logging in first unless this browser already holds a session. */
async function openQueue(page: Page) {
  await page.goto(`${app.url}/staff`);
  if (!page.url().includes('/staff/login')) return;
  await page.fill('input[name=email]', ADMIN.email);
  await page.fill('input[name=password]', ADMIN.password);
  await Promise.all([page.waitForURL(`${app.url}/staff`), page.click('button[type=submit]')]);
}

describe('the staff console in Chromium', () => {
  it('logs in, filters the queue, opens a case, replies and resolves it with a root cause', async () => {
    const page = await browser.newPage();
    const scriptErrors: string[] = [];
    page.on('pageerror', (e) => scriptErrors.push(e.message));
    page.on('console', (m) => {
      // Script errors and CSP refusals count; the 401 of the wrong-password page and the missing
      // favicon do not.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) scriptErrors.push(m.text());
    });

    await page.goto(`${app.url}/staff`);
    expect(page.url()).toContain('/staff/login');
    await page.fill('input[name=email]', ADMIN.email);
    await page.fill('input[name=password]', 'wrong password here');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('body')).toContain('Wrong email or password');
    await page.fill('input[name=password]', ADMIN.password);
    await Promise.all([page.waitForURL(`${app.url}/staff`), page.click('button[type=submit]')]);

    // The queue shows both cases, with countdown badges.
    const rows = page.locator('table[data-testid=queue] tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.locator(`tr[data-ref="${feeRef}"] [data-due]`).count()).toBeGreaterThan(0);
    expect(await page.locator(`tr[data-ref="${feeRef}"] .left`).first().textContent()).toMatch(/left$/);

    // Filter by cause: only the fee complaint remains.
    await page.selectOption('form[data-testid=filters] select[name=cause]', 'fees');
    await Promise.all([page.waitForURL(/cause=fees/), page.click('form[data-testid=filters] button[type=submit]')]);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-ref')).toBe(feeRef);
    expect(await page.locator(`tr[data-ref="${rudeRef}"]`).count()).toBe(0);

    // Open the case.
    await Promise.all([page.waitForURL(`${app.url}/staff/cases/${feeRef}`), page.click(`a[href="/staff/cases/${feeRef}"]`)]);
    expect(await page.textContent('[data-testid=description]')).toContain('annual fee');
    expect(await page.textContent('[data-testid=customer]')).toContain('J*** D**');
    expect(await page.textContent('[data-testid=transcript]')).toContain('annual fee');

    // Reply: it reaches the customer's Bot Framework conversation.
    const before = connector.messages('console-fee').length;
    await page.fill('form[data-action=replies] textarea[name=text]', 'We are refunding the fee today.');
    await Promise.all([page.waitForURL(`${app.url}/staff/cases/${feeRef}`), page.click('form[data-action=replies] button[type=submit]')]);
    expect(await page.textContent('.flash')).toContain('Reply delivered');
    await connector.waitFor(() => connector.messages('console-fee').length > before);
    expect(connector.messages('console-fee').at(-1)?.text).toContain('We are refunding the fee today.');
    expect(await page.textContent('[data-testid=transcript]')).toContain('We are refunding the fee today.');

    // Resolving without a root cause is refused, with the reason.
    await page.selectOption('form[data-action=transitions] select[name=to]', 'resolved');
    await page.fill('form[data-action=transitions] textarea[name=resolution]', 'The annual fee is refunded in full.');
    await page.click('form[data-action=transitions] button[type=submit]');
    await expect.poll(() => page.textContent('.flash')).toContain('root cause');
    expect(await page.textContent('[data-testid=status]')).not.toContain('Resolved');

    await page.selectOption('form[data-action=transitions] select[name=to]', 'resolved');
    await page.fill('form[data-action=transitions] textarea[name=resolution]', 'The annual fee is refunded in full.');
    await page.fill('form[data-action=transitions] input[name=rootCause]', 'Fee not disclosed at account opening');
    await page.click('form[data-action=transitions] button[type=submit]');
    await expect.poll(() => page.textContent('[data-testid=status]')).toContain('Resolved');
    const timeline = await page.textContent('[data-testid=timeline]');
    expect(timeline).toContain('reply_sent');
    expect(timeline).toContain('resolved');
    expect(timeline).toContain('Fee not disclosed at account opening');
    expect(connector.messages('console-fee').at(-1)?.text).toContain('The annual fee is refunded in full.');
    expect(scriptErrors).toEqual([]);

    const c = await app.db.case.findUniqueOrThrow({ where: { reference: feeRef } });
    expect(c).toMatchObject({ status: 'resolved', rootCause: 'Fee not disclosed at account opening' });
  });

  it('shows each deadline as text in the bank’s time zone, named once, beside the time left the script counts', async () => {
    const page = await browser.newPage();
    await openQueue(page);
    const c = await app.db.case.findUniqueOrThrow({ where: { reference: rudeRef } });
    const zone = app.policy.timeZone;
    await expect.poll(() => page.locator('[data-testid=time-zone]').textContent()).toContain(`Times in ${zone}`);
    const badges = page.locator(`tr[data-ref="${rudeRef}"] [data-due]`);
    // The script has run: the time left is counted in the page...
    await expect.poll(() => badges.first().locator('.left').textContent()).toMatch(/left$/);
    // ...and the due times are still there, in what a screen reader reads, each clock named.
    const row = await page.locator(`tr[data-ref="${rudeRef}"]`).ariaSnapshot();
    expect(row).toContain(`Bank target 服务目标: due ${formatStaffTime(c.firstResponseDueAt, zone)} ·`);
    expect(row).toContain(`Regulator deadline 监管时限: due ${formatStaffTime(c.regulatoryDueAt, zone)} ·`);
    expect(await badges.first().getAttribute('title')).toBeNull();

    await Promise.all([page.waitForURL(`${app.url}/staff/cases/${rudeRef}`), page.click(`a[href="/staff/cases/${rudeRef}"]`)]);
    const summary = await page.locator('[data-testid=summary]').ariaSnapshot();
    expect(summary).toContain(`Bank target 服务目标: due ${formatStaffTime(c.firstResponseDueAt, zone)} ·`);
    expect(summary).toContain(`Regulator deadline 监管时限: due ${formatStaffTime(c.regulatoryDueAt, zone)} ·`);
    expect(await page.locator('[data-testid=time-zone]').count()).toBe(1);
  });

  it('names every form control and keeps the landmarks on the queue, case and users pages', async () => {
    const page = await browser.newPage();
    await openQueue(page);
    // What a screen reader announces for a control: its <label>, or its aria-label.
    const unnamed = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input:not([type=hidden]), select, textarea')]
          .filter((e) => !e.labels?.length && !e.getAttribute('aria-label'))
          .map((e) => `${e.tagName.toLowerCase()}[name=${e.name}]`),
      );
    for (const path of ['/staff', `/staff/cases/${rudeRef}`, '/staff/users']) {
      await page.goto(`${app.url}${path}`);
      expect(await unnamed(), path).toEqual([]);
      expect(await page.locator('header').count(), path).toBe(1);
      expect(await page.locator('main').count(), path).toBe(1);
      expect(await page.getByRole('navigation', { name: 'Console 控制台' }).count(), path).toBe(1);
    }
    expect(await page.getByRole('combobox', { name: /^Role of / }).count()).toBeGreaterThan(0);
  });

  it('marks the Chinese of every label and of the customer’s Chinese words, so a screen reader reads it with a Chinese voice', async () => {
    const c = await app.db.case.findUniqueOrThrow({ where: { reference: rudeRef } });
    const words = '柜员态度很差，我在柜台等了40分钟';
    await app.db.transcriptMessage.create({ data: { caseId: c.id, conversationKey: 'console-rude-zh', direction: 'in', author: 'customer', text: words } });
    const page = await browser.newPage();
    await openQueue(page);
    // Chinese text whose nearest language is not Chinese: the page's English voice reads it. An
    // <option> (and an attribute) cannot hold the markup, so options are left out.
    const englishVoiced = () =>
      page.evaluate(() => {
        const out: string[] = [];
        const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
          const el = n.parentElement!;
          if (el.closest('option') || !/\p{Script=Han}/u.test(n.textContent ?? '')) continue;
          if (!el.closest('[lang]')!.getAttribute('lang')!.startsWith('zh')) out.push(n.textContent!.trim());
        }
        return out;
      });
    for (const path of ['/staff', `/staff/cases/${rudeRef}`, '/staff/users', '/staff/notifications']) {
      await page.goto(`${app.url}${path}`);
      expect(await englishVoiced(), path).toEqual([]);
    }
    // The customer's Chinese message is Chinese as a whole, its minutes too.
    expect(await page.goto(`${app.url}/staff/cases/${rudeRef}`).then(() => page.locator('[data-testid=transcript] [lang=zh-Hans]').allTextContents())).toContain(words);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
  });

  it('takes the keyboard past the header with a skip link, the first Tab stop, shown only while focused', async () => {
    const page = await browser.newPage();
    await openQueue(page);
    const focused = () => page.evaluate(() => ({ tag: document.activeElement?.tagName, inMain: !!document.activeElement?.closest('main'), text: document.activeElement?.textContent }));
    for (const path of ['/staff', `/staff/cases/${rudeRef}`]) {
      await page.goto(`${app.url}${path}`);
      const skip = page.locator('a[href="#main"]');
      const box = async () => (await skip.boundingBox())!;
      expect((await box()).y + (await box()).height, path).toBeLessThanOrEqual(0);
      await page.keyboard.press('Tab');
      expect(await focused(), path).toMatchObject({ tag: 'A', text: 'Skip to content 跳到正文' });
      expect((await box()).y, path).toBeGreaterThanOrEqual(0);
      await page.keyboard.press('Enter');
      await expect.poll(focused).toMatchObject({ tag: 'MAIN' });
      // The next Tab goes on inside the content, not back through the header.
      await page.keyboard.press('Tab');
      expect(await focused(), path).toMatchObject({ inMain: true });
      expect((await box()).y + (await box()).height, path).toBeLessThanOrEqual(0);
    }
  });

  it('works the queue and a case with the keyboard alone, a focus ring of 3:1 contrast or more on each stop', async () => {
    const page = await browser.newPage();
    await openQueue(page);
    await page.goto(`${app.url}/staff`);
    // The focused element and its ring: the outline's width and its contrast with the first
    // opaque background behind it (the ring is drawn outside the element).
    const focused = () =>
      page.evaluate(() => {
        const e = document.activeElement as HTMLElement;
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
        const lum = (c: number[]) => {
          const [r, g, b] = c.slice(0, 3).map((v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        let bg = [255, 255, 255];
        for (let p = e.parentElement; p; p = p.parentElement) {
          const c = rgb(getComputedStyle(p).backgroundColor);
          if (c.length === 3 || c[3] === 1) {
            bg = c;
            break;
          }
        }
        const s = getComputedStyle(e);
        const [a, b] = [lum(rgb(s.outlineColor)), lum(bg)].sort((x, y) => y - x);
        return {
          what: `${e.tagName.toLowerCase()}${e.getAttribute('name') ? `[name=${e.getAttribute('name')}]` : ''} ${(e.textContent ?? '').trim().slice(0, 24)}`,
          ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && (a! + 0.05) / (b! + 0.05) >= 3,
        };
      });
    const weakRings: string[] = [];
    /** Presses Tab until `target` has the focus (at most `max` times), noting every stop without a clear ring. */
    const tabTo = async (target: string, max = 60) => {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        const f = await focused();
        if (!f.ring) weakRings.push(f.what);
        if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, target)) return;
      }
      throw new Error(`Tab never reached ${target}`);
    };
    // The filters, then a case.
    await tabTo('form[data-testid=filters] select[name=cause]');
    await tabTo('form[data-testid=filters] button[type=submit]');
    await Promise.all([page.waitForURL(/\/staff\?status=/), page.keyboard.press('Enter')]);
    await tabTo(`a[href="/staff/cases/${rudeRef}"]`);
    await Promise.all([page.waitForURL(`${app.url}/staff/cases/${rudeRef}`), page.keyboard.press('Enter')]);
    // The reply box and its button.
    await tabTo('form[data-action=replies] textarea');
    await page.keyboard.type('We are looking into it.');
    await tabTo('form[data-action=replies] button[type=submit]', 1);
    await Promise.all([page.waitForURL(`${app.url}/staff/cases/${rudeRef}`), page.keyboard.press('Enter')]);
    expect(await page.textContent('.flash')).toContain('Reply delivered');
    expect(weakRings).toEqual([]);
  });
});
