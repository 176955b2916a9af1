// Only the two locales spoken here: chrono-node's index loads all sixteen (in a bare process,
// 20 MB of RSS against 10 MB for these two).
import * as chronoEn from 'chrono-node/en';
import * as chronoZh from 'chrono-node/zh';
import { addCivilDays, civilWeekday, isCivilDate } from '../clocks/zoned-time.js';
import { parseChineseNumber } from './amount.js';
import { toSimplified } from './hant.js';
import type { ClassifyContext } from './types.js';

// Building an Intl.DateTimeFormat costs more than classifying a short message, and a batch
// asks for the same zone at the same instant thousands of times: keep the formatters and the
// last answer.
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();
let lastOffset: { timeZone: string; at: number; minutes: number } | null = null;

/** Minutes east of UTC of a time zone at an instant (Asia/Shanghai → 480). */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const ms = at.getTime();
  if (lastOffset && lastOffset.timeZone === timeZone && lastOffset.at === ms) return lastOffset.minutes;
  const minutes = computeOffset(timeZone, at);
  lastOffset = { timeZone, at: ms, minutes };
  return minutes;
}

function computeOffset(timeZone: string, at: Date): number {
  let fmt = FORMATTERS.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    FORMATTERS.set(timeZone, fmt);
  }
  const name = fmt
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name ?? '');
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

/** Hours, minutes and seconds of an instant's wall clock in a zone with the given offset. */
function wallTime(at: Date, offsetMin: number): [number, number, number] {
  const shifted = new Date(at.getTime() + offsetMin * 60_000);
  return [shifted.getUTCHours(), shifted.getUTCMinutes(), shifted.getUTCSeconds()];
}

/** Calendar date of an instant in a zone with the given offset. */
function localDate(at: Date, offsetMin: number): { y: number; m: number; d: number } {
  const shifted = new Date(at.getTime() + offsetMin * 60_000);
  return { y: shifted.getUTCFullYear(), m: shifted.getUTCMonth() + 1, d: shifted.getUTCDate() };
}

