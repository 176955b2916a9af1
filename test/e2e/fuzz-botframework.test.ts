import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { startFakeConnector } from '../support/fake-connector.js';
import { createFuzzer } from '../support/fuzz.js';
import { databaseUrlIn } from '../support/db.js';

let app: RunningApp;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;
const TOKEN = 'fuzz-staff-token-0123456789';

beforeAll(async () => {
  connector = await startFakeConnector();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-fuzz-'));
  app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await databaseUrlIn(dir), LOG_LEVEL: 'silent', STAFF_API_TOKEN: TOKEN }));
});
afterAll(async () => {
  await app?.stop();
  await connector?.close();
});

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'];

describe('hostile input', () => {
  it('answers thousands of malformed activities on /api/messages with a 4xx or a normal reply, never a 5xx', async () => {
    const f = createFuzzer(7);
    const valid = {
      type: 'message',
      id: 'a1',
      channelId: 'emulator',
      serviceUrl: connector.url,
      conversation: { id: 'fuzz' },
      from: { id: 'u' },
      recipient: { id: 'bot' },
      text: 'hello',
    };
    const failures: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const body = f.body({ ...valid, id: `fz-${i}`, conversation: { id: `fuzz-${i % 40}` } });
      const res = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': f.pick(CONTENT_TYPES) }, body });
      if (res.status >= 500) failures.push(`${res.status} ${body.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('answers malformed staff API queries with a 4xx, never a 5xx', async () => {
    const f = createFuzzer(11);
    const failures: string[] = [];
    for (let i = 0; i < 800; i++) {
      const q = new URLSearchParams();
      for (const k of ['status', 'severity', 'business', 'cause', 'channel', 'intakeChannel', 'overdue', 'page', 'pageSize', 'q', 'assignee']) {
        if (f.next() < 0.3) q.append(k, String(f.value()));
      }
      const ref = f.next() < 0.5 ? encodeURIComponent(String(f.value()).replace(/[\uD800-\uDFFF]/g, "?")) : `C-2026112${i % 10}-000${i % 9}`;
      for (const url of [`/api/staff/cases?${q}`, `/api/staff/cases/${ref}`]) {
        const res = await fetch(`${app.url}${url}`, { headers: { authorization: `Bearer ${TOKEN}` } });
        if (res.status >= 500) failures.push(`${res.status} ${url}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
