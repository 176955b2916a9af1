import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  addCivilDays,
  civilDateInZone,
  civilWeekday,
  civilYear,
  endOfDayInZone,
  isCivilDate,
  isValidTimeZone,
  timeOfDayInZone,
  zonedInstant,
  type CivilDate,
} from './zoned-time.js';

/**
 * Holiday calendars are data (src/cases/clocks/calendars/*.json), validated here when loaded,
 * so that a wrong date in a file stops start-up instead of silently moving a legal deadline.
 */

export const BUILTIN_CALENDAR_IDS = ['cn', 'uk', 'us'] as const;
export type TBuiltinCalendarId = (typeof BUILTIN_CALENDAR_IDS)[number];

export const CALENDAR_YEAR_STATUSES = ['official', 'provisional'] as const;
export type TCalendarYearStatus = (typeof CALENDAR_YEAR_STATUSES)[number];

export const ZCivilDate = z.string().refine(isCivilDate, 'must be a real date written YYYY-MM-DD');
export const ZTimeZone = z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Asia/Shanghai');

/** One day off (`date`) or a run of days off (`from`…`to`, both included). */
export const ZHolidayEntry = z.union([
  z.strictObject({ name: z.string().min(1), date: ZCivilDate }),
  z
    .strictObject({ name: z.string().min(1), from: ZCivilDate, to: ZCivilDate })
    .refine((e) => e.from <= e.to, { message: '"from" must not be after "to"', path: ['to'] }),
]);

/** A weekend day that is worked (China's 调休上班日). */
export const ZWorkingDayEntry = z.strictObject({ name: z.string().min(1), date: ZCivilDate });

const ZWeekend = z
  .array(z.int().min(0).max(6))
  .max(6)
  .default([6, 0])
  .describe('days of the week that are not worked: 0 = Sunday … 6 = Saturday');

export const ZCalendarYear = z.strictObject({
  status: z.enum(CALENDAR_YEAR_STATUSES),
  source: z.string().min(1),
  note: z.string().optional(),
  holidays: z.array(ZHolidayEntry),
  workingDays: z.array(ZWorkingDayEntry).default([]),
});

export const ZCalendarFile = z
  .strictObject({
    id: z.string().min(1),
    name: z.string().min(1),
    defaultTimeZone: ZTimeZone.optional(),
    weekend: ZWeekend,
    source: z.string().optional(),
    years: z.record(z.string().regex(/^\d{4}$/, 'year keys must be four digits'), ZCalendarYear),
  })
  .superRefine((cal, ctx) => {
    const weekend = new Set(cal.weekend);
    for (const [year, y] of Object.entries(cal.years)) {
      const holidayDates = new Set<string>();
      y.holidays.forEach((h, i) => {
        for (const d of expandEntry(h)) {
          holidayDates.add(d);
          if (!d.startsWith(`${year}-`)) {
            ctx.addIssue({ code: 'custom', path: ['years', year, 'holidays', i], message: `${d} is not in ${year}` });
            return;
          }
        }
      });
      y.workingDays.forEach((w, i) => {
        const path = ['years', year, 'workingDays', i];
        if (!w.date.startsWith(`${year}-`)) ctx.addIssue({ code: 'custom', path, message: `${w.date} is not in ${year}` });
        if (holidayDates.has(w.date)) ctx.addIssue({ code: 'custom', path, message: `${w.date} is listed both as a holiday and as a working day` });
        // A make-up working day only means something on a day that is normally off.
        if (!weekend.has(civilWeekday(w.date))) ctx.addIssue({ code: 'custom', path, message: `${w.date} is not a weekend day, so it cannot be a make-up working day` });
      });
    }
  });

export type TCalendarFile = z.input<typeof ZCalendarFile>;
export type THolidayEntry = z.infer<typeof ZHolidayEntry>;

/** A policy file may carry its holidays inline instead of naming a built-in calendar. */
export const ZInlineCalendar = z.strictObject({
  id: z.string().min(1).default('inline'),
  weekend: ZWeekend,
  status: z.enum(CALENDAR_YEAR_STATUSES).default('official'),
  source: z.string().optional(),
  holidays: z.array(ZHolidayEntry),
  workingDays: z.array(ZWorkingDayEntry).default([]),
});
export type TInlineCalendar = z.input<typeof ZInlineCalendar>;

