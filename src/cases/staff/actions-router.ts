import type { PrismaClient } from '@prisma/client';
import { Router, type Request, type Response } from 'express';
import { hasRole, type ActionResult } from '../case-action.js';
import type { ComplaintPolicy } from '../clocks/index.js';
import type { DomainEvents } from '../domain-events.js';
import type { CustomerMessenger } from '../messenger.js';
import { REFERENCE_PATTERN } from '../reference.js';
import { sendActionError } from './action-errors.js';
import { ZNewTokenBody, ZNewUserBody, ZUserUpdateBody } from './action-schemas.js';
import { isStaffAction, STAFF_ACTIONS, type ActionContext } from './action-table.js';
import { actorFor, AUTOMATION_EMAIL, createStaffToken, createStaffUser, revokeStaffToken, updateStaffUser } from './accounts.js';
import { badRequest } from './api-router.js';
import type { StaffPrincipal } from './auth.js';
import { listNotifications, markNotificationRead } from './notifications.js';

export interface StaffActionDeps {
  db: PrismaClient;
  events: DomainEvents;
  messenger: CustomerMessenger;
  policy: ComplaintPolicy;
  clock: () => Date;
}

/**
 * The write side of the staff JSON API: one POST per action, each validated by its zod schema
 * (400 `{error, message, issues}`), each refusal mapped by `ACTION_ERROR_STATUS`. Mounted behind
 * `requireStaff` and `requireCsrf`.
 */
export function createStaffActionsRouter(deps: StaffActionDeps): Router {
  const { db, clock } = deps;
  const router = Router();

  const actionDeps = { db: deps.db, events: deps.events, messenger: deps.messenger, policy: deps.policy };
  router.post('/cases/:reference/:action', async (req: Request, res: Response, next) => {
    const name = String(req.params.action);
    if (!isStaffAction(name)) return next();
    const reference = String(req.params.reference);
    if (!REFERENCE_PATTERN.test(reference)) return void res.status(400).json({ error: 'bad_request', message: 'A reference looks like C-20261127-0042.' });
    const spec = STAFF_ACTIONS[name];
    const body = spec.schema.safeParse(req.body ?? {});
    if (!body.success) return void res.status(400).json(badRequest(body.error));
    const actor = await actorFor(db, res.locals.staff as StaffPrincipal);
    const result = await (spec.run as (c: ActionContext, b: unknown) => Promise<ActionResult<unknown>>)({ deps: actionDeps, actor, reference, now: clock() }, body.data);
    if (!result.ok) return void sendActionError(res, result.error);
    res.status(spec.status).json({ ok: true, reference, ...(result.value && typeof result.value === 'object' ? result.value : {}) });
  });

  router.get('/me', async (_req, res) => {
    const actor = await actorFor(db, res.locals.staff as StaffPrincipal);
    res.json({ id: actor.userId, displayName: actor.displayName, role: actor.role, via: (res.locals.staff as StaffPrincipal).via });
  });

  // Read state is the caller's own (src/cases/staff/notifications.ts).
  router.get('/notifications', async (req, res) => {
    const actor = await actorFor(db, res.locals.staff as StaffPrincipal);
    const items = await listNotifications(db, { userId: actor.userId, unreadOnly: req.query.unread === 'true', take: 100 });
    res.json({ items });
  });
  router.post('/notifications/:id/read', async (req, res) => {
    const actor = await actorFor(db, res.locals.staff as StaffPrincipal);
    const updated = await markNotificationRead(db, { userId: actor.userId, id: String(req.params.id), now: clock() });
    res.json({ ok: true, updated: updated ? 1 : 0 });
  });

  router.post('/tokens', async (req, res) => {
    const body = ZNewTokenBody.safeParse(req.body ?? {});
    if (!body.success) return void res.status(400).json(badRequest(body.error));
    const actor = await actorFor(db, res.locals.staff as StaffPrincipal);
    const t = await createStaffToken(db, actor.userId, body.data.name, clock(), body.data.expiresInDays);
    res.status(201).json({ id: t.id, token: t.token, expiresAt: t.expiresAt.toISOString(), message: 'Shown once: store it now.' });
  });
  router.delete('/tokens/:id', async (req, res) => {
    const actor = await actorFor(db, res.locals.staff as StaffPrincipal);
    const revoked = await revokeStaffToken(db, String(req.params.id), hasRole(actor.role, 'admin') ? null : actor.userId, clock());
    if (!revoked) return void res.status(404).json({ error: 'not_found', message: 'No such active token of yours.' });
    res.json({ ok: true });
  });

  // Users: admins only.
  router.use('/users', (_req, res, next) => {
    if (hasRole((res.locals.staff as StaffPrincipal).role, 'admin')) return next();
    res.status(403).json({ error: 'admin_required', message: 'Only an admin manages staff users.' });
  });
  router.get('/users', async (_req, res) => {
    const users = await db.staffUser.findMany({
      where: { NOT: { email: AUTOMATION_EMAIL } },
      select: { id: true, email: true, displayName: true, role: true, active: true, createdAt: true, lockedUntil: true },
      orderBy: { createdAt: 'asc' },
    });
    res.json({ items: users });
  });
  router.post('/users', async (req, res) => {
    const body = ZNewUserBody.safeParse(req.body ?? {});
    if (!body.success) return void res.status(400).json(badRequest(body.error));
    const r = await createStaffUser(db, body.data, clock());
    if (!r.ok) return void res.status(r.error.type === 'conflict' ? 409 : 400).json({ error: r.error.type, message: r.error.message });
    res.status(201).json(r.value);
  });
  router.patch('/users/:id', async (req, res) => {
    const body = ZUserUpdateBody.safeParse(req.body ?? {});
    if (!body.success) return void res.status(400).json(badRequest(body.error));
    const actor = await actorFor(db, res.locals.staff as StaffPrincipal);
    const r = await updateStaffUser({ db, log: req.log, actorId: actor.userId, userId: String(req.params.id), change: body.data, now: clock() });
    if (!r.ok) return void sendActionError(res, r.error);
    res.json({ ok: true });
  });

  return router;
}
