import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { fileComplaint, startFakeConnector } from '../support/fake-connector.js';
import { startFakeOpenAi } from '../support/fake-openai.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { TOKEN as TG_TOKEN, telegramUser } from './telegram-support.js';
import { databaseUrlIn } from '../support/db.js';

// Numbers no log line and no LLM request may ever hold, in the forms customers type them.
const CARD = '6222021234567890123';
const CARD_SPACED = '6222 0212 3456 7890';
const CN_ID = '11010119900307123X';
const PHONE = '13812345678';
const COMPLAINT_EN = `Someone used my card ${CARD_SPACED} without permission, my ID is ${CN_ID}, call me on ${PHONE}`;
const COMPLAINT_ZH = `我的卡${CARD}被盗刷了，身份证号${CN_ID}，电话${PHONE}，请尽快处理`;
const STAFF_TOKEN = 'privacy-staff-token-0123456789';

let app: RunningApp;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;
let telegram: FakeTelegram;
let llm: Awaited<ReturnType<typeof startFakeOpenAi>>;
let logged = '';

beforeAll(async () => {
  connector = await startFakeConnector();
  telegram = await startFakeTelegram({ token: TG_TOKEN });
  llm = await startFakeOpenAi(() => ({ kind: 'json', content: { business: 'debit_card', cause: 'funds_security', channel: 'other', severity: 'P1', flags: [], summary: null } }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-privacy-'));
  const sink = new Writable({
    write(chunk, _enc, done) {
      logged += chunk.toString();
      done();
    },
  });
  app = await startApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: await databaseUrlIn(dir),
      LOG_LEVEL: 'trace',
      STAFF_API_TOKEN: STAFF_TOKEN,
      TELEGRAM_BOT_TOKEN: TG_TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: llm.baseURL,
      OPENAI_MODEL: 'fake-model',
    }),
    { log: createLogger('trace', sink) },
  );
});
afterAll(async () => {
  await app?.stop();
  await Promise.all([connector?.close(), telegram?.close(), llm?.close()]);
});

function expectClean(text: string, where: string) {
  for (const secret of [CARD, CARD_SPACED, CARD.slice(0, 16), CN_ID, PHONE]) expect(text, `${where} holds ${secret}`).not.toContain(secret);
}

describe('personal data in logs and LLM requests', () => {
  it('never appear, whichever way the complaint arrives', async () => {
    // Bot Framework
    const { reference } = await fileComplaint({
      botUrl: app.url,
      connector,
      conversationId: 'privacy-bf',
      description: COMPLAINT_EN,
      answers: [
        [/C-\d{8}-\d{4}/, {}],
        [/Which product/, { action: 'business:debit_card' }],
        [/When did it happen/, { text: 'yesterday' }],
        [/How much money/, { action: 'skip' }],
        [/What would you like us to do/, { text: 'refund' }],
        [/What is your name/, { text: 'Wang Fang' }],
        [/phone number/, { text: PHONE }],
        [/check your complaint/, { action: 'confirm' }],
      ],
    });
    // The bot's own web page
    const web = await fetch(`${app.url}/api/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: 'privacy-session-0123456789abcdef', clientMessageId: 'privacy-msg-1', text: COMPLAINT_ZH }),
    });
    expect(web.status).toBe(200);
    // Telegram
    const tg = telegramUser(telegram, { id: 424242, first_name: 'Privacy' });
    await tg.say(COMPLAINT_ZH);
    await tg.say(PHONE);
    // Staff API: a query carrying a number, and a reply that quotes one
    const cases = await (await fetch(`${app.url}/api/staff/cases?q=${PHONE}`, { headers: { authorization: `Bearer ${STAFF_TOKEN}` } })).json();
    expect(cases).toHaveProperty('items');
    const reply = await fetch(`${app.url}/api/staff/cases/${reference}/replies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${STAFF_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: `We have blocked card ${CARD_SPACED}; we will call ${PHONE}.` }),
    });
    expect(reply.status).toBeLessThan(300);

    await new Promise((r) => setTimeout(r, 200)); // pino writes asynchronously
    expect(logged.length).toBeGreaterThan(1000);
    expectClean(logged, 'the log');
    expect(llm.requests.length).toBeGreaterThan(0);
    expectClean(JSON.stringify(llm.requests), 'an LLM request');
  });

  it('log each request with its id, method, path and status only', async () => {
    const res = await fetch(`${app.url}/api/staff/cases?q=${PHONE}`, { headers: { authorization: `Bearer ${STAFF_TOKEN}`, 'x-request-id': 'privacy-req-1' } });
    expect(res.headers.get('x-request-id')).toBe('privacy-req-1');
    await new Promise((r) => setTimeout(r, 200)); // pino writes asynchronously
    const line = logged
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg?: string; req?: unknown; res?: unknown; responseTime?: unknown })
      .find((l) => l.msg === 'request completed' && (l.req as { id?: string } | undefined)?.id === 'privacy-req-1');
    expect(line?.req).toEqual({ id: 'privacy-req-1', method: 'GET', path: '/api/staff/cases' });
    expect(line?.res).toEqual({ statusCode: 200 });
    expect(line?.responseTime).toEqual(expect.any(Number));
  });
});
