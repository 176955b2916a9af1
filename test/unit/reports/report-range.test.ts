import { describe, expect, it } from 'vitest';
import { resolveReportRange } from '../../../src/cases/reports/report-range.js';

const NOW = new Date('2026-12-10T04:00:00Z'); // 12:00 in Shanghai, 23:00 the day before in New York
const range = (q: { from?: string; to?: string }, timeZone: string) => {
  const r = resolveReportRange(q, { now: NOW, timeZone });
  if ('error' in r) throw new Error(r.error);
  return { from: r.from.toISOString(), to: r.to.toISOString() };
};

describe('resolveReportRange without `from`', () => {
  it('covers the 30 whole days that end with a date-only `to`, in the bank zone', () => {
    // 2026-11-01 00:00 to 2026-11-30 24:00 in Shanghai: nothing of 31 October.
    expect(range({ to: '2026-11-30' }, 'Asia/Shanghai')).toEqual({ from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T15:59:59.999Z' });
  });

  it('counts the 30 days on the calendar across a DST change (US bank)', () => {
    // New York leaves summer time on 2026-11-01: that day starts at 04:00Z, and its first hour
    // is in the range (30 × 24 h before the end of 30 November would start at 04:59:59.999Z).
    expect(range({ to: '2026-11-30' }, 'America/New_York')).toEqual({ from: '2026-11-01T04:00:00.000Z', to: '2026-12-01T04:59:59.999Z' });
  });

  it('without either, runs from the start of the day 29 days back (bank zone) up to now', () => {
    expect(range({}, 'Asia/Shanghai')).toEqual({ from: '2026-11-10T16:00:00.000Z', to: NOW.toISOString() });
    expect(range({}, 'America/New_York')).toEqual({ from: '2026-11-10T05:00:00.000Z', to: NOW.toISOString() });
  });

  it('takes 30 × 24 hours before a date-time `to`', () => {
    expect(range({ to: '2026-11-30T12:00:00Z' }, 'Asia/Shanghai')).toEqual({ from: '2026-10-31T12:00:00.000Z', to: '2026-11-30T12:00:00.000Z' });
  });
});
