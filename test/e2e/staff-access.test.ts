import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { createStaffUser } from '../../src/cases/staff/accounts.js';
import { loadConfig } from '../../src/config.js';
import { botFrameworkCustomer, startFakeConnector } from '../support/fake-connector.js';
import { databaseUrlIn } from '../support/db.js';

const ADMIN = { email: 'first.admin@bank.test', password: 'first-admin-password-1' };
let app: RunningApp;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;
let reference: string;

beforeAll(async () => {
  connector = await startFakeConnector();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-staff-access-'));
  app = await startApp(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await databaseUrlIn(dir), LOG_LEVEL: 'silent', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }),
  );
  await createStaffUser(app.db, { email: 'agent@bank.test', displayName: 'Alice Agent', role: 'agent', password: 'agent-password-123' }, new Date());
  await createStaffUser(app.db, { email: 'victim@bank.test', displayName: 'Vic Tim', role: 'agent', password: 'victim-password-123' }, new Date());
  const customer = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId: 'access-1' });
  await customer.send({ text: 'The ATM at my branch swallowed my debit card and nobody helped me' });
  await customer.send({ text: 'human' });
  reference = connector.messages('access-1').map((m) => m.text).join('\n').match(/C-\d{8}-\d{4}/)![0];
});
afterAll(async () => {
  await app?.stop();
  await connector?.close();
});

