import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { ActionResult } from '../../case-action.js';
import { formatStaffTime, type ComplaintPolicy } from '../../clocks/index.js';
import type { DomainEvents } from '../../domain-events.js';
import type { CustomerMessenger } from '../../messenger.js';
import { REFERENCE_PATTERN } from '../../reference.js';
import { maskName, maskPhone, staffMasker } from '../../reveal-customer-contact.js';
import { ACTION_ERROR_STATUS } from '../action-errors.js';
import { ZNewUserBody } from '../action-schemas.js';
import { isStaffAction, STAFF_ACTIONS, type ActionContext } from '../action-table.js';
import { AUTOMATION_EMAIL, createSession, createStaffToken, createStaffUser, createUnknownLoginThrottle, deleteSession, principalForSession, revokeStaffToken, TOKEN_DEFAULT_DAYS, updateStaffUser, verifyLogin, ZStaffRole, ZTokenDays } from '../accounts.js';
import { caseToJson, readQueue, ZCaseFilter } from '../case-queries.js';
import { countUnreadNotifications, listNotifications, markAllNotificationsRead } from '../notifications.js';
import { cookieOptions, csrfTokenFor, CSRF_FIELD, deviceTokensOf, LOGIN_CSRF_COOKIE, newLoginCsrf, sameToken, SESSION_COOKIE, sessionIdOf, setDeviceCookie } from '../session.js';
import { CONSOLE_CSS, CONSOLE_JS } from './assets.js';
import type { Html } from './html.js';
import { accountPage, casePage, errorPage, loginPage, notificationsPage, queuePage, usersPage, type FormDraft, type Viewer } from './pages.js';
import { rejectNul } from '../../../http/no-nul.js';

export interface StaffConsoleDeps {
  db: PrismaClient;
  events: DomainEvents;
  messenger: CustomerMessenger;
  policy: ComplaintPolicy;
  clock: () => Date;
  log: Logger;
  /** Secure cookies when the console is served over https (PUBLIC_URL). */
  secureCookies: boolean;
  /** Login attempts per IP per 15 minutes (express-rate-limit). */
  loginRateLimit?: number;
}

/** At most this many transcript messages and timeline events on a case page: the latest. */
const PAGE_ITEMS = 2000;

/** ProcessedUpdate keys of case forms already sent (`_submission`). */
const CONSOLE_FORM_KEY_PREFIX = 'console-form:';

/** `POST /staff/cases/{reference}/{action}`: the forms of the case page. */
const CASE_FORM_PATH = /^\/cases\/([^/]+)\/([^/]+)$/;

/**
 * The free text of a case form (a reply, a decision, a note), in the form's order; never a password
 * or a token, which no case form has but the console's other forms do.
 */
function typedText(body: unknown): { field: string; text: string }[] {
  const fields = ['text', 'question', 'resolution', 'rootCause', 'note', 'reason'];
  const b = (body ?? {}) as Record<string, unknown>;
  return fields.flatMap((field) => (typeof b[field] === 'string' && b[field].trim() ? [{ field, text: b[field] }] : []));
}

const OPEN = ['new', 'acknowledged', 'in_progress', 'awaiting_customer', 'reopened'];
const FLASH_COOKIE = 'cd_flash';

/** No inline script or style, no framing, forms only to ourselves. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/**
 * The headers of every staff page: its Content-Security-Policy (the console's own by default), no
 * framing (clickjacking of the buttons), no MIME sniffing, and no URL leaking to other sites.
 */
