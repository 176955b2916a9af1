import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app.js';
import { startFakeTelegram, tgUpdate, type FakeTelegram } from '../support/fake-telegram.js';
import { waitForRedelivery } from '../support/redelivery.js';
import { REFERENCE, TOKEN, completeIntake, staffCase, startTelegramApp, telegramUser, tempDir, texts } from './telegram-support.js';

const SECRET = 'webhook-secret_0123456789';

describe('Telegram webhook mode', () => {
  let fake: FakeTelegram;
  let app: RunningApp;

  beforeAll(async () => {
    fake = await startFakeTelegram({ token: TOKEN });
    // The public URL is only known once the app listens: start once to learn a free port, then
    // start for real on it with the webhook URL pointing at itself.
    const dir = tempDir('tg-webhook-');
    const probe = await startTelegramApp(dir, fake, { TELEGRAM_WEBHOOK_URL: 'https://example.test/telegram/hook', TELEGRAM_WEBHOOK_SECRET: SECRET });
    const port = probe.port;
    await probe.stop();
    app = await startTelegramApp(dir, fake, {
      PORT: String(port),
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    });
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('sets the webhook with the secret and does not poll', async () => {
    expect(fake.webhook).toEqual({ url: `${app.url}/telegram/hook`, secret: SECRET });
    const setCall = fake.callsOf('setWebhook').at(-1)!;
    expect(setCall.body.allowed_updates).toEqual(expect.arrayContaining(['message', 'edited_message', 'callback_query']));
    const pollsBefore = fake.callsOf('getUpdates').length;
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.callsOf('getUpdates').length).toBe(pollsBefore);
  });

  it('answers 403 to a request without the secret header or with a wrong one, and handles none of them', async () => {
    const user = { id: 88_001, language_code: 'en' };
    const update = { ...tgUpdate.text(user, 'Hello'), update_id: fake.nextUpdateId() };
    const variants: Record<string, string>[] = [{}, { 'x-telegram-bot-api-secret-token': 'wrong-secret' }];
    for (const headers of variants) {
      const res = await fetch(`${app.url}/telegram/hook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(update) });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: 'forbidden' });
    }
    expect(fake.sent.filter((m) => m.chat_id === String(user.id))).toHaveLength(0);
    expect(await app.db.processedUpdate.count({ where: { key: `telegram:${update.update_id}` } })).toBe(0);
  });

  it('handles an update with the right secret once, and the same update delivered again gets its replies again', async () => {
    const user = { id: 88_002, language_code: 'zh' };
    const update = { ...tgUpdate.text(user, '你好'), update_id: fake.nextUpdateId() };
    expect(await fake.deliverWebhook(update)).toBe(200);
    const replies = fake.sent.filter((m) => m.chat_id === String(user.id));
    expect(texts(replies)).toContain('您好');
    // Telegram delivers again only what got no 200: the replies may never have left (a crash
    // after the turn's commit), so they are sent again, from the transcript; nothing runs twice.
    await waitForRedelivery();
    expect(await fake.deliverWebhook(update)).toBe(200);
    const again = fake.sent.filter((m) => m.chat_id === String(user.id)).slice(replies.length);
    expect(again.map((m) => [m.text, m.reply_markup])).toEqual(replies.map((m) => [m.text, m.reply_markup]));
    expect(await app.db.transcriptMessage.count({ where: { conversationKey: `telegram:${user.id}`, direction: 'in' } })).toBe(1);
  });

  it('files a whole complaint over the webhook, button presses included', async () => {
    const user = { id: 88_003, language_code: 'en' };
    const mine = () => fake.sent.filter((m) => m.chat_id === String(user.id));
    // The same driver as in polling mode, with updates delivered by webhook instead.
    const u = {
      ...telegramUser(fake, user),
      async say(text: string) {
        const before = mine().length;
        expect(await fake.deliverWebhook({ ...tgUpdate.text(user, text), update_id: fake.nextUpdateId() })).toBe(200);
        return mine().slice(before);
      },
      async press(value: string) {
        const before = mine().length;
        const target = [...mine()].reverse().find((m) => (m.edited_markup ?? m.reply_markup)?.inline_keyboard?.flat().some((b) => b.callback_data === value));
        expect(target, `button ${value}`).toBeDefined();
        expect(await fake.deliverWebhook({ ...tgUpdate.press(user, value, target!.message_id), update_id: fake.nextUpdateId() })).toBe(200);
        return mine().slice(before);
      },
    };
    const first = await u.say('My credit card was charged 50 dollars twice for the same purchase last week');
    const { reference, pressed } = await completeIntake(u, first, {
      business: 'credit_card',
      occurredOn: 'last week',
      amount: '50',
      resolution: 'refund',
      name: 'Frank Wu',
      phone: '+44 7700 900123',
    });
    expect(pressed).toContain('confirm');
    expect((await staffCase(app, reference!)).case.intakeChannel).toBe('telegram');
  });
});

describe('Telegram across a restart (long polling)', () => {
  let fake: FakeTelegram;
  let dir: string;
  const apps: RunningApp[] = [];

  beforeAll(async () => {
    fake = await startFakeTelegram({ token: TOKEN });
    dir = tempDir('tg-restart-');
  });
  afterAll(async () => {
    for (const a of apps) await a.stop();
    await fake?.close();
  });

  it('continues an intake after the app is stopped and a new one starts on the same database', async () => {
    const first = await startTelegramApp(dir, fake);
    apps.push(first);
    const u = telegramUser(fake, { id: 99_001, language_code: 'zh' });
    let out = await u.say('我的信用卡昨天被多扣了500元年费，我从来没有同意过');
    expect(texts(out)).toContain('您希望我们怎样处理');
    out = await u.press('resolution:refund');
    expect(texts(out)).toContain('请问您怎么称呼');
    const lastBeforeRestart = out.at(-1)!.message_id;
    await first.stop();

    // While the bot is down the customer answers; Telegram keeps the update until someone polls.
    const pending = fake.push(tgUpdate.text(u.user, '王芳'));
    const second = await startTelegramApp(dir, fake);
    apps.push(second);
    await fake.waitFor(() => fake.callsOf('getUpdates').some((c) => Number(c.body.offset ?? 0) > pending.update_id), 10_000, 'the pending update');
    out = u.sent().filter((m) => m.message_id > lastBeforeRestart);
    expect(texts(out)).toContain('电话号码');

    out = await u.shareOwnPhone('13812345678');
    expect(texts(out)).toContain('王芳');
    out = await u.press('confirm');
    const reference = REFERENCE.exec(texts(out))?.[0];
    expect(reference, texts(out)).toBeDefined();
    const detail = await staffCase(second, reference!);
    expect(detail.case).toMatchObject({ intakeChannel: 'telegram', business: 'credit_card' });
    // Polling stopped cleanly: the first app confirmed what it had handled, so nothing it
    // answered was handled again by the second.
    expect(texts(u.sent()).match(/请问您怎么称呼/g)).toHaveLength(1);
  });
});

describe('Telegram unreachable at start', () => {
  it('still serves everything else, keeps retrying in the background, and stops cleanly', async () => {
    const down = await startFakeTelegram({ token: TOKEN });
    const apiRoot = down.apiRoot;
    await down.close(); // nothing listens there any more
    const app = await startTelegramApp(tempDir('tg-down-'), { ...down, apiRoot });
    try {
      const health = await fetch(`${app.url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});
