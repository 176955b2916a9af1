import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { fileComplaint, startFakeConnector } from '../support/fake-connector.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { createFuzzer } from '../support/fuzz.js';
import { TOKEN as TG_TOKEN } from './telegram-support.js';

const STAFF_TOKEN = 'fuzz-endpoints-token-0123456789';
const SECRET = 'fuzz-webhook-secret_0123';
let app: RunningApp;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;
let telegram: FakeTelegram;
let reference: string;

beforeAll(async () => {
  connector = await startFakeConnector();
  telegram = await startFakeTelegram({ token: TG_TOKEN });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-fuzz2-'));
  app = await startApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${dir}/db.sqlite`,
      LOG_LEVEL: 'silent',
      STAFF_API_TOKEN: STAFF_TOKEN,
      TELEGRAM_BOT_TOKEN: TG_TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.test/telegram/hook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      ADMIN_EMAIL: 'admin@bank.example',
      ADMIN_PASSWORD: 'correct horse battery staple',
    }),
  );
  ({ reference } = await fileComplaint({ botUrl: app.url, connector, conversationId: 'fuzz2', description: 'I was charged a 35 dollar overdraft fee on my checking account' }));
});
afterAll(async () => {
  await app?.stop();
  await Promise.all([connector?.close(), telegram?.close()]);
});

async function hammer(n: number, seed: number, request: (f: ReturnType<typeof createFuzzer>, i: number) => Promise<Response>) {
  const f = createFuzzer(seed);
  const failures: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await request(f, i);
    if (res.status >= 500) failures.push(`#${i}: ${res.status} ${(await res.text()).slice(0, 120)}`);
  }
  return failures;
}

const TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded'];

describe('NUL characters', () => {
  it('are refused with a 400 in URLs, JSON bodies and forms', async () => {
    const auth = { authorization: `Bearer ${STAFF_TOKEN}`, 'content-type': 'application/json' };
    expect((await fetch(`${app.url}/api/staff/cases?intakeChannel=a%00b`, { headers: auth })).status).toBe(400);
    expect((await fetch(`${app.url}/api/staff/cases/${reference}/notes`, { method: 'POST', headers: auth, body: JSON.stringify({ text: 'a\u0000b' }) })).status).toBe(400);
    const web = await fetch(`${app.url}/api/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: 'nul-session-0123456789abcdef', clientMessageId: 'client-nul-1', text: 'hi\u0000' }),
    });
    expect(web.status).toBe(400);
    const login = await fetch(`${app.url}/staff/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a%00b&password=x', redirect: 'manual' });
    expect(login.status).toBe(400);
  });
});

// Runs after the NUL checks: the fuzzing uses up the per-address limits of web chat and login.
describe('hostile input on every inbound endpoint', () => {
  it('Telegram webhook: malformed updates with the right secret get a 4xx or are answered, never a 5xx', async () => {
    const valid = { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 5, type: 'private' }, from: { id: 5, is_bot: false, first_name: 'A' }, text: 'hi' } };
    const failures = await hammer(600, 3, (f, i) =>
      fetch(`${app.url}/telegram/hook`, {
        method: 'POST',
        headers: { 'content-type': f.pick(TYPES), 'x-telegram-bot-api-secret-token': i % 10 === 0 ? 'wrong' : SECRET },
        body: f.body({ ...valid, update_id: 1000 + i }),
      }),
    );
    expect(failures).toEqual([]);
  });

  it('login form: malformed and hostile fields get a 4xx, never a 5xx', async () => {
    const failures = await hammer(300, 5, (f) => {
      const form = new URLSearchParams();
      for (const k of ['email', 'password', '_csrf', 'next', 'email[]', 'password[a]']) if (f.next() < 0.6) form.append(k, String(f.value()));
      return fetch(`${app.url}/staff/login`, { method: 'POST', headers: { 'content-type': f.pick(['application/x-www-form-urlencoded', 'application/json', 'text/plain']), cookie: 'cd_login_csrf=x' }, body: f.next() < 0.8 ? form.toString() : f.body({ email: 'a', password: 'b' }), redirect: 'manual' });
    });
    expect(failures).toEqual([]);
  });

  it('web chat: malformed messages get a 4xx or a normal reply, never a 5xx', async () => {
    const valid = { sessionId: 'fuzz-session-0123456789abcdef', clientMessageId: 'client-msg-1', text: 'hello', locale: 'en-GB' };
    const failures = await hammer(600, 9, (f, i) =>
      fetch(`${app.url}/api/webchat/messages`, { method: 'POST', headers: { 'content-type': f.pick(TYPES) }, body: f.body({ ...valid, clientMessageId: `client-msg-${i}` }) }),
    );
    expect(failures).toEqual([]);
  });

  it('staff actions: malformed bodies get a 4xx, never a 5xx', async () => {
    const actions = ['replies', 'transitions', 'assignment', 'classification', 'escalations', 'notes', 'information-requests', 'handoff', 'handback', 'extensions', 'reveal'];
    const failures = await hammer(800, 13, (f) =>
      fetch(`${app.url}/api/staff/cases/${f.next() < 0.8 ? reference : encodeURIComponent(String(f.value()).replace(/[\uD800-\uDFFF]/g, '?'))}/${f.pick(actions)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${STAFF_TOKEN}`, 'content-type': f.pick(TYPES) },
        body: f.body({ text: 'We are looking into it.', to: 'in_progress', note: 'n', resolution: 'r', rootCause: 'rc', reason: 'why', question: 'q', assigneeId: 'me', severity: 'P2' }),
      }),
    );
    expect(failures).toEqual([]);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});
