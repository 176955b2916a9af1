import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextDueAt } from '../../src/cases/clocks/index.js';
import { caseListSelect, caseWhere, countCases, listCases, QUEUE_ORDER, readQueue, ZCaseFilter } from '../../src/cases/staff/case-queries.js';
import type { Db } from '../../src/db/client.js';
import { onPostgres, openTestDatabase } from '../support/db.js';

// A small queue with every filter's values present, many ties in the queue order (same severity,
// deadline and creation time) and some cases assigned, overdue or answered.
let db: Db;
let file: string;
let staffId: string;
const N = 400;
const now = new Date('2026-11-27T12:00:00Z');
const STATUSES = ['new', 'acknowledged', 'in_progress', 'awaiting_customer', 'resolved', 'closed', 'reopened'];
const BUSINESSES = ['deposit', 'credit_card', 'personal_loan'];
const CAUSES = ['fees', 'service', 'procedures'];
const CHANNELS = ['branch', 'mobile_app'];
const INTAKE = ['telegram', 'webchat', 'emulator'];
const SEVERITIES = ['P1', 'P2', 'P3', 'P4'];
const LEVELS = ['frontline', 'frontline', 'back_office', 'frontline', 'leadership'];

beforeAll(async () => {
  ({ db, file } = await openTestDatabase('cd-queue-'));
  const customer = await db.customer.create({ data: {} });
  staffId = (await db.staffUser.create({ data: { email: 'agent@bank.test', displayName: 'Agent', role: 'agent', passwordHash: 'x' } })).id;
  const base = now.getTime() - 20 * 86_400_000;
  await db.case.createMany({
    data: Array.from({ length: N }, (_, i) => {
      const created = new Date(base + (i % 40) * 3_600_000); // ten cases share each creation time
      const clocks = {
        firstResponseDueAt: new Date(created.getTime() + (i % 3) * 86_400_000 * 10),
        firstResponseAt: i % 6 === 0 ? created : null,
        regulatoryDueAt: new Date(created.getTime() + (i % 2 ? 15 : 40) * 86_400_000),
      };
      return {
        reference: `C-20261107-${String(i + 1).padStart(4, '0')}`,
        createdAt: created,
        receivedAt: created,
        customerId: customer.id,
        intakeChannel: INTAKE[i % 3]!,
        language: 'en',
        status: STATUSES[i % 7]!,
        escalationLevel: LEVELS[i % 5]!,
        severity: SEVERITIES[i % 4]!,
        business: BUSINESSES[i % 3]!,
        cause: CAUSES[(i >> 1) % 3]!,
        channel: CHANNELS[i % 2]!,
        description: 'seeded',
        assigneeId: i % 5 === 0 ? staffId : null,
        ...clocks,
        nextDueAt: nextDueAt(clocks),
        regulatoryProfile: 'cn',
      };
    }),
  });
  // A day's sequence widens past 9999: C-20261107-10011 is a longer form of C-20261107-1001.
  await db.case.create({
    data: {
      reference: 'C-20261107-10011',
      receivedAt: now,
      customerId: customer.id,
      intakeChannel: 'telegram',
      language: 'en',
      severity: 'P2',
      business: 'personal_loan',
      cause: 'fees',
      channel: 'branch',
      description: 'seeded',
      firstResponseDueAt: now,
      regulatoryProfile: 'cn',
      regulatoryDueAt: now,
      nextDueAt: now,
    },
  });
}, 60_000);
afterAll(async () => db?.$disconnect());

