import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import bcrypt from 'bcryptjs';
import type { Logger } from 'pino';
import { z } from 'zod';
import { STAFF_ROLES, type TStaffRole } from '../clocks/index.js';
import { OPEN_STATUSES, type StaffActor } from '../case-action.js';
import { recordEvent } from '../case-events.js';
import { err, ok, type Result } from '../result.js';
import { sha256, type StaffPrincipal } from './auth.js';

/**
 * Staff accounts: users, password logins with throttling, console sessions and personal API
 * tokens. Secrets are never stored: passwords as bcrypt hashes, session ids and tokens as their
 * SHA-256 (a leaked database cannot be replayed as a login).
 */

export const ZStaffRole = z.enum(STAFF_ROLES);
export const ZNewStaffUser = z.object({
  email: z.email().max(200).transform((e) => e.toLowerCase()),
  displayName: z.string().trim().min(1).max(80),
  role: ZStaffRole,
  // bcrypt reads the first 72 bytes only: a longer password would let in anything that starts
  // the same, so it is refused rather than silently cut.
  password: z
    .string()
    .min(12, 'must be at least 12 characters')
    .max(200)
    .refine((p) => !bcrypt.truncates(p), 'must be at most 72 bytes (about 24 Chinese characters)'),
});
export type TNewStaffUser = z.input<typeof ZNewStaffUser>;

const BCRYPT_COST = 12;
/** Failed logins in a row before the account is locked for LOCK_MS. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MS = 15 * 60_000;
export const SESSION_MS = 12 * 60 * 60_000;
const TOKEN_PREFIX = 'cdt_';
/** The env STAFF_API_TOKEN acts as this (inactive, password-less) user, so its actions have a who. */
export const AUTOMATION_EMAIL = 'automation@staff.invalid';
// Compared against when the email is unknown, so a wrong email costs as long as a wrong password:
// bcrypt's time is set by the hash's cost, so it needs the cost of real hashes. Made on first use
// (about a quarter of a second), not when the module loads.
let dummyHash: Promise<string> | undefined;
const unknownAccountHash = () => (dummyHash ??= bcrypt.hash('not-a-real-password', BCRYPT_COST));

