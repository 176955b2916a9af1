import type { PrismaClient } from '@prisma/client';
import { addCivilDays, civilDateInZone, startOfDayInZone } from '../clocks/index.js';
import { BUSINESS_LABELS, BUSINESSES, CAUSE_LABELS, CAUSES, CHANNEL_LABELS, CHANNELS, SEVERITIES, SEVERITY_LABELS } from '../taxonomy.js';
import type { ReportRange } from './report-range.js';
import { t, type MessageKey } from '../../dialogs/i18n.js';
import type { Lang } from '../../dialogs/types.js';
import { getReportSummary, inRange, instantParams, monthlyOf, rangeCounts, type ReportDeps, type ReportSummary, type SqlDialect } from './summary.js';

/**
 * One table of the reports page; the same data renders as HTML and as CSV. The CSV is for
 * scripts as well as people: its `columns` are stable English ids and the measures naming its
 * rows stay in English, whatever the language (category names in a `label` column follow it, and
 * the JR/T 0169 monthly tables are a report in their language). The page shows `headers` and
 * `rowNames` instead, when given: the same in the page's language.
 */
export interface ReportTable {
  id: string;
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
  /** The page's names of `columns`. */
  headers?: string[];
  /** The page's names of the rows, in place of their first cell. */
  rowNames?: string[];
}

export const TIME_DIMENSIONS = ['severity', 'business', 'cause', 'channel'] as const;
export type TimeDimension = (typeof TIME_DIMENSIONS)[number];
export const DIMENSION_KEYS: Record<TimeDimension, readonly string[]> = { severity: SEVERITIES, business: BUSINESSES, cause: CAUSES, channel: CHANNELS };

type Labels = { zh: string; en: string };
export const DIMENSION_LABELS: Record<TimeDimension, Record<string, Labels>> = {
  severity: SEVERITY_LABELS,
  business: BUSINESS_LABELS,
  cause: CAUSE_LABELS,
  channel: CHANNEL_LABELS,
};

