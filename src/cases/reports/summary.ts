import type { Prisma, PrismaClient } from '@prisma/client';
import { BUSINESSES, CAUSES, CHANNELS, SEVERITIES } from '../taxonomy.js';
import { sqlDate } from '../../db/sqlite-writer.js';
import type { ReportRange } from './report-range.js';

export type SqlDialect = 'sqlite' | 'postgresql';

/** Which SQL the few raw queries (medians) speak, from DATABASE_URL. */
export function dialectOf(databaseUrl: string): SqlDialect {
  return databaseUrl.startsWith('file:') ? 'sqlite' : 'postgresql';
}

export interface ReportDeps {
  db: PrismaClient;
  dialect: SqlDialect;
}

const pct = (num: number, den: number) => (den === 0 ? null : Math.round((num / den) * 1000) / 10);
const zeros = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<string, number>;

function countsOf(rows: { key: string | null; n: number }[], keys?: readonly string[]): Record<string, number> {
  const out = keys ? zeros(keys) : {};
  for (const r of rows) out[r.key ?? 'unknown'] = (out[r.key ?? 'unknown'] ?? 0) + r.n;
  return out;
}

/** Cases received in the range: the population of every deadline, time and cause measure. */
export const inRange = (r: ReportRange): Prisma.CaseWhereInput => ({ receivedAt: { gte: r.from, lte: r.to } });

/**
 * The instants of a raw report query, compared with the columns as stored so that their indexes
 * serve them: Prisma's ISO text on SQLite (`julianday()` around the column would read every
 * row), and on PostgreSQL a UTC timestamp (`::timestamp`: a `timestamptz` would cast the column
 * instead, by the session's zone). `at(d)` adds one and gives its placeholder, to be written in
 * the SQL in the order of the calls (SQLite's `?` are positional); `values` go to the query.
 */
export function instantParams(dialect: SqlDialect) {
  const values: string[] = [];
  return {
    values,
    at(d: Date): string {
      values.push(dialect === 'sqlite' ? sqlDate(d) : d.toISOString());
      return dialect === 'sqlite' ? '?' : `$${values.length}::timestamp`;
    },
  };
}

/** The columns complaints are counted by. */
export type CountColumn = 'severity' | 'business' | 'cause' | 'channel' | 'intakeChannel' | 'status';

export interface RangeCounts {
  /** Complaints received in the range. */
  total: number;
  /** Reviews (核查) requested in the range. */
  reviews: number;
  /** Complaints of `total` whose intake ended before the summary was confirmed. */
  incomplete: number;
  /** The complaints by each grouping asked for, in its order: `key2` for a second column. */
  groups: { key: string | null; key2: string | null; n: number }[][];
}

/**
 * The cases received in the range counted in one query: complaints, reviews, incomplete intakes,
 * and the complaints by each of `groupings` (one column, or two for a cross table). Complaints
 * are the population of the volumes: a review (核查) is a complaint taken further, not a new one,
 * and an examiner reads the volumes (the JR/T 0169 monthly table above all) as complaints
 * received; reviews are counted on their own. The range's
 * rows are read once, through the receivedAt index, into a materialized CTE that every count
 * reads. A group-by of its own per column (Prisma's) had the planner walk the queue index that
 * leads with that column, for its order, and so every case ever received, row by row from the
 * table: seconds at 200 k cases where the range's rows and a sort take milliseconds.
 */
export async function rangeCounts(deps: ReportDeps, range: ReportRange, groupings: readonly (readonly [CountColumn] | readonly [CountColumn, CountColumn])[]): Promise<RangeCounts> {
  const { db, dialect } = deps;
  const columns = [...new Set(groupings.flat())];
  const p = instantParams(dialect);
  // Column names are CountColumn literals and the groupings' indexes numbers; the range comes in
  // as parameters. `complaint` is 0/1 on SQLite and a boolean on PostgreSQL: both read as a test.
  const sql = `WITH r AS MATERIALIZED (SELECT "parentCaseId" IS NULL AS complaint, "incomplete"${columns.map((c) => `, "${c}"`).join('')}
      FROM "Case" WHERE "receivedAt" >= ${p.at(range.from)} AND "receivedAt" <= ${p.at(range.to)})
    SELECT -1 AS g, NULL AS k, NULL AS k2, COUNT(*) AS n FROM r WHERE complaint
    UNION ALL SELECT -2, NULL, NULL, COUNT(*) FROM r WHERE NOT complaint
    UNION ALL SELECT -3, NULL, NULL, COUNT(*) FROM r WHERE complaint AND "incomplete"
    ${groupings.map(([a, b], i) => `UNION ALL SELECT ${i}, "${a}", ${b ? `"${b}"` : 'NULL'}, COUNT(*) FROM r WHERE complaint GROUP BY "${a}"${b ? `, "${b}"` : ''}`).join('\n    ')}`;
  const rows = await db.$queryRawUnsafe<{ g: number | bigint; k: string | null; k2: string | null; n: number | bigint | string }[]>(sql, ...p.values);
  const out: RangeCounts = { total: 0, reviews: 0, incomplete: 0, groups: groupings.map(() => []) };
  for (const r of rows) {
    const g = Number(r.g);
    const n = Number(r.n);
    if (g === -1) out.total = n;
    else if (g === -2) out.reviews = n;
    else if (g === -3) out.incomplete = n;
    else out.groups[g]!.push({ key: r.k, key2: r.k2, n });
  }
  return out;
}

