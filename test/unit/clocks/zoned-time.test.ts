import { describe, expect, it, vi } from 'vitest';
import { addCivilDays, civilDateInZone, endOfDayInZone, startOfDayInZone, timeOfDayInZone, zonedInstant } from '../../../src/cases/clocks/zoned-time.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The wall clock straight from Intl, one formatToParts per call: what the module must agree with. */
const referenceFormatters = new Map<string, Intl.DateTimeFormat>();
function intlWallClock(epochMs: number, timeZone: string) {
  let f = referenceFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    referenceFormatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(epochMs).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second) };
}

/** zonedInstant as it was computed from Intl alone: two passes of the offset at an estimate. */
function intlZonedInstant(date: string, timeZone: string, hour: number, minute: number): number {
  const offset = (ms: number) => {
    const w = intlWallClock(ms, timeZone);
    const [y, m, d] = w.date.split('-').map(Number);
    return Date.UTC(y!, m! - 1, d!, w.hour, w.minute, w.second) - (ms - (((ms % 1000) + 1000) % 1000));
  };
  const [y, m, d] = date.split('-').map(Number);
  const guess = Date.UTC(y!, m! - 1, d!, hour, minute);
  return guess - offset(guess - offset(guess));
}

// Changes of offset of every kind, each with a moment a little before it (UTC): a whole hour
// forward and back (London, New York), half an hour at half past a UTC hour (Lord Howe), a
// quarter hour (Kathmandu, 1986), a whole day skipped (Apia, 2011), and an offset in odd
// seconds (Amsterdam's +00:19:32 until 1937).
const CHANGES: [string, string][] = [
  ['Europe/London', '2025-03-30T00:00:00Z'],
  ['Europe/London', '2025-10-26T00:00:00Z'],
  ['America/New_York', '2025-03-09T06:00:00Z'],
  ['America/New_York', '2025-11-02T05:00:00Z'],
  ['Australia/Lord_Howe', '2025-04-05T14:00:00Z'],
  ['Australia/Lord_Howe', '2025-10-04T14:00:00Z'],
  ['Asia/Kathmandu', '1985-12-31T17:00:00Z'],
  ['Pacific/Apia', '2011-12-30T09:00:00Z'],
  ['Europe/Amsterdam', '1937-06-30T23:00:00Z'],
];

describe('wall clocks in a zone, across changes of its offset', () => {
  it.each(CHANGES)('%s around %s: date and time of day as Intl gives them, asked twice', (zone, around) => {
    const from = Date.parse(around);
    const mismatches: string[] = [];
    // Every 7 s over three hours, then every 10 min over the next two days; each instant twice
    // (the second answer may come from what the first one kept).
    const instants = [...Array.from({ length: (3 * HOUR) / (7 * SECOND) }, (_, i) => from + i * 7 * SECOND + (i % 1000)), ...Array.from({ length: (2 * DAY) / (10 * MINUTE) }, (_, i) => from + 3 * HOUR + i * 10 * MINUTE)];
    for (const pass of [1, 2]) {
      for (const ms of instants) {
        const want = intlWallClock(ms, zone);
        const date = civilDateInZone(new Date(ms), zone);
        const t = timeOfDayInZone(new Date(ms), zone);
        if (date !== want.date || t.hour !== want.hour || t.minute !== want.minute || t.second !== want.second) {
          mismatches.push(`pass ${pass} ${new Date(ms).toISOString()}: ${date} ${t.hour}:${t.minute}:${t.second}, Intl ${JSON.stringify(want)}`);
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it.each(CHANGES)('%s around %s: instants of wall-clock times as computed from Intl alone', (zone, around) => {
    const mismatches: string[] = [];
    const first = intlWallClock(Date.parse(around) - DAY, zone).date;
    for (const pass of [1, 2]) {
      for (let d = 0; d < 3; d++) {
        const date = addCivilDays(first, d);
        for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
          const [hour, minute] = [Math.floor(minutes / 60), minutes % 60];
          const got = zonedInstant(date, zone, { hour, minute }).getTime();
          const want = intlZonedInstant(date, zone, hour, minute);
          if (got !== want) mismatches.push(`pass ${pass} ${date} ${hour}:${minute}: ${new Date(got).toISOString()}, Intl ${new Date(want).toISOString()}`);
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('keeps the length of the days of the DST changes (23 and 25 hours), however often asked', () => {
    for (let i = 0; i < 3; i++) {
      expect(endOfDayInZone('2025-03-30', 'Europe/London').getTime() + 1 - startOfDayInZone('2025-03-30', 'Europe/London').getTime()).toBe(23 * HOUR);
      expect(endOfDayInZone('2025-10-26', 'Europe/London').getTime() + 1 - startOfDayInZone('2025-10-26', 'Europe/London').getTime()).toBe(25 * HOUR);
      expect(endOfDayInZone('2025-03-09', 'America/New_York').getTime() + 1 - startOfDayInZone('2025-03-09', 'America/New_York').getTime()).toBe(23 * HOUR);
      expect(endOfDayInZone('2025-11-02', 'America/New_York').getTime() + 1 - startOfDayInZone('2025-11-02', 'America/New_York').getTime()).toBe(25 * HOUR);
    }
  });

  it('places a wall time in the spring gap or the autumn overlap where Intl alone placed it, and reads both repeated hours', () => {
    for (let i = 0; i < 2; i++) {
      // London 2025-03-30 01:30 does not exist; 2025-10-26 01:30 happens twice (BST first).
      expect(zonedInstant('2025-03-30', 'Europe/London', { hour: 1, minute: 30 }).toISOString()).toBe(new Date(intlZonedInstant('2025-03-30', 'Europe/London', 1, 30)).toISOString());
      expect(zonedInstant('2025-10-26', 'Europe/London', { hour: 1, minute: 30 }).toISOString()).toBe(new Date(intlZonedInstant('2025-10-26', 'Europe/London', 1, 30)).toISOString());
      expect(civilDateInZone(new Date('2025-11-02T04:30:00Z'), 'America/New_York')).toBe('2025-11-02');
      expect(timeOfDayInZone(new Date('2025-11-02T05:30:00Z'), 'America/New_York')).toMatchObject({ hour: 1, minute: 30 });
      expect(timeOfDayInZone(new Date('2025-11-02T06:30:00Z'), 'America/New_York')).toMatchObject({ hour: 1, minute: 30 });
    }
  });

  it('asks Intl only once an hour of the zone, not for every wall clock (Intl took 2 % of the CPU)', () => {
    const spy = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    try {
      const from = Date.parse('2026-07-01T08:00:00Z');
      for (let i = 0; i < 1000; i++) {
        civilDateInZone(new Date(from + i * 3 * SECOND), 'Europe/Paris');
        startOfDayInZone('2026-07-01', 'Europe/Paris');
      }
      // The first and last second of each hour looked up: 08:00 UTC for the dates; 00:00 UTC
      // and 22:00 UTC the day before for the two passes of the start of the day.
      expect(spy.mock.calls.length).toBeLessThanOrEqual(6);
    } finally {
      spy.mockRestore();
    }
  });

  it('still refuses an unknown zone and an invalid instant', () => {
    expect(() => civilDateInZone(new Date(0), 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => civilDateInZone(new Date(NaN), 'Europe/London')).toThrow(RangeError);
  });
});
