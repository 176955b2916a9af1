import { describe, expect, it } from 'vitest';
import { extractAmount, extractCardTail, extractOccurredOn, parseChineseNumber } from '../../../src/cases/classification/index.js';

describe('extractAmount', () => {
  it.each([
    ['被骗了两万', 20000, null],
    ['扣了我5千', 5000, null],
    ['损失1.5万元', 15000, 'CNY'],
    ['一共3万5', 35000, null],
    ['手续费¥300', 300, 'CNY'],
    ['多扣了500块', 500, 'CNY'],
    ['一万二千元', 12000, 'CNY'],
    ['人民币5000元', 5000, 'CNY'],
    ['they took $1,200.50 from me', 1200.5, 'USD'],
    ['a charge of {$100.00} appeared', 100, 'USD'],
    ['USD 500 went missing', 500, 'USD'],
    ['I lost 5k last week', 5000, null],
    ['about 200 dollars', 200, 'USD'],
  ])('%s → %d', (text, value, currency) => {
    const a = extractAmount(text);
    expect(a?.value).toBe(value);
    expect(a?.currency).toBe(currency);
  });

  it.each([['万一卡丢了怎么办'], ['千万不要相信'], ['我2026年3月5日去的'], ['call 13812345678'], ['the teller was rude']])(
    'finds no money in %s',
    (text) => {
      expect(extractAmount(text)).toBeNull();
    },
  );

  it.each([
    ['someone just stole 5000 from my card', 5000],
    ['someone just took 5,000 from my card', 5000],
    ['they charged me 300.', 300],
    ['withdrew 200 at the atm and I never did that', 200],
    ['被转走5000', 5000],
    ['刚才被盗刷了3000多', 3000],
    ['他们扣了我300', 300],
  ])('reads a bare number next to a money verb in %s', (text, value) => {
    const a = extractAmount(text);
    expect(a?.value).toBe(value);
    expect(a?.currency).toBeNull();
  });

  it.each([
    ['they took 3 cards from my wallet'],
    ['I paid 2 times for the same thing'],
    ['charged my card ending 1234'],
    ['stole 12/05 from the calendar'],
    ['扣了3笔'],
    ['转走5月的工资卡'],
    ['被转走了，客服电话13812345678'],
  ])('does not read a count, a card tail, a date or a phone number as money in %s', (text) => {
    expect(extractAmount(text)).toBeNull();
  });

  it('takes the largest sum when several are named', () => {
    expect(extractAmount('fee of $35 on a $12,000 transfer')?.value).toBe(12000);
  });

  it.each([
    ['两万', 20000],
    ['十二', 12],
    ['一百零五', 105],
    ['三千五', 3500],
    ['十万', 100000],
  ])('parses the Chinese numeral %s', (s, n) => {
    expect(parseChineseNumber(s)).toBe(n);
  });
});

describe('extractOccurredOn', () => {
  // 2026-11-27 10:00 in Shanghai, a Friday.
  const ctx = { now: new Date('2026-11-27T02:00:00Z'), timeZone: 'Asia/Shanghai' };
  it.each([
    ['我昨天在ATM取钱', '2026-11-26'],
    ['上周二卡被盗刷了', '2026-11-17'],
    ['2026年3月5日发生的', '2026-03-05'],
    ['三天前被骗', '2026-11-24'],
    ['12月1日扣了我年费', '2025-12-01'],
    ['It happened last Tuesday', '2026-11-24'],
    ['charged on 03/05 for $50', '2026-03-05'],
    ['yesterday at 11pm', '2026-11-26'],
  ])('%s → %s', (text, iso) => {
    expect(extractOccurredOn(text, ctx)).toBe(iso);
  });

  it.each([
    // Friday 2026-11-27: a weekday alone is the last such day, today included.
    ['星期一卡被盗刷了', '2026-11-23', ctx],
    ['on Monday my card was charged twice', '2026-11-23', ctx],
    ['周日在网点排了两个小时', '2026-11-22', ctx],
    ['Saturday the app would not let me log in', '2026-11-21', ctx],
    ['星期五转账失败', '2026-11-27', ctx],
    // Sunday 2026-11-29: chrono takes "Monday" as tomorrow; it was six days ago, not a year.
    ['星期一卡被盗刷了', '2026-11-23', { ...ctx, now: new Date('2026-11-29T02:00:00Z') }],
    ['on Wednesday my card was charged', '2026-11-25', { ...ctx, now: new Date('2026-11-29T02:00:00Z') }],
    ['这周三扣了一笔钱', '2026-11-25', { ...ctx, now: new Date('2026-11-29T02:00:00Z') }],
    ['本周一开始无法登录', '2026-11-23', { ...ctx, now: new Date('2026-11-29T02:00:00Z') }],
  ])('a weekday alone: %s → %s', (text, iso, at) => {
    expect(extractOccurredOn(text, at)).toBe(iso);
  });

  it('ignores CFPB redactions and texts without dates', () => {
    expect(extractOccurredOn('On XX/XX/XXXX I called them', ctx)).toBeNull();
    expect(extractOccurredOn('the teller was rude', ctx)).toBeNull();
  });

  it('reads relative dates in the bank time zone', () => {
    // 02:00 UTC is still the 26th in New York.
    expect(extractOccurredOn('yesterday', { ...ctx, timeZone: 'America/New_York' })).toBe('2026-11-25');
  });
});

describe('extractCardTail', () => {
  it.each([
    ['尾号1234的卡', '1234'],
    ['卡号后四位是5678', '5678'],
    ['my card ending in 4321', '4321'],
    ['XXXX-XXXX-XXXX-9876 was charged', '9876'],
    ['card 6222 0212 3456 7890', '7890'],
  ])('%s → %s', (text, tail) => {
    expect(extractCardTail(text)).toBe(tail);
  });

  it('does not take a Chinese ID number for a card', () => {
    expect(extractCardTail('身份证号11010519491231002X')).toBeNull();
  });
});
