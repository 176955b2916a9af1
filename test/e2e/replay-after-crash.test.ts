import { afterAll, describe, expect, it } from 'vitest';
import { actionsOf, botFrameworkCustomer, startFakeConnector } from '../support/fake-connector.js';
import { startFakeTelegram, tgUpdate, type FakeTelegram } from '../support/fake-telegram.js';
import { databaseUrlIn } from '../support/db.js';
import { waitForRedelivery } from '../support/redelivery.js';
import { freePort, startServerProcess } from '../support/server-process.js';
import { REFERENCE, STAFF_TOKEN, TOKEN, tempDir, texts } from './telegram-support.js';

const SECRET = 'replay-secret_0123456789';
const FRAUD = 'Someone used my credit card to take 5000 yuan yesterday, it was not me';

/**
 * kill -9 after a turn committed and before its replies reached the customer (the channel's send
 * never answers, so the process dies waiting). Telegram delivers the update again (it got no 200),
 * Bot Framework retries the activity: the customer gets that turn's replies — freeze guidance
 * with the question's buttons, then the case reference — from the stored transcript.
 */
describe('replies of a turn committed just before a crash', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('reach the Telegram and Bot Framework customer when the update comes again', { timeout: 120_000 }, async () => {
    const dir = tempDir('cd-replay-');
    const fake: FakeTelegram = await startFakeTelegram({ token: TOKEN });
    cleanups.push(() => fake.close());
    const connector = await startFakeConnector();
    cleanups.push(connector.close);
    const port = await freePort();
    const env = {
      PORT: String(port),
      DATABASE_URL: await databaseUrlIn(dir),
      DATA_DIR: dir,
      BANK_HOTLINE: '95555',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      STAFF_API_TOKEN: STAFF_TOKEN,
    };
    /** The server, once it answers /healthz and has set its webhook (after it listens). */
    const start = async () => {
      const hooks = fake.callsOf('setWebhook').length;
      const started = await startServerProcess(env);
      await fake.waitFor(() => fake.callsOf('setWebhook').length > hooks, 30_000, 'the webhook being set');
      return started;
    };
    let server = await start();
    cleanups.push(() => server.stop('SIGKILL'));

    const user = { id: 99_101, language_code: 'en' };
    const chat = String(user.id);
    const tgSent = () => fake.sent.filter((m) => m.chat_id === chat);
    const conversationId = 'replay-bf';
    const customer = botFrameworkCustomer({ botUrl: server.url, serviceUrl: connector.url, conversationId, locale: 'en-US' });
    let activity = 0;

    /** One message on each channel whose turn commits and whose process dies before replying; then each comes again. */
    async function crashThenRedeliver(tgText: string, bf: { text?: string; action?: string }) {
      const update = { ...tgUpdate.text(user, tgText), update_id: fake.nextUpdateId() };
      const id = `${conversationId}-a${++activity}`;
      const tgBefore = fake.callsOf('sendMessage', chat).length;
      const bfBefore = connector.hungMessages;
      fake.failSends(chat, 'hang', 100);
      connector.hung.add(conversationId);
      const deliveries = [fake.deliverWebhook(update).catch(() => 'died'), customer.send({ ...bf, id }).catch(() => 'died')];
      // The replies are sent only after the turn's commit: once a send waits, the turn is stored.
      await fake.waitFor(() => fake.callsOf('sendMessage', chat).length > tgBefore, 30_000, 'a Telegram reply being sent');
      await connector.waitFor(() => connector.hungMessages > bfBefore, 30_000);
      await server.stop('SIGKILL');
      const killedAt = Date.now();
      expect(await Promise.all(deliveries)).toEqual(['died', 'died']);
      fake.failSends(chat, 'hang', 0);
      connector.hung.delete(conversationId);
      server = await start();
      await waitForRedelivery(killedAt);
      const tgBeforeRetry = tgSent().length;
      const bfBeforeRetry = connector.messages(conversationId).length;
      expect(await fake.deliverWebhook(update)).toBe(200);
      expect(await botFrameworkCustomer({ botUrl: server.url, serviceUrl: connector.url, conversationId, locale: 'en-US' }).send({ ...bf, id })).toBe(200);
      return { telegram: tgSent().slice(tgBeforeRetry), botframework: connector.messages(conversationId).slice(bfBeforeRetry) };
    }

    // The first message: freeze guidance, and the next question with its buttons, pressable.
    const first = await crashThenRedeliver(FRAUD, { text: FRAUD });
    expect(texts(first.telegram)).toContain('95555');
    const buttons = first.telegram.flatMap((m) => m.reply_markup?.inline_keyboard?.flat() ?? []).map((b) => b.callback_data);
    expect(buttons.length).toBeGreaterThan(1);
    expect(first.botframework.map((m) => m.text).join('\n')).toContain('95555');
    expect(first.botframework.flatMap((m) => actionsOf(m))).toEqual(buttons);

    // Asking for a person files the case at once: its reference is what must not be lost.
    const filed = await crashThenRedeliver('human', { text: 'human' });
    expect(texts(filed.telegram)).toMatch(REFERENCE);
    expect(filed.botframework.map((m) => m.text).join('\n')).toMatch(REFERENCE);

    // Each message was handled once: one case per customer.
    const list = await (await fetch(`${server.url}/api/staff/cases`, { headers: { authorization: `Bearer ${STAFF_TOKEN}` } })).json();
    expect(list.total).toBe(2);
  });
});