/** A calendar ready for look-ups. Build one with `loadBuiltinCalendar` or `parseCalendarFile`. */
export interface HolidayCalendar {
  readonly id: string;
  readonly name: string;
  readonly defaultTimeZone: string | undefined;
  readonly weekend: ReadonlySet<number>;
  /** Date → holiday name. */
  readonly holidays: ReadonlyMap<CivilDate, string>;
  /** Date → reason a normally free day is worked. */
  readonly workingDays: ReadonlyMap<CivilDate, string>;
  /** Years the data covers, with whether they come from the official publication. */
  readonly years: ReadonlyMap<number, { status: TCalendarYearStatus; source: string; note?: string }>;
}

/** Thrown when calendar data is missing or malformed; the message names the file and field. */
export class CalendarError extends Error {
  override name = 'CalendarError';
  readonly code = 'calendar_invalid';
}

function expandEntry(e: THolidayEntry): CivilDate[] {
  if ('date' in e) return [e.date];
  const out: CivilDate[] = [];
  for (let d = e.from; d <= e.to; d = addCivilDays(d, 1)) out.push(d);
  return out;
}

/** Human-readable zod issues, one per line, with the path to the bad field. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `  ${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
}

function buildCalendar(parts: {
  id: string;
  name: string;
  defaultTimeZone?: string;
  weekend: number[];
  years: Array<[number, { status: TCalendarYearStatus; source: string; note?: string; holidays: THolidayEntry[]; workingDays: Array<{ name: string; date: string }> }]>;
}): HolidayCalendar {
  const holidays = new Map<CivilDate, string>();
  const workingDays = new Map<CivilDate, string>();
  const years = new Map<number, { status: TCalendarYearStatus; source: string; note?: string }>();
  for (const [year, y] of parts.years) {
    for (const h of y.holidays) for (const d of expandEntry(h)) holidays.set(d, h.name);
    for (const w of y.workingDays) workingDays.set(w.date, w.name);
    years.set(year, { status: y.status, source: y.source, ...(y.note ? { note: y.note } : {}) });
  }
  return { id: parts.id, name: parts.name, defaultTimeZone: parts.defaultTimeZone, weekend: new Set(parts.weekend), holidays, workingDays, years };
}

/** Validates calendar JSON (already parsed) and builds a calendar; `origin` names it in errors. */
export function parseCalendarFile(json: unknown, origin: string): HolidayCalendar {
  const parsed = ZCalendarFile.safeParse(json);
  if (!parsed.success) throw new CalendarError(`Invalid holiday calendar ${origin}:\n${formatIssues(parsed.error).join('\n')}`);
  const c = parsed.data;
  return buildCalendar({
    id: c.id,
    name: c.name,
    ...(c.defaultTimeZone ? { defaultTimeZone: c.defaultTimeZone } : {}),
    weekend: c.weekend,
    years: Object.entries(c.years).map(([y, v]) => [Number(y), v]),
  });
}

/**
 * Builds a calendar from a policy file's inline holidays. The years it covers are the years its
 * holidays and working days fall in, all with the one `status` the policy gives.
 */
export function calendarFromInline(inline: z.output<typeof ZInlineCalendar>): HolidayCalendar {
  const byYear = new Map<number, { holidays: THolidayEntry[]; workingDays: Array<{ name: string; date: string }> }>();
  const yearOf = (y: number) => {
    let entry = byYear.get(y);
    if (!entry) byYear.set(y, (entry = { holidays: [], workingDays: [] }));
    return entry;
  };
  for (const h of inline.holidays) {
    yearOf(civilYear('date' in h ? h.date : h.from)).holidays.push(h);
    // A run over New Year also vouches for the year it ends in.
    if ('to' in h) yearOf(civilYear(h.to));
  }
  for (const w of inline.workingDays) yearOf(civilYear(w.date)).workingDays.push(w);
  const source = inline.source ?? 'policy file';
  return buildCalendar({
    id: inline.id,
    name: inline.id,
    weekend: inline.weekend,
    years: [...byYear].map(([y, v]) => [y, { status: inline.status, source, ...v }]),
  });
}

/** A calendar with weekends only, for policies that count calendar days and name no holidays. */
export const WEEKENDS_ONLY_CALENDAR: HolidayCalendar = buildCalendar({ id: 'none', name: 'Saturdays and Sundays only', weekend: [6, 0], years: [] });

const builtinCache = new Map<TBuiltinCalendarId, HolidayCalendar>();

