import Database from 'better-sqlite3';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { complaintsOverTime, loadReportData, overTimeSql, timeBuckets } from '../../src/cases/reports/report-tables.js';
import { onPostgres, testDatabaseUrl } from '../support/db.js';

const TOKEN = 'test-staff-token-report-queries-0123456789';
const NOW = new Date('2026-12-10T16:00:00Z');
let app: RunningApp;
let url: string;

// A New York bank: summer time ends on 1 November 2026 (02:00 EDT → 01:00 EST), so that day
// runs from 04:00Z to 05:00Z the next day, 25 hours.
const RECEIVED = [
  ['2026-11-01T03:30:00Z', 'P1'], // 31 October 23:30 EDT
  ['2026-11-01T04:30:00Z', 'P2'], // 1 November 00:30 EDT
  ['2026-11-02T04:30:00Z', 'P2'], // 1 November 23:30 EST: an hour a 24-hour day would give to 2 November
  ['2026-11-02T05:30:00Z', 'P3'], // 2 November 00:30 EST
] as const;

beforeAll(async () => {
  ({ url } = await testDatabaseUrl('reports-queries-'));
  app = await startApp(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url, LOG_LEVEL: 'silent', STAFF_API_TOKEN: TOKEN, BANK_TIMEZONE: 'America/New_York' }),
    { clock: () => NOW, schedulerPollMs: 0, clockSweepMs: 0 },
  );
  const customerId = (await app.db.customer.create({ data: { language: 'en' } })).id;
  for (const [i, [at, severity]] of RECEIVED.entries()) {
    const receivedAt = new Date(at);
    await app.db.case.create({
      data: {
        reference: `C-20261101-${String(9000 + i)}`,
        receivedAt,
        createdAt: receivedAt,
        customerId,
        intakeChannel: 'webchat',
        language: 'en',
        severity,
        business: 'deposit',
        cause: 'fees',
        channel: 'branch',
        description: 'seeded',
        firstResponseDueAt: new Date(receivedAt.getTime() + 3_600_000),
        regulatoryProfile: 'us',
        regulatoryDueAt: new Date(receivedAt.getTime() + 15 * 86_400_000),
        nextDueAt: new Date(receivedAt.getTime() + 3_600_000),
      },
    });
  }
});
afterAll(async () => {
  await app?.stop();
});

const csv = async (table: string, q: string) => {
  const res = await fetch(`${app.url}/staff/reports/export.csv?${q}&table=${table}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.text()).replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));
};

describe('complaints over time', () => {
  it('puts each complaint in its day in the bank zone across the end of summer time (one grouped query per dimension)', async () => {
    const rows = await csv('over_time_severity', 'from=2026-10-31&to=2026-11-02');
    expect(rows[0]).toEqual(['period', 'P1', 'P2', 'P3', 'P4']);
    expect(rows.slice(1)).toEqual([
      ['2026-10-31', '1', '0', '0', '0'],
      ['2026-11-01', '0', '2', '0', '0'],
      ['2026-11-02', '0', '0', '1', '0'],
    ]);
  });

  it('starts and ends the buckets at the range a date-time query gives', async () => {
    const rows = await csv('over_time_severity', 'from=2026-11-01T04:00:00Z&to=2026-11-02T04:59:59Z');
    expect(rows.slice(1)).toEqual([['2026-11-01', '0', '2', '0', '0']]);
  });
});

describe.skipIf(onPostgres)('report queries on SQLite', () => {
  it('read the cases of the range through the receivedAt index, not the whole table', () => {
    const sqlite = new Database(url.slice('file:'.length), { readonly: true });
    try {
      const plan = (sql: string, params: unknown[] = []) => (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
      const range = { from: new Date('2026-10-31T04:00:00Z'), to: new Date('2026-11-03T04:59:59.999Z') };
      const buckets = timeBuckets(range, 'America/New_York');
      const { sql, params } = overTimeSql('sqlite', buckets, 'cause');
      expect(plan(sql, params)).toMatch(/USING INDEX Case_receivedAt_idx/);
      // The shape of Prisma's counts and group-bys of the range.
      expect(plan('SELECT COUNT(*) FROM "Case" WHERE ("receivedAt" >= ? AND "receivedAt" <= ?) AND "parentCaseId" IS NULL', ['a', 'b'])).toMatch(/USING INDEX Case_receivedAt_idx/);
    } finally {
      sqlite.close();
    }
  });
});

/** A client of its own on the test database that records every SQL statement it sends, with its parameters. */
function loggingClient() {
  const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }), log: [{ emit: 'event', level: 'query' }] });
  const sent: { sql: string; params: unknown[] }[] = [];
  db.$on('query', (e) => sent.push({ sql: e.query, params: JSON.parse(e.params) as unknown[] }));
  const queries = () => sent.filter((s) => /^\s*(WITH|SELECT)\b/i.test(s.sql));
  return { db, queries };
}

describe.skipIf(onPostgres)('the queries of the whole page on SQLite', () => {
  const range = { from: new Date('2026-10-31T04:00:00Z'), to: new Date('2026-11-30T04:59:59.999Z') };

  it('count the four dimensions over time in one query, as each alone counts them', async () => {
    const { db, queries } = loggingClient();
    try {
      const deps = { db, dialect: 'sqlite' as const };
      const buckets = timeBuckets(range, 'America/New_York');
      const all = await complaintsOverTime(deps, buckets);
      expect(queries()).toHaveLength(1);
      for (const d of ['severity', 'business', 'cause', 'channel'] as const) {
        const alone = await complaintsOverTime(deps, buckets, [d]);
        expect(all.map((b) => b.counts[d])).toEqual(alone.map((b) => b.counts[d]));
      }
      expect(all.reduce((sum, b) => sum + Object.values(b.counts.severity).reduce((a, n) => a + n, 0), 0)).toBe(RECEIVED.length);
    } finally {
      await db.$disconnect();
    }
  });

  it('each reads the range through an index, never a whole table (a group-by walked a queue index for its order)', async () => {
    const { db, queries } = loggingClient();
    const sqlite = new Database(url.slice('file:'.length), { readonly: true });
    try {
      await loadReportData({ db, dialect: 'sqlite', timeZone: 'America/New_York' }, range, NOW);
      const statements = queries();
      expect(statements.length).toBeGreaterThan(0);
      for (const { sql, params } of statements) {
        const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
        // `SCAN <table>` reads all of it (`USING INDEX` walks a whole index); a CTE or subquery
        // scanned is the range's rows already read.
        expect({ sql, full: plan.filter((d) => /^SCAN (main\.)?(Case|CaseEvent|Survey|c|e)\b/.test(d)) }).toEqual({ sql, full: [] });
      }
    } finally {
      sqlite.close();
      await db.$disconnect();
    }
  });
});
