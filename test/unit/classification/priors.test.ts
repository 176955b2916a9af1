import { describe, expect, it } from 'vitest';
import { classifyByRules } from '../../../src/cases/classification/index.js';

const ctx = { now: new Date('2026-11-27T02:00:00Z'), timeZone: 'Asia/Shanghai' };
const run = (text: string) => classifyByRules(text, ctx);

describe('business: the product named first outweighs what it led to', () => {
  it.each([
    ['My Visa card limit was cut without warning and my credit score dropped.', 'credit_card'],
    ['I financed a sofa through a point-of-sale lender; the line of credit shows twice on my credit report.', 'personal_loan'],
    ['Equifax and Experian both list an account that I paid off, and the bureau will not fix my credit report.', 'personal_info'],
    ['我的信用卡逾期了一次，现在征信上有记录。', 'credit_card'],
  ])('%s → %s', (text, expected) => {
    expect(run(text).business).toBe(expected);
  });
});

describe('business: the bank account a loan moves money through is not the product', () => {
  it.each([
    ['The lender withdrew my payment from my bank account two days early and then withdrew it again the next week.', 'personal_loan'],
    ['I was approved for the loan and they deposited the money in my bank account, but the deposit was short by half.', 'personal_loan'],
    ['I opened a savings account last year and the bank withdrew money from it without telling me.', 'deposit'],
    ['They closed my bank account and kept my deposit.', 'deposit'],
  ])('%s → %s', (text, expected) => {
    expect(run(text).business).toBe(expected);
  });
});

describe('cause: specific causes over narrative words', () => {
  it.each([
    ['The agency says I owe a medical bill; I asked for validation and proof from the original creditor and they sued me anyway.', 'debt_collection'],
    ['A law firm got a judgment and started a wage garnishment for a time-barred debt.', 'debt_collection'],
    ['I borrowed $500 and have already paid back triple that; the APR is over 300%, this is predatory.', 'fees'],
    ['My account was overdrawn by $3 and they hit me with three NSF items in one day.', 'fees'],
    ['The manager and two agents were polite, but the interest they charged on my loan is double what the agreement says.', 'fees'],
    ['催收公司天天打电话给我的紧急联系人。', 'debt_collection'],
  ])('%s → %s', (text, expected) => {
    expect(run(text).cause).toBe(expected);
  });
});

describe('lexicon hygiene', () => {
  it('does not read English words inside longer words ("app" in "approved", "atm" in "treatment")', () => {
    const c = run('My loan was approved after the treatment plan was accepted.');
    expect(c.channel).not.toBe('mobile_app');
    expect(c.channel).not.toBe('atm');
  });

  it('reads a 95xxx bank hotline as phone banking, not any number with 95 in it', () => {
    expect(run('我打了95588没人接').channel).toBe('phone_banking');
    expect(run('I paid $95 for the appraisal').channel).not.toBe('phone_banking');
  });
});

describe('cause (zh): structure over common words', () => {
  it.each([
    ['逾期以后他们天天给我的联系人打电话，电话轰炸，态度很差。', 'debt_collection'],
    ['平台无故扣款两次，也不说是什么钱，我希望退回。', 'fees'],
    ['当时业务员说利息很低，办了以后才发现每月要还那么多。', 'marketing'],
    ['接到一个推销电话，说可以免息分期，结果全是手续费之外的套路。', 'marketing'],
    ['客服一直推诿，打了十几次电话都不处理。', 'service'],
  ])('%s → %s', (text, expected) => {
    expect(run(text).cause).toBe(expected);
  });
});

describe('cause (zh): the sale, the account after it, the collector', () => {
  it.each([
    // What was said at the sale outweighs the fee words that show what it cost.
    ['办卡的时候工作人员说不收年费，结果第二年还是扣了年费。', 'marketing'],
    ['我以为借的是现金，结果只能用来消费，还要还利息。', 'marketing'],
    // Running the account: a limit cut, a credit record not corrected, a hardship plan refused.
    ['一直按时还款，信用卡突然被降额，额度从两万降到五千，利息照收。', 'service'],
    ['贷款早就结清了，征信未更新，还显示逾期，要求消除逾期记录。', 'service'],
    ['保险公司拒赔，说我的病不在范围内，我交了三年保费。', 'service'],
    // Papers sent with a request are not the complaint.
    ['我提交了住院证明和收入证明申请停息挂账，银行一直不给答复。', 'service'],
    ['逾期后他们给我家里人和亲朋好友打电话，逼我还钱。', 'debt_collection'],
  ])('%s → %s', (text, expected) => {
    expect(run(text).cause).toBe(expected);
  });
});
