import { describe, expect, it } from 'vitest';
import type { SurveyAnswer, SurveyPort } from '../../../src/dialogs/deps.js';
import { beyondBankText, isSurveyOptOut, parseScore, parseSolved, surveyQuestionMessage } from '../../../src/dialogs/survey.js';
import { createDialogHarness, textOf } from '../../support/dialog-harness.js';

describe('typed survey answers in Traditional Chinese and written Cantonese', () => {
  it.each([
    ['已經解決了', 'yes'],
    ['沒有解決', 'no'],
    ['冇解決', 'no'],
    ['部分解決', 'partly'],
  ])('%s → solved %s', (text, expected) => {
    expect(parseSolved(text)).toBe(expected);
  });

  it.each([
    ['非常滿意', 5],
    ['唔滿意', 2],
    ['五顆星', 5],
  ])('%s → score %s', (text, expected) => {
    expect(parseScore(text)).toBe(expected);
  });

  it('knows 不要再發 as stop', () => {
    expect(isSurveyOptOut('不要再發了')).toBe(true);
  });
});

describe('typed survey answers', () => {
  it.each([
    ['yes', 'yes'],
    ['Yes!', 'yes'],
    ['是', 'yes'],
    ['解决了', 'yes'],
    ['已解决。', 'yes'],
    ['partly', 'partly'],
    ['部分解决', 'partly'],
    ['no', 'no'],
    ['not really', 'no'],
    ['Not solved', 'no'],
    ['没解决', 'no'],
    ['没有解决', 'no'],
    ['否', 'no'],
    ['maybe tomorrow', null],
    ['我的卡又被扣费了', null],
    // Said every way a customer says it, none of them a new complaint.
    ['还是没解决', 'no'],
    ['一点都没解决', 'no'],
    ['问题依旧', 'no'],
    ['还是老样子', 'no'],
    ['非常不满意', 'no'],
    ['not happy at all', 'no'],
    ['all good now', 'yes'],
    ['还是没人联系我', null],
    // An answer opening a sentence is still the answer; a new complaint is not.
    ['No, it was not solved at all', 'no'],
    ['No it was not solved at all', 'no'],
    ['not solved yet, the fee is still there', 'no'],
    ["It wasn't resolved", 'no'],
    ['not really, I am still waiting', 'no'],
    ['没有解决，还是被扣费', 'no'],
    ['没有解决还是扣费', 'no'],
    ['问题还没有解决啊', 'no'],
    ['没有，我的钱还没退', 'no'],
    ['Yes, thank you', 'yes'],
    ['解决了，谢谢', 'yes'],
    ['问题已经解决了谢谢', 'yes'],
    ['partly, the fee was refunded but not the interest', 'partly'],
    ['部分解决了，利息没退', 'partly'],
    ['No one told me about the annual fee and I was charged 300', null],
    ['没有人告诉我年费就扣了300元', null],
    ['嗯，我还有一个问题', null],
    ['The ATM at the station swallowed my debit card this morning', null],
    // As customers answer in their own words.
    ['基本解决了', 'partly'],
    ['一部分解决了', 'partly'],
    ['没有完全解决', 'partly'],
    ['没有完全解决，利息还没退', 'partly'],
    ['not completely', 'partly'],
    ['mostly solved', 'partly'],
    ['not fully resolved, still waiting for the interest', 'partly'],
    ['还没有', 'no'],
    ['还没呢', 'no'],
    ['still not', 'no'],
    ['已经好了', 'yes'],
    ['yes it was', 'yes'],
    ['yes thank you!', 'yes'],
  ])('reads "%s" as solved = %s', (text, expected) => {
    expect(parseSolved(text)).toBe(expected);
  });

  it.each([
    ['5', 5],
    ['５', 5],
    ['4 stars', 4],
    ['3/5', 3],
    ['2分', 2],
    ['一分', 1],
    ['非常满意', 5],
    ['满意', 4],
    ['一般', 3],
    ['不满意', 2],
    ['非常不满意', 1],
    ['very satisfied', 5],
    ['dissatisfied', 2],
    ['6', null],
    ['0', null],
    ['15', null],
    ['the teller was rude', null],
    ['5, very quick', 5],
    ['非常满意，谢谢', 5],
    ['5 days ago my card was charged', null],
    ['The teller was rude, really', null],
    ['很好', 5],
    ['满分', 5],
    ['给5分', 5],
    ['4分吧', 4],
    ['挺好的，谢谢', 4],
    ['不错', 4],
    ['还可以', 3],
    ['not bad', 4],
    ['five', 5],
    // How customers say the scale's words: 1 = very dissatisfied.
    ['very unhappy', 1],
    ['Very unhappy!', 1],
    ['unhappy', 2],
    ['not happy, the fee came back', 2],
    ['很失望', 1],
    ['very happy', 5],
    ['四星', 4],
    ['四颗星', 4],
    ['4颗星', 4],
    ['五星好评', 5],
    ['5星好评', 5],
    ['好评', 5],
    ['差评', 1],
    ['满分五分', 5],
    ['一般般', 3],
    ['还好', 3],
    ['⭐⭐⭐⭐', 4],
    ['very poor', 1],
    ['not satisfied at all', 1],
    ["I'd give it a 4", 4],
    ['I would give it a 4', 4],
    ['rate you 5 stars', 5],
    ['I would give it a 10', null],
  ])('reads "%s" as score %s', (text, expected) => {
    expect(parseScore(text)).toBe(expected);
  });

  it('recognises opt-out words as the whole message only', () => {
    for (const s of ['stop', 'STOP', 'unsubscribe', '不要再发', '不要再发了！', '退订']) expect(isSurveyOptOut(s), s).toBe(true);
    for (const s of ['stop charging me', 'please stop the payment', '']) expect(isSurveyOptOut(s), s).toBe(false);
  });

  it('asks every question with buttons that name the survey, in both languages, within Telegram\'s 64 bytes', () => {
    const id = 'cmigx4q0b0000l5085ls3yq2u'; // a cuid, as Survey ids are
    for (const lang of ['zh', 'en'] as const) {
      const values = (['solved', 'score', 'comment'] as const).flatMap((q) => surveyQuestionMessage(lang, q, id).buttons?.map((b) => b.value) ?? []);
      expect(values.slice(0, 3)).toEqual([`survey:solved:yes:${id}`, `survey:solved:partly:${id}`, `survey:solved:no:${id}`]);
      expect(values.slice(3, 8)).toEqual([1, 2, 3, 4, 5].map((n) => `survey:score:${n}:${id}`));
      expect(values[8]).toBe(`survey:comment:skip:${id}`);
      for (const v of values) expect(Buffer.byteLength(v)).toBeLessThanOrEqual(64);
    }
  });

  it('names the regulator of the policy profile', () => {
    expect(beyondBankText('zh', 'cn')).toContain('12378');
    expect(beyondBankText('en', 'cn')).toContain('12378');
    expect(beyondBankText('en', 'uk')).toContain('0800 023 4567');
    expect(beyondBankText('zh', 'uk')).toContain('0800 023 4567');
    expect(beyondBankText('en', 'us')).toContain('855-411-2372');
    expect(beyondBankText('en', 'my-bank-policy')).toContain('mediation');
  });
});

