import { z } from 'zod';
import { endOfDayInZone, startOfDayInZone } from '../clocks/index.js';

const DAY = 86_400_000;
/** Longest range a report covers: keeps every query bounded. */
export const MAX_RANGE_DAYS = 3 * 366;

// Complaints are filed in this century; outside it the calendar code would misread the dates
// (years below 100 as 19xx) or fail (a day after 9999-12-31) rather than find nothing.
const ZDateOrDateTime = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .refine((s) => s >= '2000' && s < '2100', 'a date between 2000 and 2099');

/** Query string of the reports: `from`, `to` as ISO dates (whole days in the bank's zone) or date-times. */
export const ZReportQuery = z.object({
  from: ZDateOrDateTime.optional(),
  to: ZDateOrDateTime.optional(),
});
export type TReportQuery = z.infer<typeof ZReportQuery>;

export interface ReportRange {
  from: Date;
  /** Inclusive. */
  to: Date;
}

/**
 * The instants a report covers. A date-only `from` starts at the beginning of that day and a
 * date-only `to` ends at the end of it, in the bank's zone; without them the last 30 days up to
 * `now`. Returns an error message when the range is backwards or too long.
 */
export function resolveReportRange(q: TReportQuery, opts: { now: Date; timeZone: string }): ReportRange | { error: string } {
  const dateOnly = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);
  const to = q.to ? (dateOnly(q.to) ? endOfDayInZone(q.to, opts.timeZone) : new Date(q.to)) : opts.now;
  const from = q.from ? (dateOnly(q.from) ? startOfDayInZone(q.from, opts.timeZone) : new Date(q.from)) : new Date(to.getTime() - 30 * DAY);
  if (from.getTime() > to.getTime()) return { error: '`from` must not be after `to`.' };
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY) return { error: `A report covers at most ${MAX_RANGE_DAYS} days.` };
  return { from, to };
}
