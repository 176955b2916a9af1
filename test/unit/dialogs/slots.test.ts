import { describe, expect, it } from 'vitest';
import { extractAmount } from '../../../src/cases/classification/amount.js';
import { extractOccurredOn } from '../../../src/cases/classification/date.js';
import type { DialogDeps } from '../../../src/dialogs/deps.js';
import { SLOTS, desiredResolutionFor } from '../../../src/dialogs/slots.js';

// What the slot parsers use of the dialog's dependencies; Friday 2026-11-27 10:00 in Shanghai.
const deps = { now: new Date('2026-11-27T02:00:00Z'), bank: { timeZone: 'Asia/Shanghai' }, extractAmount, extractOccurredOn } as unknown as DialogDeps;
const answer = (slot: keyof typeof SLOTS, text: string) => SLOTS[slot].parse({ text } as never, deps);

describe('slot answers', () => {
  it.each(["I can't remember", "don't remember", 'I really have no idea', '忘记了', '不太记得了', '想不起来了'])('takes %s as an unknown date', (text) => {
    expect(answer('occurredOn', text)).toEqual({ ok: true, patch: { occurredOn: null } });
  });

  it.each(['tomorrow', '明天', 'next week'])('says %s is in the future rather than unreadable', (text) => {
    expect(answer('occurredOn', text)).toEqual({ ok: false, reason: 'invalid_occurredOn_future' });
  });

  it.each([
    ['sometime in October', '2026-10'],
    ['last month', '2026-10'],
    ['十月份', '2026-10'],
    ['上个月', '2026-10'],
    ['2026-10', '2026-10'],
    ['10/2026', '2026-10'],
  ])('takes %s as the month %s, not as a day of it', (text, month) => {
    expect(answer('occurredOn', text)).toEqual({ ok: true, patch: { occurredOn: month } });
  });

  it.each(['December 2026', '2026年12月', '2026-12'])('says the month %s is in the future', (text) => {
    expect(answer('occurredOn', text)).toEqual({ ok: false, reason: 'invalid_occurredOn_future' });
  });

  it.each(['a few weeks ago', '半个月前', 'a while ago', '前段时间'])('asks once more after %s, and takes it the second time as not sure', (text) => {
    expect(answer('occurredOn', text)).toEqual({ ok: false, reason: 'invalid_occurredOn_vague' });
    expect(SLOTS.occurredOn.parse({ text } as never, deps, { failures: 1 })).toEqual({ ok: true, patch: { occurredOn: null } });
  });

  it.each(['last week', '上周', '上星期', '上个礼拜', 'earlier this week', '这周早些时候', 'last weekend', '上周末', '上周一直没收到'])(
    'asks which day after %s, and takes a second answer without one as not sure',
    (text) => {
      expect(answer('occurredOn', text)).toEqual({ ok: false, reason: 'invalid_occurredOn_week' });
      expect(SLOTS.occurredOn.parse({ text } as never, deps, { failures: 1 })).toEqual({ ok: true, patch: { occurredOn: null } });
    },
  );

  it.each([
    ['Tuesday last week', '2026-11-17'],
    ['上周二', '2026-11-17'],
    ['Sunday last week', '2026-11-22'],
    ['上周日', '2026-11-22'],
    ['上星期天', '2026-11-22'],
    ['上上周二', '2026-11-10'],
    ['上上个礼拜天', '2026-11-15'],
  ])('takes the day of last week, or of the week before, %s', (text, iso) => {
    expect(answer('occurredOn', text)).toEqual({ ok: true, patch: { occurredOn: iso } });
  });

  it('keeps refusing an answer with no time in it', () => {
    expect(SLOTS.occurredOn.parse({ text: 'the ATM' } as never, deps, { failures: 2 })).toEqual({ ok: false, reason: 'invalid_occurredOn' });
  });

  it.each(["I don't know", 'not sure', 'no money lost', '不知道', '不清楚', '没有损失'])('takes %s as no amount', (text) => {
    expect(answer('amount', text)).toEqual({ ok: true, patch: { amount: null, currency: null } });
  });

  it.each([
    ['CN', '13800138000'],
    ['CN', '138 0013 8000'],
    ['CN', '１３８００１３８０００'],
    ['CN', '010-65123456'],
    ['CN', '+86 138 0013 8000'],
    ['GB', '07700 900123'],
    ['US', '(415) 555-2671'],
    ['US', '4155552671'],
  ] as const)('refuses a phone number typed as the amount at a %s bank (%s) instead of taking billions', (country, text) => {
    const bank = { ...deps, bank: { ...deps.bank, country } } as DialogDeps;
    expect(SLOTS.amount.parse({ text } as never, bank)).toEqual({ ok: false, reason: 'invalid_amount_phone' });
  });

  it.each([
    ['CN', '2500000', 2500000],
    ['CN', '12345678', 12345678],
    ['CN', '1 000 000', 1000000],
    ['CN', '13800138000元', 13800138000],
    ['GB', '2000000000', 2000000000],
    ['US', '1000000000', 1000000000],
  ] as const)('still takes a large amount written plainly at a %s bank (%s)', (country, text, amount) => {
    const bank = { ...deps, bank: { ...deps.bank, country } } as DialogDeps;
    expect(SLOTS.amount.parse({ text } as never, bank)).toMatchObject({ ok: true, patch: { amount } });
  });

  it('reads Hong Kong dollars as HKD, not US dollars', () => {
    expect(answer('amount', 'HK$2000')).toEqual({ ok: true, patch: { amount: 2000, currency: 'HKD' } });
    expect(answer('amount', '2000港币')).toEqual({ ok: true, patch: { amount: 2000, currency: 'HKD' } });
    expect(answer('amount', '港币300')).toEqual({ ok: true, patch: { amount: 300, currency: 'HKD' } });
  });

  it.each([
    ['My name is Alice Wong.', 'Alice Wong'],
    ['Name: Alice', 'Alice'],
    ['我的名字是张伟', '张伟'],
    ['叫我小王就行', '小王'],
    ["Dr. O'Brien", "Dr. O'Brien"],
  ])('takes the name out of %s', (text, name) => {
    expect(answer('name', text)).toEqual({ ok: true, patch: { name } });
  });

  it.each(['I want to talk to a person', 'Can you speak English?', 'why do you need my name?', 'no', '👍', '为什么要名字'])('does not take %s as a name', (text) => {
    expect(answer('name', text)).toEqual({ ok: false, reason: 'invalid_name' });
  });

  it.each([
    ['call me', 'invalid_phone'],
    ['I would rather not say', 'invalid_phone'],
    ['12345', 'invalid_phone_length'],
    ['138 0013 800', 'invalid_phone_length'],
  ])('refuses %s as a phone number and says why (%s), with an example', (text, reason) => {
    expect(answer('phone', text)).toEqual({ ok: false, reason, vars: { example: '13812345678' } });
  });

  it("gives an example of the bank's own country when it refuses a phone number", () => {
    const us = { ...deps, bank: { ...deps.bank, country: 'US' } } as DialogDeps;
    expect(SLOTS.phone.parse({ text: '555-2671' } as never, us)).toEqual({ ok: false, reason: 'invalid_phone_length', vars: { example: '(415) 555-2671' } });
    expect(SLOTS.phone.parse({ text: '(415) 555-2671' } as never, us)).toEqual({ ok: true, patch: { phone: '+14155552671' } });
  });

  it.each([
    ['checking account', 'deposit'],
    ['my savings account', 'deposit'],
    ['储蓄卡', 'debit_card'],
    ['网贷', 'personal_loan'],
    ['房贷', 'personal_loan'],
    ['car loan', 'personal_loan'],
    ['支付宝转账', 'payment'],
    ['the ATM', 'cash'],
    ['征信', 'personal_info'],
    ['my credit report', 'personal_info'],
    ['保险', 'wealth'],
  ] as const)('takes the product typed in a customer\'s own words, "%s", as %s', (text, business) => {
    expect(answer('business', text)).toEqual({ ok: true, patch: { business } });
  });

  it.each(['银行卡', 'a refund', 'debt collection'])('does not guess a product from "%s", which names none', (text) => {
    expect(answer('business', text)).toEqual({ ok: false, reason: 'invalid_business' });
  });

  it.each([
    ['五百', 500, undefined],
    ['三百五', 350, undefined],
    ['八百多', 800, 'over'],
    ['大概九十', 90, 'about'],
  ] as const)('takes a Chinese numeral alone, "%s", as the amount %d (%s)', (text, amount, amountApprox) => {
    expect(answer('amount', text)).toEqual({ ok: true, patch: { amount, currency: null, amountApprox } });
  });

  it.each(['万一', '千万'])('does not take the word "%s" as an amount', (text) => {
    expect(answer('amount', text)).toEqual({ ok: false, reason: 'invalid_amount' });
  });

  it.each(['5', '1', '3'])('does not take a bare number (%s) as a product: no channel shows the products numbered', (text) => {
    expect(answer('business', text)).toEqual({ ok: false, reason: 'invalid_business' });
  });

  it("reads a resolution button back in the customer's language", () => {
    const stored = SLOTS.desiredResolution.parse({ action: 'resolution:refund' } as never, deps);
    expect(stored).toEqual({ ok: true, patch: { desiredResolution: 'Refund / 退款' } });
    expect(desiredResolutionFor('zh', 'Refund / 退款')).toBe('退款');
    expect(desiredResolutionFor('en', 'Refund / 退款')).toBe('Refund');
    expect(desiredResolutionFor('en', 'Waive the fee')).toBe('Waive the fee');
  });
});