describe('a survey answered in the customer\'s own words', () => {
  /** One survey waiting for "solved", then the score, then the comment. */
  function oneSurvey() {
    const answers: SurveyAnswer[] = [];
    const surveys: SurveyPort = {
      async awaiting() {
        const question = (['solved', 'score', 'comment'] as const)[answers.length];
        return question ? { surveyId: 's1', reference: 'C-20261120-0001', language: 'zh', question, askedAt: null } : null;
      },
      async answer(_id, answer) {
        answers.push(answer);
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
    return { surveys, answers };
  }

  it.each([
    ['没有完全解决', { question: 'solved', value: 'partly' }],
    ['基本解决了', { question: 'solved', value: 'partly' }],
    ['已经好了', { question: 'solved', value: 'yes' }],
  ] as const)('takes "%s" as the answer, not as a new complaint', async (text, answer) => {
    const { surveys, answers } = oneSurvey();
    const h = createDialogHarness({ surveys });
    const reply = textOf(await h.say(text));
    expect(answers).toEqual([answer]);
    expect(h.state.intake).toBeUndefined();
    expect(reply).toContain('1');
    expect(textOf(await h.say('挺好的，谢谢'))).not.toContain('隐私');
    // More than the bare answer: the whole message is kept for staff.
    expect(answers[1]).toEqual({ question: 'score', value: 4, words: '挺好的，谢谢' });
    expect(h.state.intake).toBeUndefined();
  });
});