/**
 * Service-target and regulatory-deadline compliance of the cases received in the range.
 * Only cases whose outcome is known count: answered (or decided), or already past due. A clock
 * not stopped by its response or decision ran out when it is past due now, and for a case closed
 * without one (withdrawn when its customer's data was erased, src/cases/erase-customer-data.ts)
 * past due before it was closed; one closed in time has no outcome to judge. A reopened case is
 * judged by its first decision (the first `resolved` on the timeline): that decision was
 * communicated to the customer, which is what the deadline asks for, and reopening (by staff, or
 * by an unhappy survey) clears `resolvedAt`; each was decided once, so all count, met when first
 * decided by the due instant. The misses are split, since they call for different things:
 * answered or decided late (done, a lesson) and still open past the deadline (to act on now).
 * Met + late + past due = evaluated.
 *
 * One query, one pass over the range's cases (it was seven, each reading them all again).
 * Instants compare as stored, as Prisma's filters did: ISO text on SQLite (the same format in
 * every column and in `now`, see {@link sqlDate}), timestamps on PostgreSQL.
 */
export async function slaSummary(deps: ReportDeps, range: ReportRange, now: Date) {
  const { db, dialect } = deps;
  const p = instantParams(dialect);
  const ranOut = (due: string) => `(c."${due}" < ${p.at(now)} AND (c."closedAt" IS NULL OR c."${due}" < c."closedAt"))`;
  const count = (cond: string) => `COALESCE(SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END), 0)`;
  const firstDecisionInTime =
    dialect === 'sqlite'
      ? `EXISTS (SELECT 1 FROM "CaseEvent" e WHERE e."caseId" = c."id" AND e."type" = 'resolved' AND julianday(e."createdAt") <= julianday(c."regulatoryDueAt"))`
      : `EXISTS (SELECT 1 FROM "CaseEvent" e WHERE e."caseId" = c."id" AND e."type" = 'resolved' AND e."createdAt" <= c."regulatoryDueAt")`;
  // Fixed SQL; the instants come in as parameters (in the order of their placeholders).
  const select = [
    `${count('c."firstResponseAt" IS NOT NULL AND c."firstResponseAt" <= c."firstResponseDueAt"')} AS "firstResponseMet"`,
    `${count('c."firstResponseAt" IS NOT NULL AND c."firstResponseAt" > c."firstResponseDueAt"')} AS "firstResponseLate"`,
    `${count(`c."firstResponseAt" IS NOT NULL OR ${ranOut('firstResponseDueAt')}`)} AS "firstResponseDue"`,
    `${count('c."reopenCount" = 0 AND c."resolvedAt" IS NOT NULL AND c."resolvedAt" <= c."regulatoryDueAt"')} AS "decidedMet"`,
    `${count('c."reopenCount" = 0 AND c."resolvedAt" IS NOT NULL AND c."resolvedAt" > c."regulatoryDueAt"')} AS "decidedLate"`,
    `${count(`c."reopenCount" = 0 AND (c."resolvedAt" IS NOT NULL OR ${ranOut('regulatoryDueAt')})`)} AS "decidedDue"`,
    `${count('c."reopenCount" > 0')} AS "reopenedEvaluated"`,
    `${count(`c."reopenCount" > 0 AND ${firstDecisionInTime}`)} AS "reopenedMet"`,
  ];
  const sql = `SELECT ${select.join(',\n      ')}
    FROM "Case" c WHERE c."receivedAt" >= ${p.at(range.from)} AND c."receivedAt" <= ${p.at(range.to)}`;
  type Counts = 'firstResponseMet' | 'firstResponseLate' | 'firstResponseDue' | 'decidedMet' | 'decidedLate' | 'decidedDue' | 'reopenedEvaluated' | 'reopenedMet';
  const [row] = await db.$queryRawUnsafe<Record<Counts, number | bigint | string>[]>(sql, ...p.values);
  const n = (k: Counts) => Number(row?.[k] ?? 0);
  const [firstResponseMet, firstResponseLate, firstResponseDue] = [n('firstResponseMet'), n('firstResponseLate'), n('firstResponseDue')];
  const reopened = { met: n('reopenedMet'), evaluated: n('reopenedEvaluated') };
  const regulatoryMet = n('decidedMet') + reopened.met;
  const regulatoryDue = n('decidedDue') + reopened.evaluated;
  // A reopened case was decided once: when not in time, it was decided late.
  const regulatoryDecidedLate = n('decidedLate') + (reopened.evaluated - reopened.met);
  return {
    firstResponseMetPct: pct(firstResponseMet, firstResponseDue),
    regulatoryMetPct: pct(regulatoryMet, regulatoryDue),
    firstResponseMet,
    firstResponseEvaluated: firstResponseDue,
    /** Answered after the service target. */
    firstResponseAnsweredLate: firstResponseLate,
    /** Not answered yet, the service target passed. */
    firstResponseUnansweredPastDue: firstResponseDue - firstResponseMet - firstResponseLate,
    regulatoryMet,
    regulatoryEvaluated: regulatoryDue,
    /** First decided after the regulatory deadline. */
    regulatoryDecidedLate,
    /** Never decided yet, the regulatory deadline passed. */
    regulatoryOpenPastDue: regulatoryDue - regulatoryMet - regulatoryDecidedLate,
  };
}

