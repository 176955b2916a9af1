import { Router } from 'express';
import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { REFERENCE_PATTERN } from '../reference.js';
import type { StaffPrincipal } from './auth.js';
import { getCaseDetail, listCases, ZCaseFilter } from './case-queries.js';

export interface StaffApiDeps {
  db: PrismaClient;
  clock?: () => Date;
}

/** Turns a zod error into the 400 body every staff endpoint uses. */
export function badRequest(error: z.ZodError) {
  return {
    error: 'bad_request',
    message: 'The request is not valid.',
    issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  };
}

/** Read side of the staff JSON API (DESIGN.md). Mounted behind `requireStaff`. */
export function createStaffApiRouter(deps: StaffApiDeps): Router {
  const clock = deps.clock ?? (() => new Date());
  const router = Router();

  router.get('/cases', async (req, res) => {
    const filter = ZCaseFilter.safeParse(req.query);
    if (!filter.success) return void res.status(400).json(badRequest(filter.error));
    // `assignee=me` is the caller's own queue (a user token or session; the env token has none).
    if (filter.data.assignee === 'me') filter.data.assignee = (res.locals.staff as StaffPrincipal | undefined)?.userId ?? 'none';
    res.json(await listCases(deps.db, filter.data, clock()));
  });

  router.get('/cases/:reference', async (req, res) => {
    const reference = req.params.reference;
    if (!REFERENCE_PATTERN.test(reference)) {
      return void res.status(400).json({ error: 'bad_request', message: 'A reference looks like C-20261127-0042.' });
    }
    const detail = await getCaseDetail(deps.db, reference);
    if (!detail) return void res.status(404).json({ error: 'not_found', message: `No case ${reference}.` });
    res.json(detail);
  });

  return router;
}
