import { addCivilDays, civilDateInZone, timeOfDayInZone, zonedInstant } from '../clocks/index.js';

/**
 * The hours of the day surveys and their reminders go out, on the bank's wall clock
 * (`SURVEY_HOURS`, any hour unless set; e.g. 09:00–21:00). A bank rings nobody at 03:00 for a
 * 回访, and a chat message is no different: it wakes the phone on the night stand.
 */
export interface SurveyHours {
  /** Minutes after local midnight the window opens (inclusive). */
  fromMinute: number;
  /** Minutes after local midnight it closes (exclusive); 1440 for midnight. */
  toMinute: number;
  timeZone: string;
}

/** `at` itself when it falls within `hours`, else the next time they open. */
export function withinSurveyHours(at: Date, hours: SurveyHours | undefined): Date {
  if (!hours) return at;
  const { fromMinute, toMinute, timeZone } = hours;
  const { hour, minute } = timeOfDayInZone(at, timeZone);
  const m = hour * 60 + minute;
  if (m >= fromMinute && m < toMinute) return at;
  const day = civilDateInZone(at, timeZone);
  return zonedInstant(m < fromMinute ? day : addCivilDays(day, 1), timeZone, { hour: Math.floor(fromMinute / 60), minute: fromMinute % 60 });
}
