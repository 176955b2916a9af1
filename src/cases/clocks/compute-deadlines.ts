import { addHours } from 'date-fns';
import type { TBusiness, TSeverity } from '../taxonomy.js';
import {
  addBusinessCivilDays,
  calendarCoverage,
  isBusinessCivilDate,
  nextBusinessCivilDate,
  type HolidayCalendar,
  type TCalendarCoverage,
} from './calendar.js';
import { selectRegulatoryTrack, type ComplaintPolicy, type TRegulatoryStep, type TRegulatoryTrack } from './policy.js';
import { addCivilDays, civilDateInZone, endOfDayInZone, type CivilDate } from './zoned-time.js';

/** The day a step ends on, counted from the day of receipt, which is not counted itself. */
function stepDueCivilDate(receivedDay: CivilDate, step: Pick<TRegulatoryStep, 'length' | 'unit' | 'rollForwardToBusinessDay'>, calendar: HolidayCalendar): CivilDate {
  let day: CivilDate;
  switch (step.unit) {
    case 'calendar_days':
      day = addCivilDays(receivedDay, step.length);
      break;
    case 'weeks':
      day = addCivilDays(receivedDay, 7 * step.length);
      break;
    case 'business_days':
      day = addBusinessCivilDays(receivedDay, step.length, calendar);
      break;
  }
  if (step.rollForwardToBusinessDay && !isBusinessCivilDate(day, calendar)) day = nextBusinessCivilDate(day, calendar);
  return day;
}

function trackUsesCalendar(track: TRegulatoryTrack): boolean {
  return track.summaryResolution !== undefined || track.steps.some((s) => s.unit === 'business_days' || s.rollForwardToBusinessDay);
}

/**
 * The regulatory due instant after `extensionCount` granted extensions (0 = the initial
 * deadline), or `undefined` when the track has no such step. Always counted from receipt: a
 * status change or reassignment never moves it; only an approved extension does.
 */
export function regulatoryDueAt(input: { receivedAt: Date; business: TBusiness; policy: ComplaintPolicy; extensionCount: number }): Date | undefined {
  const { receivedAt, business, policy, extensionCount } = input;
  const step = selectRegulatoryTrack(policy, business).steps[extensionCount];
  if (!step) return undefined;
  return endOfDayInZone(stepDueCivilDate(civilDateInZone(receivedAt, policy.timeZone), step, policy.calendar), policy.timeZone);
}

export interface CaseDeadlines {
  /** The bank's own first-response target for the severity (wall-clock hours from receipt). */
  firstResponseDueAt: Date;
  /** The initial regulatory deadline, end of the due day in the bank's zone. */
  regulatoryDueAt: Date;
  /** Policy name (`cn`, `uk`, `us` or a policy file's name). */
  regulatoryProfile: string;
  /** Track id within the profile, e.g. `standard` or `payment_services`. */
  regulatoryTrack: string;
  /** Step id of `regulatoryDueAt`, e.g. `decision`, `final_response`. */
  regulatoryStep: string;
  /** UK only: end of the business day by which a summary resolution may close the complaint; else null. */
  summaryResolutionDueAt: Date | null;
  /** The regulatory deadline if every extension the track allows were granted. */
  regulatoryLatestDueAt: Date;
  /** How many extensions the track allows in total. */
  extensionsAllowed: number;
  /** Zone the days were counted in. */
  timeZone: string;
  /**
   * Whether the holiday data behind these dates is official, provisional, missing for part of
   * the period (`not_covered`: only weekends were known), or not needed (calendar days only).
   */
  calendarStatus: TCalendarCoverage | 'not_used';
}

/**
 * Both clocks of a new case (DESIGN.md "Clocks"): the service target by severity and the
 * regulatory deadline of the policy's track for `business`, anchored at `receivedAt`.
 * Pure: time comes in as `receivedAt`, nothing reads the system clock.
 */
export function computeDeadlines(input: { receivedAt: Date; severity: TSeverity; business: TBusiness; policy: ComplaintPolicy }): CaseDeadlines {
  const { receivedAt, severity, business, policy } = input;
  if (Number.isNaN(receivedAt.getTime())) throw new RangeError('receivedAt is not a valid date');
  const { timeZone, calendar } = policy;
  const track = selectRegulatoryTrack(policy, business);
  const receivedDay = civilDateInZone(receivedAt, timeZone);

  const dueDays = track.steps.map((s) => stepDueCivilDate(receivedDay, s, calendar));
  const firstDay = dueDays[0];
  const lastDay = dueDays[dueDays.length - 1];
  const firstStep = track.steps[0];
  // ZRegulatoryTrack requires at least one step; this only satisfies the type checker.
  if (!firstDay || !lastDay || !firstStep) throw new Error(`regulatory track ${track.id} has no steps`);

  const summaryDay = track.summaryResolution ? addBusinessCivilDays(receivedDay, track.summaryResolution.length, calendar) : undefined;

  return {
    firstResponseDueAt: addHours(receivedAt, policy.firstResponseHours[severity]),
    regulatoryDueAt: endOfDayInZone(firstDay, timeZone),
    regulatoryProfile: policy.name,
    regulatoryTrack: track.id,
    regulatoryStep: firstStep.id,
    summaryResolutionDueAt: summaryDay ? endOfDayInZone(summaryDay, timeZone) : null,
    regulatoryLatestDueAt: endOfDayInZone(lastDay, timeZone),
    extensionsAllowed: track.steps.length - 1,
    timeZone,
    calendarStatus: trackUsesCalendar(track) ? calendarCoverage(calendar, receivedDay, lastDay) : 'not_used',
  };
}
