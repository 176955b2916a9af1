import { describe, expect, it } from 'vitest';
import { formatClockAlert, formatReviewAlert, formatSurveyAlert } from '../../../src/bot/telegram-alerts.js';

const URL = 'https://desk.example';

describe('staff chat alerts beyond new cases', () => {
  it('names the clock and milestone of a breach with a console link', () => {
    const text = formatClockAlert({ reference: 'C-20261127-0001', clock: 'regulatory', milestone: 'breached' }, URL);
    expect(text).toContain('BREACHED');
    expect(text).toContain('regulatory deadline');
    expect(text).toContain(`${URL}/staff/cases/C-20261127-0001`);
  });

  it('says whether an unhappy survey reopened the case, with the answers only', () => {
    const text = formatSurveyAlert({ reference: 'C-20261127-0002', solved: 'no', score: 1, action: 'reopened' }, URL);
    expect(text).toContain('reopened');
    expect(text).toContain('Score: 1');
  });

  it('points an unhappy survey on a closed case at the review opened for it', () => {
    const text = formatSurveyAlert({ reference: 'C-20261127-0004', solved: 'no', score: null, action: 'review', reviewReference: 'C-20261128-0002' }, URL);
    expect(text).toContain('review opened');
    expect(text).toContain('C-20261128-0002 ← C-20261127-0004');
    expect(text).toContain('/staff/cases/C-20261128-0002');
    expect(text).not.toContain('/staff/cases/C-20261127-0004');
  });

  it('points at the new review case and the case it reviews', () => {
    const text = formatReviewAlert({ reference: 'C-20261127-0003', reviewReference: 'C-20261128-0001', escalationLevel: 'back_office' }, URL);
    expect(text).toContain('C-20261128-0001 ← C-20261127-0003');
    expect(text).toContain('/staff/cases/C-20261128-0001');
  });
});
