/**
 * `npx tsx bench/reports.ts`: the reports page and its CSV at 10 k and `BENCH_LARGE` (default
 * 200 k) cases on SQLite. Cases come from `bench/seed.ts` (two years of a million cases, so 200 k
 * reach 2025-04-21), and a survey is sent for every third of them two days after receipt (a
 * third of those answered "solved?" and scored), so the satisfaction figures read real rows. The
 * range is the seed's last 30 days in the bank's zone (Asia/Shanghai), as the staff see it by
 * default. Each URL is fetched `BENCH_REPEAT` (default 5) times with a bearer token after one
 * warm-up; prints the median (minimum) in ms, and the load average, for docs/benchmarks.md
 * ("Reports"). The app runs in this process (through tsx), as the integration tests start it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrateSqlite } from '../src/db/migrate.js';
import { seedSqlite } from './seed.js';

const TOKEN = 'bench-reports-token-0123456789';
const LARGE = Number(process.env.BENCH_LARGE ?? 200_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);

const URLS = [
  ['page', '/staff/reports?lang=en'],
  ['CSV `by_business` (the summary)', '/staff/reports/export.csv?lang=en&table=by_business'],
  ['CSV `over_time_cause`', '/staff/reports/export.csv?lang=en&table=over_time_cause'],
  ['CSV `monthly_en`', '/staff/reports/export.csv?lang=en&table=monthly_en'],
] as const;

/** A survey for every third seeded case without one, sent two days after receipt. */
function seedSurveys(file: string): void {
  const db = new Database(file);
  try {
    db.exec(`INSERT INTO "Survey" ("id", "createdAt", "caseId", "status", "sentAt", "answeredAt", "solved", "score")
      SELECT 'bs' || c."id", c."receivedAt", c."id", CASE WHEN c.rowid % 9 = 0 THEN 'answered' ELSE 'sent' END,
        strftime('%Y-%m-%dT%H:%M:%S.000+00:00', julianday(c."receivedAt") + 2),
        CASE WHEN c.rowid % 9 = 0 THEN strftime('%Y-%m-%dT%H:%M:%S.000+00:00', julianday(c."receivedAt") + 3) END,
        CASE WHEN c.rowid % 9 = 0 THEN (CASE c.rowid % 4 WHEN 0 THEN 'no' WHEN 1 THEN 'partly' ELSE 'yes' END) END,
        CASE WHEN c.rowid % 9 = 0 THEN 1 + c.rowid % 5 END
      FROM "Case" c WHERE c.rowid % 3 = 0 AND NOT EXISTS (SELECT 1 FROM "Survey" s WHERE s."caseId" = c."id")`);
    db.exec('ANALYZE');
  } finally {
    db.close();
  }
}

/** The seed's last 30 days (bank zone) at `cases` cases: the instant of the last one. */
function lastDay(cases: number): string {
  const last = new Date(Date.UTC(2024, 10, 27) + Math.floor(((cases - 1) / 1_000_000) * 730 * 86_400_000));
  return new Date(last.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

async function measure(file: string, cases: number): Promise<Record<string, string>> {
  const app = await startApp(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${file}`, LOG_LEVEL: 'silent', STAFF_API_TOKEN: TOKEN, BANK_TIMEZONE: 'Asia/Shanghai' }),
    { schedulerPollMs: 0, clockSweepMs: 0 },
  );
  const out: Record<string, string> = {};
  try {
    for (const [label, p] of URLS) {
      const url = `${app.url}${p}&to=${lastDay(cases)}`;
      const get = async () => {
        const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`GET ${url} → ${res.status}`);
      };
      await get();
      const samples: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const t = performance.now();
        await get();
        samples.push(performance.now() - t);
      }
      samples.sort((a, b) => a - b);
      out[label] = `${Math.round(samples[Math.floor(samples.length / 2)]!)} (${Math.round(samples[0]!)})`;
    }
  } finally {
    await app.stop();
  }
  return out;
}

async function main() {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-reports-')), 'db.sqlite');
  migrateSqlite(file);
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  process.stdout.write(`Load average at start: ${load()}\n`);
  seedSqlite(file, 0, 10_000);
  seedSurveys(file);
  const small = await measure(file, 10_000);
  seedSqlite(file, 10_000, LARGE);
  seedSurveys(file);
  const large = await measure(file, LARGE);
  process.stdout.write(`Load average at end: ${load()}\n`);
  process.stdout.write(`| | 10 k | ${LARGE / 1000} k |\n`);
  process.stdout.write('|---|---|---|\n');
  for (const [label] of URLS) process.stdout.write(`| ${label} | ${small[label]} | ${large[label]} |\n`);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
}

await main();
