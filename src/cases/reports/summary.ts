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
 * Complaints received in the range: the population of the volumes. A review (核查) is a complaint
 * taken further, not a new one, and an examiner reads the volumes (the JR/T 0169 monthly table
 * above all) as complaints received; reviews are counted on their own.
 */
export const complaintsInRange = (r: ReportRange): Prisma.CaseWhereInput => ({ AND: [inRange(r), { parentCaseId: null }] });

/** Reviews (核查) requested in the range: review cases received in it. */
export const reviewsInRange = (r: ReportRange): Prisma.CaseWhereInput => ({ AND: [inRange(r), { parentCaseId: { not: null } }] });

async function groupCount(db: PrismaClient, where: Prisma.CaseWhereInput, field: 'severity' | 'business' | 'cause' | 'channel' | 'intakeChannel' | 'status') {
  const rows = await db.case.groupBy({ by: [field], where, _count: { _all: true } });
  return rows.map((r) => ({ key: r[field] as string | null, n: r._count._all }));
}

/**
 * The range's instants as the raw queries compare them with `receivedAt` as stored, so that its
 * index serves them: Prisma's ISO text on SQLite (`julianday()` around the column would read
 * every row), and on PostgreSQL a UTC timestamp (`::timestamp`: a `timestamptz` would cast the
 * column instead, by the session's zone).
 */
const rangeParams = (dialect: SqlDialect, r: ReportRange) =>
  dialect === 'sqlite' ? [sqlDate(r.from), sqlDate(r.to)] : [r.from.toISOString(), r.to.toISOString()];

/**
 * The regulatory deadline of the range's reopened cases, judged by their first decision (the
 * first `resolved` on the timeline): that decision was communicated to the customer, which is
 * what the deadline asks for, and reopening (by staff, or by an unhappy survey) clears
 * `resolvedAt`. Evaluated: all of them (each was decided once); met: first decided by the due
 * instant. Computed in SQL, so no case rows are loaded.
 */
async function reopenedRegulatory(deps: ReportDeps, range: ReportRange): Promise<{ met: number; evaluated: number }> {
  const { db, dialect } = deps;
  // Fixed SQL; the range comes in as parameters.
  const sql =
    dialect === 'sqlite'
      ? `SELECT COUNT(*) AS evaluated, COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM "CaseEvent" e WHERE e."caseId" = c."id" AND e."type" = 'resolved'
           AND julianday(e."createdAt") <= julianday(c."regulatoryDueAt")) THEN 1 ELSE 0 END), 0) AS met
         FROM "Case" c WHERE c."reopenCount" > 0 AND c."receivedAt" >= ? AND c."receivedAt" <= ?`
      : `SELECT COUNT(*) AS evaluated, COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM "CaseEvent" e WHERE e."caseId" = c."id" AND e."type" = 'resolved'
           AND e."createdAt" <= c."regulatoryDueAt")) AS met
         FROM "Case" c WHERE c."reopenCount" > 0 AND c."receivedAt" >= $1::timestamp AND c."receivedAt" <= $2::timestamp`;
  const [row] = await db.$queryRawUnsafe<{ met: number | bigint | string; evaluated: number | bigint | string }[]>(sql, ...rangeParams(dialect, range));
  return { met: Number(row?.met ?? 0), evaluated: Number(row?.evaluated ?? 0) };
}

/**
 * A clock not stopped by its response or decision that ran out: past due now, and for a case
 * closed without one (withdrawn when its customer's data was erased, src/cases/erase-customer-data.ts)
 * past due before it was closed. One closed in time has no outcome to judge.
 */
function ranOut(due: 'firstResponseDueAt' | 'regulatoryDueAt', now: Date, closedAt: Prisma.DateTimeFieldRefInput<'Case'>): Prisma.CaseWhereInput {
  return { [due]: { lt: now }, OR: [{ closedAt: null }, { [due]: { lt: closedAt } }] };
}

/**
 * Service-target and regulatory-deadline compliance of the cases received in the range.
 * Only cases whose outcome is known count: answered (or decided), or already past due. A
 * reopened case counts by its first decision (see {@link reopenedRegulatory}). The misses are
 * split, since they call for different things: answered or decided late (done, a lesson) and
 * still open past the deadline (to act on now). Met + late + past due = evaluated.
 */