const ZH_COUNT: Record<string, number> = { 一: 1, 两: 2, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 半: 0 };
const ZH_DAYS_AGO = /(\d{1,2}|[一两二三四五六七八九十半])\s*个?\s*(天|日|周|个星期|星期|礼拜|小时|钟头|分钟)前/;
const HOURS_PER: Record<string, number> = { 天: 24, 日: 24, 小时: 1, 钟头: 1, 分钟: 1 / 60 };
/** Words for earlier today that chrono does not give a day for ("this morning") or does not read (刚才). */
const TODAY_WORDS = /\b(?:this (?:morning|afternoon|evening)|tonight|just now|earlier today)\b|刚才|今早|今晨|今天|今日|今晚|今儿/i;
// A day of the month without a month: 10号, 十五日, 上个月3号, "on the 10th". Alone in free text
// it is too often something else (3号柜台 is counter 3, 每月10号 a standing date), so there it
// needs a month word or a time of day next to it; an answer to "when did it happen?" may be bare.
const ZH_DAY_OF_MONTH =
  /(?<![\d月年每一二三四五六七八九十])(上上个?月|上个?月|本月|这个?月|当月)?\s*(\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*[号日](?![线柜窗楼门台位机房口号前])\s*(早上|上午|中午|下午|晚上|傍晚|凌晨|夜里|那天|当天)?/g;
const EN_DAY_OF_MONTH = /\b(on )?the (\d{1,2})(?:st|nd|rd|th)\b(?! of (?:every|each) month)(?: of (this|last) month)?/i;
const EN_BARE_DAY = /^(?:on )?(?:the )?(\d{1,2})(?:st|nd|rd|th)(?: of (this|last) month)?[.!]?$/i;
/** 2026.11.10: a dotted year-month-day, as Chinese customers write it. */
const DOTTED_YMD = /(?<![\d.])(20\d{2})\.(\d{1,2})\.(\d{1,2})(?![\d.])/;
/** 11.10 or 11-10 as a whole answer: month and day, the Chinese order. */
const ANSWER_MONTH_DAY = /^(\d{1,2})[.-](\d{1,2})$/;
// chrono is the slowest part of the rule path, so it only reads short windows around tokens
// that look like dates. CFPB redactions (XX/XX/XXXX) are not such tokens.
const DATE_TOKEN =
  /\b(?:\d{1,2}\/\d{1,2}(?:\/\d{2,4})?|\d{4}-\d{1,2}-\d{1,2}|yesterday|today|tonight|last (?:week|night)|(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten) (?:days?|weeks?|hours?|minutes?) ago|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?|\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|this (?:morning|afternoon|evening))\b|\d{4}年|\d{1,2}月(?:\d{1,2}|[一二三四五六七八九十]{1,3})[日号]?|[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}[日号]|\d{1,2}[日号]|昨天|昨日|昨晚|前天|今天|今日|今早|今晚|上周|上星期|上个?礼拜|星期[一二三四五六日天]|周[一二三四五六日]|礼拜[一二三四五六日天]/gi;
// A week named without its day ("last week", "the past week", "last weekend") is seven days,
// not the date seven days ago that chrono gives it: no day, as 上周 / 上星期 / 上个礼拜 are.
const WEEK_WITHOUT_DAY = /^(?:the )?(?:(?:last|past|previous) week(?:end)?|week before)$/i;
// A weekday of last week, the English 上周二: "Tuesday last week", "last week on Tuesday". It is
// a day of the week before this one (weeks from Monday, as 上周), unlike "last Tuesday", which
// is the latest Tuesday.
const EN_WEEKDAYS = ['sun', 'mon', 'tues', 'wednes', 'thurs', 'fri', 'satur'];
const EN_LAST_WEEK_DAY =
  /\b(?:(?:on )?(sun|mon|tues|wednes|thurs|fri|satur)day,? (?:of )?last week|last week,? (?:on )?(sun|mon|tues|wednes|thurs|fri|satur)day)\b/i;
// The same in Chinese, 上周二 / 上星期天 / 上个礼拜日: chrono's Chinese parser starts weeks on
// Sunday, so its 上周日 was the Sunday before last and any 上周X said on a Sunday a week late.
// 上上周X is the week before that; chrono reads only its 上周X.
const ZH_WEEKDAYS = '日一二三四五六';
const ZH_LAST_WEEK_DAY = /(上上|上)个?(?:周|星期|礼拜)([一二三四五六日天])/;
// Days back chrono gets wrong: "last night" is today's date from 06:00 on (昨晚 is always
// yesterday), and "the day before yesterday" is only its "yesterday" (前天 is two days back).
const EN_DAYS_BACK = /\b(?:(the day before yesterday)|last night)\b/i;
const CJK = /[\u4e00-\u9fff]/;
const CJK_DATE_SPACE = /(?<=\d)\s+(?=[年月日号])|(?<=[年月])\s+(?=\d)/g;
// 上周一直没到账 is "all last week", 一直 being "all along": not 上周一. (一直接, "directly", and
// 一直到, which may be "from Monday until", stay Monday.) The 一 becomes a space, so the text
// keeps its length and the week names no day.
const WEEK_ALL_ALONG = /(?<=周|星期|礼拜)一(?=直(?![接到]))/g;
// A weekday's character that belongs to a larger word names no day: 每周一次 and 一周三次 are
// counts ("once a week"), 上周日均余额 is last week's daily average, 周日常 daily, and
// "借款周日是54期" a mistyped 周期 (the loan's term) — read as last Sunday before. 每周日 and
// "every Monday" are a standing date, like 每月10号. Blanked the same way, keeping the length.
const ZH_NOT_A_WEEKDAY =
  /(?<=(?:周|星期|礼拜))[一二三四五六日天](?=[次遍趟回均常息期利]|\s*[是为]\s*(?:\d+|[一二两三四五六七八九十百]+)\s*(?:期|个月|年))|(?<=(?:每个?|逢)(?:周|星期|礼拜))[一二三四五六日天]/g;
const EN_EVERY_WEEKDAY = /\b(every|each) ((?:sun|mon|tues|wednes|thurs|fri|satur)day)\b/gi;

/** Options of {@link extractOccurredOn}. */
export interface OccurredOnOptions {
  /**
   * The text is an answer to "when did it happen?", so a bare day of the month ("10号",
   * "the 10th") or month and day ("11.10") is a date, not a counter number or an amount.
   */
  answer?: boolean;
  /**
   * With `answer`: a month named without a day ("in October", "last month", 十月份, 上个月,
   * 2025年10月, 2025-10, 10/2025, "two months ago") is read as that month, YYYY-MM, rather than as no date. Only
   * asked for where a month can be stored as one (the intake's answer), never as its 1st.
   */
  months?: boolean;
}

/**
 * The date the complaint says the problem happened, as YYYY-MM-DD in `ctx.timeZone` (default
 * UTC), or null. Reads absolute and relative dates in Chinese and English (昨天, 上周二,
 * 2026年3月5日, 三天前, 上个月10号, 2026.11.10, "last Tuesday", "on 03/05", "two days ago",
 * "this morning"); a date without a year that would fall in the future is taken from the year
 * before, a weekday alone is the last such day and a day of the month alone the last such day,
 * since complaints are about the past. CFPB redactions (XX/XX/XXXX) are not dates.
 */
export function extractOccurredOn(
  text: string,
  ctx: Pick<ClassifyContext, 'now' | 'timeZone'>,
  options: OccurredOnOptions = {},
): string | null {
  // "2023 年 4 月 23 日" as some keyboards space it: chrono and the patterns read it without.
  // Traditional Chinese (上個禮拜三, 10號, 兩天前) is read as the Simplified the patterns know.
  const head = toSimplified(text.normalize('NFKC'))
    .replace(CJK_DATE_SPACE, '')
    .replace(WEEK_ALL_ALONG, ' ')
    .replace(ZH_NOT_A_WEEKDAY, ' ')
    .replace(EN_EVERY_WEEKDAY, (_, every: string, day: string) => `${every} ${' '.repeat(day.length)}`);
  // Windows around the first few date-like tokens, merged when they overlap.
  const windows: { from: number; text: string }[] = [];
  let lastEnd = -1;
  DATE_TOKEN.lastIndex = 0;
  for (const m of head.matchAll(DATE_TOKEN)) {
    const from = Math.max(0, (m.index ?? 0) - 12);
    const to = Math.min(head.length, (m.index ?? 0) + m[0].length + 16);
    const last = windows.at(-1);
    if (from <= lastEnd && last) last.text += head.slice(lastEnd, to);
    else if (windows.length < 4) windows.push({ from, text: head.slice(from, to) });
    else break;
    lastEnd = to;
  }
  const zhAgo = ZH_DAYS_AGO.exec(head);
  const dotted = DOTTED_YMD.exec(head);
  const today = TODAY_WORDS.exec(head);
  const answer = options.answer ? head.trim() : null;
  const dayOfMonth = dayOfMonthIn(head, Boolean(answer));
  if (!windows.length && !zhAgo && !dotted && !today && !answer && !dayOfMonth) return null;
  const offset = zoneOffsetMinutes(ctx.timeZone ?? 'UTC', ctx.now);
  const now = localDate(ctx.now, offset);
  const todayIso = iso(now.y, now.m, now.d);
  const past = (y: number, m: number, d: number) => {
    const day = iso(y, m, d);
    return isCivilDate(day) && day <= todayIso ? day : null; // a day still to come is a deadline, not an incident
  };

  // The first date the text names wins: a complaint starts with when it began.
  let first: { at: number; day: string } | null = null;
  const consider = (at: number, day: string | null) => {
    if (day && (!first || at < first.at)) first = { at, day };
  };
  if (dotted) consider(dotted.index, past(Number(dotted[1]), Number(dotted[2]), Number(dotted[3])));
  if (dayOfMonth) {
    const monthsBack = dayOfMonth.monthsBack ?? (dayOfMonth.day <= now.d ? 0 : 1);
    const month = new Date(Date.UTC(now.y, now.m - 1 - monthsBack, 1));
    consider(dayOfMonth.at, past(month.getUTCFullYear(), month.getUTCMonth() + 1, dayOfMonth.day));
  }
  const daysBack = EN_DAYS_BACK.exec(head);
  if (daysBack) consider(daysBack.index, addCivilDays(todayIso, daysBack[1] ? -2 : -1));
  // Read before chrono, whose result at the same place (its "Tuesday", its 上周日) loses to this.
  const lastWeekDay = EN_LAST_WEEK_DAY.exec(head);
  if (lastWeekDay) {
    const weekday = EN_WEEKDAYS.indexOf((lastWeekDay[1] ?? lastWeekDay[2])!.toLowerCase());
    consider(lastWeekDay.index, weekdayWeeksBack(todayIso, weekday, 1));
  }
  const zhLastWeekDay = ZH_LAST_WEEK_DAY.exec(head);
  if (zhLastWeekDay) {
    const weekday = ZH_WEEKDAYS.indexOf(zhLastWeekDay[2]!.replace('天', '日'));
    consider(zhLastWeekDay.index, weekdayWeeksBack(todayIso, weekday, zhLastWeekDay[1]!.length));
  }
  // chrono's Chinese parsers read the reference with the process's own getters (getDate,
  // getHours) and ignore a `timezone`: on a server in UTC, 昨天 said before 08:00 in Shanghai was
  // the day before yesterday. So chrono gets the bank's wall clock as a local time, which every
  // parser reads alike. (Only its day, month, year and weekday are used, never its instant.)
  const ref = new Date(now.y, now.m - 1, now.d, ...wallTime(ctx.now, offset));
  const parsers = CJK.test(head) ? [chronoZh, chronoEn] : [chronoEn];
  for (const parser of windows.length ? parsers : []) {
    let found = false;
    for (const w of windows) {
      for (const r of parser.parse(w.text, ref)) {
        const day = chronoDay(r, now, todayIso, past);
        if (day) consider(w.from + r.index, day);
        found ||= Boolean(day);
      }
    }
    if (found) break;
  }
  if (first) return (first as { day: string }).day;

  const monthDay = answer ? ANSWER_MONTH_DAY.exec(answer) : null;
  if (monthDay) {
    const m = Number(monthDay[1]);
    const d = Number(monthDay[2]);
    return past(now.y, m, d) ?? past(now.y - 1, m, d);
  }
  if (zhAgo) {
    const n = /\d/.test(zhAgo[1] ?? '') ? Number(zhAgo[1]) : (ZH_COUNT[zhAgo[1] ?? ''] ?? 0);
    const hours = n * (HOURS_PER[zhAgo[2] ?? ''] ?? 24 * 7);
    const then = localDate(new Date(ctx.now.getTime() - hours * 3_600_000), offset);
    return iso(then.y, then.m, then.d);
  }
  if (today) return todayIso;
  return answer && options.months ? monthIn(answer.toLowerCase(), now) : null;
}

const EN_MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const EN_COUNT: Record<string, number> = { a: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 };
const ZH_MONTHS_BACK = /(上上个?月)|(上个?月)|(?:本|这个?|当)月/;
const EN_MONTHS_BACK = /\b(?:(the month before last)|(last month)|this month)\b/;
// "三个月前", "two months ago"; 半个月前 is half a month, no month at all.
const ZH_MONTHS_AGO = /(\d{1,2}|[一两二三四五六七八九十]|十[一二])\s*个\s*月\s*(?:以)?前/;
const EN_MONTHS_AGO = /\b(\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+months?\s+ago\b/;
// 十月份, 10月, 2025年10月, 去年十月: a month of the year, with no day after it (that is a date).
const ZH_MONTH = /(?:(\d{4})\s*年|(去年|今年|前年))?\s*(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月份?(?!\s*(?:\d|[一二三四五六七八九十]+\s*[日号]))/;
const EN_MONTH =
  /\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?(?:\s*,?\s*(\d{4}))?/;
// 2026-10, 2026/10, 2026.10 and 10/2026: a month as a date field holds it (the case stores
// 2026-10), with no day. A day after it (2026-10-15) is a date, read before this.
const NUMERIC_YEAR_MONTH = /(?<![\d./-])(\d{4})\s*[-/.]\s*(\d{1,2})(?![\d./-])|(?<![\d./-])(\d{1,2})\s*\/\s*(\d{4})(?![\d./-])/;
// "may" is a month only where it reads as one: "in May", "early May", "May 2025", or alone.
const EN_MAY = /(?:^|\b(?:in|early|mid|late|of|around|about|since|last|this)\s+)may\b(?!\s+(?:be|have|not|i|it)\b)|\bmay\s*,?\s*\d{4}/;

/**
 * The month an answer names without a day, as YYYY-MM, or null. A month of the year without a
 * year is its last occurrence, this month included; one with a year is returned even when it
 * is still to come, for the caller to refuse as a future date.
 */
function monthIn(text: string, now: Civil): string | null {
  const back = (n: number) => {
    const d = new Date(Date.UTC(now.y, now.m - 1 - n, 1));
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
  };
  const zhAgo = ZH_MONTHS_AGO.exec(text);
  if (zhAgo) return back(/\d/.test(zhAgo[1]!) ? Number(zhAgo[1]) : (parseChineseNumber(zhAgo[1]!.replace('两', '二')) ?? 0));
  const enAgo = EN_MONTHS_AGO.exec(text);
  if (enAgo) return back(/\d/.test(enAgo[1]!) ? Number(enAgo[1]) : (EN_COUNT[enAgo[1]!] ?? 1));
  const zhBack = ZH_MONTHS_BACK.exec(text);
  if (zhBack) return back(zhBack[1] ? 2 : zhBack[2] ? 1 : 0);
  const enBack = EN_MONTHS_BACK.exec(text);
  if (enBack) return back(enBack[1] ? 2 : enBack[2] ? 1 : 0);
  let month: number | null = null;
  let year: number | null = null;
  const numeric = NUMERIC_YEAR_MONTH.exec(text);
  const zh = numeric ? null : ZH_MONTH.exec(text);
  if (numeric) {
    month = Number(numeric[2] ?? numeric[3]);
    year = Number(numeric[1] ?? numeric[4]);
  } else if (zh) {
    month = /\d/.test(zh[3]!) ? Number(zh[3]) : parseChineseNumber(zh[3]!);
    year = zh[1] ? Number(zh[1]) : zh[2] === '去年' ? now.y - 1 : zh[2] === '前年' ? now.y - 2 : zh[2] ? now.y : null;
  } else {
    const en = EN_MONTH.exec(text);
    if (en && (en[1] !== 'may' || EN_MAY.test(text))) {
      month = EN_MONTHS.indexOf(en[1]!.slice(0, 3)) + 1;
      year = en[2] ? Number(en[2]) : /\blast year\b/.test(text) ? now.y - 1 : null;
    }
  }
  if (!month || month > 12) return null;
  return `${year ?? (month <= now.m ? now.y : now.y - 1)}-${pad(month)}`;
}

type Civil = { y: number; m: number; d: number };

/**
 * A weekday (0 Sunday … 6 Saturday) of the week `weeksBack` before today's (1: last week, 2: the
 * week before), weeks running Monday to Sunday.
 */
function weekdayWeeksBack(todayIso: string, weekday: number, weeksBack: number): string {
  const thisMonday = addCivilDays(todayIso, -((civilWeekday(todayIso) + 6) % 7));
  return addCivilDays(thisMonday, ((weekday + 6) % 7) - 7 * weeksBack);
}

/** The past day a chrono result names, or null when it names none (a time alone, a deadline). */
function chronoDay(
  r: chronoEn.ParsedResult,
  now: Civil,
  todayIso: string,
  past: (y: number, m: number, d: number) => string | null,
): string | null {
  if (WEEK_WITHOUT_DAY.test(r.text.trim())) return null;
  const weekday = r.start.isCertain('weekday') ? (r.start.get('weekday') ?? null) : null;
  if (!r.start.isCertain('day') && weekday === null) return null;
  let y = r.start.get('year') ?? now.y;
  const m = r.start.get('month') ?? now.m;
  const d = r.start.get('day') ?? now.d;
  // A weekday alone ("on Monday", 星期一, 这周三, "last Friday"): chrono may take the coming
  // one, and with a time of day (周一晚上) gives today's date; the complaint means the last one
  // (today included, unless chrono's "last Friday" already went back) — not a date a year ago.
  if (weekday !== null && (!r.start.isCertain('day') || civilWeekday(iso(y, m, d)) !== weekday)) {
    let day = iso(y, m, d);
    if (civilWeekday(day) !== weekday) day = addCivilDays(todayIso, -((civilWeekday(todayIso) - weekday + 7) % 7));
    while (day > todayIso) day = addCivilDays(day, -7);
    return day;
  }
  if (!r.start.isCertain('year') && iso(y, m, d) > todayIso) y -= 1;
  return past(y, m, d);
}

/** A day of the month named without a month, and how many months back a month word puts it. */
function dayOfMonthIn(text: string, answer: boolean): { at: number; day: number; monthsBack: number | null } | null {
  for (const zh of text.matchAll(ZH_DAY_OF_MONTH)) {
    if (!answer && !zh[1] && !zh[3]) continue;
    const day = /\d/.test(zh[2] ?? '') ? Number(zh[2]) : parseChineseNumber(zh[2] ?? '');
    const word = zh[1] ?? '';
    const monthsBack = word.startsWith('上上') ? 2 : word.startsWith('上') ? 1 : word ? 0 : null;
    if (day) return { at: zh.index, day, monthsBack };
  }
  const bare = answer ? EN_BARE_DAY.exec(text) : null;
  if (bare) return { at: 0, day: Number(bare[1]), monthsBack: monthsBackOf(bare[2]) };
  const en = EN_DAY_OF_MONTH.exec(text);
  if (en && (answer || en[1] || en[3])) return { at: en.index, day: Number(en[2]), monthsBack: monthsBackOf(en[3]) };
  return null;
}

const monthsBackOf = (word: string | undefined) => (word?.toLowerCase() === 'last' ? 1 : word ? 0 : null);
