import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyByRules, detectFraud, extractAmount, extractCardTail, extractOccurredOn } from '../../../src/cases/classification/index.js';
import { REGIONAL_WORDS, toSimplified } from '../../../src/cases/classification/hant.js';

const ctx = { now: new Date('2026-11-27T02:00:00Z'), timeZone: 'Asia/Shanghai' };

/** Everything the rules decide about a text, to compare a Traditional text with its Simplified twin. */
function decisions(text: string) {
  const c = classifyByRules(text, ctx);
  const f = detectFraud(text);
  return {
    business: c.business,
    cause: c.cause,
    channel: c.channel,
    severity: c.severity,
    flags: c.flags,
    amount: c.amount && { value: c.amount.value, currency: c.amount.currency },
    occurredOn: c.occurredOn,
    cardTail: c.cardTail,
    fraud: f.fraud,
    inProgress: f.inProgress,
  };
}

describe('Traditional Chinese', () => {
  // Our own sentences, each as a customer in Hong Kong or Taiwan writes it and as the mainland does.
  it.each([
    ['我的信用卡被盜刷了五千元', '我的信用卡被盗刷了五千元'],
    ['昨天在網上銀行轉賬失敗，錢也沒退回來', '昨天在网上银行转账失败，钱也没退回来'],
    ['櫃員態度很差，讓我排隊等了兩個小時', '柜员态度很差，让我排队等了两个小时'],
    ['請幫我凍結帳戶，我的手機丟了', '请帮我冻结账户，我的手机丢了'],
    ['上個禮拜三我的儲蓄卡被人盜用了3萬元', '上个礼拜三我的储蓄卡被人盗用了3万元'],
    ['剛剛有人冒充客服讓我把驗證碼告訴他，卡裡的錢就沒了', '刚刚有人冒充客服让我把验证码告诉他，卡里的钱就没了'],
    ['我沒有授權這筆交易，尾號6789的卡上少了兩萬塊', '我没有授权这笔交易，尾号6789的卡上少了两万块'],
    ['信用卡分期的手續費沒有告知，多收了我一千二百元', '信用卡分期的手续费没有告知，多收了我一千二百元'],
    ['催收人員每天打電話給我家人，還威脅我', '催收人员每天打电话给我家人，还威胁我'],
    ['10號那天手機銀行顯示有一筆不明交易，被轉走8000元', '10号那天手机银行显示有一笔不明交易，被转走8000元'],
    ['理財經理當時說保本，結果虧了五萬', '理财经理当时说保本，结果亏了五万'],
    ['三天前我在網上認識一個人，他讓我在投資平臺充值，現在無法提現', '三天前我在网上认识一个人，他让我在投资平台充值，现在无法提现'],
    // Taiwan's and Hong Kong's own words for the same things.
    ['我的帳戶被盜，錢被轉走了兩萬元', '我的账户被盗，钱被转走了两万元'],
    ['昨天網路銀行轉帳失敗，錢卻扣了', '昨天网络银行转账失败，钱却扣了'],
    ['我的提款卡在提款機被盜領了三千元', '我的借记卡在取款机被盗刷了三千元'],
    ['信用咭被人盜刷了5千元，請幫我凍結', '信用卡被人盗刷了5千元，请帮我冻结'],
    ['個資外洩，有人冒用我的名義辦卡', '个人信息泄露，有人冒用我的名义办卡'],
    ['簡訊驗證碼給了自稱客服的人，帳戶裡的錢被轉走', '短信验证码给了自称客服的人，账户里的钱被转走'],
    ['上個禮拜三在櫃檯辦業務，行員態度很差', '上个礼拜三在柜台办业务，柜员态度很差'],
    ['行動銀行登入不了，客服一直不回覆', '手机银行登录不了，客服一直不回复'],
  ])('reads %s as %s', (hant, hans) => {
    expect(decisions(hant)).toEqual(decisions(hans));
  });

  it('grades a Traditional fraud report P1 with the freeze fast path, and reads its amount and date', () => {
    const c = classifyByRules('我的信用卡上個禮拜三被盜刷了五千元，剛剛又被刷了一筆', ctx);
    expect(c).toMatchObject({ business: 'credit_card', cause: 'funds_security', severity: 'P1', occurredOn: '2026-11-18' });
    expect(c.flags).toContain('fraud_in_progress');
    expect(c.amount).toMatchObject({ value: 5000, currency: 'CNY' });
    expect(detectFraud('我的提款卡被盜領了').fraud).toBe(true);
    expect(detectFraud('我的卡沒有被盜刷，只是被吞了').fraud).toBe(false);
  });

  it('reads Traditional numerals, currencies, dates and card tails', () => {
    expect(extractAmount('被騙了兩萬')?.value).toBe(20000);
    expect(extractAmount('損失港幣3萬5')).toMatchObject({ value: 35000, currency: 'HKD' });
    expect(extractAmount('多扣了五百塊')).toMatchObject({ value: 500, currency: 'CNY' });
    expect(extractOccurredOn('上週二轉帳失敗', ctx)).toBe('2026-11-17');
    expect(extractOccurredOn('兩天前', ctx)).toBe('2026-11-25');
    expect(extractOccurredOn('上個月3號', ctx)).toBe('2026-10-03');
    expect(extractCardTail('卡號尾號4321')).toBe('4321');
    expect(extractCardTail('卡號後四位是8765')).toBe('8765');
  });

  it('converts for analysis only: same length, Simplified and English unchanged', () => {
    const hant = '我的信用卡被盜刷了五千元，請幫我凍結帳戶。Card ending 1234!';
    expect(toSimplified(hant)).toBe('我的信用卡被盗刷了五千元，请帮我冻结账户。Card ending 1234!');
    expect(toSimplified(hant)).toHaveLength(hant.length);
    for (const s of ['我的信用卡被盗刷了五千元', '银行员工态度很差', '说了什么', 'The teller was rude']) expect(toSimplified(s)).toBe(s);
    expect(classifyByRules(hant, ctx).amount?.text).toBe('五千元');
  });

  it('replaces each regional word by a mainland word of the same length', () => {
    for (const [pattern, mainland] of REGIONAL_WORDS) expect(pattern.replace(/^\(\?<!.\)/, ''), pattern).toHaveLength(mainland.length);
  });

  // The rules read the converted text, so a Traditional character or a regional word in a
  // pattern could never match: each must be written as the conversion leaves it.
  it.each(['lexicon.ts', 'fraud.ts', 'severity.ts', 'amount.ts', 'date.ts', 'card.ts', 'text.ts'])('writes the patterns of %s as the conversion reads them', (file) => {
    const code = fs
      .readFileSync(new URL(`../../../src/cases/classification/${file}`, import.meta.url), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .split('\n')
      .map((line) => line.replace(/(?:^|\s)\/\/.*$/, ''))
      .filter((line) => /[\u3400-\u9fff]/.test(line));
    expect(code.length).toBeGreaterThan(0);
    for (const line of code) expect(toSimplified(line)).toBe(line);
  });
});
