import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  calendarCoverage,
  endOfBusinessDay,
  endOfNthBusinessDay,
  isBusinessDay,
  loadBuiltinCalendar,
  parseCalendarFile,
  type TBuiltinCalendarId,
} from '../../../src/cases/clocks/index.js';
import { civilDateInZone, endOfDayInZone, startOfDayInZone } from '../../../src/cases/clocks/zoned-time.js';

const cn = loadBuiltinCalendar('cn');
const uk = loadBuiltinCalendar('uk');
const us = loadBuiltinCalendar('us');
const SH = 'Asia/Shanghai';
const LDN = 'Europe/London';
const NY = 'America/New_York';

describe('built-in holiday calendars', () => {
  it.each<[TBuiltinCalendarId, string]>([
    ['cn', 'provisional'],
    ['uk', 'official'],
    ['us', 'official'],
  ])('%s covers 2025–2027 and marks 2027 as %s', (id, status2027) => {
    const cal = loadBuiltinCalendar(id);
    expect([...cal.years.keys()].sort()).toEqual([2025, 2026, 2027]);
    expect(cal.years.get(2025)?.status).toBe('official');
    expect(cal.years.get(2026)?.status).toBe('official');
    expect(cal.years.get(2027)?.status).toBe(status2027);
  });

  it('says why the provisional cn 2027 year is provisional', () => {
    expect(cn.years.get(2027)?.note).toMatch(/PROVISIONAL/);
  });
});

describe('isBusinessDay', () => {
  it.each([
    // China: holidays, and the weekend make-up working days (调休) that are worked.
    { cal: cn, tz: SH, day: '2025-10-01', expected: false, why: 'National Day' },
    { cal: cn, tz: SH, day: '2025-10-08', expected: false, why: 'last day of the 2025 National Day / Mid-Autumn break' },
    { cal: cn, tz: SH, day: '2025-09-28', expected: true, why: 'Sunday worked for National Day' },
    { cal: cn, tz: SH, day: '2025-10-11', expected: true, why: 'Saturday worked for National Day' },
    { cal: cn, tz: SH, day: '2025-10-12', expected: false, why: 'ordinary Sunday' },
    { cal: cn, tz: SH, day: '2025-01-26', expected: true, why: 'Sunday worked for Spring Festival 2025' },
    { cal: cn, tz: SH, day: '2025-02-04', expected: false, why: 'last day of Spring Festival 2025' },
    { cal: cn, tz: SH, day: '2026-02-16', expected: false, why: 'Spring Festival eve 2026' },
    { cal: cn, tz: SH, day: '2026-02-14', expected: true, why: 'Saturday worked for Spring Festival 2026' },
    { cal: cn, tz: SH, day: '2026-02-28', expected: true, why: 'Saturday worked after Spring Festival 2026' },
    { cal: cn, tz: SH, day: '2026-01-04', expected: true, why: 'Sunday worked for New Year 2026' },
    { cal: cn, tz: SH, day: '2027-02-08', expected: false, why: 'Spring Festival 2027 (provisional)' },
    { cal: uk, tz: LDN, day: '2025-12-25', expected: false, why: 'Christmas Day' },
    { cal: uk, tz: LDN, day: '2025-12-26', expected: false, why: 'Boxing Day' },
    { cal: uk, tz: LDN, day: '2026-12-28', expected: false, why: 'Boxing Day substitute 2026' },
    { cal: uk, tz: LDN, day: '2027-12-27', expected: false, why: 'Christmas substitute 2027' },
    { cal: uk, tz: LDN, day: '2025-12-24', expected: true, why: 'Christmas Eve is worked' },
    { cal: us, tz: NY, day: '2025-11-27', expected: false, why: 'Thanksgiving' },
    { cal: us, tz: NY, day: '2026-07-03', expected: false, why: 'Independence Day observed on Friday' },
    { cal: us, tz: NY, day: '2025-11-28', expected: true, why: 'day after Thanksgiving is not a federal holiday' },
    { cal: us, tz: NY, day: '2028-03-06', expected: true, why: 'beyond the data only weekends are known' },
  ])('$day is $expected in $cal.id ($why)', ({ cal, tz, day, expected }) => {
    expect(isBusinessDay(day, cal, tz)).toBe(expected);
  });

  it('judges an instant by the date it falls on in the bank zone, not in UTC', () => {
    // 2025-09-30 17:30 UTC is already 1 October (National Day) in Shanghai.
    const instant = new Date('2025-09-30T17:30:00Z');
    expect(isBusinessDay(instant, cn, SH)).toBe(false);
    expect(isBusinessDay(instant, cn, 'UTC')).toBe(true);
  });
});