/**
 * Satisfaction of the surveys sent in the range. A response is any answer: a customer who said
 * "not solved" and left before the score did respond (and the answer reopened the case), so
 * `responses` counts answers to the first question and `scored` those that went on to a score,
 * the denominator of `average` and `distribution`. `responseRate` is responses of `sent`;
 * `solvedRate` is "yes" of `responses`.
 */
export async function csatSummary(deps: ReportDeps, range: ReportRange) {
  const { db, dialect } = deps;
  const sentWhere: Prisma.SurveyWhereInput = { sentAt: { gte: range.from, lte: range.to } };
  const p = instantParams(dialect);
  // One pass over the range's surveys (through the sentAt index) for every count but the
  // distribution. The score is asked after "solved?", so an answered survey always has `solved`;
  // a score alone counts too, so that a survey answered some other way is not lost. Fixed SQL;
  // the range comes in as parameters, compared with `sentAt` as stored (instantParams).
  const sql = `SELECT COUNT(*) AS sent, COUNT("score") AS scored, AVG("score") AS average,
      COALESCE(SUM(CASE WHEN "solved" = 'yes' THEN 1 ELSE 0 END), 0) AS "solvedYes", COUNT("solved") AS "solvedAny",
      COALESCE(SUM(CASE WHEN "solved" IS NOT NULL OR "score" IS NOT NULL THEN 1 ELSE 0 END), 0) AS responses
    FROM "Survey" WHERE "sentAt" >= ${p.at(range.from)} AND "sentAt" <= ${p.at(range.to)}`;
  type Row = Record<'sent' | 'scored' | 'solvedYes' | 'solvedAny' | 'responses', number | bigint | string> & { average: number | string | null };
  const [[row], byScore] = await Promise.all([
    db.$queryRawUnsafe<Row[]>(sql, ...p.values),
    db.survey.groupBy({ by: ['score'], where: { ...sentWhere, score: { not: null } }, _count: { _all: true } }),
  ]);
  const n = (k: Exclude<keyof Row, 'average'>) => Number(row?.[k] ?? 0);
  const [sent, scored, solvedYes, solvedAny, responses] = [n('sent'), n('scored'), n('solvedYes'), n('solvedAny'), n('responses')];
  const average = row?.average === null || row?.average === undefined ? null : Number(row.average);
  const distribution = zeros(['1', '2', '3', '4', '5']);
  for (const r of byScore) if (r.score !== null) distribution[String(r.score)] = r._count._all;
  return {
    sent,
    responses,
    scored,
    average: average === null ? null : Math.round(average * 100) / 100,
    solvedRate: pct(solvedYes, solvedAny),
    /** Of `solvedRate`: surveys with an answer to "solved?". */
    solvedAnswered: solvedAny,
    responseRate: pct(responses, sent),
    distribution,
  };
}

// When the case was first decided: a case never reopened by its `resolvedAt`; a reopened one by
// its first `resolved` event, since reopening clears `resolvedAt` and a later decision replaces
// it (the first is what reached the customer, as for the regulatory deadline).
const FIRST_DECISION = `CASE WHEN c."reopenCount" = 0 THEN c."resolvedAt"
  ELSE (SELECT MIN(e."createdAt") FROM "CaseEvent" e WHERE e."caseId" = c."id" AND e."type" = 'resolved') END`;