export function staffPageHeaders(csp = CSP) {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.set({ 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin', 'X-Frame-Options': 'DENY' });
    next();
  };
}

function send(res: Response, page: Html, status = 200) {
  res.status(status).type('html').set('Cache-Control', 'no-store').send(page.value);
}

function reasonsOf(classification: string): string[] {
  try {
    const cl = JSON.parse(classification) as { reasons?: unknown };
    return Array.isArray(cl.reasons) ? cl.reasons.map(String) : [];
  } catch {
    return [];
  }
}

/** A safe local redirect target (never another site). */
function localPath(p: unknown): string {
  return typeof p === 'string' && /^\/staff(\/|$|\?)/.test(p) && !p.startsWith('//') ? p : '/staff';
}

/**
 * The staff console at /staff: server-rendered pages over the same use cases as the JSON API.
 * Every page needs a session; every form carries the session's CSRF token; the login form is
 * protected by a double-submit cookie and throttled per IP and per account.
 */
export function createStaffConsole(deps: StaffConsoleDeps): Router {
  const { db, clock, log } = deps;
  const router = Router();
  const urlencoded = express.urlencoded({ extended: false, limit: '64kb' });
  const form = (req: Request, res: Response, next: NextFunction) => urlencoded(req, res, (e?: unknown) => (e ? next(e) : rejectNul(req, res, next)));
  const actionDeps = { db, events: deps.events, messenger: deps.messenger, policy: deps.policy };
  const tz = deps.policy.timeZone;

  router.use(staffPageHeaders());
  router.get('/assets/console.css', (_req, res) => void res.type('css').set('Cache-Control', 'public, max-age=300').send(CONSOLE_CSS));
  router.get('/assets/console.js', (_req, res) => void res.type('js').set('Cache-Control', 'public, max-age=300').send(CONSOLE_JS));

  // login / logout
  router.get('/login', async (req, res) => {
    const sid = sessionIdOf(req);
    if (sid && (await principalForSession(db, sid, clock()))) return res.redirect(303, '/staff');
    const csrf = newLoginCsrf();
    res.cookie(LOGIN_CSRF_COOKIE, csrf, { ...cookieOptions(deps.secureCookies), sameSite: 'strict' });
    send(res, loginPage({ csrf, next: localPath(req.query.next) }));
  });
  const unknownLogins = createUnknownLoginThrottle();
  const loginLimiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: deps.loginRateLimit ?? 30,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Only refused logins count: a busy office behind one address is not locked out by success.
    skipSuccessfulRequests: true,
    handler: (_req, res) => send(res, loginPage({ csrf: '', error: 'Too many login attempts from this address. Wait 15 minutes. 登录尝试过多，请15分钟后再试。' }), 429),
  });
  router.post('/login', loginLimiter, form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const retry = (status: number, error: string) => {
      const csrf = newLoginCsrf();
      res.cookie(LOGIN_CSRF_COOKIE, csrf, { ...cookieOptions(deps.secureCookies), sameSite: 'strict' });
      send(res, loginPage({ csrf, error, email: body.email, next: localPath(body.next) }), status);
    };
    if (!sameToken(body[CSRF_FIELD], (req.cookies as Record<string, string>)[LOGIN_CSRF_COOKIE])) return retry(403, 'The login form expired. Please try again. 表单已过期，请重试。');
    const r = await verifyLogin(db, body.email ?? '', body.password ?? '', clock(), unknownLogins, deviceTokensOf(req));
    if (!r.ok) {
      log.info({ component: 'staff', outcome: r.error.type }, 'staff login refused');
      return r.error.type === 'locked'
        ? retry(429, 'Too many failed attempts: this account is locked for 15 minutes. 失败次数过多，账号已锁定15分钟。')
        : retry(401, 'Wrong email or password. 邮箱或密码错误。');
    }
    const s = await createSession(db, r.value.actor.userId, clock());
    res.clearCookie(LOGIN_CSRF_COOKIE, { path: '/' });
    res.cookie(SESSION_COOKIE, s.sessionId, cookieOptions(deps.secureCookies, s.expiresAt));
    setDeviceCookie(res, r.value.device, deps.secureCookies);
    log.info({ component: 'staff', staffUserId: r.value.actor.userId }, 'staff logged in');
    res.redirect(303, localPath(body.next));
  });

  // everything below needs a session
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    const sid = sessionIdOf(req);
    const p = sid ? await principalForSession(db, sid, clock()) : null;
    if (!p || !p.userId || !sid) {
      if (req.method === 'GET') return res.redirect(303, `/staff/login?next=${encodeURIComponent(req.originalUrl)}`);
      const caseForm = CASE_FORM_PATH.exec(req.path);
      if (!caseForm) return send(res, errorPage({ status: 401, message: 'Please log in again.' }), 401);
      // The session ended while a reply or decision was being written: nothing was done, and the
      // text comes back to copy, since the login on the way back to the case starts a fresh form.
      return form(req, res, () => {
        const kept = typedText(req.body);
        send(
          res,
          errorPage({
            status: 401,
            message: 'Your session ended, so nothing was done. Copy what you wrote, log in again and send it from the case page.',
            kept,
            next: `/staff/login?next=${encodeURIComponent(`/staff/cases/${caseForm[1]!}`)}`,
          }),
          401,
        );
      });
    }
    const viewer: Viewer = { userId: p.userId, displayName: p.displayName ?? p.userId, role: p.role, csrf: csrfTokenFor(sid) };
    res.locals.viewer = viewer;
    res.locals.staff = p;
    next();
  });
  // CSRF: every POST must carry the session's token.
  router.post(/.*/, form, async (req, res, next) => {
    const viewer = res.locals.viewer as Viewer;
    if (sameToken((req.body as Record<string, string> | undefined)?.[CSRF_FIELD], viewer.csrf)) return next();
    // A case page opened before the last login (another tab logged out and in): its form is shown
    // again as typed, on a page with the current token, so sending it is one more click.
    const caseForm = CASE_FORM_PATH.exec(req.path);
    if (caseForm && isStaffAction(caseForm[2]!) && REFERENCE_PATTERN.test(caseForm[1]!)) {
      const values = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).filter((e): e is [string, string] => e[0] !== CSRF_FIELD && typeof e[1] === 'string'));
      return renderCase(req, res, caseForm[1]!, null, 403, { action: caseForm[2]!, values, error: 'Not done: this page was out of date (opened before you last logged in). Check the form and send it again.' });
    }
    send(res, errorPage({ viewer, status: 403, message: 'The form is out of date or did not come from the console. Reload the page and try again.' }), 403);
  });

  const viewerOf = (res: Response) => res.locals.viewer as Viewer;
  // Each member of staff has their own unread alerts.
  const unreadCount = (res: Response) => countUnreadNotifications(db, viewerOf(res).userId);
  const flashOf = (req: Request, res: Response) => {
    const v = (req.cookies as Record<string, string | undefined>)[FLASH_COOKIE];
    if (!v) return null;
    res.clearCookie(FLASH_COOKIE, { path: '/staff' });
    try {
      const f = JSON.parse(v) as { kind: 'ok' | 'error'; text: string };
      return f.kind === 'ok' || f.kind === 'error' ? { kind: f.kind, text: String(f.text).slice(0, 300) } : null;
    } catch {
      return null;
    }
  };
  const flash = (res: Response, kind: 'ok' | 'error', text: string) =>
    res.cookie(FLASH_COOKIE, JSON.stringify({ kind, text }), { httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, path: '/staff', maxAge: 60_000 });
  const staffList = () =>
    db.staffUser.findMany({ where: { NOT: { email: AUTOMATION_EMAIL } }, select: { id: true, displayName: true, role: true, active: true }, orderBy: { displayName: 'asc' } });

  router.post('/logout', async (req, res) => {
    const sid = sessionIdOf(req);
    if (sid) await deleteSession(db, sid);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/staff/login');
  });

  // queue
  router.get('/', async (req, res) => {
    const viewer = viewerOf(res);
    // A filter ticked more than once (the status checkboxes: `status=new&status=in_progress`)
    // becomes the API's comma-separated list, which the pager's links carry on.
    const q = Object.fromEntries(
      Object.entries(req.query).flatMap(([k, v]) => {
        const value = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '').join(',') : typeof v === 'string' ? v : '';
        return value ? [[k, value]] : [];
      }),
    ) as Record<string, string>;
    const statusAll = q.status?.split(',').includes('all') ?? false;
    if (statusAll) q.status = 'all';
    const parsed = ZCaseFilter.safeParse({
      ...q,
      status: statusAll ? undefined : (q.status ?? OPEN.join(',')),
      assignee: q.assignee === 'me' ? viewer.userId : q.assignee,
      pageSize: q.pageSize ?? '25',
    });
    // Refused as the API refuses it (400), saying which value is wrong and why: a page that is no
    // whole number from 1 ("abc", "-1") is no typo to guess at. Every filter arrives as text, so
    // a wrong type can only be a number that is none.
    if (!parsed.success) {
      const reasons = parsed.error.issues.map((i) => {
        const field = i.path.join('.');
        const why = i.code === 'invalid_type' ? 'not a whole number' : i.message;
        return field in q ? `${field} "${q[field]}": ${why}` : `${field}: ${why}`;
      });
      return send(res, errorPage({ viewer, status: 400, message: `Bad filter: ${reasons.join('; ')}` }), 400);
    }
    const f = parsed.data;
    const now = clock();
    const [{ rows, total, totalExact }, staff, unread] = await Promise.all([
      readQueue(db, f, now),
      staffList(),
      unreadCount(res),
    ]);
    const query = (page: number) => {
      const p = new URLSearchParams({ ...q, page: String(page) });
      return `/staff?${p.toString()}`;
    };
    send(
      res,
      queuePage({ viewer, unread, flash: flashOf(req, res), filter: q, rows: rows.map(caseToJson), total, totalExact, page: f.page, pageSize: f.pageSize, staff, now, timeZone: tz, query }),
    );
  });

  // case page
  async function renderCase(
    req: Request,
    res: Response,
    reference: string,
    revealed: { name: string | null; phone: string | null } | null,
    status = 200,
    draft: FormDraft | null = null,
  ) {
    const viewer = viewerOf(res);
    const c = await db.case.findUnique({
      where: { reference },
      include: {
        channelAccount: { select: { handoffCaseId: true, reachable: true } },
        evidence: { orderBy: { createdAt: 'asc' } },
        notes: { orderBy: { createdAt: 'asc' } },
      },
    });
    if (!c) return send(res, errorPage({ viewer, status: 404, message: `No case ${reference}.` }), 404);
    // A long case shows its latest PAGE_ITEMS messages and events (the ones being worked on),
    // oldest first, with how many earlier ones are left out; the API has them all.
    const latest = <T>(rows: T[]) => rows.reverse();
    const [transcript, timeline, transcriptCount, timelineCount, staff, unread] = await Promise.all([
      db.transcriptMessage.findMany({ where: { caseId: c.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: PAGE_ITEMS }).then(latest),
      db.caseEvent.findMany({ where: { caseId: c.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: PAGE_ITEMS }).then(latest),
      db.transcriptMessage.count({ where: { caseId: c.id } }),
      db.caseEvent.count({ where: { caseId: c.id } }),
      staffList(),
      unreadCount(res),
    ]);
    const reasons = reasonsOf(c.classification);
    // As the API shows them (getCaseDetail): the customer's contact and long numbers masked.
    const shown = staffMasker(c);
    send(
      res,
      casePage({
        viewer,
        unread,
        flash: flashOf(req, res),
        draft,
        submissionId: randomUUID,
        seen: (await lastChange(c.id))?.id ?? '',
        c: {
          ...c,
          description: shown(c.description),
          desiredResolution: shown(c.desiredResolution),
          summary: shown(c.summary),
          flags: JSON.parse(c.flags) as string[],
          amount: c.amount === null ? null : Number(c.amount),
          reasons,
          customerName: maskName(c.customerName),
          customerPhone: maskPhone(c.customerPhone),
          handoffActive: c.channelAccount?.handoffCaseId === c.id,
          reachable: c.channelAccount ? c.channelAccount.reachable : null,
        },
        revealed,
        evidence: c.evidence.map((e) => ({ ...e, caption: shown(e.caption) })),
        earlier: { transcript: transcriptCount - transcript.length, timeline: timelineCount - timeline.length },
        transcript: transcript.map((m) => ({ at: m.createdAt, direction: m.direction, author: m.author, staffUserId: m.staffUserId, text: shown(m.text) })),
        timeline: timeline.map((e) => ({ at: e.createdAt, type: e.type, actorType: e.actorType, actorId: e.actorId, note: shown(e.note), data: e.data })),
        notes: c.notes.map((n) => ({ at: n.createdAt, authorId: n.authorId, text: n.text })),
        staff,
        now: clock(),
        timeZone: tz,
      }),
      status,
    );
  }

  /**
   * The latest change to a case that a form acts on: a staff action other than a note or a
   * reveal, or a status change by anyone (a customer's answer takes a case back to in progress).
   */
  const lastChange = (caseId: string) =>
    db.caseEvent.findFirst({
      where: { caseId, OR: [{ actorType: 'staff', type: { notIn: ['note_added', 'pii_revealed'] } }, { type: 'status_changed' }] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true, type: true, actorType: true, actorId: true, createdAt: true },
    });

  router.get('/cases/:reference', async (req, res) => {
    const reference = String(req.params.reference);
    if (!REFERENCE_PATTERN.test(reference)) return send(res, errorPage({ viewer: viewerOf(res), status: 400, message: 'A reference looks like C-20261127-0042.' }), 400);
    await renderCase(req, res, reference, null);
  });

  router.post('/cases/:reference/:action', async (req, res, next) => {
    const name = String(req.params.action);
    const reference = String(req.params.reference);
    if (!isStaffAction(name) || !REFERENCE_PATTERN.test(reference)) return next();
    const viewer = viewerOf(res);
    // Form fields arrive as strings: empty means "not given"; the API schema decides the rest.
    const raw = { ...(req.body as Record<string, string>) };
    delete raw[CSRF_FIELD];
    const { _submission: submission, _seen: seen } = raw;
    delete raw._submission;
    delete raw._seen;
    const body: Record<string, unknown> = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
    if (name === 'assignment') body.assigneeId = raw.assigneeId ? raw.assigneeId : null;
    const spec = STAFF_ACTIONS[name];
    const parsed = spec.schema.safeParse(body);
    const back = `/staff/cases/${reference}`;
    // A refused form is shown again as typed, with the reason, rather than redirected away:
    // the reply or decision someone wrote for minutes must not be lost.
    const refuse = (status: number, error: string) => renderCase(req, res, reference, null, status, { action: name, values: raw, error: `Not done: ${error}` });
    if (!parsed.success) return refuse(400, parsed.error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; '));
    // A form is done once however often it is sent (a double click, the browser's resubmission):
    // its id is claimed like a channel update's, in the same table, forgotten after a week.
    const claim = submission && name !== 'reveal' ? `${CONSOLE_FORM_KEY_PREFIX}${submission.slice(0, 64)}` : null;
    if (claim) {
      try {
        await db.processedUpdate.create({ data: { key: claim, createdAt: clock() } });
      } catch (e) {
        if ((e as { code?: string }).code !== 'P2002') throw e;
        flash(res, 'ok', 'This form was sent twice: it was done once.');
        return res.redirect(303, back);
      }
    }
    // Not done, the form may be sent again.
    const release = () => (claim ? db.processedUpdate.deleteMany({ where: { key: claim } }) : null);
    // Optimistic concurrency: a form from a page showing an older state of the case is refused
    // when someone changed it meanwhile (two people resolving, reassigning or answering at once),
    // and comes back filled in on the current page, which a second click then sends. Notes add
    // to the case without overwriting anything, and a reveal changes nothing.
    if (seen !== undefined && name !== 'notes' && name !== 'reveal') {
      const kase = await db.case.findUnique({ where: { reference }, select: { id: true } });
      const last = kase ? await lastChange(kase.id) : null;
      if (kase && (last?.id ?? '') !== seen) {
        await release();
        const by = last?.actorType === 'staff' && last.actorId ? ((await db.staffUser.findUnique({ where: { id: last.actorId }, select: { displayName: true } }))?.displayName ?? 'staff') : (last?.actorType ?? 'someone');
        return refuse(409, `the case changed meanwhile (${last?.type ?? 'a change'} by ${by}, ${formatStaffTime(last?.createdAt ?? clock(), tz)}). Check it below, then send again.`);
      }
    }
    let result: ActionResult<unknown>;
    try {
      result = await (spec.run as (c: ActionContext, b: unknown) => Promise<ActionResult<unknown>>)(
        { deps: actionDeps, actor: { userId: viewer.userId, role: viewer.role, displayName: viewer.displayName }, reference, now: clock() },
        parsed.data,
      );
    } catch (e) {
      await release();
      throw e;
    }
    if (!result.ok) {
      await release();
      return refuse(ACTION_ERROR_STATUS[result.error.type], result.error.message);
    }
    if (name === 'reveal') return renderCase(req, res, reference, result.value as { name: string | null; phone: string | null });
    flash(res, 'ok', spec.done);
    res.redirect(303, back);
  });

  // notifications
  router.get('/notifications', async (_req, res) => {
    const items = await listNotifications(db, { userId: viewerOf(res).userId, take: 200 });
    const ids = [...new Set(items.map((n) => n.caseId).filter((x): x is string => !!x))];
    const refs = new Map((await db.case.findMany({ where: { id: { in: ids } }, select: { id: true, reference: true } })).map((c) => [c.id, c.reference]));
    send(res, notificationsPage({ viewer: viewerOf(res), unread: await unreadCount(res), items: items.map((n) => ({ ...n, reference: n.caseId ? (refs.get(n.caseId) ?? null) : null })), timeZone: tz }));
  });
  router.post('/notifications/read', async (_req, res) => {
    await markAllNotificationsRead(db, { userId: viewerOf(res).userId, now: clock() });
    res.redirect(303, '/staff/notifications');
  });

  // personal API tokens
  async function renderAccount(req: Request, res: Response, newToken?: string) {
    const viewer = viewerOf(res);
    const tokens = await db.staffToken.findMany({ where: { userId: viewer.userId }, orderBy: { createdAt: 'desc' } });
    send(res, accountPage({ viewer, unread: await unreadCount(res), flash: flashOf(req, res), newToken, tokens, timeZone: tz, now: clock() }));
  }
  router.get('/account', (req, res) => renderAccount(req, res));
  router.post('/account/tokens', async (req, res) => {
    const body = req.body as Record<string, string>;
    const name = String(body.name ?? '').trim();
    if (!name) {
      flash(res, 'error', 'A token needs a name.');
      return res.redirect(303, '/staff/account');
    }
    const days = ZTokenDays.safeParse(body.days === undefined ? TOKEN_DEFAULT_DAYS : Number(body.days));
    if (!days.success) {
      flash(res, 'error', 'Choose when the token expires.');
      return res.redirect(303, '/staff/account');
    }
    const t = await createStaffToken(db, viewerOf(res).userId, name, clock(), days.data);
    await renderAccount(req, res, t.token);
  });
  router.post('/account/tokens/:id/revoke', async (req, res) => {
    await revokeStaffToken(db, String(req.params.id), viewerOf(res).userId, clock());
    flash(res, 'ok', 'Token revoked.');
    res.redirect(303, '/staff/account');
  });

  // users (admins)
  router.use('/users', (_req, res, next) => {
    const viewer = viewerOf(res);
    if (viewer.role === 'admin') return next();
    send(res, errorPage({ viewer, status: 403, message: 'Only an admin manages staff users.' }), 403);
  });
  router.get('/users', async (req, res) => {
    const users = await db.staffUser.findMany({
      where: { NOT: { email: AUTOMATION_EMAIL } },
      select: { id: true, email: true, displayName: true, role: true, active: true, lockedUntil: true },
      orderBy: { createdAt: 'asc' },
    });
    send(res, usersPage({ viewer: viewerOf(res), unread: await unreadCount(res), flash: flashOf(req, res), users, now: clock(), timeZone: tz }));
  });
  router.post('/users', async (req, res) => {
    const b = req.body as Record<string, string>;
    const parsed = ZNewUserBody.safeParse({ email: b.email, displayName: b.displayName, role: b.role, password: b.password });
    if (!parsed.success) flash(res, 'error', `Not created: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    else {
      const r = await createStaffUser(db, parsed.data, clock());
      flash(res, r.ok ? 'ok' : 'error', r.ok ? `Created ${r.value.email}.` : r.error.message);
    }
    res.redirect(303, '/staff/users');
  });
  router.post('/users/:id', async (req, res) => {
    const b = req.body as Record<string, string>;
    const role = ZStaffRole.safeParse(b.role).data;
    const active = b.active === 'true' ? true : b.active === 'false' ? false : undefined;
    const r = await updateStaffUser({ db, log: req.log, actorId: viewerOf(res).userId, userId: String(req.params.id), change: { role, active }, now: clock() });
    flash(res, r.ok ? 'ok' : 'error', r.ok ? 'Saved.' : r.error.message);
    res.redirect(303, '/staff/users');
  });

  router.use((_req, res) => send(res, errorPage({ viewer: viewerOf(res), status: 404, message: 'No such page.' }), 404));
  return router;
}