export async function createStaffUser(db: PrismaClient, input: TNewStaffUser, now: Date): Promise<Result<{ id: string; email: string }, { type: 'conflict' | 'invalid'; message: string }>> {
  const parsed = ZNewStaffUser.safeParse(input);
  if (!parsed.success) return err({ type: 'invalid', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  const u = parsed.data;
  try {
    const created = await db.staffUser.create({
      data: { email: u.email, displayName: u.displayName, role: u.role, passwordHash: await bcrypt.hash(u.password, BCRYPT_COST), createdAt: now },
      select: { id: true, email: true },
    });
    return ok(created);
  } catch (e) {
    if ((e as { code?: string }).code === 'P2002') return err({ type: 'conflict', message: `A staff user with email ${u.email} already exists.` });
    throw e;
  }
}

/** Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when no admin exists yet. */
export async function ensureFirstAdmin(db: PrismaClient, env: { email?: string; password?: string }, now: Date): Promise<'created' | 'exists' | 'skipped'> {
  if (!env.email || !env.password) return 'skipped';
  const admins = await db.staffUser.count({ where: { role: 'admin', active: true, NOT: { email: AUTOMATION_EMAIL } } });
  if (admins > 0) return 'exists';
  const r = await createStaffUser(db, { email: env.email, displayName: 'Administrator', role: 'admin', password: env.password }, now);
  return r.ok ? 'created' : 'exists';
}

export type LoginError = { type: 'invalid_credentials' } | { type: 'locked'; until: Date };

/**
 * Failed logins to emails without an active account, counted as an account's `failedLogins` are,
 * so those emails lock the same way and the answers do not tell which emails have accounts.
 * Kept in the process's memory (StaffUser rows exist only for real accounts; no schema change):
 * each instance counts its own, and a restart forgets them. At most `maxEmails` are remembered,
 * the least recently tried forgotten first (the per-address login limit keeps a flood slow).
 */
export interface UnknownLoginThrottle {
  /** Until when `email` is locked, or null. */
  lockedUntil(email: string, now: Date): Date | null;
  /** Counts a failure; returns the lock's end when this one locks `email`. */
  fail(email: string, now: Date): Date | null;
}

export function createUnknownLoginThrottle(maxEmails = 10_000): UnknownLoginThrottle {
  const seen = new Map<string, { failed: number; lockedUntil: Date | null }>();
  return {
    lockedUntil(email, now) {
      const until = seen.get(email)?.lockedUntil;
      return until && until > now ? until : null;
    },
    fail(email, now) {
      const failed = (seen.get(email)?.failed ?? 0) + 1;
      const lockedUntil = failed >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCK_MS) : null;
      // Deleted and set again: the Map's order is then least recently tried first.
      seen.delete(email);
      seen.set(email, { failed: lockedUntil ? 0 : failed, lockedUntil });
      if (seen.size > maxEmails) seen.delete(seen.keys().next().value!);
      return lockedUntil;
    },
  };
}

/** How long a browser stays trusted for an account after its last successful login there. */
export const DEVICE_MS = 180 * 24 * 60 * 60_000;
/** Device tokens one browser keeps (one per staff member who logged in there, latest first). */
export const MAX_DEVICE_TOKENS = 5;

/** The device cookie's new content after a login: its tokens, latest first, and its expiry. */
export interface DeviceCookie {
  tokens: string[];
  expiresAt: Date;
}

/**
 * Checks a password login, throttled the way OWASP recommends against lock-outs an attacker
 * causes ("device cookies"). A browser presenting a device token of this account (`deviceTokens`,
 * from the device cookie a successful login leaves) counts its own wrong passwords: the fifth in a
 * row locks that browser only, for 15 minutes. Any other client is untrusted and counts on the
 * account (`failedLogins`): the fifth locks the account for untrusted clients only, so someone
 * guessing a colleague's password never keeps them out of a browser they have logged in from.
 * A lock holds against the right password too. An email without an active account is answered the
 * same way, counted in `unknown`. A success returns the device cookie to set: the presented token
 * of this account replaced by a new one (rotated, its count gone), the other accounts' kept.
 */
export async function verifyLogin(
  db: PrismaClient,
  email: string,
  password: string,
  now: Date,
  unknown: UnknownLoginThrottle,
  deviceTokens: readonly string[] = [],
): Promise<Result<{ actor: StaffActor; device: DeviceCookie }, LoginError>> {
  const key = email.trim().toLowerCase();
  // Looked up before the account whatever the email, so an unknown email costs the same queries.
  const devices = deviceTokens.length ? await db.staffDevice.findMany({ where: { id: { in: deviceTokens.map(sha256) } } }) : [];
  const user = await db.staffUser.findUnique({ where: { email: key } });
  if (!user || !user.active) {
    const locked = unknown.lockedUntil(key, now);
    if (locked) return err({ type: 'locked', until: locked });
    await bcrypt.compare(password, await unknownAccountHash());
    const until = unknown.fail(key, now);
    return until ? err({ type: 'locked', until }) : err({ type: 'invalid_credentials' });
  }
  const device = devices.find((d) => d.userId === user.id && d.expiresAt > now);
  const counter = device ?? user;
  if (counter.lockedUntil && counter.lockedUntil > now) return err({ type: 'locked', until: counter.lockedUntil });
  if (!(await bcrypt.compare(password, user.passwordHash))) {
    const failed = counter.failedLogins + 1;
    const until = failed >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCK_MS) : null;
    const data = { failedLogins: until ? 0 : failed, lockedUntil: until ?? counter.lockedUntil };
    if (device) await db.staffDevice.update({ where: { id: device.id }, data });
    else await db.staffUser.update({ where: { id: user.id }, data });
    return until ? err({ type: 'locked', until }) : err({ type: 'invalid_credentials' });
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + DEVICE_MS);
  await db.$transaction([
    // A success from a trusted browser leaves the untrusted count alone: it says nothing about
    // whoever else is trying the account.
    ...(device ? [] : [db.staffUser.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: null } })]),
    // The presented token and the account's expired ones go; the new token starts a clean count.
    db.staffDevice.deleteMany({ where: { userId: user.id, OR: [{ id: device?.id ?? '' }, { expiresAt: { lte: now } }] } }),
    db.staffDevice.create({ data: { id: sha256(token), userId: user.id, createdAt: now, expiresAt } }),
  ]);
  // Other staff members' tokens stay (a shared computer); unknown and expired ones are dropped.
  const kept = deviceTokens.filter((t) => devices.some((d) => d.id === sha256(t) && d.id !== device?.id && d.expiresAt > now));
  return ok({
    actor: { userId: user.id, role: ZStaffRole.parse(user.role), displayName: user.displayName },
    device: { tokens: [token, ...kept].slice(0, MAX_DEVICE_TOKENS), expiresAt },
  });
}

