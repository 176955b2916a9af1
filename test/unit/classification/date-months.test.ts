import { describe, expect, it } from 'vitest';
import { extractOccurredOn } from '../../../src/cases/classification/date.js';
import { formatDay } from '../../../src/dialogs/i18n.js';

// Friday 2026-11-27 10:00 in Shanghai.
const ctx = { now: new Date('2026-11-27T02:00:00Z'), timeZone: 'Asia/Shanghai' };
const month = (text: string) => extractOccurredOn(text, ctx, { answer: true, months: true });

describe('a month named as the answer to "when did it happen?"', () => {
  it.each([
    ['sometime in October', '2026-10'],
    ['October', '2026-10'],
    ['early October', '2026-10'],
    ['in May', '2026-05'],
    ['May 2025', '2025-05'],
    ['October last year', '2025-10'],
    // A month still to come this year is last year's.
    ['December', '2025-12'],
    ['last month', '2026-10'],
    ['the month before last', '2026-09'],
    ['this month', '2026-11'],
    ['two months ago', '2026-09'],
    ['十月份', '2026-10'],
    ['10月', '2026-10'],
    ['１０月份', '2026-10'],
    ['十二月', '2025-12'],
    ['2025年10月', '2025-10'],
    ['去年十月', '2025-10'],
    ['上个月', '2026-10'],
    ['上个月底', '2026-10'],
    ['上上个月', '2026-09'],
    ['本月', '2026-11'],
    ['三个月前', '2026-08'],
    // A month with a year is returned even ahead of today: the slot says it is in the future.
    ['2026年12月', '2026-12'],
    // Written as the case stores it, or as a form's month field.
    ['2026-10', '2026-10'],
    ['2026/10', '2026-10'],
    ['2026.10', '2026-10'],
    ['2025-9', '2025-09'],
    ['10/2026', '2026-10'],
    ['around 2026-10', '2026-10'],
  ])('%s → %s', (text, expected) => {
    expect(month(text)).toBe(expected);
  });

  it.each(['a few weeks ago', '半个月前', 'a few months ago', 'I may have lost it', 'recently', '最近', '2026-13', '2026-10-40'])('%s names no month', (text) => {
    expect(month(text)).toBeNull();
  });

  it('keeps a day where one is named, and reads months only when asked to', () => {
    expect(month('October 10')).toBe('2026-10-10');
    expect(month('上个月10号')).toBe('2026-10-10');
    expect(extractOccurredOn('sometime in October', ctx, { answer: true })).toBeNull();
    // Free text of a complaint: never a month.
    expect(extractOccurredOn('last month my card was charged twice', ctx, { months: true })).toBeNull();
  });

  it('shows a month as a month, not as its 1st', () => {
    expect(formatDay('en', '2026-10')).toBe('October 2026');
    expect(formatDay('zh', '2026-10')).toBe('2026年10月');
    expect(formatDay('en', '2026-10-01')).toBe('1 October 2026');
  });
});