const FILTERS: Record<string, string>[] = [
  {},
  { status: 'new,acknowledged,in_progress', severity: 'P1,P2' },
  { business: 'credit_card', cause: 'fees' },
  { business: 'credit_card,personal_loan' },
  { cause: 'service' },
  { channel: 'branch', intakeChannel: 'telegram' },
  { status: 'new,acknowledged,in_progress,awaiting_customer,reopened', assignee: 'none' },
  { assignee: 'STAFF' },
  { overdue: 'true' },
  { overdue: 'true', severity: 'P1' },
  { overdue: 'false' },
  { overdue: 'false', severity: 'P1' },
  { escalationLevel: 'back_office,leadership' },
  { status: 'new,acknowledged,in_progress,awaiting_customer,reopened', escalationLevel: 'leadership' },
  { q: '0011' },
  { q: 'c-20261107-0011' },
  { q: 'C-20261107-1001' },
  { q: 'C-20261107-0399' },
  { q: 'C-20261107-9999' },
  { q: '%' },
  { q: '_' },
  { q: 'C-2026110_-0011' },
];
const parse = (raw: Record<string, string>) => ZCaseFilter.parse(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === 'STAFF' ? staffId : v])));

describe('the queue queries', () => {
  it('count with the same filter as the page (the SQL count agrees with the Prisma filter)', async () => {
    for (const raw of FILTERS) {
      const f = parse(raw);
      const expected = await db.case.count({ where: caseWhere(f, now) });
      expect(await countCases(db, f, now), JSON.stringify(raw)).toEqual({ total: expected, totalExact: true });
    }
  });

  it('finds a whole reference in any case, with its longer forms, and nothing else', async () => {
    const refs = async (q: string) => (await listCases(db, parse({ q }), now)).items.map((c) => c.reference).sort();
    expect(await refs('c-20261107-0011')).toEqual(['C-20261107-0011']);
    expect(await refs('C-20261107-1001')).toEqual(['C-20261107-10011']);
    expect(await refs('C-20261107-0399')).toEqual(['C-20261107-0399']);
    expect(await refs('C-20261107-9999')).toEqual([]);
    expect(await refs('1107-0011')).toEqual(['C-20261107-0011']);
  });

  it('splits the cases into overdue and not overdue', async () => {
    const total = await db.case.count();
    const overdue = (await countCases(db, parse({ overdue: 'true' }), now)).total;
    const rest = (await countCases(db, parse({ overdue: 'false' }), now)).total;
    expect(overdue).toBeGreaterThan(0);
    expect(rest).toBeGreaterThan(0);
    expect(overdue + rest).toBe(total);
  });

  it('filters by escalation level', async () => {
    const levels = async (raw: Record<string, string>) => new Set((await listCases(db, parse(raw), now)).items.map((c) => c.escalationLevel));
    expect(await levels({ escalationLevel: 'leadership' })).toEqual(new Set(['leadership']));
    expect(await levels({ escalationLevel: 'back_office,leadership' })).toEqual(new Set(['back_office', 'leadership']));
    expect((await listCases(db, parse({ escalationLevel: 'leadership' }), now)).total).toBe(N / 5);
    expect(ZCaseFilter.safeParse({ escalationLevel: 'ceo' }).success).toBe(false);
  });

  it('takes % and _ literally, not as wildcards', async () => {
    const refs = async (q: string) => (await listCases(db, parse({ q }), now)).items.map((c) => c.reference);
    for (const q of ['%', '_', '%0011', 'C-2026110_-0011', '____']) {
      expect(await refs(q), q).toEqual([]);
      expect(await countCases(db, parse({ q }), now), q).toEqual({ total: 0, totalExact: true });
    }
  });

  it('pages through every match exactly once, in QUEUE_ORDER, ties included', async () => {
    for (const raw of FILTERS) {
      const f = parse(raw);
      const all = await db.case.findMany({ where: caseWhere(f, now), select: { reference: true }, orderBy: QUEUE_ORDER });
      const seen: string[] = [];
      for (let page = 1; page <= Math.ceil(all.length / 7) + 1; page++) {
        const { rows } = await readQueue(db, { ...f, page, pageSize: 7 }, now);
        seen.push(...rows.map((r) => r.reference));
      }
      expect(seen, JSON.stringify(raw)).toEqual(all.map((r) => r.reference));
    }
  });

  it('returns the list fields of each case, as the one-query read did', async () => {
    const f = parse({ status: 'new,reopened' });
    const { rows } = await readQueue(db, f, now);
    const direct = await db.case.findMany({ where: caseWhere(f, now), select: caseListSelect, orderBy: QUEUE_ORDER, take: f.pageSize });
    expect(rows).toEqual(direct);
  });

  // sqlite_stat1 as ANALYZE writes it for the benchmark's million cases (bench/seed.ts).
  const STATS_1M: Record<string, string> = {
    Case_queue_idx: '1000000 250000 1 1 1 1',
    Case_status_queue_idx: '1000000 142858 35715 1 1 1 1',
    Case_business_cause_queue_idx: '1000000 100000 7693 1924 1 1 1',
    Case_cause_queue_idx: '1000000 76924 19231 1 1 1',
    Case_assignee_queue_idx: '1000000 1000000 250000 1 1 1 1',
    Case_channel_queue_idx: '1000000 142858 35715 1 1 1',
    Case_intakeChannel_queue_idx: '1000000 250000 62500 1 1 1',
    Case_escalation_queue_idx: '1000000 1000000 250000 1 1 1 1',
    Case_regulatoryDueAt_idx: '1000000 1',
    Case_customerId_idx: '1000000 200',
    Case_createdAt_idx: '1000000 1',
    Case_reference_key: '1000000 1',
    sqlite_autoindex_Case_1: '1000000 1',
  };

  it.skipIf(onPostgres)('is served by the queue indexes on SQLite, with no statistics and with those of 1 M cases', () => {
    // The SQL Prisma sends for the page's ids and the capped count, for the benchmark's queries
    // and the console's views: an index always, a sort only of index entries (never of rows).
    const order = 'ORDER BY "severity", "nextDueAt", "createdAt" DESC, "id" LIMIT 50 OFFSET 0';
    const open = `"status" IN ('new','acknowledged','in_progress','awaiting_customer','reopened')`;
    const wheres = [
      '1=1',
      `"status" IN ('new','acknowledged','in_progress') AND "severity" IN ('P1','P2')`,
      `"business" IN ('credit_card') AND "cause" IN ('fees')`,
      open,
      `${open} AND "assigneeId" IS NULL`,
      `${open} AND "nextDueAt" < '2026'`,
      `"assigneeId" = 'x'`,
      `"channel" IN ('branch')`,
      `"intakeChannel" IN ('telegram')`,
      `"cause" IN ('fees')`,
      `"business" IN ('deposit')`,
      `"escalationLevel" IN ('back_office','leadership')`,
      `${open} AND "escalationLevel" IN ('leadership')`,
    ];
    for (const stats of [null, STATS_1M]) {
      const setup = new Database(file);
      setup.exec('ANALYZE; DELETE FROM sqlite_stat1');
      const put = setup.prepare('INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)');
      for (const [idx, stat] of Object.entries(stats ?? {})) put.run('Case', idx, stat);
      setup.close();
      const sqlite = new Database(file, { readonly: true });
      try {
        const plan = (sql: string) => (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
        for (const where of wheres) {
          const label = `${stats ? '1 M statistics' : 'no statistics'}: ${where}`;
          const ids = plan(`SELECT "id" FROM "Case" WHERE ${where} ${order}`);
          expect(ids, label).toMatch(/^SEARCH Case USING COVERING INDEX Case_\w+_idx|^SCAN Case USING COVERING INDEX Case_queue_idx/);
          const count = plan(`SELECT COUNT(*) FROM (SELECT 1 FROM "Case" WHERE ${where} LIMIT 10000) AS "capped"`);
          expect(count, label).toMatch(/COVERING INDEX/);
        }
      } finally {
        sqlite.close();
      }
    }
  });
});