export interface Bucket {
  label: string;
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** Days for up to 62 days, then weeks up to a year, then months: never more than ~60 buckets. */
export function timeBuckets(range: ReportRange, timeZone: string): Bucket[] {
  const days = (range.to.getTime() - range.from.getTime()) / 86_400_000;
  const step: 'day' | 'week' | 'month' = days <= 62 ? 'day' : days <= 371 ? 'week' : 'month';
  const out: Bucket[] = [];
  let day = civilDateInZone(range.from, timeZone);
  if (step === 'month') day = `${day.slice(0, 7)}-01`;
  while (startOfDayInZone(day, timeZone).getTime() <= range.to.getTime()) {
    let next: string;
    if (step === 'day') next = addCivilDays(day, 1);
    else if (step === 'week') next = addCivilDays(day, 7);
    else {
      const [y, m] = day.split('-').map(Number) as [number, number];
      next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
    }
    const from = new Date(Math.max(startOfDayInZone(day, timeZone).getTime(), range.from.getTime()));
    const to = new Date(Math.min(startOfDayInZone(next, timeZone).getTime(), range.to.getTime() + 1));
    out.push({ label: step === 'month' ? day.slice(0, 7) : day, from, to });
    day = next;
  }
  return out;
}

/**
 * Complaints (not reviews) per bucket and per value of each of `dimensions`, in one grouped query
 * for all the buckets and dimensions, which SQL tells apart by comparing `receivedAt` with the
 * buckets' boundaries. The boundaries are instants worked out in the bank's zone by
 * {@link timeBuckets}, so a bucket is still the bank's day (or week, month) across a DST change.
 */
export async function complaintsOverTime(deps: ReportDeps, buckets: Bucket[], dimensions: readonly TimeDimension[] = TIME_DIMENSIONS) {
  const counts = buckets.map(() => Object.fromEntries(TIME_DIMENSIONS.map((d) => [d, {} as Record<string, number>])) as Record<TimeDimension, Record<string, number>>);
  if (buckets.length > 0 && dimensions.length > 0) {
    const { sql, params } = overTimeSql(deps.dialect, buckets, dimensions);
    const rows = await deps.db.$queryRawUnsafe<{ d: TimeDimension; b: number | bigint; k: string; n: number | bigint }[]>(sql, ...params);
    for (const r of rows) counts[Number(r.b)]![r.d][r.k] = Number(r.n);
  }
  return buckets.map((bucket, i) => ({ bucket, counts: counts[i]! }));
}

/**
 * The SQL of {@link complaintsOverTime}: `(d, b, k, n)` = (dimension, bucket index, value of the
 * dimension, count) of the complaints received in `buckets` (contiguous, in order, at least one),
 * for each of `dimensions` (one or several). The range's complaints are read once, through the
 * receivedAt index, into a materialized CTE that each dimension's group-by reads (it was a query,
 * and a pass over them, per dimension).
 */
export function overTimeSql(dialect: SqlDialect, buckets: Bucket[], dimensions: TimeDimension | readonly TimeDimension[]): { sql: string; params: string[] } {
  const dims: readonly TimeDimension[] = typeof dimensions === 'string' ? [dimensions] : dimensions;
  // Compared as stored, so the `receivedAt` index serves the range (instantParams).
  const { at: param, values: params } = instantParams(dialect);
  // The last bucket is the ELSE: the WHERE already ends the range there.
  const whens = buckets.slice(0, -1).map((b, i) => `WHEN "receivedAt" < ${param(b.to)} THEN ${i}`);
  const bucketExpr = whens.length ? `CASE ${whens.join(' ')} ELSE ${buckets.length - 1} END` : '0';
  const from = param(buckets[0]!.from);
  const to = param(buckets.at(-1)!.to);
  // Each dimension is one of TIME_DIMENSIONS, a fixed column name; instants come in as parameters.
  const sql = `WITH r AS MATERIALIZED (SELECT ${bucketExpr} AS b${dims.map((d) => `, "${d}"`).join('')} FROM "Case"
      WHERE "receivedAt" >= ${from} AND "receivedAt" < ${to} AND "parentCaseId" IS NULL)
    ${dims.map((d) => `SELECT '${d}' AS d, b, "${d}" AS k, COUNT(*) AS n FROM r GROUP BY b, "${d}"`).join('\n    UNION ALL ')}`;
  return { sql, params };
}

export async function topRootCauses(db: PrismaClient, range: ReportRange) {
  const rows = await db.case.groupBy({
    by: ['rootCause'],
    where: { AND: [inRange(range), { rootCause: { not: null } }] },
    _count: { _all: true },
    orderBy: { _count: { rootCause: 'desc' } },
    take: 10,
  });
  return rows.map((r) => ({ rootCause: r.rootCause ?? '', count: r._count._all }));
}

/**
 * Customers with more than one complaint in the range, most first, then by id (ids only: no
 * names in reports). A review (核查) is the same complaint taken further, not another one. The
 * range's complaints are read through the receivedAt index into a materialized CTE and grouped
 * there: a plain group-by had the planner walk the whole customerId index, for its order, and
 * every case ever received from the table.
 */
export async function repeatComplainants(deps: ReportDeps, range: ReportRange) {
  const { db, dialect } = deps;
  const p = instantParams(dialect);
  // Fixed SQL; the range comes in as parameters.
  const sql = `WITH r AS MATERIALIZED (SELECT "customerId" FROM "Case" WHERE "receivedAt" >= ${p.at(range.from)} AND "receivedAt" <= ${p.at(range.to)} AND "parentCaseId" IS NULL)
    SELECT "customerId", COUNT(*) AS n FROM r GROUP BY "customerId" HAVING COUNT(*) > 1 ORDER BY n DESC, "customerId" LIMIT 20`;
  const rows = await db.$queryRawUnsafe<{ customerId: string; n: number | bigint | string }[]>(sql, ...p.values);
  return rows.map((r) => ({ customerId: r.customerId, count: Number(r.n) }));
}

export interface ReportData {
  summary: ReportSummary;
  overTime: Awaited<ReturnType<typeof complaintsOverTime>>;
  rootCauses: Awaited<ReturnType<typeof topRootCauses>>;
  repeat: Awaited<ReturnType<typeof repeatComplainants>>;
  month: { label: string; summary: ReturnType<typeof monthlyOf>; cross: { business: string; cause: string; count: number }[] };
}

/** The calendar month (bank zone) that ends the range: the monthly JR/T 0169 summary covers it. */
export function monthOf(range: ReportRange, timeZone: string, month?: string): { label: string; range: ReportRange } {
  const label = month ?? civilDateInZone(range.to, timeZone).slice(0, 7);
  const [y, m] = label.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return { label, range: { from: startOfDayInZone(`${label}-01`, timeZone), to: new Date(startOfDayInZone(next, timeZone).getTime() - 1) } };
}

type LoadDeps = ReportDeps & { timeZone: string };

async function loadMonth(deps: LoadDeps, range: ReportRange, month?: string): Promise<ReportData['month']> {
  const m = monthOf(range, deps.timeZone, month);
  // The volumes and the business × cause table in one pass over the month's cases.
  const counts = await rangeCounts(deps, m.range, [['business'], ['cause'], ['channel'], ['business', 'cause']]);
  const cross = (counts.groups[3] ?? []).map((c) => ({ business: c.key ?? '', cause: c.key2 ?? '', count: c.n }));
  return { label: m.label, summary: monthlyOf(counts), cross };
}

/** Everything the page shows. */
export async function loadReportData(deps: LoadDeps, range: ReportRange, now: Date, month?: string): Promise<ReportData> {
  const [summary, overTime, rootCauses, repeat, monthData] = await Promise.all([
    getReportSummary(deps, range, now),
    complaintsOverTime(deps, timeBuckets(range, deps.timeZone)),
    topRootCauses(deps.db, range),
    repeatComplainants(deps, range),
    loadMonth(deps, range, month),
  ]);
  return { summary, overTime, rootCauses, repeat, month: monthData };
}

/**
 * One table of the page (the CSV download), computing only what that table shows: the page's
 * other tables are not worked out again for it. Null when there is no table `id`.
 */
export async function loadReportTable(deps: LoadDeps, range: ReportRange, now: Date, id: string, lang: Lang, month?: string): Promise<ReportTable | null> {
  const data: Partial<ReportData> = {};
  const overTime = /^over_time_(.+)$/.exec(id)?.[1];
  if (overTime) {
    const d = TIME_DIMENSIONS.find((x) => x === overTime);
    if (!d) return null;
    data.overTime = await complaintsOverTime(deps, timeBuckets(range, deps.timeZone), [d]);
  } else if (id === 'root_causes') data.rootCauses = await topRootCauses(deps.db, range);
  else if (id === 'repeat_complainants') data.repeat = await repeatComplainants(deps, range);
  else if (id.startsWith('monthly_')) data.month = await loadMonth(deps, range, month);
  else if (SUMMARY_TABLES.has(id)) data.summary = await getReportSummary(deps, range, now);
  else return null;
  return reportTables(data, lang).find((t) => t.id === id) ?? null;
}

/** The tables built from the range's summary alone. */
const SUMMARY_TABLES = new Set([...TIME_DIMENSIONS.map((d) => `by_${d}`), 'by_intake_channel', 'sla', 'times', 'csat', 'csat_distribution', 'top_causes']);

const share = (n: number, total: number) => (total === 0 ? 0 : Math.round((n / total) * 1000) / 10);

/** The tables of the page, by id (CSV export uses the same ids): those of the parts of `data` given. */
export function reportTables(data: Partial<ReportData>, lang: Lang): ReportTable[] {
  const tables: ReportTable[] = [];
  const tr = (key: MessageKey, vars?: Record<string, string | number>) => t(lang, key, vars);
  if (data.overTime) {
    const overTime = data.overTime;
    for (const d of TIME_DIMENSIONS) {
      const keys = DIMENSION_KEYS[d];
      tables.push({
        id: `over_time_${d}`,
        title: tr('report_table_over_time', { dimension: dimensionName(d, lang) }),
        columns: ['period', ...keys],
        headers: [tr('report_col_period'), ...keys.map((k) => DIMENSION_LABELS[d][k]![lang])],
        rows: overTime.map((b) => [b.bucket.label, ...keys.map((k) => b.counts[d][k] ?? 0)]),
      });
    }
  }
  if (data.summary) tables.push(...summaryTables(data.summary, lang));
  if (data.rootCauses) {
    tables.push({
      id: 'root_causes',
      title: tr('report_table_root_causes'),
      columns: ['root_cause', 'count'],
      headers: [tr('report_col_root_cause'), tr('report_col_complaints')],
      rows: data.rootCauses.map((r) => [r.rootCause, r.count]),
    });
  }
  if (data.repeat) {
    tables.push({
      id: 'repeat_complainants',
      title: tr('report_table_repeat_complainants'),
      columns: ['customer', 'complaints'],
      headers: [tr('report_col_customer'), tr('report_col_complaints')],
      rows: data.repeat.map((r) => [r.customerId, r.count]),
    });
  }
  if (data.month) tables.push(...monthlyTables(data.month, lang));
  return tables;
}

/** The name of a dimension in a title ("Complaints by business", "投诉量（按业务类别）"). */
export function dimensionName(d: TimeDimension, lang: Lang): string {
  return t(lang, `report_dim_${d}`);
}

/** Rows named by a measure: in English in the CSV (a script's key to the row), in `lang` on the page. */
function measureRows(lang: Lang, rows: [MessageKey, ...(number | null)[]][]): Pick<ReportTable, 'rows' | 'rowNames'> {
  return { rows: rows.map(([key, ...values]) => [t('en', key), ...values]), rowNames: rows.map(([key]) => t(lang, key)) };
}

function summaryTables(s: ReportSummary, lang: Lang): ReportTable[] {
  const tables: ReportTable[] = [];
  const tr = (key: MessageKey, vars?: Record<string, string | number>) => t(lang, key, vars);
  const countHeaders = [tr('report_col_code'), tr('report_col_category'), tr('report_col_complaints'), tr('report_col_share')];
  for (const d of TIME_DIMENSIONS) {
    const counts = s.counts[d];
    tables.push({
      id: `by_${d}`,
      title: tr('report_table_by', { dimension: dimensionName(d, lang) }),
      columns: [d, 'label', 'count', 'share_pct'],
      headers: countHeaders,
      rows: Object.entries(counts)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => [k, DIMENSION_LABELS[d][k]?.[lang] ?? k, n, share(n, s.total)]),
    });
  }
  tables.push({
    id: 'by_intake_channel',
    title: tr('report_table_by_intake_channel'),
    columns: ['intakeChannel', 'count', 'share_pct'],
    headers: [tr('report_col_intake_channel'), tr('report_col_complaints'), tr('report_col_share')],
    rows: Object.entries(s.counts.intakeChannel).sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, n, share(n, s.total)]),
  });
  tables.push({
    id: 'sla',
    title: tr('report_table_sla'),
    // Missed = late + past_due_open: done late and still open past the deadline, apart.
    columns: ['measure', 'met', 'evaluated', 'met_pct', 'late', 'past_due_open'],
    headers: [tr('report_col_measure'), tr('report_col_met'), tr('report_col_evaluated'), tr('report_col_met_pct'), tr('report_col_late'), tr('report_col_past_due_open')],
    ...measureRows(lang, [
      ['report_measure_first_response', s.sla.firstResponseMet, s.sla.firstResponseEvaluated, s.sla.firstResponseMetPct, s.sla.firstResponseAnsweredLate, s.sla.firstResponseUnansweredPastDue],
      ['report_measure_regulatory', s.sla.regulatoryMet, s.sla.regulatoryEvaluated, s.sla.regulatoryMetPct, s.sla.regulatoryDecidedLate, s.sla.regulatoryOpenPastDue],
    ]),
  });
  tables.push({
    id: 'times',
    title: tr('report_table_times'),
    columns: ['measure', 'median_hours'],
    headers: [tr('report_col_measure'), tr('report_col_median_hours')],
    ...measureRows(lang, [
      ['report_measure_to_first_response', s.sla.medianHoursToFirstResponse],
      ['report_measure_to_decision', s.sla.medianHoursToDecision],
    ]),
  });
  tables.push({
    id: 'csat',
    title: tr('report_table_csat'),
    columns: ['measure', 'value'],
    headers: [tr('report_col_measure'), tr('report_col_value')],
    ...measureRows(lang, [
      ['report_measure_surveys_sent', s.csat.sent],
      ['report_measure_responses', s.csat.responses],
      ['report_measure_response_rate', s.csat.responseRate],
      ['report_measure_scored', s.csat.scored],
      ['report_measure_average', s.csat.average],
      ['report_measure_solved_rate', s.csat.solvedRate],
    ]),
  });
  tables.push({
    id: 'csat_distribution',
    title: tr('report_table_csat_distribution'),
    columns: ['score', 'responses'],
    headers: [tr('report_col_score'), tr('report_col_responses')],
    rows: Object.entries(s.csat.distribution).map(([k, n]) => [k, n]),
  });
  tables.push({
    id: 'top_causes',
    title: tr('report_table_top_causes'),
    columns: ['cause', 'label', 'count'],
    headers: countHeaders.slice(0, 3),
    rows: Object.entries(s.counts.cause).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, n]) => [k, CAUSE_LABELS[k as keyof typeof CAUSE_LABELS]?.[lang] ?? k, n]),
  });
  return tables;
}

