import { Router, type NextFunction, type Request, type Response } from 'express';
import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { resolveReportRange, ZReportQuery } from './report-range.js';
import { reportsPage } from './report-page.js';
import { loadReportData, loadReportTable, toCsv } from './report-tables.js';
import type { SqlDialect } from './summary.js';
import type { PrincipalResolver } from '../staff/auth.js';

export interface ReportsPageDeps {
  db: PrismaClient;
  dialect: SqlDialect;
  timeZone: string;
  clock: () => Date;
}

const ZPageQuery = ZReportQuery.extend({
  lang: z.enum(['zh', 'en']).default('zh'),
  // The same century as `from` and `to`: outside it the calendar code throws (a 500) instead of
  // finding nothing.
  month: z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM, a month between 2000 and 2099').optional(),
});

/**
 * A browser (no Authorization header) gets the page with a live console session, and otherwise
 * is sent to the console's login page and back here afterwards, as the console's own pages do:
 * also with an expired or stale session cookie, which the staff auth would answer with a JSON
 * 401. A request with a bearer token goes through the staff auth (user token or the env token).
 */
export function requireStaffPage(staffAuth: (req: Request, res: Response, next: NextFunction) => unknown, session: PrincipalResolver) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.get('authorization') || req.method !== 'GET') return staffAuth(req, res, next);
    const principal = await session(req);
    if (!principal) return res.redirect(303, `/staff/login?next=${encodeURIComponent(req.originalUrl)}`);
    res.locals.staff = principal;
    next();
  };
}

/** `/staff/reports` (HTML) and `/staff/reports/export.csv?table=` (every table of the page). */
export function createReportsPageRouter(deps: ReportsPageDeps): Router {
  const router = Router();
  const parse = (req: Request, res: Response) => {
    const q = ZPageQuery.safeParse(req.query);
    if (!q.success) {
      res.status(400).type('text/plain').send(`Bad report query: ${q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return null;
    }
    const now = deps.clock();
    const range = resolveReportRange(q.data, { now, timeZone: deps.timeZone });
    if ('error' in range) {
      res.status(400).type('text/plain').send(range.error);
      return null;
    }
    return { q: q.data, range, now };
  };

  router.get('/', async (req, res) => {
    const p = parse(req, res);
    if (!p) return;
    const data = await loadReportData({ db: deps.db, dialect: deps.dialect, timeZone: deps.timeZone }, p.range, p.now, p.q.month);
    res.set('Cache-Control', 'no-store').type('html').send(reportsPage({ data, range: p.range, timeZone: deps.timeZone, lang: p.q.lang, basePath: req.baseUrl }));
  });

  router.get('/export.csv', async (req, res) => {
    const p = parse(req, res);
    if (!p) return;
    const id = typeof req.query.table === 'string' ? req.query.table : '';
    const table = await loadReportTable({ db: deps.db, dialect: deps.dialect, timeZone: deps.timeZone }, p.range, p.now, id, p.q.lang, p.q.month);
    if (!table) return void res.status(404).type('text/plain').send('No such table.');
    res
      .set('Cache-Control', 'no-store')
      .set('Content-Disposition', `attachment; filename="${table.id}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(`\uFEFF${toCsv(table)}`);
  });
  return router;
}
