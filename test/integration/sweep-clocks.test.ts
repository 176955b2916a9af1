import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_STATUSES } from '../../src/cases/case-action.js';
import { clockMilestonesPassed, loadPolicy, type TClockMilestone } from '../../src/cases/clocks/index.js';
import { dialectOf } from '../../src/cases/reports/index.js';
import { CLOCK_MILESTONE_KEY_PREFIX, sweepClocks, type SweepResult, type TClockName } from '../../src/cases/sweep-clocks.js';
import type { Db } from '../../src/db/client.js';
import { openTestDatabase } from '../support/db.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = new Date('2026-03-10T01:00:00Z');
const policy = loadPolicy('cn', { timeZone: 'Asia/Shanghai' });

let db: Db;
let dialect: ReturnType<typeof dialectOf>;
let customerId: string;
let seq = 0;

beforeAll(async () => {
  const opened = await openTestDatabase('cd-sweep-');
  db = opened.db;
  dialect = dialectOf(opened.url);
  customerId = (await db.customer.create({ data: {} })).id;
});
afterAll(async () => db?.$disconnect());

interface Seed {
  receivedAt: Date;
  firstResponseDueAt: Date;
  firstResponseAt?: Date | null;
  regulatoryDueAt: Date;
  status?: string;
}

async function seedCases(seeds: Seed[]): Promise<void> {
  const rows = seeds.map((s) => ({
    reference: `C-20260310-${String(++seq).padStart(6, '0')}`,
    customerId,
    intakeChannel: 'test',
    language: 'en',
    severity: 'P3',
    business: 'deposit',
    cause: 'fees',
    channel: 'branch',
    description: 'seeded',
    regulatoryProfile: 'cn',
    nextDueAt: s.regulatoryDueAt,
    status: s.status ?? 'new',
    receivedAt: s.receivedAt,
    firstResponseDueAt: s.firstResponseDueAt,
    firstResponseAt: s.firstResponseAt ?? null,
    regulatoryDueAt: s.regulatoryDueAt,
  }));
  for (let i = 0; i < rows.length; i += 1000) await db.case.createMany({ data: rows.slice(i, i + 1000) });
}

/**
 * What the sweep must record at `now`, worked out case by case over every case in the database
 * (the rule before the sweep chose which cases to read): each running clock of each open case
 * received by `now`, its milestones passed and neither recorded on the timeline nor keyed.
 */