export interface StaffUserChange {
  role?: TStaffRole;
  active?: boolean;
}

export type StaffUserChangeError =
  | { type: 'invalid'; reason: 'nothing_to_change'; message: string }
  | { type: 'not_found'; reason: 'user_not_found'; message: string }
  | { type: 'conflict'; reason: 'own_account'; message: string };

/**
 * Changes a staff user's role or active flag; the callers (console and API) let only admins
 * here. Nobody may demote or deactivate themselves, so the admin doing it is never the one who
 * locks everyone out of user management. Deactivating ends the user's sessions. The change is
 * logged with who made it (there is no audit table for staff accounts; the case timeline is per
 * case): `staff user changed`, ids and values only.
 */
export async function updateStaffUser(opts: {
  db: PrismaClient;
  log: Pick<Logger, 'info'>;
  actorId: string;
  userId: string;
  change: StaffUserChange;
  now: Date;
}): Promise<Result<{ from: Required<StaffUserChange>; to: Required<StaffUserChange> }, StaffUserChangeError>> {
  const { db, actorId, userId, change } = opts;
  if (change.role === undefined && change.active === undefined) {
    return err({ type: 'invalid', reason: 'nothing_to_change', message: 'Give a role or active to change.' });
  }
  // The STAFF_API_TOKEN's built-in user is no staff member: activating it would turn the tokens
  // made under it into live admin tokens.
  const user = await db.staffUser.findFirst({ where: { id: userId, NOT: { email: AUTOMATION_EMAIL } }, select: { role: true, active: true } });
  if (!user) return err({ type: 'not_found', reason: 'user_not_found', message: 'No such staff user.' });
  if (userId === actorId && (change.active === false || (change.role !== undefined && change.role !== user.role))) {
    return err({ type: 'conflict', reason: 'own_account', message: 'You cannot demote or deactivate yourself.' });
  }
  const from = { role: ZStaffRole.parse(user.role), active: user.active };
  const to = { role: change.role ?? from.role, active: change.active ?? from.active };
  await db.$transaction(async (tx) => {
    await tx.staffUser.update({ where: { id: userId }, data: to });
    if (to.active) return;
    await tx.staffSession.deleteMany({ where: { userId } });
    if (!from.active) return;
    // Someone who left cannot work their cases: they go back to the unassigned queue, where
    // anyone can claim them, instead of staying with a person nobody can act for.
    const held = await tx.case.findMany({ where: { assigneeId: userId, status: { in: [...OPEN_STATUSES] } }, select: { id: true } });
    await tx.case.updateMany({ where: { id: { in: held.map((c) => c.id) } }, data: { assigneeId: null } });
    for (const c of held) {
      await recordEvent(tx, { caseId: c.id, type: 'unassigned', actor: { type: 'staff', id: actorId }, at: opts.now, note: 'assignee deactivated', data: { from: userId, to: null } });
    }
    // A conversation they had taken over goes back to the bot: relayed to nobody, the customer's
    // messages (a fraud report among them) would get no answer at all.
    const handedBack = await tx.channelAccount.findMany({ where: { handoffCaseId: { in: held.map((c) => c.id) } }, select: { id: true, handoffCaseId: true } });
    await tx.channelAccount.updateMany({ where: { id: { in: handedBack.map((a) => a.id) } }, data: { handoffCaseId: null } });
    for (const a of handedBack) {
      await recordEvent(tx, { caseId: a.handoffCaseId!, type: 'handoff_ended', actor: { type: 'staff', id: actorId }, at: opts.now, note: 'assignee deactivated' });
    }
  });
  if (to.role !== from.role || to.active !== from.active) opts.log.info({ actorId, staffUserId: userId, from, to, at: opts.now.toISOString() }, 'staff user changed');
  return ok({ from, to });
}

