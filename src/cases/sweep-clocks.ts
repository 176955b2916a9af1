import type { Prisma, PrismaClient } from '@prisma/client';
import { CLOCK_MILESTONES, clockMilestonesPassed, formatStaffTime, type ComplaintPolicy, type TClockMilestone } from './clocks/index.js';
import { OPEN_STATUSES } from './case-action.js';
import { recordEvent } from './case-events.js';
import type { DomainEvents } from './domain-events.js';
import type { SqlDialect } from './reports/summary.js';

export type TClockName = 'first_response' | 'regulatory';

const EVENT_TYPE: Record<TClockMilestone, string> = { near_75: 'sla_near_breach', near_90: 'sla_near_breach', breached: 'sla_breached' };
const CLOCK_LABEL: Record<TClockName, string> = { first_response: 'first response', regulatory: 'regulatory deadline' };
const MILESTONE_LABEL: Record<TClockMilestone, string> = { near_75: '75% of the time used', near_90: '90% of the time used', breached: 'BREACHED' };

export interface SweepResult {
  checked: number;
  recorded: { reference: string; clock: TClockName; milestone: TClockMilestone }[];
}

const sweepSelect = {
  id: true,
  reference: true,
  receivedAt: true,
  firstResponseDueAt: true,
  firstResponseAt: true,
  regulatoryDueAt: true,
} satisfies Prisma.CaseSelect;

/** Builds one raw query's text and its positional parameters, in the placeholders of `dialect`. */
function sqlParams(dialect: SqlDialect) {
  const values: (string | number)[] = [];
  const param = (v: string | number) => (values.push(v), dialect === 'sqlite' ? '?' : `$${values.length}`);
  return {
    values,
    /** An instant as the dialect compares it with a DateTime column (see the columns' note below). */
    instant: (d: Date) => (dialect === 'sqlite' ? `julianday(${param(d.toISOString())})` : `(${param(d.toISOString())}::timestamptz AT TIME ZONE 'UTC')`),
    param,
  };
}

/**
 * SQL (of `dialect`) for one clock of a case row `c`: true unless the clock surely has nothing
 * to record at `now`. A clock is due once 75 % of its span is used (`clockMilestonesPassed`),
 * at `start + 0.75 × (due − start)`; a second of slack keeps SQLite's floating-point julianday
 * from ever leaving out a clock the exact check in JavaScript would take. A clock whose three
 * milestones for this due instant all hold their ProcessedUpdate key is done: `recordMilestone`
 * could record nothing more for it. PostgreSQL keeps DateTime columns as `timestamp` in UTC,
 * SQLite as ISO text (which julianday and strftime read). Column names are fixed literals.
 */