/** A tiny cookie jar over fetch, never following redirects. */
function browser(base = app.url) {
  const jar = new Map<string, string>();
  const setCookies: string[] = [];
  return {
    jar,
    setCookies,
    async go(p: string, init: { method?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}) {
      const headers: Record<string, string> = { ...init.headers, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
      let body: string | undefined;
      if (init.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(init.form).toString();
      } else if (init.json) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(init.json);
      }
      const res = await fetch(`${base}${p}`, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
      for (const c of res.headers.getSetCookie()) {
        setCookies.push(c);
        const [pair] = c.split(';');
        const [k, ...v] = pair!.split('=');
        const value = v.join('=');
        if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') jar.delete(k!);
        else jar.set(k!, value);
      }
      return { status: res.status, location: res.headers.get('location'), text: await res.text(), headers: res.headers };
    },
    async login(email: string, password: string) {
      const page = await this.go('/staff/login');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
      return this.go('/staff/login', { form: { _csrf: csrf, email, password, next: '/staff' } });
    },
    csrfFrom(html: string) {
      return /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    },
  };
}

describe('staff access', () => {
  it('serves no page and no API without login', async () => {
    const b = browser();
    const queue = await b.go('/staff');
    expect(queue.status).toBe(303);
    expect(queue.location).toMatch(/^\/staff\/login\?next=/);
    expect((await b.go(`/staff/cases/${reference}`)).status).toBe(303);
    expect((await b.go('/staff/users')).status).toBe(303);
    expect((await b.go(`/staff/cases/${reference}/notes`, { form: { text: 'x' } })).status).toBe(401);
    expect((await b.go('/api/staff/cases')).status).toBe(401);
    expect((await b.go(`/api/staff/cases/${reference}/replies`, { json: { text: 'x' } })).status).toBe(401);
  });

  it('logs the first admin (from ADMIN_EMAIL) in with an HttpOnly, SameSite=Lax session cookie stored only as a hash', async () => {
    const b = browser();
    const res = await b.login(ADMIN.email, ADMIN.password);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/staff');
    const cookie = b.setCookies.find((c) => c.startsWith('cd_staff='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const sid = b.jar.get('cd_staff')!;
    const rows = await app.db.staffSession.findMany();
    expect(rows.some((r) => r.id === sid)).toBe(false);
    expect(rows.some((r) => r.id === createHash('sha256').update(sid).digest('hex'))).toBe(true);

    const queue = await b.go('/staff');
    expect(queue.status).toBe(200);
    expect(queue.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(queue.text).toContain(reference);
    expect(queue.text).toMatch(/<header>[\s\S]*<a href="\/staff\/reports">Reports <span lang="zh-Hans">报表<\/span><\/a>[\s\S]*<\/header>/);
    // The reports page is a console page too: never framed, no script but our own.
    const reports = await b.go('/staff/reports');
    expect(reports.status).toBe(200);
    expect(reports.headers.get('x-frame-options')).toBe('DENY');
    expect(reports.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reports.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(reports.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await b.go('/staff/users')).status).toBe(200);
    // The session works for the JSON API too.
    expect((await b.go('/api/staff/me')).text).toContain('"role":"admin"');

    const logout = await b.go('/staff/logout', { form: { _csrf: b.csrfFrom(queue.text) } });
    expect(logout.status).toBe(303);
    expect((await b.go('/staff')).status).toBe(303);
  });

  it('refuses forms and cookie-authenticated API writes without the CSRF token', async () => {
    const b = browser();
    await b.login('agent@bank.test', 'agent-password-123');
    const page = await b.go(`/staff/cases/${reference}`);
    expect(page.status).toBe(200);
    const csrf = b.csrfFrom(page.text);
    expect((await b.go(`/staff/cases/${reference}/notes`, { form: { text: 'no token' } })).status).toBe(403);
    expect((await b.go(`/staff/cases/${reference}/notes`, { form: { text: 'bad token', _csrf: 'forged' } })).status).toBe(403);
    expect((await b.go(`/api/staff/cases/${reference}/notes`, { json: { text: 'no header' } })).status).toBe(403);
    const ok = await b.go(`/staff/cases/${reference}/notes`, { form: { text: 'with token', _csrf: csrf } });
    expect(ok.status).toBe(303);
    expect((await b.go(`/api/staff/cases/${reference}/notes`, { json: { text: 'api with header' }, headers: { 'x-csrf-token': csrf } })).status).toBe(201);
    const notes = await app.db.caseNote.findMany({ where: { case: { reference } } });
    expect(notes.map((n) => n.text).sort()).toEqual(['api with header', 'with token']);
    // The login form has its own double-submit token.
    const c = browser();
    await c.go('/staff/login');
    expect((await c.go('/staff/login', { form: { _csrf: 'forged', email: 'agent@bank.test', password: 'agent-password-123' } })).status).toBe(403);
  });

  it('gives personal API tokens an expiry (90 days unless asked), refuses them after it with the reason, and lists it', async () => {
    const b = browser();
    await b.login('agent@bank.test', 'agent-password-123');
    const headers = { 'x-csrf-token': b.csrfFrom((await b.go('/staff/account')).text) };
    const made = await b.go('/api/staff/tokens', { json: { name: 'script' }, headers });
    expect(made.status).toBe(201);
    const { token, expiresAt } = JSON.parse(made.text) as { token: string; expiresAt: string };
    expect((Date.parse(expiresAt) - Date.now()) / 86_400_000).toBeCloseTo(90, 2);
    const short = JSON.parse((await b.go('/api/staff/tokens', { json: { name: 'short', expiresInDays: 7 }, headers })).text) as { expiresAt: string };
    expect((Date.parse(short.expiresAt) - Date.now()) / 86_400_000).toBeCloseTo(7, 2);
    expect((await b.go('/api/staff/tokens', { json: { name: 'forever', expiresInDays: 3650 }, headers })).status).toBe(400);
    const fromForm = await b.go('/staff/account/tokens', { form: { _csrf: headers['x-csrf-token'], name: 'form', days: '30' } });
    const formToken = /data-testid="new-token">([^<]+)</.exec(fromForm.text)![1]!;
    const formRow = await app.db.staffToken.findUniqueOrThrow({ where: { tokenHash: createHash('sha256').update(formToken).digest('hex') } });
    expect((formRow.expiresAt.getTime() - formRow.createdAt.getTime()) / 86_400_000).toBe(30);

    const me = (bearer: string) => fetch(`${app.url}/api/staff/me`, { headers: { authorization: `Bearer ${bearer}` } });
    expect((await me(token)).status).toBe(200);
    const expiredAt = new Date(Date.now() - 1000);
    await app.db.staffToken.update({ where: { tokenHash: createHash('sha256').update(token).digest('hex') }, data: { expiresAt: expiredAt } });
    const refused = await me(token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", error_description="token_expired"');
    expect(await refused.json()).toMatchObject({ error: 'token_expired', message: expect.stringContaining(expiredAt.toISOString()) as string });
    // The reports page takes bearer tokens too, and refuses an expired one the same way.
    expect(await (await fetch(`${app.url}/staff/reports`, { headers: { authorization: `Bearer ${token}` } })).json()).toMatchObject({ error: 'token_expired' });
    // A token that was never issued says nothing more than before.
    expect(await (await me('cdt_never-issued')).json()).toMatchObject({ error: 'unauthorized' });

    const account = await b.go('/staff/account');
    expect(account.text).toContain('<th scope="col">Expires</th>');
    expect(account.text.match(/data-testid="token-expires"/g)).toHaveLength(3);
    expect(account.text).toMatch(/<th scope="row">script<\/th>.*<td data-testid="token-expires">[^<]+<\/td><td>expired<\/td>/);
  });

  it('shows masked contact details until revealed, and records the reveal', async () => {
    const b = browser();
    await b.login('agent@bank.test', 'agent-password-123');
    const description = '我是王小明，卡号6222021234567890123被盗刷，身份证11010519491231002X';
    await app.db.case.update({ where: { reference }, data: { customerName: '王小明', customerPhone: '13912345678', description } });
    const page = await b.go(`/staff/cases/${reference}`);
    for (const secret of ['13912345678', '王小明', '6222021234567890123', '11010519491231002X']) expect(page.text).not.toContain(secret);
    expect(page.text).toContain('*******5678');
    expect(page.text).toContain('卡号***************0123被盗刷'); // the last four, as a caller confirms them
    const revealed = await b.go(`/staff/cases/${reference}/reveal`, { form: { _csrf: b.csrfFrom(page.text) } });
    expect(revealed.text).toContain('13912345678');
    const events = await app.db.caseEvent.findMany({ where: { case: { reference }, type: 'pii_revealed' } });
    expect(events).toHaveLength(1);
  });

  it('lets an admin change others on the users page, never demote or deactivate themselves', async () => {
    const b = browser();
    await b.login(ADMIN.email, ADMIN.password);
    const page = await b.go('/staff/users');
    const csrf = b.csrfFrom(page.text);
    const admin = await app.db.staffUser.findUniqueOrThrow({ where: { email: ADMIN.email } });
    const refused = await b.go(`/staff/users/${admin.id}`, { form: { _csrf: csrf, role: 'agent', active: 'true' } });
    expect(refused.status).toBe(303);
    expect((await b.go('/staff/users')).text).toContain('You cannot demote or deactivate yourself.');
    expect(await app.db.staffUser.findUniqueOrThrow({ where: { id: admin.id } })).toMatchObject({ role: 'admin', active: true });

    const other = await app.db.staffUser.create({ data: { email: 'other@bank.test', displayName: 'Oth Er', role: 'agent', passwordHash: '!' } });
    await b.go(`/staff/users/${other.id}`, { form: { _csrf: csrf, role: 'supervisor', active: 'false' } });
    expect((await b.go('/staff/users')).text).toContain('Saved.');
    expect(await app.db.staffUser.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({ role: 'supervisor', active: false });
  });

  it('marks unread alerts without inline style, which its Content-Security-Policy would drop', async () => {
    const b = browser();
    await b.login('agent@bank.test', 'agent-password-123');
    await app.db.staffNotification.create({ data: { type: 'sla_near_breach', caseId: null, message: 'An unread alert', createdAt: new Date() } });
    const page = await b.go('/staff/notifications');
    expect(page.headers.get('content-security-policy')).toContain("style-src 'self'");
    expect(page.text).toMatch(/<tr class="unread">(?:(?!<\/tr>)[\s\S])*An unread alert/);
    expect(page.text).not.toMatch(/\sstyle=/);
    expect((await b.go('/staff/assets/console.css')).text).toContain('tr.unread td{font-weight:600}');
  });

  it('keeps agents out of admin pages', async () => {
    const b = browser();
    await b.login('agent@bank.test', 'agent-password-123');
    expect((await b.go('/staff/users')).status).toBe(403);
    expect((await b.go('/api/staff/users')).status).toBe(403);
  });

  it('refuses a password longer than bcrypt reads (72 bytes), which would let in anything starting the same', async () => {
    const long = `${'a long passphrase '.repeat(4)}ending`;
    const r = await createStaffUser(app.db, { email: 'long@bank.test', displayName: 'Lon G', role: 'agent', password: long }, new Date());
    expect(r).toMatchObject({ ok: false, error: { type: 'invalid' } });
    expect(await app.db.staffUser.findUnique({ where: { email: 'long@bank.test' } })).toBeNull();
    expect((await createStaffUser(app.db, { email: 'long@bank.test', displayName: 'Lon G', role: 'agent', password: '二十四个汉字的密码正好七十二个字节长度可以用吗' }, new Date())).ok).toBe(true);
  });

  it('locks an account after five wrong passwords, even against the right one', async () => {
    const b = browser();
    for (let i = 0; i < 4; i++) expect((await b.login('victim@bank.test', 'wrong-password-xx')).status).toBe(401);
    expect((await b.login('victim@bank.test', 'wrong-password-xx')).status).toBe(429);
    const locked = await b.login('victim@bank.test', 'victim-password-123');
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('locked');
    const user = await app.db.staffUser.findUniqueOrThrow({ where: { email: 'victim@bank.test' } });
    expect(user.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
  });

  it('answers an email without an account as it answers a real one: locked after five wrong passwords', async () => {
    const b = browser();
    for (let i = 0; i < 4; i++) expect((await b.login('Nobody.Here@bank.test', 'wrong-password-xx')).status).toBe(401);
    const fifth = await b.login('nobody.here@bank.test', 'wrong-password-xx');
    expect(fifth.status).toBe(429);
    expect(fifth.text).toContain('locked');
    expect((await b.login('nobody.here@bank.test', 'another-password')).status).toBe(429);
    // Another unknown email has its own count.
    expect((await b.login('somebody.else@bank.test', 'wrong-password-xx')).status).toBe(401);
  });

  it('throttles login attempts per address', async () => {
    const b = browser();
    let last = 0;
    for (let i = 0; i < 40 && last !== 429; i++) last = (await b.login(`nobody${i}@bank.test`, 'whatever-password')).status;
    expect(last).toBe(429);
    expect((await b.login('agent@bank.test', 'agent-password-123')).status).toBe(429);
  });
});

describe('lock-outs someone else causes', () => {
  // An instance of its own: these logins would use up the shared one's per-address limit.
  let own: RunningApp;
  const VICTIM = { email: 'target@bank.test', password: 'target-password-123' };
  const COLLEAGUE = { email: 'colleague@bank.test', password: 'colleague-password-1' };
  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-staff-lockout-'));
    own = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await databaseUrlIn(dir), LOG_LEVEL: 'silent' }));
    for (const u of [VICTIM, COLLEAGUE]) await createStaffUser(own.db, { ...u, displayName: u.email, role: 'agent' }, new Date());
  });
  afterAll(() => own?.stop());
  const unlock = (email: string) => own.db.staffUser.update({ where: { email }, data: { failedLogins: 0, lockedUntil: null } });

  it('never locks a staff member out of a browser they have logged in with: five wrong passwords elsewhere lock the account only for untrusted clients', async () => {
    const mine = browser(own.url);
    expect((await mine.login(VICTIM.email, VICTIM.password)).status).toBe(303);
    const device = mine.setCookies.find((c) => c.startsWith('cd_staff_device='))!;
    expect(device).toMatch(/HttpOnly/i);
    expect(device).toMatch(/SameSite=Strict/i);
    expect(device).toMatch(/Path=\/staff\/login/i);
    // Only a hash of the token is stored, like session ids.
    const token = mine.jar.get('cd_staff_device')!;
    expect(await own.db.staffDevice.findUnique({ where: { id: createHash('sha256').update(token).digest('hex') } })).toMatchObject({ failedLogins: 0 });
    expect(JSON.stringify(await own.db.staffDevice.findMany())).not.toContain(token);
    mine.jar.delete('cd_staff');

    const attacker = browser(own.url);
    for (let i = 0; i < 4; i++) expect((await attacker.login(VICTIM.email, 'wrong-password-xx')).status).toBe(401);
    expect((await attacker.login(VICTIM.email, 'wrong-password-xx')).status).toBe(429);
    expect((await attacker.login(VICTIM.email, VICTIM.password)).status).toBe(429);
    // A made-up device token is not trusted.
    attacker.jar.set('cd_staff_device', 'A'.repeat(43));
    expect((await attacker.login(VICTIM.email, VICTIM.password)).status).toBe(429);

    expect((await mine.login(VICTIM.email, VICTIM.password)).status).toBe(303);
    // The token was replaced by a new one at that login.
    expect(mine.jar.get('cd_staff_device')).not.toBe(token);
    expect((await own.db.staffUser.findUniqueOrThrow({ where: { email: VICTIM.email } })).lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    await unlock(VICTIM.email);
  });

  it('locks only the browser whose device cookie sent five wrong passwords', async () => {
    const mine = browser(own.url);
    expect((await mine.login(COLLEAGUE.email, COLLEAGUE.password)).status).toBe(303);
    mine.jar.delete('cd_staff');
    for (let i = 0; i < 4; i++) expect((await mine.login(COLLEAGUE.email, 'wrong-password-xx')).status).toBe(401);
    expect((await mine.login(COLLEAGUE.email, 'wrong-password-xx')).status).toBe(429);
    expect((await mine.login(COLLEAGUE.email, COLLEAGUE.password)).status).toBe(429);
    // The account is not locked: another browser logs in.
    expect((await own.db.staffUser.findUniqueOrThrow({ where: { email: COLLEAGUE.email } })).lockedUntil).toBeNull();
    expect((await browser(own.url).login(COLLEAGUE.email, COLLEAGUE.password)).status).toBe(303);
  });

  it('trusts a shared browser for each staff member who logged in with it, and a device cookie only for its own account', async () => {
    const shared = browser(own.url);
    expect((await shared.login(VICTIM.email, VICTIM.password)).status).toBe(303);
    shared.jar.delete('cd_staff');
    const other = browser(own.url);
    expect((await other.login(COLLEAGUE.email, COLLEAGUE.password)).status).toBe(303);
    other.jar.delete('cd_staff');
    // Someone whose browser only knows the colleague is untrusted for the victim's account.
    for (let i = 0; i < 4; i++) expect((await other.login(VICTIM.email, 'wrong-password-xx')).status).toBe(401);
    expect((await other.login(VICTIM.email, 'wrong-password-xx')).status).toBe(429);
    expect((await other.login(VICTIM.email, VICTIM.password)).status).toBe(429);
    // The colleague logs in on the shared computer too; the victim is still trusted there.
    expect((await shared.login(COLLEAGUE.email, COLLEAGUE.password)).status).toBe(303);
    shared.jar.delete('cd_staff');
    expect((await shared.login(VICTIM.email, VICTIM.password)).status).toBe(303);
    await unlock(VICTIM.email);
  });
});

describe('behind a proxy on another machine', () => {
  // A login post without the form's token: refused at once (403), so it counts against the
  // per-address limit without a password check.
  const refusedLogin = async (url: string, forwardedFor: string) =>
    (await fetch(`${url}/staff/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor }, body: 'email=a%40bank.test&password=x' })).status;
  async function withApp(trustProxy: string, run: (url: string) => Promise<void>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-staff-proxy-'));
    const proxied = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await databaseUrlIn(dir), LOG_LEVEL: 'silent', TRUST_PROXY: trustProxy }));
    try {
      await run(proxied.url);
    } finally {
      await proxied.stop();
    }
  }

  it('limits logins per client address from the X-Forwarded-For of the proxy TRUST_PROXY names, so one office is not one address', async () => {
    // One proxy in front (here on 127.0.0.1): the address it adds is the client's.
    await withApp('1', async (url) => {
      for (let i = 0; i < 30; i++) expect(await refusedLogin(url, '198.51.100.1')).toBe(403);
      expect(await refusedLogin(url, '198.51.100.1')).toBe(429);
      expect(await refusedLogin(url, '198.51.100.2')).toBe(403);
      // An address the client wrote into the header itself comes before the proxy's: ignored.
      expect(await refusedLogin(url, '198.51.100.3, 198.51.100.1')).toBe(429);
    });
  });

  it('ignores X-Forwarded-For from an address TRUST_PROXY does not name', async () => {
    await withApp('10.0.0.0/8', async (url) => {
      for (let i = 0; i < 30; i++) expect(await refusedLogin(url, `198.51.100.${i + 10}`)).toBe(403);
      expect(await refusedLogin(url, '198.51.100.99')).toBe(429);
    });
  });
});

describe('behind https', () => {
  it('marks the session cookie Secure', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-staff-https-'));
    const secure = await startApp(
      loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await databaseUrlIn(dir), LOG_LEVEL: 'silent', PUBLIC_URL: 'https://complaints.bank.test', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }),
    );
    try {
      const page = await fetch(`${secure.url}/staff/login`);
      const loginCsrf = page.headers.getSetCookie()[0]!.split(';')[0]!;
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
      const res = await fetch(`${secure.url}/staff/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCsrf },
        body: new URLSearchParams({ _csrf: csrf, email: ADMIN.email, password: ADMIN.password }).toString(),
      });
      expect(res.status).toBe(303);
      expect(res.headers.getSetCookie().find((c) => c.startsWith('cd_staff='))).toMatch(/; Secure/);
    } finally {
      await secure.stop();
    }
  });
});
