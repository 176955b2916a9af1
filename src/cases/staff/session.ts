import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import type { CookieOptions, NextFunction, Request, Response } from 'express';
import { MAX_DEVICE_TOKENS, principalForSession, principalForToken } from './accounts.js';
import type { PrincipalResolver, RefusingResolver } from './auth.js';

/**
 * Console sessions and CSRF. The session cookie is HttpOnly, SameSite=Lax and Secure when the
 * console is served over https. CSRF uses a synchronizer token derived from the session id
 * (SHA-256 of a domain-separated string): it needs no storage, works across instances, and an
 * attacker who cannot read the HttpOnly cookie cannot compute it. Before login, the login form
 * uses a double-submit cookie.
 */
export const SESSION_COOKIE = 'cd_staff';
export const LOGIN_CSRF_COOKIE = 'cd_login_csrf';
/**
 * The device cookie (accounts.ts `verifyLogin`): random tokens, one per staff member who logged in
 * with this browser, joined by dots. Each names its user through its stored hash (StaffDevice),
 * like the session cookie, so it needs no signing key: an unknown token is simply not trusted.
 * Sent to the login form only.
 */
export const DEVICE_COOKIE = 'cd_staff_device';
const DEVICE_COOKIE_PATH = '/staff/login';
const DEVICE_COOKIE_VALUE = new RegExp(`^[\\w-]{43}(\\.[\\w-]{43}){0,${MAX_DEVICE_TOKENS - 1}}$`);
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

export function cookieOptions(secure: boolean, expires?: Date): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure, path: '/', ...(expires ? { expires } : {}) };
}

export function csrfTokenFor(sessionId: string): string {
  return createHash('sha256').update(`complaint-desk csrf v1:${sessionId}`).digest('base64url');
}

export function newLoginCsrf(): string {
  return randomBytes(24).toString('base64url');
}

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export function sessionIdOf(req: Request): string | undefined {
  const v = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof v === 'string' && v.length > 20 && v.length < 100 ? v : undefined;
}

/** The device tokens the browser presents (none when the cookie is missing or malformed). */
export function deviceTokensOf(req: Request): string[] {
  const v = (req.cookies as Record<string, unknown> | undefined)?.[DEVICE_COOKIE];
  return typeof v === 'string' && DEVICE_COOKIE_VALUE.test(v) ? v.split('.') : [];
}

/** Leaves the device cookie after a successful login. */
export function setDeviceCookie(res: Response, device: { tokens: string[]; expiresAt: Date }, secure: boolean): void {
  res.cookie(DEVICE_COOKIE, device.tokens.join('.'), { ...cookieOptions(secure, device.expiresAt), sameSite: 'strict', path: DEVICE_COOKIE_PATH });
}

/** Resolves the console session cookie. */
export function sessionResolver(db: PrismaClient, clock: () => Date): PrincipalResolver {
  return async (req) => {
    const sid = sessionIdOf(req);
    return sid ? principalForSession(db, sid, clock()) : null;
  };
}

/**
 * Resolves a personal API token (`Authorization: Bearer cdt_…`); an expired one is refused with
 * `token_expired` and its date, so its owner knows to make a new one.
 */
export function userTokenResolver(db: PrismaClient, clock: () => Date): RefusingResolver {
  return async (req) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1]?.trim();
    if (!bearer) return null;
    const found = await principalForToken(db, bearer, clock());
    if (found.ok) return found.value;
    if (found.error.type !== 'expired') return null;
    const on = found.error.expiredAt.toISOString();
    return { refused: { error: 'token_expired', message: `This API token expired at ${on}; make a new one at /staff/account or with npm run staff -- create-token.` } };
  };
}

/**
 * Refuses state-changing requests authenticated by the session cookie unless they carry the
 * session's CSRF token (form field `_csrf` or header `X-CSRF-Token`). Bearer tokens are not
 * sent by browsers on their own, so they need none.
 */
export function requireCsrf(req: Request, res: Response, next: NextFunction): void {
  const p = res.locals.staff as { via?: string } | undefined;
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method) || p?.via !== 'session') return next();
  const sid = sessionIdOf(req);
  const body = req.body as Record<string, unknown> | undefined;
  const given = req.get(CSRF_HEADER) ?? (typeof body?.[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : undefined);
  if (sid && sameToken(given, csrfTokenFor(sid))) return next();
  res.status(403).json({ error: 'csrf_failed', message: 'The form is out of date or did not come from the console; reload the page and try again.' });
}