/** Starts a console session; returns the cookie value (only its hash is stored). */
export async function createSession(db: PrismaClient, userId: string, now: Date): Promise<{ sessionId: string; expiresAt: Date }> {
  const sessionId = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_MS);
  await db.staffSession.create({ data: { id: sha256(sessionId), userId, createdAt: now, expiresAt } });
  return { sessionId, expiresAt };
}

export async function deleteSession(db: PrismaClient, sessionId: string): Promise<void> {
  await db.staffSession.deleteMany({ where: { id: sha256(sessionId) } });
}

/** The staff member behind a session cookie value, or null (unknown, expired, deactivated). */
export async function principalForSession(db: PrismaClient, sessionId: string, now: Date): Promise<StaffPrincipal | null> {
  const s = await db.staffSession.findUnique({ where: { id: sha256(sessionId) }, include: { user: { select: { id: true, role: true, active: true, displayName: true } } } });
  if (!s || s.expiresAt <= now || !s.user.active) return null;
  return { userId: s.user.id, role: ZStaffRole.parse(s.user.role), via: 'session', displayName: s.user.displayName };
}

/** How many days a personal API token lives when its creator does not say. */
export const TOKEN_DEFAULT_DAYS = 90;
/** The longest lifetime that may be asked for: a leaked token works until then, or until revoked. */
export const TOKEN_MAX_DAYS = 365;
export const ZTokenDays = z.number().int().min(1).max(TOKEN_MAX_DAYS);

/**
 * Issues a personal API token that expires `days` days from `now` (1 to TOKEN_MAX_DAYS; callers
 * validate input with ZTokenDays). The token is returned once and stored only as its hash.
 */
export async function createStaffToken(db: PrismaClient, userId: string, name: string, now: Date, days: number = TOKEN_DEFAULT_DAYS): Promise<{ id: string; token: string; expiresAt: Date }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(now.getTime() + ZTokenDays.parse(days) * 24 * 60 * 60_000);
  const row = await db.staffToken.create({ data: { userId, name: name.slice(0, 80), tokenHash: sha256(token), createdAt: now, expiresAt }, select: { id: true } });
  return { id: row.id, token, expiresAt };
}

export async function revokeStaffToken(db: PrismaClient, tokenId: string, userId: string | null, now: Date): Promise<boolean> {
  const r = await db.staffToken.updateMany({ where: { id: tokenId, revokedAt: null, ...(userId ? { userId } : {}) }, data: { revokedAt: now } });
  return r.count > 0;
}

/** Why a personal API token lets nobody in: unknown (or revoked, or its user deactivated), or expired. */
export type TokenRefusal = { type: 'unknown' } | { type: 'expired'; expiredAt: Date };

/**
 * The staff member behind a personal API token. An expired one is told apart from an unknown
 * one, so its owner learns to make a new token rather than suspect the request; a revoked one
 * or a deactivated user's is not (that says nothing the holder should act on).
 */
export async function principalForToken(db: PrismaClient, token: string, now: Date): Promise<Result<StaffPrincipal, TokenRefusal>> {
  if (!token.startsWith(TOKEN_PREFIX)) return err({ type: 'unknown' });
  const row = await db.staffToken.findUnique({ where: { tokenHash: sha256(token) }, include: { user: { select: { id: true, role: true, active: true, displayName: true } } } });
  if (!row || row.revokedAt || !row.user.active) return err({ type: 'unknown' });
  if (row.expiresAt <= now) return err({ type: 'expired', expiredAt: row.expiresAt });
  await db.staffToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  return ok({ userId: row.user.id, role: ZStaffRole.parse(row.user.role), via: 'user_token', displayName: row.user.displayName });
}

/**
 * The actor for timeline events. The STAFF_API_TOKEN has no user of its own, so it acts as a
 * built-in inactive "automation" user (created on first use) that cannot log in.
 */
export async function actorFor(db: PrismaClient, p: StaffPrincipal): Promise<StaffActor> {
  if (p.userId) return { userId: p.userId, role: p.role, displayName: p.displayName ?? p.userId };
  const u = await db.staffUser.upsert({
    where: { email: AUTOMATION_EMAIL },
    create: { email: AUTOMATION_EMAIL, displayName: 'API automation (STAFF_API_TOKEN)', role: 'admin', passwordHash: '!', active: false },
    update: {},
    select: { id: true, displayName: true },
  });
  return { userId: u.id, role: p.role, displayName: u.displayName, automation: true };
}

export type { TStaffRole };
