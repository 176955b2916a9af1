import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app.js';
import { onPostgres } from '../support/db.js';
import { startFakeTelegram, tgUpdate, type FakeTelegram } from '../support/fake-telegram.js';
import { TOKEN, startTelegramApp, tempDir } from './telegram-support.js';

// Two instances behind one address take Telegram's webhook calls (issue 7): an update Telegram
// delivers twice — a retry after a timeout, landing on the other instance — is handled once.
// Runs under `npm run test:pg`.
const SECRET = 'two-instances-webhook_0123456789';

describe.skipIf(!onPostgres)('Telegram webhook on two instances sharing PostgreSQL', { timeout: 120_000 }, () => {
  let fake: FakeTelegram;
  let a: RunningApp;
  let b: RunningApp;

  beforeAll(async () => {
    fake = await startFakeTelegram({ token: TOKEN });
    const dir = tempDir('tg-two-');
    const env = { TELEGRAM_WEBHOOK_URL: 'https://complaints.example.test/telegram/hook', TELEGRAM_WEBHOOK_SECRET: SECRET };
    // The same directory: the same PostgreSQL database (test/support/db.ts databaseUrlIn).
    a = await startTelegramApp(dir, fake, env);
    b = await startTelegramApp(dir, fake, env);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await fake?.close();
  });

  const deliver = (app: RunningApp, update: object) =>
    fetch(`${app.url}/telegram/hook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(update) }).then(async (res) => {
      await res.arrayBuffer();
      return res.status;
    });

  it('answers an update delivered to both instances at once exactly once', async () => {
    const first = (id: number) => ({ ...tgUpdate.text({ id, language_code: 'en' }, 'My credit card was charged an annual fee nobody told me about'), update_id: fake.nextUpdateId() });
    const sentTo = (id: number) => fake.sent.filter((m) => m.chat_id === String(id));
    // What one delivery of this first message gets.
    expect(await deliver(a, first(96_999))).toBe(200);
    const once = sentTo(96_999).length;
    expect(once).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) {
      const id = 97_000 + i;
      const update = first(id);
      expect(await Promise.all([deliver(a, update), deliver(b, update)])).toEqual([200, 200]);
      expect(sentTo(id)).toHaveLength(once);
      expect(await a.db.transcriptMessage.count({ where: { conversationKey: `telegram:${id}`, direction: 'in' } })).toBe(1);
    }
  });
});