export async function slaSummary(deps: ReportDeps, range: ReportRange, now: Date) {
  const { db } = deps;
  const base = inRange(range);
  const neverReopened: Prisma.CaseWhereInput = { reopenCount: 0 };
  const fr = db.case.fields;
  const [firstResponseMet, firstResponseLate, firstResponseDue, decidedMet, decidedLate, decidedDue, reopened] = await Promise.all([
    db.case.count({ where: { AND: [base, { firstResponseAt: { not: null, lte: fr.firstResponseDueAt } }] } }),
    db.case.count({ where: { AND: [base, { firstResponseAt: { not: null, gt: fr.firstResponseDueAt } }] } }),
    db.case.count({ where: { AND: [base, { OR: [{ firstResponseAt: { not: null } }, ranOut('firstResponseDueAt', now, fr.closedAt)] }] } }),
    db.case.count({ where: { AND: [base, neverReopened, { resolvedAt: { not: null, lte: fr.regulatoryDueAt } }] } }),
    db.case.count({ where: { AND: [base, neverReopened, { resolvedAt: { not: null, gt: fr.regulatoryDueAt } }] } }),
    db.case.count({ where: { AND: [base, neverReopened, { OR: [{ resolvedAt: { not: null } }, ranOut('regulatoryDueAt', now, fr.closedAt)] }] } }),
    reopenedRegulatory(deps, range),
  ]);
  const regulatoryMet = decidedMet + reopened.met;
  const regulatoryDue = decidedDue + reopened.evaluated;
  // A reopened case was decided once: when not in time, it was decided late.
  const regulatoryDecidedLate = decidedLate + (reopened.evaluated - reopened.met);
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
export async function csatSummary(db: PrismaClient, range: ReportRange) {
  const sentWhere: Prisma.SurveyWhereInput = { sentAt: { gte: range.from, lte: range.to } };
  // The score is asked after "solved?", so an answered survey always has `solved`; a score alone
  // counts too, so that a survey answered some other way is not lost.
  const answered: Prisma.SurveyWhereInput = { OR: [{ solved: { not: null } }, { score: { not: null } }] };
  const [sent, scored, byScore, solvedYes, solvedAny, responses] = await Promise.all([
    db.survey.count({ where: sentWhere }),
    db.survey.aggregate({ where: { ...sentWhere, score: { not: null } }, _count: { score: true }, _avg: { score: true } }),
    db.survey.groupBy({ by: ['score'], where: { ...sentWhere, score: { not: null } }, _count: { _all: true } }),
    db.survey.count({ where: { ...sentWhere, solved: 'yes' } }),
    db.survey.count({ where: { ...sentWhere, solved: { not: null } } }),
    db.survey.count({ where: { AND: [sentWhere, answered] } }),
  ]);
  const distribution = zeros(['1', '2', '3', '4', '5']);
  for (const r of byScore) if (r.score !== null) distribution[String(r.score)] = r._count._all;
  return {
    sent,
    responses,
    scored: scored._count.score,
    average: scored._avg.score === null ? null : Math.round(scored._avg.score * 100) / 100,
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
  const hours =
    dialect === 'sqlite'
      ? `SELECT (julianday(t.endAt) - julianday(t."receivedAt")) * 24.0 AS h FROM (SELECT c."receivedAt", ${endAt} AS endAt FROM "Case" c
           WHERE c."receivedAt" >= ? AND c."receivedAt" <= ?) t WHERE t.endAt IS NOT NULL`
      : `SELECT EXTRACT(EPOCH FROM (t.endAt - t."receivedAt")) / 3600.0 AS h FROM (SELECT c."receivedAt", ${endAt} AS endAt FROM "Case" c
           WHERE c."receivedAt" >= $1::timestamp AND c."receivedAt" <= $2::timestamp) t WHERE t.endAt IS NOT NULL`;
  // Rows (n + 1) / 2 and (n + 2) / 2 in integer division: the middle one of an odd count, the two
  // middle ones of an even count.
  const sql = `SELECT AVG(h) AS median, MAX(n) AS n FROM (SELECT h, ROW_NUMBER() OVER (ORDER BY h) AS rn, COUNT(*) OVER () AS n FROM (${hours}) hs) ranked
    WHERE rn = (n + 1) / 2 OR rn = (n + 2) / 2`;
  const [row] = await db.$queryRawUnsafe<{ median: number | string | null }[]>(sql, ...rangeParams(dialect, range));
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
  const { db } = deps;
  const where = complaintsInRange(range);
  const [total, reviews, incomplete, severity, business, cause, channel, intakeChannel, status, sla, csat, medFirst, medDecision] = await Promise.all([
    db.case.count({ where }),
    db.case.count({ where: reviewsInRange(range) }),
    db.case.count({ where: { AND: [where, { incomplete: true }] } }),
    groupCount(db, where, 'severity'),
    groupCount(db, where, 'business'),
    groupCount(db, where, 'cause'),
    groupCount(db, where, 'channel'),
    groupCount(db, where, 'intakeChannel'),
    groupCount(db, where, 'status'),
    slaSummary(deps, range, now),
    csatSummary(db, range),
    medianHours(deps, range, 'firstResponse'),
    medianHours(deps, range, 'firstDecision'),
  ]);
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
 * The volumes of the JR/T 0169 monthly table: complaints of the range by channel, business and
 * cause, and the reviews requested beside them; no deadlines or satisfaction.
 */
export async function monthlyCounts(deps: ReportDeps, range: ReportRange) {
  const { db } = deps;
  const where = complaintsInRange(range);
  const [total, reviews, business, cause, channel] = await Promise.all([
    db.case.count({ where }),
    db.case.count({ where: reviewsInRange(range) }),
    groupCount(db, where, 'business'),
    groupCount(db, where, 'cause'),
    groupCount(db, where, 'channel'),
  ]);
  return { total, reviews, counts: { business: countsOf(business, BUSINESSES), cause: countsOf(cause, CAUSES), channel: countsOf(channel, CHANNELS) } };
}
