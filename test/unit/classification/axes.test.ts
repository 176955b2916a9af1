import { describe, expect, it } from 'vitest';
import { classifyByRules } from '../../../src/cases/classification/index.js';

const ctx = { now: new Date('2026-11-27T02:00:00Z'), timeZone: 'Asia/Shanghai' };
const run = (text: string) => classifyByRules(text, ctx);

describe('business', () => {
  it.each([
    ['我的信用卡被多收了年费', 'credit_card'],
    ['My credit card statement shows an annual fee twice', 'credit_card'],
    ['借记卡在柜台办理挂失很麻烦', 'debit_card'],
    ['my debit card was declined at the shop', 'debit_card'],
    ['定期存款到期了却取不出来', 'deposit'],
    ['They closed my checking account without notice', 'deposit'],
    ['房贷利率一直没有下调', 'personal_loan'],
    ['My mortgage servicer lost my loan modification paperwork', 'personal_loan'],
    ['跨行转账三天了还没到账', 'payment'],
    ['The wire transfer I sent never reached the recipient', 'payment'],
    ['网点不收残币，也不给兑换', 'cash'],
    ['我的征信报告上有一笔不是我的逾期记录', 'personal_info'],
    ['Equifax keeps an old account on my credit report', 'personal_info'],
    ['理财经理推荐的基金亏了很多', 'wealth'],
    ['The exchange rate you used for my foreign currency purchase was wrong', 'forex'],
    ['你们银行的外汇结汇太慢', 'forex'],
  ])('%s → %s', (text, expected) => {
    expect(run(text).business).toBe(expected);
  });
});

describe('cause', () => {
  it.each([
    ['客服态度很差，还挂我电话', 'service'],
    ['The representative was rude and hung up on me', 'service'],
    ['手机银行一直闪退，无法登录', 'facilities'],
    ['The ATM was out of order and kept my card', 'facilities'],
    ['业务员推销保险时虚假宣传', 'marketing'],
    ['The promotional offer they advertised was misleading', 'marketing'],
    ['They never disclosed the penalty before I signed', 'disclosure'],
    ['扣了手续费却没有任何说明，收费太高', 'fees'],
    ['I was charged an overdraft fee of $35', 'fees'],
    ['合同条款里写的提前还款违约金不合理', 'contract'],
    ['催收每天打电话骚扰我的家人和同事', 'debt_collection'],
    ['A debt collector keeps calling my work about a debt', 'debt_collection'],
    ['我的卡被盗刷了', 'funds_security'],
    ['Someone used my card without my permission', 'funds_security'],
    ['银行泄露了我的个人信息', 'info_security'],
    ['理财产品收益远低于预期收益', 'returns'],
    ['办贷款被强制购买保险', 'choice'],
  ])('%s → %s', (text, expected) => {
    expect(run(text).cause).toBe(expected);
  });
});

describe('channel', () => {
  it.each([
    ['在支行柜台排队两个小时', 'branch'],
    ['The teller at the branch was rude', 'branch'],
    ['ATM吞卡了', 'atm'],
    ['the atm took my card', 'atm'],
    ['网银转账失败', 'online_banking'],
    ['your online banking website is down', 'online_banking'],
    ['手机银行转账失败', 'mobile_app'],
    ['the app shows a payment I did not make', 'mobile_app'],
    ['打客服热线一直没人接', 'phone_banking'],
    ['I called customer service three times', 'phone_banking'],
    ['支付宝绑定的卡被扣款', 'third_party'],
    ['a third-party merchant charged me twice', 'third_party'],
    ['我有意见', 'other'],
  ])('%s → %s', (text, expected) => {
    expect(run(text).channel).toBe(expected);
  });
});

describe('mixed language', () => {
  it('reads a message that switches between Chinese and English', () => {
    const c = run('我的credit card被人盗刷了 $500, please freeze it');
    expect(c.business).toBe('credit_card');
    expect(c.cause).toBe('funds_security');
    expect(c.severity).toBe('P1');
    expect(c.amount?.value).toBe(500);
  });
});

describe('reasons and confidence', () => {
  it('lists the words that decided each axis', () => {
    const c = run('The teller was rude');
    expect(c.reasons.some((r) => r.startsWith('cause:service') && r.includes('rude'))).toBe(true);
    expect(c.reasons.some((r) => r.startsWith('severity P4'))).toBe(true);
    expect(c.source).toBe('rules');
  });

  it('has zero confidence when nothing matched', () => {
    const c = run('hello');
    expect(c.business).toBe('other');
    expect(c.confidence.business).toBe(0);
  });

  it('is deterministic', () => {
    const text = '上周二我的借记卡在ATM被吞了，里面有3万块';
    expect(run(text)).toEqual(run(text));
  });
});
