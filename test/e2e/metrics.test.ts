import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { botFrameworkCustomer, startFakeConnector } from '../support/fake-connector.js';

let app: RunningApp;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;

beforeAll(async () => {
  connector = await startFakeConnector();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-metrics-'));
  app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${dir}/db.sqlite`, LOG_LEVEL: 'silent', TURNS_PER_MINUTE: '3' }));
});
afterAll(async () => {
  await app?.stop();
  await connector?.close();
});

describe('operations', () => {
  it('exposes turns, cases and job lag in Prometheus format', async () => {
    const customer = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId: 'metrics-1' });
    await customer.send({ text: 'Someone stole my card and used it at a shop' });
    await customer.send({ text: 'human' });
    const res = await fetch(`${app.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const body = await res.text();
    expect(body).toMatch(/complaint_desk_turns_total\{channel="emulator",outcome="answered"\} 2/);
    expect(body).toMatch(/complaint_desk_cases_created_total\{severity="P1",intake_channel="emulator"\} 1/);
    expect(body).toContain('complaint_desk_job_lag_seconds');
    expect(body).toContain('complaint_desk_turn_duration_seconds_bucket');
  });

  it('serves /metrics without a token when METRICS_TOKEN is not set (the proxy keeps it in)', async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
  });

  it('keeps an idle connection open longer than a load balancer would (Node closes it after 5 s)', { timeout: 20_000 }, async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; keepAlive: string | undefined; reused: boolean }>((resolve, reject) => {
        const req = http.get(`${app.url}/healthz`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, keepAlive: res.headers['keep-alive'] as string | undefined, reused: req.reusedSocket }));
        });
        req.on('error', reject);
      });
    try {
      const first = await get();
      expect(first).toMatchObject({ status: 200, keepAlive: 'timeout=65', reused: false });
      await new Promise((r) => setTimeout(r, 6_000));
      expect(await get()).toMatchObject({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  });

  it('asks a conversation that floods the bot to slow down', async () => {
    const customer = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId: 'metrics-flood' });
    for (let i = 0; i < 4; i++) await customer.send({ text: `message number ${i} about my account` });
    expect(connector.messages('metrics-flood').at(-1)?.text).toContain('faster than I can take them down');
  });
});

describe('operations with METRICS_TOKEN', () => {
  const token = 'metrics-scraper-token-0123456789';
  let guarded: RunningApp;
  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-metrics-token-'));
    guarded = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${dir}/db.sqlite`, LOG_LEVEL: 'silent', METRICS_TOKEN: token }));
  });
  afterAll(async () => {
    await guarded?.stop();
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', `Bearer ${token.slice(0, -1)}x`],
    ['a prefix of the token', `Bearer ${token.slice(0, 16)}`],
    ['the token without the Bearer scheme', token],
    ['the token as Basic credentials', `Basic ${Buffer.from(`x:${token}`).toString('base64')}`],
  ])('refuses /metrics with %s (401, no figures)', async (_what, authorization) => {
    const res = await fetch(`${guarded.url}/metrics`, { headers: authorization ? { authorization } : {} });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    const body = await res.text();
    expect(body).not.toContain('complaint_desk_');
    expect(JSON.parse(body)).toMatchObject({ error: 'unauthorized' });
  });

  it('serves /metrics to the bearer of the token', async () => {
    const res = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('complaint_desk_turns_total');
  });

  it('leaves /healthz open: the load balancer checks it without a token', async () => {
    expect((await fetch(`${guarded.url}/healthz`)).status).toBe(200);
  });
});
