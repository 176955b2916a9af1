import { describe, expect, it } from 'vitest';
import { clockMilestonesPassed, clockState, type TClockMilestone } from '../../../src/cases/clocks/index.js';

const HOUR = 3_600_000;
const startAt = new Date('2025-10-01T00:00:00Z');
const dueAt = new Date(startAt.getTime() + 100 * HOUR);
const at = (ms: number) => new Date(startAt.getTime() + ms);

describe('clockState', () => {
  it.each([
    { now: at(0), fraction: 0, level: 'ok', remainingMs: 100 * HOUR },
    { now: at(-HOUR), fraction: 0, level: 'ok', remainingMs: 101 * HOUR },
    { now: at(75 * HOUR - 1), fraction: (75 * HOUR - 1) / (100 * HOUR), level: 'ok', remainingMs: 25 * HOUR + 1 },
    { now: at(75 * HOUR), fraction: 0.75, level: 'near_75', remainingMs: 25 * HOUR },
    { now: at(90 * HOUR - 1), fraction: (90 * HOUR - 1) / (100 * HOUR), level: 'near_75', remainingMs: 10 * HOUR + 1 },
    { now: at(90 * HOUR), fraction: 0.9, level: 'near_90', remainingMs: 10 * HOUR },
    { now: at(100 * HOUR), fraction: 1, level: 'near_90', remainingMs: 0 },
    { now: at(100 * HOUR + 1), fraction: (100 * HOUR + 1) / (100 * HOUR), level: 'breached', remainingMs: -1 },
    { now: at(150 * HOUR), fraction: 1.5, level: 'breached', remainingMs: -50 * HOUR },
  ])('at $now: $level', ({ now, fraction, level, remainingMs }) => {
    const s = clockState({ startAt, dueAt, now });
    expect(s.fraction).toBeCloseTo(fraction, 12);
    expect(s.level).toBe(level);
    expect(s.remainingMs).toBe(remainingMs);
  });

  it('treats a clock due at its start as used up, and breached only after', () => {
    expect(clockState({ startAt, dueAt: startAt, now: startAt })).toEqual({ fraction: 1, level: 'near_90', remainingMs: 0 });
    expect(clockState({ startAt, dueAt: startAt, now: at(1) }).level).toBe('breached');
  });
});

describe('clockMilestonesPassed', () => {
  it.each<{ now: Date; recorded: TClockMilestone[]; expected: TClockMilestone[] }>([
    { now: at(50 * HOUR), recorded: [], expected: [] },
    { now: at(80 * HOUR), recorded: [], expected: ['near_75'] },
    { now: at(80 * HOUR), recorded: ['near_75'], expected: [] },
    { now: at(95 * HOUR), recorded: ['near_75'], expected: ['near_90'] },
    { now: at(95 * HOUR), recorded: [], expected: ['near_75', 'near_90'] },
    { now: at(101 * HOUR), recorded: ['near_75', 'near_90'], expected: ['breached'] },
    { now: at(101 * HOUR), recorded: [], expected: ['near_75', 'near_90', 'breached'] },
    { now: at(200 * HOUR), recorded: ['near_75', 'near_90', 'breached'], expected: [] },
  ])('at $now with $recorded recorded: $expected', ({ now, recorded, expected }) => {
    expect(clockMilestonesPassed({ startAt, dueAt, now, recorded })).toEqual(expected);
  });

  it('records each milestone once however often and however irregularly the scheduler runs', () => {
    const recorded: TClockMilestone[] = [];
    const log: Array<[number, TClockMilestone]> = [];
    // Ticks every 7 h, with each tick run twice as two instances would.
    for (let h = 0; h <= 130; h += 7) {
      for (let run = 0; run < 2; run++) {
        for (const m of clockMilestonesPassed({ startAt, dueAt, now: at(h * HOUR), recorded })) {
          recorded.push(m);
          log.push([h, m]);
        }
      }
    }
    expect(log).toEqual([
      [77, 'near_75'],
      [91, 'near_90'],
      [105, 'breached'],
    ]);
  });
});