async function expectedAt(now: Date): Promise<SweepResult['recorded']> {
  const cases = await db.case.findMany({ orderBy: { id: 'asc' } });
  const events = await db.caseEvent.findMany({ where: { type: { in: ['sla_near_breach', 'sla_breached'] } } });
  const keys = new Set((await db.processedUpdate.findMany({ where: { key: { startsWith: CLOCK_MILESTONE_KEY_PREFIX } } })).map((k) => k.key));
  const out: SweepResult['recorded'] = [];
  for (const c of cases) {
    if (!(OPEN_STATUSES as readonly string[]).includes(c.status) || c.receivedAt > now) continue;
    const clocks: [TClockName, Date][] = [['regulatory', c.regulatoryDueAt]];
    if (!c.firstResponseAt) clocks.unshift(['first_response', c.firstResponseDueAt]);
    for (const [clock, dueAt] of clocks) {
      const recorded = events
        .filter((e) => e.caseId === c.id)
        .map((e) => JSON.parse(e.data) as { clock: string; milestone: TClockMilestone; dueAt: string })
        .filter((d) => d.clock === clock && d.dueAt === dueAt.toISOString())
        .map((d) => d.milestone);
      for (const milestone of clockMilestonesPassed({ startAt: c.receivedAt, dueAt, now, recorded })) {
        if (!keys.has(`${CLOCK_MILESTONE_KEY_PREFIX}${c.id}:${clock}:${dueAt.toISOString()}:${milestone}`)) out.push({ reference: c.reference, clock, milestone });
      }
    }
  }
  return out;
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('the clock sweep', () => {
  it('records exactly the milestones due, over many open cases in every state, at moments all along their clocks', async () => {
    const at = (ms: number) => new Date(T0.getTime() + ms);
    const rnd = random(7);
    const seeds: Seed[] = [];
    for (let i = 0; i < 250; i++) {
      const receivedAt = at(-Math.floor(rnd() * 90 * DAY) + (i % 50 === 0 ? 2 * DAY : 0));
      const frSpan = Math.floor(rnd() * 3 * DAY) - (i % 40 === 0 ? 2 * HOUR : 0);
      const regSpan = Math.floor(rnd() * 75 * DAY) - (i % 60 === 0 ? DAY : 0);
      seeds.push({
        receivedAt,
        firstResponseDueAt: new Date(receivedAt.getTime() + frSpan),
        firstResponseAt: i % 3 === 0 ? new Date(receivedAt.getTime() + HOUR) : null,
        regulatoryDueAt: new Date(receivedAt.getTime() + regSpan),
        status: ['new', 'acknowledged', 'in_progress', 'awaiting_customer', 'reopened', 'resolved', 'closed'][i % 7],
      });
    }
    // On the edges at T0: 75 % used to the millisecond, one millisecond short of it, due now
    // (still on time), due a millisecond ago, no span at all.
    const receivedAt = at(-3 * DAY);
    for (const dueAt of [at(DAY), at(DAY + 1), T0, at(-1), receivedAt]) {
      seeds.push({ receivedAt, firstResponseDueAt: dueAt, regulatoryDueAt: dueAt });
    }
    await seedCases(seeds);

    let total = 0;
    for (const now of [at(-30 * DAY), at(-HOUR), T0, at(1), at(HOUR), at(13 * HOUR), at(2 * DAY), at(20 * DAY), at(100 * DAY)]) {
      const expected = await expectedAt(now);
      const result = await sweepClocks({ db, dialect, now, policy, batchSize: 50 });
      expect(result.recorded).toEqual(expected);
      expect((await sweepClocks({ db, dialect, now, policy })).recorded).toEqual([]);
      total += expected.length;
    }
    // Enough happened for the comparison to mean something.
    expect(total).toBeGreaterThan(300);
  }, 120_000);

  it('counts an extended deadline afresh and leaves a clock recorded to the end out', async () => {
    const receivedAt = new Date(T0.getTime() - 20 * DAY);
    await seedCases([{ receivedAt, firstResponseDueAt: new Date(receivedAt.getTime() + DAY), regulatoryDueAt: new Date(T0.getTime() - DAY) }]);
    const ref = `C-20260310-${String(seq).padStart(6, '0')}`;
    const first = await sweepClocks({ db, dialect, now: T0, policy });
    expect(first.recorded.filter((r) => r.reference === ref).map((r) => `${r.clock}:${r.milestone}`)).toEqual([
      'first_response:near_75',
      'first_response:near_90',
      'first_response:breached',
      'regulatory:near_75',
      'regulatory:near_90',
      'regulatory:breached',
    ]);
    // Both clocks recorded to the end: the case is not read again.
    const again = await sweepClocks({ db, dialect, now: new Date(T0.getTime() + MINUTE), policy });
    expect(again).toEqual({ checked: 0, recorded: [] });

    // Extended to 40 days after receipt: 20 of 40 days used, nothing yet; at 30 days, 75 %.
    await db.case.update({ where: { reference: ref }, data: { regulatoryDueAt: new Date(receivedAt.getTime() + 40 * DAY) } });
    expect((await sweepClocks({ db, dialect, now: new Date(T0.getTime() + 2 * MINUTE), policy })).recorded).toEqual([]);
    expect((await sweepClocks({ db, dialect, now: new Date(receivedAt.getTime() + 30 * DAY), policy })).recorded).toEqual([
      { reference: ref, clock: 'regulatory', milestone: 'near_75' },
    ]);
  });

  it('answers other work on the event loop while it records milestones for many cases', async () => {
    const now = new Date(T0.getTime() + 365 * DAY);
    const receivedAt = new Date(now.getTime() - 8 * DAY);
    // Each at 80 % of its regulatory time, the first response given: one milestone apiece.
    await seedCases(Array.from({ length: 300 }, () => ({ receivedAt, firstResponseDueAt: receivedAt, firstResponseAt: receivedAt, regulatoryDueAt: new Date(receivedAt.getTime() + 10 * DAY) })));
    const first = seq - 299;
    const immediate = new Promise<boolean>((resolve) => setImmediate(() => resolve(true)));
    const sweep = sweepClocks({ db, dialect, now, policy });
    // Whether the event loop came round before the sweep ended, read the moment it ends.
    expect(await Promise.race([sweep.then(() => false), immediate])).toBe(true);
    const recorded = (await sweep).recorded.filter((r) => Number(r.reference.slice(-6)) >= first);
    expect(recorded).toHaveLength(300);
    expect(new Set(recorded.map((r) => r.milestone))).toEqual(new Set(['near_75']));
  }, 60_000);
});
