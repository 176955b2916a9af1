import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { createStaffUser } from '../../src/cases/staff/accounts.js';
import { loadConfig } from '../../src/config.js';
import { databaseUrlIn } from '../support/db.js';

/**
 * The console's pages as staff read them, on a clock the test moves: times in the bank's zone,
 * and what they say once that time has passed.
 */
const MINUTE = 60_000;
// 09:00 in Shanghai (the `cn` policy's zone).
const T0 = new Date('2026-03-10T01:00:00Z');
let now = T0;
const ADMIN = { email: 'pages.admin@bank.test', password: 'pages-admin-password-1' };
const LOCKED = { email: 'pages.guessed@bank.test', password: 'pages-guessed-password-1' };
let app: RunningApp;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-staff-pages-'));
  app = await startApp(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await databaseUrlIn(dir), LOG_LEVEL: 'silent', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }),
    { clock: () => now, clockSweepMs: 0 },
  );
  await createStaffUser(app.db, { email: LOCKED.email, displayName: 'Lock Ed', role: 'agent', password: LOCKED.password }, T0);
});
afterAll(async () => {
  await app?.stop();
});

/** A cookie jar over fetch that never follows redirects: one member of staff's browser. */
function browser() {
  const jar = new Map<string, string>();
  return {
    async go(p: string, form?: Record<string, string>) {
      const res = await fetch(`${app.url}${p}`, {
        method: form ? 'POST' : 'GET',
        headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: form ? new URLSearchParams(form).toString() : undefined,
        redirect: 'manual',
      });
      for (const c of res.headers.getSetCookie()) {
        const [k, ...v] = c.split(';')[0]!.split('=');
        const value = v.join('=');
        if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') jar.delete(k!);
        else jar.set(k!, value);
      }
      return { status: res.status, location: res.headers.get('location'), text: await res.text() };
    },
    async login(who: { email: string; password: string }) {
      const page = await this.go('/staff/login');
      return this.go('/staff/login', { _csrf: csrfFrom(page.text), email: who.email, password: who.password, next: '/staff' });
    },
  };
}
const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
/** The users page's row of `email`. */
const rowOf = (html: string, email: string) => new RegExp(`<tr><td>[^<]*</td><td>${email.replace(/\./g, '\\.')}</td>[\\s\\S]*?</tr>`).exec(html)![0];

describe('the users page', () => {
  it('shows a lock-out in the bank’s time zone while it runs, and not once it has run out', async () => {
    const guesser = browser();
    for (let i = 0; i < 4; i++) expect((await guesser.login({ email: LOCKED.email, password: 'wrong-password-xx' })).status).toBe(401);
    expect((await guesser.login({ email: LOCKED.email, password: 'wrong-password-xx' })).status).toBe(429);

    const admin = browser();
    expect((await admin.login(ADMIN)).status).toBe(303);
    const locked = await admin.go('/staff/users');
    expect(locked.text).toContain('Times in Asia/Shanghai');
    // 09:00 in Shanghai plus the 15-minute lock, not the UTC instant 01:15Z.
    expect(rowOf(locked.text, LOCKED.email)).toContain('locked until 10 Mar 2026, 09:15');
    expect(locked.text).not.toContain('2026-03-10T01:15');

    now = new Date(T0.getTime() + 16 * MINUTE);
    const expired = await admin.go('/staff/users');
    expect(expired.status).toBe(200);
    expect(rowOf(expired.text, LOCKED.email)).not.toContain('locked');
    // The lock has indeed run out: the right password logs in.
    expect((await browser().login(LOCKED)).status).toBe(303);
  });
});
