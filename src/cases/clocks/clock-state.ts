/**
 * Where a clock stands, for the scheduler that records near-breach and breach once each
 * (DESIGN.md "Clocks"; CONVENTIONS.md §6).
 */

/** Milestones in the order they are passed. */
export const CLOCK_MILESTONES = ['near_75', 'near_90', 'breached'] as const;
export type TClockMilestone = (typeof CLOCK_MILESTONES)[number];
export type TClockLevel = 'ok' | TClockMilestone;

const THRESHOLDS: Record<Exclude<TClockMilestone, 'breached'>, number> = { near_75: 0.75, near_90: 0.9 };

export interface ClockState {
  /** Share of the allowed time used: 0 at start, 1 at the due instant, above 1 once overdue. */
  fraction: number;
  level: TClockLevel;
  /** Time left until `dueAt`; negative once overdue. */
  remainingMs: number;
}

/**
 * The state of a clock running from `startAt` to `dueAt` at `now`. A clock is breached only
 * after `dueAt` (the due instant itself is still on time, as due instants are the last
 * millisecond of a day); 75 % and 90 % of the span mark the near-breach levels.
 */
export function clockState(input: { startAt: Date; dueAt: Date; now: Date }): ClockState {
  const start = input.startAt.getTime();
  const due = input.dueAt.getTime();
  const now = input.now.getTime();
  if ([start, due, now].some(Number.isNaN)) throw new RangeError('clockState needs valid dates');
  const span = due - start;
  const remainingMs = due - now;
  // A clock with no span (due at or before its start) is all used the moment it starts.
  const fraction = span > 0 ? Math.max(0, (now - start) / span) : now >= start ? 1 : 0;
  let level: TClockLevel = 'ok';
  if (now > due) level = 'breached';
  else if (fraction >= THRESHOLDS.near_90) level = 'near_90';
  else if (fraction >= THRESHOLDS.near_75) level = 'near_75';
  return { fraction, level, remainingMs };
}

/**
 * Milestones passed by `now` that are not in `recorded`, in order. Calling it again with the
 * returned milestones added to `recorded` returns nothing, so a scheduler that runs twice, or
 * on two instances, records each milestone once. A scheduler that was down may get several at
 * once (e.g. `near_90` and `breached`); which to alert on is the caller's choice.
 *
 * `recorded` should hold the milestones recorded for this same `dueAt`: after an extension the
 * clock has a new due instant, and whether its milestones start afresh is the caller's rule.
 */
export function clockMilestonesPassed(input: { startAt: Date; dueAt: Date; now: Date; recorded: readonly TClockMilestone[] }): TClockMilestone[] {
  const { level } = clockState(input);
  if (level === 'ok') return [];
  const reached = CLOCK_MILESTONES.slice(0, CLOCK_MILESTONES.indexOf(level) + 1);
  const already = new Set(input.recorded);
  return reached.filter((m) => !already.has(m));
}
