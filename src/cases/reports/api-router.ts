import { Router } from 'express';
import type { PrismaClient } from '@prisma/client';
import { resolveReportRange, ZReportQuery } from './report-range.js';
import { getReportSummary, type SqlDialect } from './summary.js';

export interface ReportsApiDeps {
  db: PrismaClient;
  dialect: SqlDialect;
  timeZone: string;
  clock: () => Date;
}

/** `GET /summary?from=&to=`, mounted at `/api/staff/reports` behind the staff auth. */
export function createReportsApiRouter(deps: ReportsApiDeps): Router {
  const router = Router();
  router.get('/summary', async (req, res) => {
    const q = ZReportQuery.safeParse(req.query);
    if (!q.success) {
      return void res.status(400).json({
        error: 'bad_request',
        message: '`from` and `to` must be ISO dates (2026-11-01) or date-times (2026-11-01T00:00:00Z).',
        issues: q.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    const now = deps.clock();
    const range = resolveReportRange(q.data, { now, timeZone: deps.timeZone });
    if ('error' in range) return void res.status(400).json({ error: 'bad_request', message: range.error });
    res.json(await getReportSummary({ db: deps.db, dialect: deps.dialect }, range, now));
  });
  return router;
}
