import type { Prisma, PrismaClient } from '@prisma/client';
import { addCivilDays, civilDateInZone, startOfDayInZone } from '../clocks/index.js';
import { BUSINESS_LABELS, BUSINESSES, CAUSE_LABELS, CAUSES, CHANNEL_LABELS, CHANNELS, SEVERITIES, SEVERITY_LABELS } from '../taxonomy.js';
import type { ReportRange } from './report-range.js';
import { sqlDate } from '../../db/sqlite-writer.js';
import { complaintsInRange, getReportSummary, inRange, monthlyCounts, type ReportDeps, type ReportSummary, type SqlDialect } from './summary.js';

/** One table of the reports page; the same data renders as HTML and as CSV. */
export interface ReportTable {
  id: string;
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
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
 * Complaints (not reviews) per bucket and per value of each of `dimensions`: one grouped query
 * per dimension for all the buckets, which SQL tells apart by comparing `receivedAt` with their
 * boundaries. The boundaries are instants worked out in the bank's zone by {@link timeBuckets},
 * so a bucket is still the bank's day (or week, month) across a DST change.
 */
export async function complaintsOverTime(deps: ReportDeps, buckets: Bucket[], dimensions: readonly TimeDimension[] = TIME_DIMENSIONS) {
  const counts = buckets.map(() => Object.fromEntries(TIME_DIMENSIONS.map((d) => [d, {} as Record<string, number>])) as Record<TimeDimension, Record<string, number>>);
  if (buckets.length > 0) {
    await Promise.all(
      dimensions.map(async (d) => {
        for (const r of await countByBucket(deps, buckets, d)) counts[Number(r.b)]![d][r.k] = Number(r.n);
      }),
    );
  }
  return buckets.map((bucket, i) => ({ bucket, counts: counts[i]! }));
}

/**
 * The SQL of {@link complaintsOverTime} for one dimension: `(b, k, n)` = (bucket index, value of
 * `dimension`, count) of the complaints received in `buckets` (contiguous, in order, at least one).
 */
export function overTimeSql(dialect: SqlDialect, buckets: Bucket[], dimension: TimeDimension): { sql: string; params: string[] } {
  const params: string[] = [];
  // Compared as stored: SQLite holds Prisma's ISO text, PostgreSQL a UTC timestamp, so the
  // `receivedAt` index serves the range.
  const param = (d: Date) => {
    params.push(dialect === 'sqlite' ? sqlDate(d) : d.toISOString());
    return dialect === 'sqlite' ? '?' : `$${params.length}::timestamp`;
  };
  // The last bucket is the ELSE: the WHERE already ends the range there.
  const whens = buckets.slice(0, -1).map((b, i) => `WHEN "receivedAt" < ${param(b.to)} THEN ${i}`);
  const bucketExpr = whens.length ? `CASE ${whens.join(' ')} ELSE ${buckets.length - 1} END` : '0';
  const from = param(buckets[0]!.from);
  const to = param(buckets.at(-1)!.to);
  // `dimension` is one of TIME_DIMENSIONS, a fixed column name; instants come in as parameters.
  const sql = `SELECT ${bucketExpr} AS b, "${dimension}" AS k, COUNT(*) AS n FROM "Case"
    WHERE "receivedAt" >= ${from} AND "receivedAt" < ${to} AND "parentCaseId" IS NULL GROUP BY 1, 2`;
  return { sql, params };
}

async function countByBucket(deps: ReportDeps, buckets: Bucket[], dimension: TimeDimension) {
  const { sql, params } = overTimeSql(deps.dialect, buckets, dimension);
  return deps.db.$queryRawUnsafe<{ b: number | bigint; k: string; n: number | bigint }[]>(sql, ...params);
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
 * Customers with more than one complaint in the range, most first (ids only: no names in
 * reports). A review (核查) is the same complaint taken further, not another one.
 */
export async function repeatComplainants(db: PrismaClient, range: ReportRange) {
  const where: Prisma.CaseWhereInput = { AND: [inRange(range), { parentCaseId: null }] };
  const rows = await db.case.groupBy({
    by: ['customerId'],
    where,
    _count: { _all: true },
    having: { customerId: { _count: { gt: 1 } } },
    orderBy: { _count: { customerId: 'desc' } },
    take: 20,
  });
  return rows.map((r) => ({ customerId: r.customerId, count: r._count._all }));
}

export interface ReportData {
  summary: ReportSummary;
  overTime: Awaited<ReturnType<typeof complaintsOverTime>>;
  rootCauses: Awaited<ReturnType<typeof topRootCauses>>;
  repeat: Awaited<ReturnType<typeof repeatComplainants>>;
  month: { label: string; summary: Awaited<ReturnType<typeof monthlyCounts>>; cross: { business: string; cause: string; count: number }[] };
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
  const [summary, cross] = await Promise.all([
    monthlyCounts(deps, m.range),
    deps.db.case.groupBy({ by: ['business', 'cause'], where: complaintsInRange(m.range), _count: { _all: true } }),
  ]);
  return { label: m.label, summary, cross: cross.map((c) => ({ business: c.business, cause: c.cause, count: c._count._all })) };
}

/** Everything the page shows. */
export async function loadReportData(deps: LoadDeps, range: ReportRange, now: Date, month?: string): Promise<ReportData> {
  const [summary, overTime, rootCauses, repeat, monthData] = await Promise.all([
    getReportSummary(deps, range, now),
    complaintsOverTime(deps, timeBuckets(range, deps.timeZone)),
    topRootCauses(deps.db, range),
    repeatComplainants(deps.db, range),
    loadMonth(deps, range, month),
  ]);
  return { summary, overTime, rootCauses, repeat, month: monthData };
}

/**
 * One table of the page (the CSV download), computing only what that table shows: the page's
 * other tables are not worked out again for it. Null when there is no table `id`.
 */
export async function loadReportTable(deps: LoadDeps, range: ReportRange, now: Date, id: string, lang: 'zh' | 'en', month?: string): Promise<ReportTable | null> {
  const data: Partial<ReportData> = {};
  const overTime = /^over_time_(.+)$/.exec(id)?.[1];
  if (overTime) {
    const d = TIME_DIMENSIONS.find((x) => x === overTime);
    if (!d) return null;
    data.overTime = await complaintsOverTime(deps, timeBuckets(range, deps.timeZone), [d]);
  } else if (id === 'root_causes') data.rootCauses = await topRootCauses(deps.db, range);
  else if (id === 'repeat_complainants') data.repeat = await repeatComplainants(deps.db, range);
  else if (id.startsWith('monthly_')) data.month = await loadMonth(deps, range, month);
  else if (SUMMARY_TABLES.has(id)) data.summary = await getReportSummary(deps, range, now);
  else return null;
  return reportTables(data, lang).find((t) => t.id === id) ?? null;
}

/** The tables built from the range's summary alone. */
const SUMMARY_TABLES = new Set([...TIME_DIMENSIONS.map((d) => `by_${d}`), 'by_intake_channel', 'sla', 'times', 'csat', 'csat_distribution', 'top_causes']);

const share = (n: number, total: number) => (total === 0 ? 0 : Math.round((n / total) * 1000) / 10);

/** The tables of the page, by id (CSV export uses the same ids): those of the parts of `data` given. */
export function reportTables(data: Partial<ReportData>, lang: 'zh' | 'en'): ReportTable[] {
  const tables: ReportTable[] = [];
  if (data.overTime) {
    const overTime = data.overTime;
    for (const d of TIME_DIMENSIONS) {
      const keys = DIMENSION_KEYS[d];
      tables.push({
        id: `over_time_${d}`,
        title: `Complaints over time by ${d}`,
        columns: ['period', ...keys],
        rows: overTime.map((b) => [b.bucket.label, ...keys.map((k) => b.counts[d][k] ?? 0)]),
      });
    }
  }
  if (data.summary) tables.push(...summaryTables(data.summary, lang));
  if (data.rootCauses) tables.push({ id: 'root_causes', title: 'Top root causes (from resolutions)', columns: ['root_cause', 'count'], rows: data.rootCauses.map((r) => [r.rootCause, r.count]) });
  if (data.repeat) tables.push({ id: 'repeat_complainants', title: 'Repeat complainants', columns: ['customer', 'complaints'], rows: data.repeat.map((r) => [r.customerId, r.count]) });
  if (data.month) tables.push(...monthlyTables(data.month, lang));
  return tables;
}

function summaryTables(s: ReportSummary, lang: 'zh' | 'en'): ReportTable[] {
  const tables: ReportTable[] = [];
  for (const d of TIME_DIMENSIONS) {
    const counts = s.counts[d];
    tables.push({
      id: `by_${d}`,
      title: `Complaints by ${d}`,
      columns: [d, 'label', 'count', 'share_pct'],
      rows: Object.entries(counts)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => [k, DIMENSION_LABELS[d][k]?.[lang] ?? k, n, share(n, s.total)]),
    });
  }
  tables.push({
    id: 'by_intake_channel',
    title: 'Complaints by intake channel (chat channel)',
    columns: ['intakeChannel', 'count', 'share_pct'],
    rows: Object.entries(s.counts.intakeChannel).sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, n, share(n, s.total)]),
  });
  tables.push({
    id: 'sla',
    title: 'Deadlines met',
    // Missed = late + past_due_open: done late and still open past the deadline, apart.
    columns: ['measure', 'met', 'evaluated', 'met_pct', 'late', 'past_due_open'],
    rows: [
      ['first response (service target)', s.sla.firstResponseMet, s.sla.firstResponseEvaluated, s.sla.firstResponseMetPct, s.sla.firstResponseAnsweredLate, s.sla.firstResponseUnansweredPastDue],
      ['regulatory deadline', s.sla.regulatoryMet, s.sla.regulatoryEvaluated, s.sla.regulatoryMetPct, s.sla.regulatoryDecidedLate, s.sla.regulatoryOpenPastDue],
    ],
  });
  tables.push({
    id: 'times',
    title: 'Median times (hours)',
    columns: ['measure', 'median_hours'],
    rows: [
      ['to first response', s.sla.medianHoursToFirstResponse],
      ['to decision', s.sla.medianHoursToDecision],
    ],
  });
  tables.push({
    id: 'csat',
    title: 'Satisfaction (surveys sent in the range)',
    columns: ['measure', 'value'],
    rows: [
      ['surveys sent', s.csat.sent],
      ['responses (any answer)', s.csat.responses],
      ['response rate % (responses of surveys sent)', s.csat.responseRate],
      ['scored responses', s.csat.scored],
      ['average score (1–5, of scored responses)', s.csat.average],
      ['solved rate % ("yes" of answers to "solved?")', s.csat.solvedRate],
    ],
  });
  tables.push({ id: 'csat_distribution', title: 'Satisfaction scores', columns: ['score', 'responses'], rows: Object.entries(s.csat.distribution).map(([k, n]) => [k, n]) });
  tables.push({
    id: 'top_causes',
    title: 'Top causes',
    columns: ['cause', 'label', 'count'],
    rows: Object.entries(s.counts.cause).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, n]) => [k, CAUSE_LABELS[k as keyof typeof CAUSE_LABELS]?.[lang] ?? k, n]),
  });
  return tables;
}

const MONTHLY_TEXT = {
  zh: { title: '投诉统计月报（JR/T 0169—2018 三维分类）', axis: '维度', code: '代码', category: '类别', count: '件数', share: '占比%', channel: '投诉渠道', business: '业务办理', cause: '投诉原因', cross: '业务 × 原因', total: '合计', reviews: '核查申请', reviewsNote: '核查申请（不是新投诉，未计入上述合计）' },
  en: { title: 'Monthly complaint statistics (JR/T 0169-2018, three axes)', axis: 'Axis', code: 'Code', category: 'Category', count: 'Complaints', share: 'Share %', channel: 'Channel', business: 'Business', cause: 'Cause', cross: 'Business × cause', total: 'Total', reviews: 'Reviews', reviewsNote: 'Reviews requested (not new complaints, not in the totals above)' },
} as const;

/** The monthly summary in the JR/T 0169 layout: channel, business and cause, then business × cause. */
export function monthlyTables(month: ReportData['month'], lang: 'zh' | 'en'): ReportTable[] {
  const T = MONTHLY_TEXT[lang];
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
