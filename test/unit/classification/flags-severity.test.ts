import { describe, expect, it } from 'vitest';
import { classifyByRules, detectFraud } from '../../../src/cases/classification/index.js';

const ctx = { now: new Date('2026-11-27T02:00:00Z'), timeZone: 'Asia/Shanghai' };
const run = (text: string, repeat = false) => classifyByRules(text, { ...ctx, repeat });

describe('flags', () => {
  it.each([
    ['我是退休老人，银行多扣了我的钱', 'vulnerable'],
    ["I'm disabled and on a fixed income, and you charged me a fee", 'vulnerable'],
    ['再不解决我就打12378投诉', 'regulator_threat'],
    ['I will file a complaint with the CFPB', 'regulator_threat'],
    ['我要找媒体曝光你们', 'media_threat'],
    ['I will take this to the news and social media', 'media_threat'],
    ['我会请律师起诉银行', 'litigation_threat'],
    ['I am going to sue the bank', 'litigation_threat'],
    ['这是我第三次投诉了', 'repeat'],
    ['This is the third time I complain about this', 'repeat'],
    ['很多人都被扣了这笔费用', 'group'],
    ['Many other customers have the same problem', 'group'],
    ['刚刚有人盗刷了我的卡', 'fraud_in_progress'],
    ['Someone is using my card right now!', 'fraud_in_progress'],
  ])('%s → %s', (text, flag) => {
    expect(run(text).flags).toContain(flag);
  });

  it.each([
    ['the teller was rude', 'vulnerable'],
    ['I called the attorney general? no, I just want a refund', 'litigation_threat'],
    ['我的卡上个月被盗刷过，已经处理完了', 'fraud_in_progress'],
  ])('%s does not raise %s', (text, flag) => {
    expect(run(text).flags).not.toContain(flag);
  });

  it('takes repeat from the context as well as from the text', () => {
    const c = run('the teller was rude', true);
    expect(c.flags).toContain('repeat');
    expect(c.severity).toBe('P2');
  });
});

describe('severity (DESIGN.md)', () => {
  it.each([
    ['someone just took 5,000 from my card', 'P1'],
    ['我的银行卡丢了', 'P1'],
    ['有人冒充客服骗走了我两万块', 'P1'],
    ['My account was hacked', 'P1'],
    ['催收说要上门打我，威胁我的人身安全', 'P1'],
    ['third time I complain, I will call 12378', 'P2'],
    ['转账失败，3万元到现在没到账', 'P2'],
    ['我母亲80岁了，银行多扣了她200元', 'P2'],
    ['charged a 50 yuan fee I never agreed to', 'P3'],
    ['我的账户被冻结了，无法转账', 'P3'],
    ['the teller was rude', 'P4'],
    ['大厅排队太久，建议多开窗口', 'P4'],
  ])('%s → %s', (text, severity) => {
    const c = run(text);
    expect(c.severity).toBe(severity);
    expect(c.reasons.some((r) => r.startsWith(`severity ${severity}`))).toBe(true);
  });
});

describe('fraud detector: negation and hedges', () => {
  it.each([
    ['this is not fraud, just a fee question'],
    ['the charge was not unauthorized, I made it'],
    ['我的卡没有被盗，只是想问手续费'],
    ['不是诈骗，是系统扣错了钱'],
  ])('ignores the negated mention in %s', (text) => {
    expect(detectFraud(text).fraud).toBe(false);
    expect(classifyByRules(text, ctx).severity).not.toBe('P1');
  });

  it.each([['I think my card was stolen'], ['我是不是被骗了'], ['maybe someone used my card']])(
    'keeps the hedged mention in %s (a missed fraud costs more than a false alarm)',
    (text) => {
      const f = detectFraud(text);
      expect(f.fraud).toBe(true);
      expect(f.reasons.join(' ')).toMatch(/fraud/);
    },
  );

  it('is the same detector the severity uses', () => {
    for (const text of ['我的卡被盗刷了', 'the teller was rude', 'There is a payment I did not make']) {
      expect(detectFraud(text).fraud).toBe(classifyByRules(text, ctx).severity === 'P1');
    }
  });
});