describe('addBusinessDays', () => {
  it.each([
    // Friday evening in Shanghai before National Day 2025: Sunday 28 Sept is worked.
    { cal: cn, tz: SH, start: '2025-09-26T12:00:00Z', n: 1, expected: '2025-09-28T12:00:00.000Z' },
    { cal: cn, tz: SH, start: '2025-09-26T12:00:00Z', n: 3, expected: '2025-09-30T12:00:00.000Z' },
    { cal: cn, tz: SH, start: '2025-09-26T12:00:00Z', n: 4, expected: '2025-10-09T12:00:00.000Z' },
    { cal: cn, tz: SH, start: '2025-09-26T12:00:00Z', n: 6, expected: '2025-10-11T12:00:00.000Z' },
    // Spring Festival 2026: Friday 13 Feb, Saturday 14 Feb worked, then nine days off.
    { cal: cn, tz: SH, start: '2026-02-13T02:00:00Z', n: 1, expected: '2026-02-14T02:00:00.000Z' },
    { cal: cn, tz: SH, start: '2026-02-13T02:00:00Z', n: 2, expected: '2026-02-24T02:00:00.000Z' },
    { cal: cn, tz: SH, start: '2026-02-13T02:00:00Z', n: -1, expected: '2026-02-12T02:00:00.000Z' },
    // UK Christmas: Tuesday 23 Dec → 24 Dec, then 29 Dec.
    { cal: uk, tz: LDN, start: '2025-12-23T10:00:00Z', n: 2, expected: '2025-12-29T10:00:00.000Z' },
    // Keeps the London wall-clock time across the end of BST (26 Oct 2025).
    { cal: uk, tz: LDN, start: '2025-10-24T08:00:00Z', n: 1, expected: '2025-10-27T09:00:00.000Z' },
    // Thanksgiving: Wednesday noon in New York → Friday noon.
    { cal: us, tz: NY, start: '2025-11-26T17:00:00Z', n: 1, expected: '2025-11-28T17:00:00.000Z' },
    { cal: us, tz: NY, start: '2025-11-26T17:00:00Z', n: 0, expected: '2025-11-26T17:00:00.000Z' },
  ])('$cal.id: $start + $n business days = $expected', ({ cal, tz, start, n, expected }) => {
    expect(addBusinessDays(new Date(start), n, cal, tz).toISOString()).toBe(expected);
  });

  it('refuses a fractional number of days', () => {
    expect(() => addBusinessDays(new Date('2025-01-06T00:00:00Z'), 1.5, uk, LDN)).toThrow(RangeError);
  });
});

describe('end-of-day helpers', () => {
  it.each([
    { what: 'Shanghai working day', got: () => endOfBusinessDay('2025-09-30', cn, SH), expected: '2025-09-30T15:59:59.999Z' },
    { what: 'Shanghai holiday moves to 9 Oct', got: () => endOfBusinessDay('2025-10-03', cn, SH), expected: '2025-10-09T15:59:59.999Z' },
    { what: 'Thanksgiving moves to Friday, EST', got: () => endOfBusinessDay(new Date('2025-11-27T15:00:00Z'), us, NY), expected: '2025-11-29T04:59:59.999Z' },
    { what: '3rd business day after a London Friday evening, over Christmas', got: () => endOfNthBusinessDay(new Date('2025-12-19T18:30:00Z'), 3, uk, LDN), expected: '2025-12-24T23:59:59.999Z' },
    { what: 'London day of the spring DST change is 23 hours', got: () => endOfDayInZone('2025-03-30', LDN), expected: '2025-03-30T22:59:59.999Z' },
    { what: 'London start of that day is still GMT', got: () => startOfDayInZone('2025-03-30', LDN), expected: '2025-03-30T00:00:00.000Z' },
  ])('$what', ({ got, expected }) => {
    expect(got().toISOString()).toBe(expected);
  });

  it('reads the civil date in the zone', () => {
    expect(civilDateInZone(new Date('2025-11-29T03:00:00Z'), NY)).toBe('2025-11-28');
    expect(civilDateInZone(new Date('2025-11-29T03:00:00Z'), SH)).toBe('2025-11-29');
  });
});

describe('calendarCoverage', () => {
  it.each([
    { from: '2025-03-01', to: '2026-04-01', expected: 'official' },
    { from: '2026-12-20', to: '2027-02-18', expected: 'provisional' },
    { from: '2027-11-20', to: '2028-01-19', expected: 'not_covered' },
  ])('cn $from…$to is $expected', ({ from, to, expected }) => {
    expect(calendarCoverage(cn, from, to)).toBe(expected);
  });
});

describe('calendar validation', () => {
  const base = { id: 'x', name: 'x', years: {} };
  const year = (over: object) => ({ status: 'official', source: 'test', holidays: [], workingDays: [], ...over });
  it.each([
    { what: 'an impossible date', data: { ...base, years: { 2025: year({ holidays: [{ name: 'h', date: '2025-02-30' }] }) } }, message: /years\.2025\.holidays\.0/ },
    { what: 'a holiday filed under the wrong year', data: { ...base, years: { 2025: year({ holidays: [{ name: 'h', date: '2026-01-01' }] }) } }, message: /2026-01-01 is not in 2025/ },
    { what: 'a make-up working day on a weekday', data: { ...base, years: { 2025: year({ workingDays: [{ name: 'w', date: '2025-09-29' }] }) } }, message: /not a weekend day/ },
    { what: 'a day both off and worked', data: { ...base, years: { 2025: year({ holidays: [{ name: 'h', from: '2025-09-27', to: '2025-09-28' }], workingDays: [{ name: 'w', date: '2025-09-28' }] }) } }, message: /both as a holiday and as a working day/ },
    { what: 'a range that ends before it starts', data: { ...base, years: { 2025: year({ holidays: [{ name: 'h', from: '2025-10-08', to: '2025-10-01' }] }) } }, message: /"from" must not be after "to"|years\.2025\.holidays\.0/ },
    { what: 'an unknown status', data: { ...base, years: { 2025: year({ status: 'guess' }) } }, message: /years\.2025\.status/ },
  ])('rejects $what, naming the field', ({ data, message }) => {
    expect(() => parseCalendarFile(data, 'test.json')).toThrow(message);
  });
});