function clockMayBeDueSql(q: ReturnType<typeof sqlParams>, dialect: SqlDialect, clock: TClockName, dueColumn: string, now: Date): string {
  const due = `c."${dueColumn}"`;
  const dueIso = dialect === 'sqlite' ? `strftime('%Y-%m-%dT%H:%M:%fZ', ${due})` : `to_char(${due}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  // The key recordMilestone writes, `clock:<case id>:<clock>:<due ISO>:<milestone>`.
  const keys = CLOCK_MILESTONES.map((m) => `'${CLOCK_MILESTONE_KEY_PREFIX}' || c."id" || ':${clock}:' || ${dueIso} || ':${m}'`).join(', ');
  const at75 =
    dialect === 'sqlite'
      ? `julianday(c."receivedAt") + 0.75 * (julianday(${due}) - julianday(c."receivedAt")) <= ${q.instant(now)} + 1.0 / 86400`
      : `c."receivedAt" + 0.75 * (${due} - c."receivedAt") <= ${q.instant(now)} + interval '1 second'`;
  return `(${at75} AND (SELECT count(*) FROM "ProcessedUpdate" p WHERE p."key" IN (${keys})) < ${CLOCK_MILESTONES.length})`;
}

/**
 * Ids of open cases after `afterId` (in id order, at most `limit`) with a clock that may have a
 * milestone to record at `now`: a superset of the cases the per-case check in `sweepClocks`
 * acts on, found without loading the others (most open cases are far from 75 % of their time,
 * or long breached and recorded). In raw SQL: Prisma's query API cannot compare a column with
 * arithmetic over two others.
 */
async function casesWithClocksDue(db: PrismaClient, dialect: SqlDialect, now: Date, afterId: string, limit: number): Promise<string[]> {
  const q = sqlParams(dialect);
  const statuses = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');
  const received = dialect === 'sqlite' ? `julianday(c."receivedAt") <= ${q.instant(now)}` : `c."receivedAt" <= ${q.instant(now)}`;
  const sql = `SELECT c."id" AS "id" FROM "Case" c
    WHERE c."status" IN (${statuses}) AND ${received} AND c."id" > ${q.param(afterId)}
      AND ((c."firstResponseAt" IS NULL AND ${clockMayBeDueSql(q, dialect, 'first_response', 'firstResponseDueAt', now)})
        OR ${clockMayBeDueSql(q, dialect, 'regulatory', 'regulatoryDueAt', now)})
    ORDER BY c."id" LIMIT ${q.param(limit)}`;
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(sql, ...q.values);
  return rows.map((r) => r.id);
}

/** Recorded milestones between two yields to the event loop (each is a transaction). */
const RECORDS_PER_YIELD = 25;

/** Lets timers, I/O and customers' turns run: Prisma's awaits on SQLite never do. */
const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/**
 * Records near-breach (75 %, 90 %) and breach of both clocks of every open case, once each
 * (DESIGN.md "Clocks"): a timeline event, a StaffNotification and a `case.clock_milestone`
 * domain event per milestone. Idempotent: a milestone is keyed by case, clock, due instant and
 * level in ProcessedUpdate inside the same transaction, so running the sweep twice, late, or on
 * two instances at once records it once. After an extension the regulatory clock has a new due
 * instant and its milestones count afresh. The first-response clock stops at the first reply.
 *
 * Reads only the open cases with a clock past 75 % of its time and not yet recorded to the end
 * (`checked` counts them), in pages by id, and yields to the event loop between pages and every
 * few recorded milestones: on SQLite a sweep over thousands of open cases otherwise held the
 * process for over half a second, answering no customer.
 */
export async function sweepClocks(opts: {
  db: PrismaClient;
  dialect: SqlDialect;
  now: Date;
  policy: ComplaintPolicy;
  events?: DomainEvents;
  batchSize?: number;
}): Promise<SweepResult> {
  const { db, now } = opts;
  const batchSize = opts.batchSize ?? 200;
  const result: SweepResult = { checked: 0, recorded: [] };
  let cursor = '';
  let records = 0;
  for (;;) {
    const ids = await casesWithClocksDue(db, opts.dialect, now, cursor, batchSize);
    if (ids.length === 0) break;
    cursor = ids.at(-1)!;
    const batch = await db.case.findMany({
      where: { id: { in: ids }, status: { in: [...OPEN_STATUSES] } },
      select: sweepSelect,
      orderBy: { id: 'asc' },
    });
    result.checked += batch.length;
    const past = await db.caseEvent.findMany({
      where: { caseId: { in: batch.map((c) => c.id) }, type: { in: ['sla_near_breach', 'sla_breached'] } },
      select: { caseId: true, data: true },
    });
    const recordedFor = (caseId: string, clock: TClockName, dueAt: Date): TClockMilestone[] =>
      past
        .filter((e) => e.caseId === caseId)
        .map((e) => JSON.parse(e.data) as { clock?: string; milestone?: TClockMilestone; dueAt?: string })
        .filter((d) => d.clock === clock && d.dueAt === dueAt.toISOString() && d.milestone)
        .map((d) => d.milestone!);

    for (const c of batch) {
      const clocks: [TClockName, Date][] = [['regulatory', c.regulatoryDueAt]];
      if (!c.firstResponseAt) clocks.unshift(['first_response', c.firstResponseDueAt]);
      for (const [clock, dueAt] of clocks) {
        const passed = clockMilestonesPassed({ startAt: c.receivedAt, dueAt, now, recorded: recordedFor(c.id, clock, dueAt) });
        for (const milestone of passed) {
          const done = await recordMilestone(db, { caseId: c.id, reference: c.reference, clock, milestone, dueAt, now, timeZone: opts.policy.timeZone });
          if (++records % RECORDS_PER_YIELD === 0) await yieldToEventLoop();
          if (!done) continue;
          result.recorded.push({ reference: c.reference, clock, milestone });
          await opts.events?.emit({ type: 'case.clock_milestone', caseId: c.id, reference: c.reference, clock, milestone, at: now });
        }
      }
    }
    if (ids.length < batchSize) break;
    await yieldToEventLoop();
  }
  return result;
}

/**
 * Milestone keys in ProcessedUpdate start with this; the keys of handled channel updates, which
 * share the table and are forgotten after a week (src/dialogs/forget-handled-updates.ts), never do.
 */
export const CLOCK_MILESTONE_KEY_PREFIX = 'clock:';

async function recordMilestone(
  db: PrismaClient,
  m: { caseId: string; reference: string; clock: TClockName; milestone: TClockMilestone; dueAt: Date; now: Date; timeZone: string },
): Promise<boolean> {
  const key = `${CLOCK_MILESTONE_KEY_PREFIX}${m.caseId}:${m.clock}:${m.dueAt.toISOString()}:${m.milestone}`;
  try {
    await db.$transaction(async (tx) => {
      await tx.processedUpdate.create({ data: { key, createdAt: m.now } });
      await recordEvent(tx, {
        caseId: m.caseId,
        type: EVENT_TYPE[m.milestone],
        actor: { type: 'system' },
        at: m.now,
        note: `${CLOCK_LABEL[m.clock]}: ${MILESTONE_LABEL[m.milestone]}`,
        data: { clock: m.clock, milestone: m.milestone, dueAt: m.dueAt.toISOString() },
      });
      await tx.staffNotification.create({
        data: {
          type: m.milestone === 'breached' ? 'clock_breached' : 'clock_near_breach',
          caseId: m.caseId,
          // Staff read the due time as the console shows it, in the bank's zone (not UTC ISO).
          message: `${m.reference}: ${CLOCK_LABEL[m.clock]} ${MILESTONE_LABEL[m.milestone]} (due ${formatStaffTime(m.dueAt, m.timeZone)})`,
          createdAt: m.now,
        },
      });
    });
    return true;
  } catch (e) {
    // Another sweep (another instance) recorded it first.
    if ((e as { code?: string }).code === 'P2002') return false;
    throw e;
  }
}