/**
 * The median of the hours from receipt to the first response (`firstResponse`) or to the first
 * decision (`firstDecision`) over the range's cases that have one, computed in SQL in one query
 * (the middle row or rows by ROW_NUMBER), so no case rows are loaded. Null when none has.
 */
export async function medianHours(deps: ReportDeps, range: ReportRange, end: 'firstResponse' | 'firstDecision'): Promise<number | null> {
  const { db, dialect } = deps;
  // Fixed SQL; the range comes in as parameters.
  const endAt = end === 'firstResponse' ? 'c."firstResponseAt"' : FIRST_DECISION;
  const p = instantParams(dialect);
  const [from, to] = [p.at(range.from), p.at(range.to)];
  const hours =
    dialect === 'sqlite'
      ? `SELECT (julianday(t.endAt) - julianday(t."receivedAt")) * 24.0 AS h FROM (SELECT c."receivedAt", ${endAt} AS endAt FROM "Case" c
           WHERE c."receivedAt" >= ${from} AND c."receivedAt" <= ${to}) t WHERE t.endAt IS NOT NULL`
      : `SELECT EXTRACT(EPOCH FROM (t.endAt - t."receivedAt")) / 3600.0 AS h FROM (SELECT c."receivedAt", ${endAt} AS endAt FROM "Case" c
           WHERE c."receivedAt" >= ${from} AND c."receivedAt" <= ${to}) t WHERE t.endAt IS NOT NULL`;
  // Rows (n + 1) / 2 and (n + 2) / 2 in integer division: the middle one of an odd count, the two
  // middle ones of an even count.
  const sql = `SELECT AVG(h) AS median, MAX(n) AS n FROM (SELECT h, ROW_NUMBER() OVER (ORDER BY h) AS rn, COUNT(*) OVER () AS n FROM (${hours}) hs) ranked
    WHERE rn = (n + 1) / 2 OR rn = (n + 2) / 2`;
  const [row] = await db.$queryRawUnsafe<{ median: number | string | null }[]>(sql, ...p.values);
  if (row?.median === null || row?.median === undefined) return null;
  return Math.round(Number(row.median) * 100) / 100;
}

/**
 * `GET /api/staff/reports/summary`: counts by severity, business, cause, channel and intake
 * channel of the complaints received in the range (abandoned intakes included, `incomplete`
 * says how many; reviews (核查) not, `reviews` counts them), SLA compliance of all cases received
 * (reviews have deadlines too), and CSAT of the surveys sent in the range. Every number is a
 * SQL aggregate.
 */
export async function getReportSummary(deps: ReportDeps, range: ReportRange, now: Date) {
  const [counts, sla, csat, medFirst, medDecision] = await Promise.all([
    rangeCounts(deps, range, [['severity'], ['business'], ['cause'], ['channel'], ['intakeChannel'], ['status']]),
    slaSummary(deps, range, now),
    csatSummary(deps, range),
    medianHours(deps, range, 'firstResponse'),
    medianHours(deps, range, 'firstDecision'),
  ]);
  const { total, reviews, incomplete } = counts;
  const [severity = [], business = [], cause = [], channel = [], intakeChannel = [], status = []] = counts.groups;
  return {
    range: { from: range.from.toISOString(), to: range.to.toISOString() },
    total,
    reviews,
    incomplete,
    counts: {
      severity: countsOf(severity, SEVERITIES),
      business: countsOf(business, BUSINESSES),
      cause: countsOf(cause, CAUSES),
      channel: countsOf(channel, CHANNELS),
      intakeChannel: countsOf(intakeChannel),
      status: countsOf(status),
    },
    sla: { ...sla, medianHoursToFirstResponse: medFirst, medianHoursToDecision: medDecision },
    csat,
  };
}
export type ReportSummary = Awaited<ReturnType<typeof getReportSummary>>;

/**
 * The volumes of the JR/T 0169 monthly table from counts of the month (see {@link rangeCounts})
 * whose first three groupings are business, cause and channel: its complaints by each, and the
 * reviews requested beside them; no deadlines or satisfaction.
 */
export function monthlyOf(c: RangeCounts) {
  const [business = [], cause = [], channel = []] = c.groups;
  return { total: c.total, reviews: c.reviews, counts: { business: countsOf(business, BUSINESSES), cause: countsOf(cause, CAUSES), channel: countsOf(channel, CHANNELS) } };
}
