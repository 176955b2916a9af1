import { describe, expect, it } from 'vitest';
import { classifyByRules, detectFraud } from '../../../src/cases/classification/index.js';

const ctx = { now: new Date('2026-11-29T02:00:00Z'), timeZone: 'Asia/Shanghai' };

describe('fraud detector: advance-fee, safe-account, investment and romance scams', () => {
  it.each([
    ['A buyer paying me through Zelle said my account had to be upgraded to a business account and that I had to send 400 dollars first to receive his payment. I sent it and never got anything.'],
    ['The lender said I had to pay a 300 dollar insurance fee first to get the loan, I paid it and then they asked for another fee'],
    ['They told me to wire 250 upfront to release my refund, and after that they stopped answering'],
    ['I was told I won a prize but had to pay taxes to release my winnings'],
    ['A caller told me to move my savings to a safe account to protect them and I did'],
    ['I met a man on a dating app and I sent him 5000 dollars for his flight'],
    ['The investment platform says I cannot withdraw my profits unless I pay a 20% tax first'],
    ['网贷平台说我银行卡号填错了，资金被冻结，要我先交额度的30%解冻费才能放款，我已经转了6000过去'],
    ['客服说我的贷款卡号填错了，账户被冻结，要交保证金才能解冻'],
    ['贷款平台要我先交2000会员费才能下款，交了以后还是不放款'],
    ['对方说提现之前要先交20%的税，我交了还是提不出来'],
    ['网友介绍我在一个投资平台充值，现在无法提现'],
    ['在网上认识一个男朋友，他让我在投资平台充值，已经转了五万'],
    ['对方让我交钱刷流水，说成功后一起退回'],
  ])('%s → fraud (P1)', (text) => {
    expect(detectFraud(text).fraud).toBe(true);
    expect(classifyByRules(text, ctx).severity).toBe('P1');
  });

  it.each([
    ['The bank charged a 30 yuan fee to unfreeze my account'],
    ['I paid a deposit for the loan as the contract says and want it back'],
    ['I had to pay the arrangement fee upfront to get the mortgage and it was too high'],
    ['I had to pay an origination fee before the loan was released, I want it refunded'],
    ['I moved my savings to a high interest account at another bank'],
    ['银行收了我30元解冻费，我觉得不合理'],
    ['我按合同交了贷款保证金，现在要求退还'],
    ['转账时卡号填错了，钱转到别人账户了'],
    ['贷款要先交首付才能放款，首付比例太高了'],
    ['银行要我先交材料才能放款，拖了一个月'],
    ['理财产品到期后无法提现，银行说要等三天'],
  ])('a fee, a deposit or a delay the customer disputes is not fraud: %s', (text) => {
    expect(detectFraud(text).fraud).toBe(false);
    expect(classifyByRules(text, ctx).severity).not.toBe('P1');
  });
});

describe('fraud detector: 丢失, 遗失 and 假冒 name a loss only with what was lost', () => {
  it.each([['我的银行卡丢失了'], ['钱包遗失，里面有两张信用卡'], ['昨天丢失了手机和身份证'], ['有人假冒银行给我打电话要验证码'], ['对方是假冒的客服']])(
    '%s → fraud (P1)',
    (text) => {
      expect(detectFraud(text).fraud).toBe(true);
      expect(classifyByRules(text, ctx).severity).toBe('P1');
    },
  );

  it.each([['催收打电话到单位，害得我工作丢失'], ['银行说我的申请资料遗失了，要重新提交'], ['网点卖的理财赠品是假冒伪劣产品']])(
    '%s → not fraud',
    (text) => {
      expect(detectFraud(text).fraud).toBe(false);
    },
  );
});
