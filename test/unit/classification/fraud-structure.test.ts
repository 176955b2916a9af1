import { describe, expect, it } from 'vitest';
import { classifyByRules, detectFraud } from '../../../src/cases/classification/index.js';

const ctx = { now: new Date('2026-11-27T02:00:00Z'), timeZone: 'Asia/Shanghai' };
// A neutral paragraph that makes a message a long narrative (over 400 characters).
const PAD =
  ' I have been a customer for many years and always paid on time. I wrote letters, I called several times and I kept copies of everything. ' +
  'Nobody gave me a clear answer and every person I spoke with told me something different, so I am writing this down in full. ' +
  'I would like a written answer that explains what happened, what the bank will do about it, and by when I can expect it.';

describe('fraud detector: who did it (structural cues, short chat messages)', () => {
  it.each([
    ['There is a withdrawal on my statement that I never made'],
    ['a purchase from some shop, I know I did not authorise that'],
    ['My account was debited by a seller and I did not approve of it'],
    ['The app lists a payment that is not mine'],
    ['some odd card payment showed up overnight'],
    ['my flatmate took my card and spent money with it'],
    ['I think someone has my card details'],
    ['I left my wallet on the bus'],
    ['I was scammed by a fake seller online'],
    ['they opened a loan using my name'],
    ['I have no idea how they got my card number'],
    ['I paid for concert tickets through Zelle and it was a scam'],
    ['有人用我的卡在外地消费了，我本人没有操作'],
    ['我的卡被盗刷了三笔'],
  ])('%s → fraud (P1)', (text) => {
    expect(detectFraud(text).fraud).toBe(true);
    expect(classifyByRules(text, ctx).severity).toBe('P1');
  });

  it.each([
    ['Why is there a fee on my card payment that I am not familiar with?'],
    ['There is a weird extra charge on my statement, is that a fee for the exchange rate?'],
    ['the transfer fee should not be there'],
    ['I never received my new card in the post'],
    ['Will I always be charged a fee for using my card?'],
    ['I used my card at the store and was charged twice'],
  ])('%s → a fee or service question, not fraud', (text) => {
    expect(detectFraud(text).fraud).toBe(false);
  });
});

describe('fraud detector: long narratives need a cue that names unauthorised use', () => {
  it.each([
    [`The collection agency says I owe this debt but it is not mine and I am unfamiliar with the company.${PAD}`],
    [`This company is a scam and its fees are a fraud on every customer.${PAD}`],
    [`They shared my file with my employer without my permission, which is harassment.${PAD}`],
  ])('an accusation or a disputed debt is not P1: %#', (text) => {
    expect(detectFraud(text).fraud).toBe(false);
    expect(classifyByRules(text, ctx).severity).not.toBe('P1');
  });

  it.each([
    [`On my statement there are three unauthorized charges from a store in another state.${PAD}`],
    [`I did not open this account; someone opened it in my name.${PAD}`],
    [`I was scammed by a caller who pretended to be from my bank and I sent him my savings.${PAD}`],
    [`My identity was stolen last spring.${PAD}`],
  ])('a narrative of unauthorised use is P1: %#', (text) => {
    expect(detectFraud(text).fraud).toBe(true);
    expect(classifyByRules(text, ctx).severity).toBe('P1');
  });
});
