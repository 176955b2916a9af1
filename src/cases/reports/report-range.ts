import { z } from 'zod';
import { addCivilDays, civilDateInZone, endOfDayInZone, startOfDayInZone } from '../clocks/index.js';

const DAY = 86_400_000;
/** Days a report covers when `from` is not given. */
export const DEFAULT_RANGE_DAYS = 30;
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
 * date-only `to` ends at the end of it, in the bank's zone; without `to`, up to `now`. Without
 * `from`, the 30 whole days (bank zone) that end with `to`'s day, or 30 × 24 hours before a
 * date-time `to`. Returns an error message when the range is backwards or too long.
 */
export function resolveReportRange(q: TReportQuery, opts: { now: Date; timeZone: string }): ReportRange | { error: string } {
  const dateOnly = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);
  const to = q.to ? (dateOnly(q.to) ? endOfDayInZone(q.to, opts.timeZone) : new Date(q.to)) : opts.now;
  // Whole days, counted on the calendar: `to` minus 30 × 24 hours would start a millisecond
  // before the first day (its end is 23:59:59.999), or an hour off across a DST change, and
  // the page, which shows whole days, would not show the range it counted.
  const firstDay = () => startOfDayInZone(addCivilDays(civilDateInZone(to, opts.timeZone), 1 - DEFAULT_RANGE_DAYS), opts.timeZone);
  const from = q.from
    ? dateOnly(q.from)
      ? startOfDayInZone(q.from, opts.timeZone)
      : new Date(q.from)
    : q.to && !dateOnly(q.to)
      ? new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY)
      : firstDay();
  if (from.getTime() > to.getTime()) return { error: '`from` must not be after `to`.' };
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY) return { error: `A report covers at most ${MAX_RANGE_DAYS} days.` };
  return { from, to };
}