/** Loads (once) and validates one of the calendars shipped in `calendars/`. */
export function loadBuiltinCalendar(id: TBuiltinCalendarId): HolidayCalendar {
  const cached = builtinCache.get(id);
  if (cached) return cached;
  const url = new URL(`./calendars/${id}.json`, import.meta.url);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(url, 'utf8'));
  } catch (e) {
    throw new CalendarError(`Cannot read holiday calendar ${url.pathname}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const calendar = parseCalendarFile(json, url.pathname);
  builtinCache.set(id, calendar);
  return calendar;
}

function toCivil(date: Date | CivilDate, timeZone: string): CivilDate {
  if (typeof date === 'string') {
    if (!isCivilDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
    return date;
  }
  return civilDateInZone(date, timeZone);
}

/** Whether a civil date is worked: make-up working days first, then holidays, then the weekend. */
export function isBusinessCivilDate(date: CivilDate, calendar: HolidayCalendar): boolean {
  if (calendar.workingDays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  return !calendar.weekend.has(civilWeekday(date));
}

/**
 * Whether the day `date` falls on in `timeZone` is a business day of `calendar`. A string is
 * taken as that calendar date itself. China's weekend make-up working days (调休) count as
 * business days; days outside the calendar's years only know the weekend.
 */
export function isBusinessDay(date: Date | CivilDate, calendar: HolidayCalendar, timeZone: string): boolean {
  return isBusinessCivilDate(toCivil(date, timeZone), calendar);
}

// No real calendar has a year without a business day; this only stops a broken one looping.
const MAX_SCAN_DAYS = 3 * 366;

/** The first business day strictly after (`direction` 1) or before (-1) `date`. */
export function nextBusinessCivilDate(date: CivilDate, calendar: HolidayCalendar, direction: 1 | -1 = 1): CivilDate {
  let d = date;
  for (let i = 0; i < MAX_SCAN_DAYS; i++) {
    d = addCivilDays(d, direction);
    if (isBusinessCivilDate(d, calendar)) return d;
  }
  throw new CalendarError(`calendar ${calendar.id} has no business day within ${MAX_SCAN_DAYS} days of ${date}`);
}

/**
 * The civil date `n` business days after `date`, not counting `date` itself (so a Friday plus 1
 * is the next Monday, and a Saturday plus 1 is also Monday). Negative `n` counts back.
 */
export function addBusinessCivilDays(date: CivilDate, n: number, calendar: HolidayCalendar): CivilDate {
  if (!Number.isInteger(n)) throw new RangeError(`business days must be a whole number, got ${n}`);
  let d = date;
  const direction = n < 0 ? -1 : 1;
  for (let i = 0; i < Math.abs(n); i++) d = nextBusinessCivilDate(d, calendar, direction);
  return d;
}

/**
 * `start` moved by `n` business days of `calendar`, counted in `timeZone` from the day after
 * the day `start` falls on there; the local time of day is kept (as date-fns `addBusinessDays`
 * does). `n = 0` returns `start` unchanged even on a holiday.
 */
export function addBusinessDays(start: Date, n: number, calendar: HolidayCalendar, timeZone: string): Date {
  if (n === 0) return new Date(start.getTime());
  const day = addBusinessCivilDays(civilDateInZone(start, timeZone), n, calendar);
  return zonedInstant(day, timeZone, timeOfDayInZone(start, timeZone));
}

/**
 * The end (23:59:59.999 in `timeZone`) of the business day `date` falls on, or, when that day is
 * not worked, of the next business day. This is when work "received today" is due "by the end
 * of the business day".
 */
export function endOfBusinessDay(date: Date | CivilDate, calendar: HolidayCalendar, timeZone: string): Date {
  const civil = toCivil(date, timeZone);
  const day = isBusinessCivilDate(civil, calendar) ? civil : nextBusinessCivilDate(civil, calendar);
  return endOfDayInZone(day, timeZone);
}

/** The end of the `n`th business day after the day of `start` (FCA DISP "by the end of the third business day"). */
export function endOfNthBusinessDay(start: Date, n: number, calendar: HolidayCalendar, timeZone: string): Date {
  return endOfDayInZone(addBusinessCivilDays(civilDateInZone(start, timeZone), n, calendar), timeZone);
}

export type TCalendarCoverage = TCalendarYearStatus | 'not_covered';

/**
 * How trustworthy the calendar is for every day from `from` to `to` (civil dates, inclusive):
 * `not_covered` if any year is missing, else `provisional` if any year is, else `official`.
 */
export function calendarCoverage(calendar: HolidayCalendar, from: CivilDate, to: CivilDate): TCalendarCoverage {
  let worst: TCalendarCoverage = 'official';
  for (let y = civilYear(from); y <= civilYear(to); y++) {
    const year = calendar.years.get(y);
    if (!year) return 'not_covered';
    if (year.status === 'provisional') worst = 'provisional';
  }
  return worst;
}
