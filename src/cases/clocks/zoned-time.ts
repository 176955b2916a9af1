/**
 * Calendar dates and instants in a named IANA time zone, with nothing but `Intl`.
 *
 * Why not date-fns here: date-fns 4 without `@date-fns/tz` does its calendar arithmetic in the
 * server process's own zone, while deadlines are counted in the bank's zone (a server in UTC
 * serving a bank in Asia/Shanghai would be off by a day every evening). So a day in the bank's
 * zone is kept as a plain `YYYY-MM-DD` string and moved with UTC arithmetic, which has no DST.
 */

/** A calendar date `YYYY-MM-DD` in some time zone, without a time of day. */
export type CivilDate = string;

const MS_PER_DAY = 86_400_000;
const CIVIL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone, which is what callers want (a configuration fault).
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

// Built once per zone: the console's queue formats several dates on each of its rows.
const staffFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant as staff read it everywhere (console pages, staff alerts): the wall clock in
 * `timeZone` (the bank's), e.g. `25 Nov 2026, 23:59`.
 */
export function formatStaffTime(instant: Date, timeZone: string): string {
  let f = staffFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    staffFormatters.set(timeZone, f);
  }
  return f.format(instant);
}

/** True when `timeZone` is an IANA zone this runtime knows, e.g. `Asia/Shanghai`. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock in `timeZone` at `epochMs`, read from Intl (slow: a formatToParts per call). */
function wallClockFromIntl(epochMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(epochMs)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? NaN,
    month: parts.month ?? NaN,
    day: parts.day ?? NaN,
    hour: parts.hour ?? NaN,
    minute: parts.minute ?? NaN,
    second: parts.second ?? NaN,
  };
}

/** Offset of `timeZone` from UTC at `epochMs` as Intl tells it, in milliseconds (whole seconds). */
function offsetFromIntl(epochMs: number, timeZone: string): number {
  const w = wallClockFromIntl(epochMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

const HOUR_MS = 3_600_000;
/** Per zone, the offset of each UTC hour looked up (an hour with a change of offset inside is never kept). */
const hourOffsets = new Map<string, Map<number, number>>();
/** Hours kept per zone before its table starts afresh: a few months of "now" and the deadlines computed from it. */
const MAX_HOURS_PER_ZONE = 4096;

/**
 * Offset of `timeZone` from UTC at `epochMs`, in milliseconds (Shanghai: +8 h).
 *
 * Intl's formatToParts took about 2 % of the server's CPU (every deadline, reference and date
 * answer asks for a wall clock), so the offset is kept per UTC hour. An hour is kept only when
 * its first and last second have the same offset: the offset then holds for the whole hour,
 * as no zone changes its offset twice within an hour. The hour of a DST change (or any other),
 * wherever in the hour it falls, is always asked of Intl at the very instant.
 */
function offsetMs(epochMs: number, timeZone: string): number {
  const hour = Math.floor(epochMs / HOUR_MS);
  let hours = hourOffsets.get(timeZone);
  const known = hours?.get(hour);
  if (known !== undefined) return known;
  const first = offsetFromIntl(hour * HOUR_MS, timeZone);
  const last = offsetFromIntl(hour * HOUR_MS + HOUR_MS - 1000, timeZone);
  if (first !== last) return offsetFromIntl(epochMs, timeZone);
  if (!hours || hours.size >= MAX_HOURS_PER_ZONE) hourOffsets.set(timeZone, (hours = new Map()));
  hours.set(hour, first);
  return first;
}

/** The wall clock in `timeZone` at `instant`: the UTC fields of the instant moved by the zone's offset. */
function wallClock(instant: Date, timeZone: string): WallClock {
  const epochMs = instant.getTime();
  const local = new Date(epochMs + offsetMs(epochMs, timeZone));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

function assertValidDate(d: Date, what: string): void {
  if (Number.isNaN(d.getTime())) throw new RangeError(`${what} is not a valid date`);
}

function parseCivil(date: CivilDate): [number, number, number] {
  const m = CIVIL_DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** True when `value` is a real `YYYY-MM-DD` date (no 2025-02-30). */
export function isCivilDate(value: string): boolean {
  const m = CIVIL_DATE.exec(value);
  if (!m) return false;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).toISOString().slice(0, 10) === value;
}

/** The calendar date that `instant` falls on in `timeZone`. */
export function civilDateInZone(instant: Date, timeZone: string): CivilDate {
  assertValidDate(instant, 'instant');
  const w = wallClock(instant, timeZone);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** `date` moved by `days` calendar days (negative goes back). */
export function addCivilDays(date: CivilDate, days: number): CivilDate {
  const [y, m, d] = parseCivil(date);
  return new Date(Date.UTC(y, m - 1, d) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Day of the week of a civil date: 0 = Sunday … 6 = Saturday (as `Date#getDay`). */
export function civilWeekday(date: CivilDate): number {
  const [y, m, d] = parseCivil(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** The year of a civil date. */
export function civilYear(date: CivilDate): number {
  return parseCivil(date)[0];
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` at the given time of day.
 * In a DST gap (a wall time that does not exist) the result is the instant just after the gap.
 */
export function zonedInstant(
  date: CivilDate,
  timeZone: string,
  time: { hour?: number; minute?: number; second?: number; millisecond?: number } = {},
): Date {
  const [y, m, d] = parseCivil(date);
  const guess = Date.UTC(y, m - 1, d, time.hour ?? 0, time.minute ?? 0, time.second ?? 0, time.millisecond ?? 0);
  // Two passes: the offset at the first estimate may differ from the offset at the answer
  // when a DST change lies between them.
  const first = guess - offsetMs(guess, timeZone);
  const second = guess - offsetMs(first, timeZone);
  return new Date(second);
}

/** The local wall-clock time of day of `instant` in `timeZone`, for carrying it to another day. */
export function timeOfDayInZone(instant: Date, timeZone: string): { hour: number; minute: number; second: number; millisecond: number } {
  assertValidDate(instant, 'instant');
  const w = wallClock(instant, timeZone);
  return { hour: w.hour, minute: w.minute, second: w.second, millisecond: ((instant.getTime() % 1000) + 1000) % 1000 };
}

/** First instant of the day `date` (or the day `date` falls on) in `timeZone`. */
export function startOfDayInZone(date: Date | CivilDate, timeZone: string): Date {
  const civil = typeof date === 'string' ? date : civilDateInZone(date, timeZone);
  return zonedInstant(civil, timeZone);
}

/**
 * Last millisecond of the day `date` (or the day `date` falls on) in `timeZone`.
 *
 * A deadline "on day D" runs to the end of D in the bank's zone (e.g. PRC Civil Code art. 203:
 * the last day ends at 24:00). It is stored as 23:59:59.999 rather than next midnight so that
 * the due instant still displays as day D.
 */
export function endOfDayInZone(date: Date | CivilDate, timeZone: string): Date {
  const civil = typeof date === 'string' ? date : civilDateInZone(date, timeZone);
  return new Date(zonedInstant(addCivilDays(civil, 1), timeZone).getTime() - 1);
}
