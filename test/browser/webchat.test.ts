import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';

const TOKEN = 'browser-staff-token-0123456789';
let app: RunningApp;
// Each test gets its own browser profile, so its own session id (localStorage).
let browser: TestBrowser | undefined;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-webchat-browser-'));
  app = await startApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${dir}/db.sqlite`,
      LOG_LEVEL: 'silent',
      STAFF_API_TOKEN: TOKEN,
      BANK_NAME: 'Harbour & Co Bank',
      BANK_HOTLINE: '95555',
    }),
  );
});

afterEach(async () => {
  await browser?.close();
  browser = undefined;
});

afterAll(async () => {
  await app?.stop();
});

/** Opens the chat page and records what the browser complains about (CSP, script errors). */
async function openChat(b: TestBrowser): Promise<{ page: Page; problems: string[] }> {
  const page = await b.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  const response = await page.goto(app.url, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await page.locator('[data-id="webchat-sendbox-input"]').waitFor({ state: 'visible' });
  return { page, problems };
}

const sendBox = (page: Page) => page.locator('[data-id="webchat-sendbox-input"]');

async function say(page: Page, text: string) {
  await sendBox(page).fill(text);
  await sendBox(page).press('Enter');
}

const suggested = (page: Page, label: string) =>
  page.getByRole('toolbar', { name: 'Suggested actions' }).getByRole('button', { name: label, exact: true });

/** Presses a suggested action by its label. */
async function press(page: Page, label: string) {
  await suggested(page, label).click();
}

/** Waits until the transcript shows the text (bot messages are plain text). */
async function expectShown(page: Page, text: string | RegExp) {
  await expect.poll(async () => page.locator('.webchat__basic-transcript').innerText(), { timeout: 45_000 }).toMatch(text);
}

/** The transcript's message bubbles, the customer's or the bot's. */
const bubbles = (page: Page, from: 'user' | 'bot') =>
  page.locator(from === 'user' ? '.webchat__bubble.webchat__bubble--from-user' : '.webchat__bubble:not(.webchat__bubble--from-user)');

const sessionOf = (page: Page) => page.evaluate(() => (window as unknown as { complaintDeskChat: { sessionId: string } }).complaintDeskChat.sessionId);

describe('the web chat page', () => {
  it('shows the bank name, the privacy line and the staff link, under a CSP without errors', async () => {
    browser = await launchBrowser();
    const { page, problems } = await openChat(browser);
    await expect.poll(() => page.locator('h1').innerText()).toBe('Harbour & Co Bank');
    expect(await page.locator('footer').innerText()).toMatch(/verification codes/);
    expect(await page.getByRole('link', { name: /Staff console/ }).getAttribute('href')).toBe('/staff');
    const sessionId = await sessionOf(page);
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('files a whole complaint in English by typing and pressing buttons', async () => {
    browser = await launchBrowser();
    const { page, problems } = await openChat(browser);

    await say(page, 'My credit card was charged a 200 dollar annual fee that nobody told me about');
    await expectShown(page, /When did it happen/);
    await say(page, 'yesterday');
    await expectShown(page, /What would you like us to do/);
    await press(page, 'Refund');
    await expectShown(page, /What is your name/);
    await say(page, 'Jane Doe');
    await expectShown(page, /What phone number/);
    await say(page, '+1 415 555 0100');
    await expectShown(page, /Please check your complaint/);
    await press(page, 'Confirm and submit');
    await expectShown(page, /Reference: C-\d{8}-\d{4}/);

    const transcript = await page.locator('.webchat__basic-transcript').innerText();
    const reference = /C-\d{8}-\d{4}/.exec(transcript)?.[0];
    // What the customer pressed is shown as their own message.
    expect(transcript).toContain('Refund');

    const res = await fetch(`${app.url}/api/staff/cases/${reference}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.case).toMatchObject({
      reference,
      status: 'new',
      business: 'credit_card',
      cause: 'fees',
      intakeChannel: 'webchat',
      amount: 200,
    });
    expect(body.transcript.filter((m: { direction: string }) => m.direction === 'in')).toHaveLength(6);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('sends a double-clicked message once and the customer can type on', async () => {
    browser = await launchBrowser();
    const { page, problems } = await openChat(browser);
    const sessionId = await sessionOf(page);
    await sendBox(page).fill('My credit card was charged a 200 dollar annual fee that nobody told me about');
    await page.getByRole('button', { name: 'Send', exact: true }).dblclick();
    await expectShown(page, /When did it happen/);

    // Web Chat's two overlapping "focus without the keyboard" left the box read-only for good.
    await expect.poll(() => sendBox(page).evaluate((box) => box.hasAttribute('readonly')), { timeout: 5_000 }).toBe(false);
    await sendBox(page).fill('yesterday', { timeout: 5_000 });
    await sendBox(page).press('Enter');
    await expectShown(page, /What would you like us to do/);
    const inbound = await app.db.transcriptMessage.count({ where: { conversationKey: `web:${sessionId}`, direction: 'in' } });
    expect(inbound).toBe(2);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('takes a double-clicked button as one answer', async () => {
    browser = await launchBrowser();
    const { page, problems } = await openChat(browser);
    const sessionId = await sessionOf(page);
    await say(page, 'My credit card was charged a 200 dollar annual fee that nobody told me about');
    await expectShown(page, /When did it happen/);
    // On a slow connection the buttons stay up a while after the first press.
    await page.route('**/api/webchat/messages', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await route.continue();
    });
    await suggested(page, 'Yesterday').dblclick();
    await expectShown(page, /What would you like us to do/);
    await suggested(page, 'Refund').waitFor({ state: 'visible' });
    // A second answer would have been a second "Yesterday", taken for the next question.
    await page.waitForTimeout(1_000);
    expect(await bubbles(page, 'user').allInnerTexts()).toEqual([
      'My credit card was charged a 200 dollar annual fee that nobody told me about',
      'Yesterday',
    ]);
    const inbound = await app.db.transcriptMessage.count({ where: { conversationKey: `web:${sessionId}`, direction: 'in' } });
    expect(inbound).toBe(2);

    // The next question's buttons work at once.
    await press(page, 'Refund');
    await expectShown(page, /What is your name/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('leaves the Enter that picks a Chinese input method candidate to the IME, and sends on the next', async () => {
    browser = await launchBrowser();
    const { page, problems } = await openChat(browser);
    const posted: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/webchat/messages')) posted.push(String(JSON.parse(r.postData() ?? '{}').text));
    });
    // Chromium's own IME path (DevTools protocol): pinyin being composed, then Enter.
    const cdp = await page.context().newCDPSession(page);
    await sendBox(page).focus();
    await cdp.send('Input.imeSetComposition', { text: '我的信用卡', selectionStart: 5, selectionEnd: 5 });
    await page.keyboard.press('Enter');
    await page.waitForTimeout(1_500);
    expect(posted).toEqual([]);
    expect(await sendBox(page).inputValue()).toBe('我的信用卡');

    // The candidate taken, the customer writes on and sends with Enter as usual.
    await cdp.send('Input.insertText', { text: '我的信用卡' });
    await page.keyboard.insertText('被多收了200元年费，没人告诉我');
    await page.waitForTimeout(100);
    await page.keyboard.press('Enter');
    await expectShown(page, /这是什么时候发生的/);
    expect(posted).toEqual(['我的信用卡被多收了200元年费，没人告诉我']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('writes several lines with Shift+Enter and sends them with Enter, the box growing a few lines then scrolling', async () => {
    browser = await launchBrowser();
    const { page, problems } = await openChat(browser);
    const posted: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/webchat/messages')) posted.push(String(JSON.parse(r.postData() ?? '{}').text));
    });
    const height = () => sendBox(page).evaluate((box) => box.getBoundingClientRect().height);
    await sendBox(page).focus();
    const oneLine = await height();
    await page.keyboard.type('My credit card was charged a 200 dollar annual fee.');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('Nobody told me about it.');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('I want it back.');
    await page.waitForTimeout(500);
    expect(posted).toEqual([]);
    expect(await sendBox(page).inputValue()).toBe('My credit card was charged a 200 dollar annual fee.\nNobody told me about it.\nI want it back.');
    const threeLines = await height();
    expect(threeLines).toBeGreaterThan(oneLine * 2);

    // A long story stops growing at a few lines and scrolls inside the box.
    await sendBox(page).fill(Array.from({ length: 30 }, (_, i) => `Line ${i + 1} of what happened`).join('\n'));
    const tall = await height();
    expect(tall).toBeLessThan(oneLine * 8);
    expect(await sendBox(page).evaluate((box) => box.scrollHeight > box.clientHeight + 1)).toBe(true);

    await sendBox(page).fill('My credit card was charged a 200 dollar annual fee.\nNobody told me about it.');
    await page.keyboard.press('Enter');
    await expectShown(page, /When did it happen/);
    expect(posted).toEqual(['My credit card was charged a 200 dollar annual fee.\nNobody told me about it.']);
    // Web Chat shows each line of a plain text as its own paragraph.
    expect(await bubbles(page, 'user').locator('.webchat__text-content').allInnerTexts()).toEqual([
      'My credit card was charged a 200 dollar annual fee.',
      'Nobody told me about it.',
    ]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('counts near the length limit and keeps a longer text in the box, unsent and uncut, in the page language', async () => {
    browser = await launchBrowser();
    const { page, problems } = await openChat(browser);
    const posted: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/webchat/messages')) posted.push(String(JSON.parse(r.postData() ?? '{}').text));
    });
    const counter = page.locator('#webchat-length');
    const story = (n: number) => 'My card was charged twice. '.repeat(Math.ceil(n / 27)).slice(0, n - 1) + '.';

    await sendBox(page).fill(story(300));
    await expect.poll(() => counter.isVisible()).toBe(false);
    await sendBox(page).fill(story(7600));
    await expect.poll(() => counter.innerText()).toMatch(/400 characters left of 8000/);

    // A paste of 20 000 stays whole: the customer decides what to cut.
    await sendBox(page).fill('');
    await sendBox(page).focus();
    await page.keyboard.insertText(story(20_000));
    expect((await sendBox(page).inputValue()).length).toBe(20_000);
    await expect.poll(() => counter.innerText()).toMatch(/12000 characters over the 8000 limit/);
    await sendBox(page).press('Enter');
    await expect.poll(() => counter.innerText()).toMatch(/Not sent: this message has 20000 characters and may have 8000 at most/);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.waitForTimeout(1_000);
    expect(posted).toEqual([]);
    expect((await sendBox(page).inputValue()).length).toBe(20_000);
    expect(await bubbles(page, 'user').count()).toBe(0);

    // Once the bot speaks Chinese, so does the counter.
    await say(page, '我的信用卡被多收了200元年费，没人告诉我');
    await expectShown(page, /这是什么时候发生的/);
    await expect.poll(() => counter.isVisible()).toBe(false);
    await sendBox(page).fill('年费'.repeat(4500));
    await expect.poll(() => counter.innerText()).toMatch(/超出 1000 个字符（最多 8000 个）/);
    await sendBox(page).press('Enter');
    await expect.poll(() => counter.innerText()).toMatch(/未发送：这条消息共 9000 个字符，最多 8000 个/);
    await page.waitForTimeout(1_000);
    expect(posted).toHaveLength(1);

    // Shortened to the limit, it goes.
    await sendBox(page).fill('年费'.repeat(4000));
    await sendBox(page).press('Enter');
    await expect.poll(() => posted.length).toBe(2);
    expect(posted[1]).toHaveLength(8000);
    await expect.poll(() => counter.isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('wraps a long unbroken word in both bubbles at a 360 px phone width, with no sideways scrolling', async () => {
    browser = await launchBrowser();
    const { page, problems } = await openChat(browser);
    await page.setViewportSize({ width: 360, height: 740 });
    const sessionId = await sessionOf(page);
    const cardLike = '622202123456789012346222021234567890123462220212345678901234';
    const url = 'https://statements.harbour-bank.example/cards/2026/11/transactions/annual-fee-charge-details?ref=AF20261128XQ77';
    await say(page, `The annual fee ${cardLike} was charged twice`);
    await expectShown(page, /complaints assistant of Harbour & Co Bank/);
    await app.messenger.send({ kind: 'webpage', sessionId }, [{ text: `Complaints team: the fee is listed at ${url}` }]);
    await expectShown(page, /the fee is listed at/);

    // The same words typed into the send box wrap there too.
    await sendBox(page).fill(`See ${url} and ${cardLike}`);
    const overflow = await page.evaluate(() => {
      const wider = (e: Element) => e.scrollWidth > e.clientWidth + 1;
      const scrollers = [
        document.documentElement,
        ...document.querySelectorAll('.webchat__basic-transcript__scrollable, .webchat__send-box-text-box, [data-id="webchat-sendbox-input"]'),
      ];
      const bubbles = [...document.querySelectorAll('.webchat__bubble')];
      return {
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        scrollers: scrollers.filter(wider).length,
        bubbles: bubbles.filter((b) => b.getBoundingClientRect().right > window.innerWidth || wider(b.querySelector('.webchat__bubble__content') ?? b)).length,
      };
    });
    expect(overflow).toEqual({ page: 0, scrollers: 0, bubbles: 0 });
    // Wrapped, not cut: the words are all there.
    expect(await bubbles(page, 'user').innerText()).toContain(cardLike);
    expect(await bubbles(page, 'bot').filter({ hasText: 'the fee is listed at' }).innerText()).toContain(url);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("follows the conversation's language in the page's lang and Web Chat's own words, for screen readers", async () => {
    browser = await launchBrowser();
    const { page, problems } = await openChat(browser);
    const lang = () => page.evaluate(() => document.documentElement.lang);
    await say(page, '我的信用卡被多收了200元年费，没人告诉我');
    await expectShown(page, /这是什么时候发生的/);
    await expect.poll(lang).toBe('zh-Hans');
    // The send box is named in Chinese too, and still takes the customer's words.
    await expect.poll(() => sendBox(page).getAttribute('aria-label')).not.toBe('Message input box');
    await say(page, 'English');
    await expect.poll(lang, { timeout: 45_000 }).toBe('en');
    await expect.poll(() => sendBox(page).getAttribute('aria-label')).toBe('Message input box');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('runs a message whose answer was lost once: Retry shows the first attempt, and no second turn', async () => {
    browser = await launchBrowser();
    const { page } = await openChat(browser);
    const sessionId = await sessionOf(page);
    // Every attempt reaches the server and the first one's turn runs; only the answers are lost,
    // so the page gives up and shows "Send failed" with Retry.
    const lose = '**/api/webchat/messages';
    await page.route(lose, async (route) => {
      await route.fetch();
      await route.abort('connectionreset');
    });
    const complaint = 'My credit card was charged a 200 dollar annual fee that nobody told me about';
    await say(page, complaint);
    const retry = page.getByRole('button', { name: 'Retry', exact: true });
    await retry.waitFor({ state: 'visible', timeout: 30_000 });
    await page.unroute(lose);
    await retry.click();

    await expectShown(page, /When did it happen/);
    await expect.poll(() => retry.count(), { timeout: 15_000 }).toBe(0);
    expect(await bubbles(page, 'user').filter({ hasText: complaint }).count()).toBe(1);
    expect(await bubbles(page, 'bot').filter({ hasText: 'When did it happen' }).count()).toBe(1);
    const inbound = await app.db.transcriptMessage.count({ where: { conversationKey: `web:${sessionId}`, direction: 'in' } });
    expect(inbound).toBe(1);

    // The conversation carries on from the first attempt's question.
    await say(page, 'yesterday');
    await expectShown(page, /What would you like us to do/);
    await page.close();
  });

  it('shows the conversation so far after a reload mid-intake, and the customer carries on there', async () => {
    browser = await launchBrowser();
    const { page, problems } = await openChat(browser);
    const sessionId = await sessionOf(page);
    const complaint = 'My credit card was charged a 200 dollar annual fee that nobody told me about';
    await say(page, complaint);
    await expectShown(page, /When did it happen/);
    await press(page, 'Yesterday');
    await expectShown(page, /What would you like us to do/);

    await page.reload({ waitUntil: 'load' });
    await sendBox(page).waitFor({ state: 'visible' });
    await expectShown(page, /What would you like us to do/);
    // Each message once, the customer's and the bot's, in the order they were said.
    expect(await bubbles(page, 'user').allInnerTexts()).toEqual([complaint, 'Yesterday']);
    const all = (await page.locator('.webchat__bubble').allInnerTexts()).join('\n');
    const order = [complaint, 'When did it happen', 'Yesterday', 'What would you like us to do'].map((t) => all.indexOf(t));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    expect(await bubbles(page, 'bot').filter({ hasText: 'When did it happen' }).count()).toBe(1);

    // The last question's buttons work as before the reload.
    await press(page, 'Refund');
    await expectShown(page, /What is your name/);
    const inbound = await app.db.transcriptMessage.count({ where: { conversationKey: `web:${sessionId}`, direction: 'in' } });
    expect(inbound).toBe(3);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows messages pushed later: at once while open, and after reopening when sent while closed', async () => {
    browser = await launchBrowser();
    const first = await openChat(browser);
    const sessionId = await sessionOf(first.page);
    await say(first.page, 'The teller at my branch was rude to me');
    await expectShown(first.page, /complaints assistant of Harbour & Co Bank/);

    const live = await app.messenger.send({ kind: 'webpage', sessionId }, [{ text: 'Complaints team: we are looking into it now.' }]);
    expect(live).toEqual({ ok: true });
    await expectShown(first.page, /we are looking into it now/);
    await first.page.close();

    const offline = await app.messenger.send({ kind: 'webpage', sessionId }, [
      { text: 'How did we do? Please rate us.', buttons: [{ label: 'Solved', value: 'survey:yes' }] },
    ]);
    expect(offline).toEqual({ ok: true });

    const second = await openChat(browser);
    expect(await sessionOf(second.page)).toBe(sessionId);
    await expectShown(second.page, /How did we do\? Please rate us\./);
    await suggested(second.page, 'Solved').waitFor({ state: 'visible' });
    // The conversation before the page was closed is shown again once, before what came since.
    expect(await bubbles(second.page, 'user').allInnerTexts()).toEqual(['The teller at my branch was rude to me']);
    expect(await bubbles(second.page, 'bot').filter({ hasText: 'looking into it now' }).count()).toBe(1);
    const bot = await bubbles(second.page, 'bot').allInnerTexts();
    expect(bot.findIndex((t) => t.includes('looking into it now'))).toBeLessThan(bot.findIndex((t) => t.includes('How did we do')));
    expect([...first.problems, ...second.problems]).toEqual([]);
    await second.page.close();
  });
});
