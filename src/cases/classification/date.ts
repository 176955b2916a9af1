// Only the two locales spoken here: chrono-node's index loads all sixteen (in a bare process,
// 20 MB of RSS against 10 MB for these two).
import * as chronoEn from 'chrono-node/en';
import * as chronoZh from 'chrono-node/zh';
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

/** Calendar date of an instant in a zone with the given offset. */
function localDate(at: Date, offsetMin: number): { y: number; m: number; d: number } {
  const shifted = new Date(at.getTime() + offsetMin * 60_000);
  return { y: shifted.getUTCFullYear(), m: shifted.getUTCMonth() + 1, d: shifted.getUTCDate() };
}

const ZH_COUNT: Record<string, number> = { 一: 1, 两: 2, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 半: 0 };
const ZH_DAYS_AGO = /(\d{1,2}|[一两二三四五六七八九十])\s*(天|日|周|个星期|星期|礼拜)前/;
// chrono is the slowest part of the rule path, so it only reads short windows around tokens
// that look like dates. CFPB redactions (XX/XX/XXXX) are not such tokens.
const DATE_TOKEN =
  /\b(?:\d{1,2}\/\d{1,2}(?:\/\d{2,4})?|\d{4}-\d{1,2}-\d{1,2}|yesterday|today|tonight|last (?:week|night)|(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d+ (?:days?|weeks?|hours?) ago|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?|\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|this (?:morning|afternoon|evening))\b|\d{4}年|\d{1,2}月(?:\d{1,2}|[一二三四五六七八九十]{1,3})[日号]?|[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}[日号]|\d{1,2}[日号]|昨天|昨日|昨晚|前天|今天|今日|今早|今晚|上周|上星期|上个?礼拜|星期[一二三四五六日天]|周[一二三四五六日]|礼拜[一二三四五六天]/gi;
const CJK = /[\u4e00-\u9fff]/;

/**
 * The date the complaint says the problem happened, as YYYY-MM-DD in `ctx.timeZone` (default
 * UTC), or null. Reads absolute and relative dates in Chinese and English (昨天, 上周二,
 * 2026年3月5日, 三天前, "last Tuesday", "on 03/05"); a date without a year that would fall in the
 * future is taken from the year before, since complaints are about the past. CFPB redactions
 * (XX/XX/XXXX) are not dates.
 */
export function extractOccurredOn(text: string, ctx: Pick<ClassifyContext, 'now' | 'timeZone'>): string | null {
  const head = text.normalize('NFKC');
  // Windows around the first few date-like tokens, merged when they overlap.
  const windows: string[] = [];
  let lastEnd = -1;
  DATE_TOKEN.lastIndex = 0;
  for (const m of head.matchAll(DATE_TOKEN)) {
    const from = Math.max(0, (m.index ?? 0) - 12);
    const to = Math.min(head.length, (m.index ?? 0) + m[0].length + 16);
    if (from <= lastEnd && windows.length) windows[windows.length - 1] += head.slice(lastEnd, to);
    else if (windows.length < 4) windows.push(head.slice(from, to));
    else break;
    lastEnd = to;
  }
  const zhAgo = ZH_DAYS_AGO.exec(head);
  if (!windows.length && !zhAgo) return null;
  const offset = zoneOffsetMinutes(ctx.timeZone ?? 'UTC', ctx.now);
  const today = localDate(ctx.now, offset);
  const ref = { instant: ctx.now, timezone: offset };

  const parsers = CJK.test(head) ? [chronoZh, chronoEn] : [chronoEn];
  for (const parser of parsers) {
    for (const r of windows.flatMap((w) => parser.parse(w, ref))) {
      if (!r.start.isCertain('day') && !r.start.isCertain('weekday')) continue;
      let y = r.start.get('year') ?? today.y;
      const m = r.start.get('month') ?? today.m;
      const d = r.start.get('day') ?? today.d;
      const todayIso = iso(today.y, today.m, today.d);
      if (!r.start.isCertain('day')) {
        // A weekday alone ("on Monday", 星期一, 这周三): chrono may take the coming one; the
        // complaint means the last one, at most six days back — not the same date a year ago.
        let said = Date.UTC(y, m - 1, d);
        while (said > Date.UTC(today.y, today.m - 1, today.d)) said -= 7 * 86_400_000;
        const back = localDate(new Date(said), 0);
        return iso(back.y, back.m, back.d);
      }
      if (!r.start.isCertain('year') && iso(y, m, d) > todayIso) y -= 1;
      if (iso(y, m, d) > todayIso) continue; // still in the future: a deadline, not an incident
      return iso(y, m, d);
    }
  }
  if (zhAgo) {
    const n = /\d/.test(zhAgo[1] ?? '') ? Number(zhAgo[1]) : (ZH_COUNT[zhAgo[1] ?? ''] ?? 0);
    const days = zhAgo[2] === '天' || zhAgo[2] === '日' ? n : n * 7;
    const then = localDate(new Date(ctx.now.getTime() - days * 86_400_000), offset);
    return iso(then.y, then.m, then.d);
  }
  return null;
}