/** The monthly summary in the JR/T 0169 layout: channel, business and cause, then business × cause. */
export function monthlyTables(month: ReportData['month'], lang: Lang): ReportTable[] {
  const T = {
    title: t(lang, 'report_monthly_title'),
    axis: t(lang, 'report_monthly_axis'),
    code: t(lang, 'report_monthly_code'),
    category: t(lang, 'report_monthly_category'),
    count: t(lang, 'report_monthly_count'),
    share: t(lang, 'report_monthly_share'),
    channel: t(lang, 'report_monthly_channel'),
    business: t(lang, 'report_monthly_business'),
    cause: t(lang, 'report_monthly_cause'),
    cross: t(lang, 'report_monthly_cross'),
    total: t(lang, 'report_monthly_total'),
    reviews: t(lang, 'report_monthly_reviews'),
    reviewsNote: t(lang, 'report_monthly_reviews_note'),
  };
  const m = month.summary;
  const rows: (string | number | null)[][] = [];
  for (const axis of ['channel', 'business', 'cause'] as const) {
    for (const key of DIMENSION_KEYS[axis]) {
      const n = m.counts[axis][key] ?? 0;
      rows.push([T[axis], key, DIMENSION_LABELS[axis][key]![lang], n, share(n, m.total)]);
    }
    rows.push([T[axis], '', T.total, m.total, m.total ? 100 : 0]);
  }
  // Reviews (核查) of the month on a row of their own, outside every axis and total.
  rows.push([T.reviews, '', T.reviewsNote, m.reviews, null]);
  const causesUsed = CAUSES.filter((c) => month.cross.some((x) => x.cause === c));
  const crossRows = BUSINESSES.filter((b) => month.cross.some((x) => x.business === b)).map((b) => [
    BUSINESS_LABELS[b][lang],
    ...causesUsed.map((c) => month.cross.find((x) => x.business === b && x.cause === c)?.count ?? 0),
  ]);
  return [
    { id: `monthly_${lang}`, title: `${T.title} — ${month.label}`, columns: [T.axis, T.code, T.category, T.count, T.share], rows },
    { id: `monthly_cross_${lang}`, title: `${T.cross} — ${month.label}`, columns: [T.business, ...causesUsed.map((c) => CAUSE_LABELS[c][lang])], rows: crossRows },
  ];
}

/** RFC 4180 CSV; a leading =, +, - or @ is neutralised so a spreadsheet never runs a cell as a formula. */
export function toCsv(table: ReportTable): string {
  const cell = (v: string | number | null) => {
    let s = v === null ? '' : String(v);
    if (/^[=+\-@]/.test(s) && typeof v === 'string') s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [table.columns, ...table.rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
