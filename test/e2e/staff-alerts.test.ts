import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { createStaffToken, createStaffUser } from '../../src/cases/staff/accounts.js';
import { loadConfig } from '../../src/config.js';
import { databaseUrlIn } from '../support/db.js';

const T0 = new Date('2026-03-10T01:00:00Z');
let now = T0;
let app: RunningApp;
const tokens: Record<'alice' | 'bob' | 'carol', string> = { alice: '', bob: '', carol: '' };

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-staff-alerts-'));
  app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await databaseUrlIn(dir), LOG_LEVEL: 'silent' }), { clock: () => now, clockSweepMs: 0 });
  for (const name of ['alice', 'bob'] as const) {
    const u = await createStaffUser(app.db, { email: `${name}@bank.test`, displayName: name, role: 'agent', password: `${name}-password-123` }, T0);
    if (!u.ok) throw new Error(u.error.message);
    tokens[name] = (await createStaffToken(app.db, u.value.id, 't', T0)).token;
  }
});
afterAll(async () => app?.stop());

/** A tiny cookie jar over fetch, never following redirects. */
function browser() {
  const jar = new Map<string, string>();
  return {
    async go(p: string, form?: Record<string, string>) {
      const headers: Record<string, string> = { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
      if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await fetch(`${app.url}${p}`, { method: form ? 'POST' : 'GET', headers, body: form ? new URLSearchParams(form).toString() : undefined, redirect: 'manual' });
      for (const c of res.headers.getSetCookie()) {
        const [k, ...v] = c.split(';')[0]!.split('=');
        jar.set(k!, v.join('='));
      }
      return { status: res.status, text: await res.text() };
    },
    async login(name: string) {
      const page = await this.go('/staff/login');
      await this.go('/staff/login', { _csrf: csrfFrom(page.text), email: `${name}@bank.test`, password: `${name}-password-123`, next: '/staff' });
    },
  };
}
const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
const badgeText = (html: string) => /data-testid="unread">([^<]+)</.exec(html)?.[1];
const badge = (html: string) => Number(badgeText(html) ?? 0);

const alert = (message: string) => app.db.staffNotification.create({ data: { type: 'clock_breached', message, createdAt: now } });
async function unread(who: keyof typeof tokens): Promise<string[]> {
  const res = await fetch(`${app.url}/api/staff/notifications?unread=true`, { headers: { authorization: `Bearer ${tokens[who]}` } });
  return ((await res.json()) as { items: { message: string }[] }).items.map((n) => n.message);
}

describe('staff alerts', () => {
  it('are marked read for the person who marks them, not for everyone', async () => {
    now = T0;
    await alert('first');
    now = new Date(T0.getTime() + 60_000);
    const second = await alert('second');
    const alice = browser();
    const bob = browser();
    await alice.login('alice');
    await bob.login('bob');
    const page = await alice.go('/staff/notifications');
    expect(badge(page.text)).toBe(2);

    now = new Date(T0.getTime() + 120_000);
    expect((await alice.go('/staff/notifications/read', { _csrf: csrfFrom(page.text) })).status).toBe(303);
    expect(badge((await alice.go('/staff')).text)).toBe(0);
    expect(badge((await bob.go('/staff')).text)).toBe(2);
    expect(await unread('alice')).toEqual([]);
    expect(await unread('bob')).toEqual(['second', 'first']);

    // One alert read through the API: Bob's own, once.
    const read = async () => (await (await fetch(`${app.url}/api/staff/notifications/${second.id}/read`, { method: 'POST', headers: { authorization: `Bearer ${tokens.bob}` } })).json()) as { updated: number };
    expect((await read()).updated).toBe(1);
    expect((await read()).updated).toBe(0);
    expect(await unread('bob')).toEqual(['first']);
    expect(badge((await bob.go('/staff')).text)).toBe(1);

    // A new alert is unread for both.
    now = new Date(T0.getTime() + 180_000);
    await alert('third');
    expect(await unread('alice')).toEqual(['third']);
    expect(await unread('bob')).toEqual(['third', 'first']);
    const all = await fetch(`${app.url}/api/staff/notifications`, { headers: { authorization: `Bearer ${tokens.alice}` } });
    const items = ((await all.json()) as { items: { message: string; readAt: string | null }[] }).items;
    expect(items.map((n) => [n.message, n.readAt !== null])).toEqual([['third', false], ['second', true], ['first', true]]);
  });
  it('start at none unread for a colleague who joins later, who then gets the new ones', async () => {
    now = new Date(T0.getTime() + 240_000);
    await alert('before carol');
    now = new Date(T0.getTime() + 300_000);
    const u = await createStaffUser(app.db, { email: 'carol@bank.test', displayName: 'carol', role: 'agent', password: 'carol-password-123' }, now);
    if (!u.ok) throw new Error(u.error.message);
    tokens.carol = (await createStaffToken(app.db, u.value.id, 't', now)).token;
    const carol = browser();
    await carol.login('carol');
    expect(badge((await carol.go('/staff')).text)).toBe(0);
    expect(await unread('carol')).toEqual([]);
    // The older alerts are still listed, as read; Bob, there before, still has his.
    const all = await fetch(`${app.url}/api/staff/notifications`, { headers: { authorization: `Bearer ${tokens.carol}` } });
    const items = ((await all.json()) as { items: { message: string; readAt: string | null }[] }).items;
    expect(items.map((n) => [n.message, n.readAt !== null])).toEqual([['before carol', true], ['third', true], ['second', true], ['first', true]]);
    expect(await unread('bob')).toEqual(['before carol', 'third', 'first']);

    now = new Date(T0.getTime() + 360_000);
    await alert('after carol');
    expect(await unread('carol')).toEqual(['after carol']);
    expect(badge((await carol.go('/staff')).text)).toBe(1);
  });

  it('show a busy desk as "99+" without counting every alert', async () => {
    now = new Date(T0.getTime() + 420_000);
    await app.db.staffNotification.createMany({ data: Array.from({ length: 150 }, (_, i) => ({ type: 'clock_breached', message: `busy ${i}`, createdAt: now })) });
    const carol = browser();
    await carol.login('carol');
    expect(badgeText((await carol.go('/staff')).text)).toBe('99+');
  });
});
