import { describe, expect, it } from 'vitest';
import type { AwaitingSurvey, SurveyAnswer, SurveyPort } from '../../../src/dialogs/deps.js';
import { createDialogHarness, textOf } from '../../support/dialog-harness.js';

const NOW = new Date('2026-11-27T02:00:00Z');
const MIN = 60_000;

/**
 * Two surveys open in one conversation: `newer` (sent last, waiting for "Was your problem
 * solved?") and `older`, whose comment question was asked `commentAskedMinutesAgo` before NOW.
 */
function twoSurveys(opts: { newerSentMinutesAgo: number; commentAskedMinutesAgo: number }) {
  const answers: { surveyId: string; answer: SurveyAnswer }[] = [];
  const surveys = { open: true };
  const port: SurveyPort = {
    async awaiting(surveyId) {
      if (!surveys.open) return null;
      const newer: AwaitingSurvey = {
        surveyId: 'newer',
        reference: 'C-20261126-0002',
        language: 'en',
        question: answers.some((a) => a.surveyId === 'newer') ? 'score' : 'solved',
        askedAt: new Date(NOW.getTime() - opts.newerSentMinutesAgo * MIN),
      };
      const commentOpen = !answers.some((a) => a.surveyId === 'older');
      if (surveyId) return surveyId === 'newer' ? newer : null;
      return commentOpen
        ? { ...newer, openComment: { surveyId: 'older', reference: 'C-20261126-0001', language: 'en', askedAt: new Date(NOW.getTime() - opts.commentAskedMinutesAgo * MIN) } }
        : newer;
    },
    async answer(surveyId, answer) {
      answers.push({ surveyId, answer });
      return { recorded: true };
    },
    async optOut() {
      return true;
    },
    async requestReview() {
      return null;
    },
    policyName: 'cn',
  };
  return { port, answers, surveys };
}

describe('typed text with two surveys open', () => {
  it('takes a comment for the survey whose comment question is open when it answers nothing the newer survey asks', async () => {
    const { port, answers } = twoSurveys({ newerSentMinutesAgo: 5, commentAskedMinutesAgo: 10 });
    const h = createDialogHarness({ now: NOW, surveys: port });
    expect(textOf(await h.say('The staff were kind but it took three weeks'))).toContain('comment has been passed on');
    expect(answers).toEqual([{ surveyId: 'older', answer: { question: 'comment', value: 'The staff were kind but it took three weeks' } }]);
    expect(h.state.intake).toBeUndefined();
  });

  it('gives a short answer to the newer survey’s question when that question came last', async () => {
    const { port, answers } = twoSurveys({ newerSentMinutesAgo: 5, commentAskedMinutesAgo: 10 });
    const h = createDialogHarness({ now: NOW, surveys: port });
    await h.say('yes');
    expect(answers).toEqual([{ surveyId: 'newer', answer: { question: 'solved', value: 'yes' } }]);
  });

  it('gives any text to the comment question when it came after the newer survey’s question', async () => {
    const { port, answers } = twoSurveys({ newerSentMinutesAgo: 20, commentAskedMinutesAgo: 2 });
    const h = createDialogHarness({ now: NOW, surveys: port });
    await h.say('yes, all good now');
    expect(answers).toEqual([{ surveyId: 'older', answer: { question: 'comment', value: 'yes, all good now' } }]);
  });

  it('in the middle of a new complaint, leaves text to the complaint unless the last turn asked the comment question', async () => {
    const { port, answers, surveys } = twoSurveys({ newerSentMinutesAgo: 1, commentAskedMinutesAgo: 3 });
    surveys.open = false;
    const h = createDialogHarness({ now: new Date(NOW.getTime() - 10 * MIN), surveys: port });
    expect(textOf(await h.say('The teller at the branch was rude to me and refused to help'))).toContain('Which product');
    surveys.open = true;
    h.advanceClock(10 * MIN);
    // The newer survey asked last and this is no answer to it; the comment question is older than
    // the complaint's question: the text is the complaint's.
    expect(textOf(await h.say('it took three weeks'))).not.toContain('comment has been passed on');
    expect(answers).toEqual([]);
  });
});
