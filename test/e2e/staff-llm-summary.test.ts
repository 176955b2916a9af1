import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { fileComplaint, startFakeConnector } from '../support/fake-connector.js';
import { startFakeOpenAi } from '../support/fake-openai.js';

const ADMIN = { email: 'summary-admin@bank.example', password: 'correct horse battery' };
const SUMMARY = 'Customer disputes an annual card fee they say was never disclosed.';
let app: RunningApp;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;
let llm: Awaited<ReturnType<typeof startFakeOpenAi>>;

beforeAll(async () => {
  connector = await startFakeConnector();
  // The model writes a summary for the fee complaint only, as a model may leave it out.
  llm = await startFakeOpenAi((req) => {
    const fee = req.body.messages?.some((m) => m.content.includes('annual fee')) ?? false;
    return { kind: 'json', content: { business: 'credit_card', cause: 'fees', channel: null, severity: 'P3', flags: [], summary: fee ? SUMMARY : null } };
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-llm-summary-'));
  app = await startApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${dir}/db.sqlite`,
      LOG_LEVEL: 'silent',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: llm.baseURL,
      OPENAI_MODEL: 'fake-model',
    }),
    { clockSweepMs: 0 },
  );
});
afterAll(async () => {
  await app?.stop();
  await connector?.close();
  await llm?.close();
});

/** Logs into the console as a person does (login form, CSRF cookie) and returns the session cookie. */
async function login(): Promise<string> {
  const form = await fetch(`${app.url}/staff/login`);
  const csrfCookie = form.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('cd_login_csrf='))!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(`${app.url}/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ email: ADMIN.email, password: ADMIN.password, _csrf: csrf }).toString(),
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('cd_staff='))!;
}

describe('the LLM summary on the case page', () => {
  it('is labelled as a model’s writing, in English and Chinese, to be checked against the transcript', async () => {
    const { reference } = await fileComplaint({
      botUrl: app.url,
      connector,
      conversationId: 'llm-summary-1',
      description: 'My credit card was charged a 200 dollar annual fee that nobody told me about',
    });
    const page = await (await fetch(`${app.url}/staff/cases/${reference}`, { headers: { cookie: await login() } })).text();
    const shown = /<p class="muted" data-testid="llm-summary">([\s\S]*?)<\/p>/.exec(page)?.[1] ?? '';
    expect(shown).toContain('AI summary — check against the transcript');
    // As read: the Chinese half is marked as Chinese for screen readers.
    expect(shown.replace(/<[^>]*>/g, '')).toContain('AI 摘要——请对照对话核实');
    expect(shown.indexOf('AI summary')).toBeLessThan(shown.indexOf(SUMMARY));
  });

  it('shows no label where the model wrote no summary', async () => {
    const { reference } = await fileComplaint({
      botUrl: app.url,
      connector,
      conversationId: 'llm-summary-2',
      description: 'My credit card statement shows a 200 dollar charge twice for one purchase',
    });
    const page = await (await fetch(`${app.url}/staff/cases/${reference}`, { headers: { cookie: await login() } })).text();
    expect(page).toContain('data-testid="description"');
    expect(page).not.toContain('AI summary');
  });
});
