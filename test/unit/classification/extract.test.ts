import { describe, expect, it } from 'vitest';
import { extractAmount, extractCardTail, extractOccurredOn, parseChineseNumber } from '../../../src/cases/classification/index.js';
import { addCivilDays } from '../../../src/cases/clocks/zoned-time.js';

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
    ['they charged me 50€ twice', 50, 'EUR'],
    ['I lost 1,200$ yesterday', 1200, 'USD'],
    ['a fee of 35 $ every month', 35, 'USD'],
    ['200£ went missing', 200, 'GBP'],
  ])('%s → %d', (text, value, currency) => {
    const a = extractAmount(text);
    expect(a?.value).toBe(value);
    expect(a?.currency).toBe(currency);
  });

  it.each([['万一卡丢了怎么办'], ['千万不要相信'], ['我2026年3月5日去的'], ['call 13812345678'], ['the teller was rude'], ['error code A1$ on screen']])(
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
    ['礼拜日在网点排了两个小时', '2026-11-22', ctx],
    ['Saturday the app would not let me log in', '2026-11-21', ctx],
    ['星期五转账失败', '2026-11-27', ctx],
    ['last Friday I transferred 5000 yuan', '2026-11-20', ctx], // said on a Friday: a week ago
    ['上周五转账失败', '2026-11-20', ctx],
    // Sunday 2026-11-29: chrono takes "Monday" as tomorrow; it was six days ago, not a year.
    ['星期一卡被盗刷了', '2026-11-23', { ...ctx, now: new Date('2026-11-29T02:00:00Z') }],
    ['on Wednesday my card was charged', '2026-11-25', { ...ctx, now: new Date('2026-11-29T02:00:00Z') }],
    ['这周三扣了一笔钱', '2026-11-25', { ...ctx, now: new Date('2026-11-29T02:00:00Z') }],
    ['本周一开始无法登录', '2026-11-23', { ...ctx, now: new Date('2026-11-29T02:00:00Z') }],
    ['这个礼拜日卡被吞了', '2026-11-29', { ...ctx, now: new Date('2026-11-29T02:00:00Z') }],
  ])('a weekday alone: %s → %s', (text, iso, at) => {
    expect(extractOccurredOn(text, at)).toBe(iso);
  });

  it.each([
    // Friday 2026-11-27 in Shanghai.
    ['周一晚上卡被盗刷了', '2026-11-23'], // chrono gives today's date to a weekday with a time of day
    ['上周一晚上收到诈骗电话', '2026-11-16'],
    ['Monday night someone used my card', '2026-11-23'],
    ['上个月10号在ATM取款吞卡', '2026-10-10'],
    ['本月3号转账到现在没到账', '2026-11-03'],
    ['上月31号被扣了年费', '2026-10-31'],
    ['我10号下午在柜台办业务', '2026-11-10'],
    ['25号晚上收到短信说卡被冻结', '2026-11-25'],
    ['it was declined on the 28th', '2026-10-28'], // the 28th has not come yet this month
    ['charged twice on the 3rd of this month', '2026-11-03'],
    ['they took the fee on the 30th of last month', '2026-10-30'],
    ['2026.11.10在网点办的', '2026-11-10'],
    ['it happened two days ago', '2026-11-25'],
    ['about a week ago the app stopped working', '2026-11-20'],
    ['this morning the ATM kept my card', '2026-11-27'],
    ['I was charged just now', '2026-11-27'],
    ['刚才被盗刷了3000', '2026-11-27'],
    ['3小时前收到验证码', '2026-11-27'],
    ['2023 年 4 月 23 日我联系了客服', '2023-04-23'],
    ['三月十三日凌晨被扣钱', '2026-03-13'],
    // The first date named wins, as before chrono's: not the later 本月15号.
    ['12月9日买的电影票，本月15号才退款', '2025-12-09'],
  ])('%s → %s', (text, iso) => {
    expect(extractOccurredOn(text, ctx)).toBe(iso);
  });

  it.each([
    ['3号柜台的工作人员态度很差'],
    ['每月10号自动还款失败'],
    ['10号线地铁站的ATM坏了'],
    ['the 3rd time I called nobody answered'],
    ['转账11.10元没到账'],
    ['2026.12.10到期的理财'],
    ['I pay my bill on the 2nd of every month'],
    ['市场刚刚恢复，逾期了几天'],
    ['两个星期一直没到账'],
    ['最近几周一直被扣费'],
  ])('finds no date in %s', (text) => {
    expect(extractOccurredOn(text, ctx)).toBeNull();
  });

  it.each([
    ['10号', '2026-11-10'],
    ['十五号', '2026-11-15'],
    ['30号', '2026-10-30'], // the 30th of this month is still to come
    ['31号', '2026-10-31'],
    ['the 10th', '2026-11-10'],
    ['I think it was the 5th', '2026-11-05'],
    ['11.10', '2026-11-10'],
    ['12-1', '2025-12-01'],
  ])('reads a bare day as an answer to "when": %s → %s', (text, iso) => {
    expect(extractOccurredOn(text, ctx)).toBeNull(); // not in a complaint's free text
    expect(extractOccurredOn(text, ctx, { answer: true })).toBe(iso);
  });

  it.each([
    ['my card was charged twice last week'],
    ['上周卡被扣了两次'],
    ['上星期卡被扣了两次'],
    ['上个礼拜卡被扣了两次'],
    ['the app failed over the past week'],
    ['someone used my card last weekend'],
    ['上周末有人盗刷了我的卡'],
    ['it started the week before last'],
    ['上周一直打不通客服电话'], // 一直 is "all along", not 周一
    ['我上个礼拜一直在等退款'],
    ['这周一直在催'],
  ])('names no day for a week without its day, in either language: %s', (text) => {
    expect(extractOccurredOn(text, ctx)).toBeNull();
    expect(extractOccurredOn(text, ctx, { answer: true, months: true })).toBeNull();
  });

  it.each([
    ['借款周日是54期，每期多扣了200元'], // a mistyped 周期, the loan's term
    ['每周一次自动扣款，这个月扣错了'],
    ['一周三次扣了手续费'],
    ['上周日均余额不够被扣了管理费'], // 日均: last week's daily average
    ['每周日都扣我的款'],
    ['每个星期天扣一次款'],
    ['they charge me a fee every Monday'],
    ['the fee comes out of my account each Sunday'],
  ])('names no day for a weekday inside a larger word, or a standing one: %s', (text) => {
    expect(extractOccurredOn(text, ctx)).toBeNull();
  });

  it.each([
    ['卡周日被吞了', '2026-11-22'],
    ['周日是我生日，那天卡被盗刷', '2026-11-22'],
    ['my card was swallowed on Sunday', '2026-11-22'],
  ])('still reads a weekday said as the day it happened: %s → %s', (text, iso) => {
    expect(extractOccurredOn(text, ctx)).toBe(iso);
  });

  it.each([
    // Friday 2026-11-27: last week ran from Monday 16 to Sunday 22, as 上周 does.
    ['Tuesday last week my card was charged twice', '2026-11-17'],
    ['last week on Tuesday my card was charged twice', '2026-11-17'],
    ['last week, Tuesday, the ATM kept my card', '2026-11-17'],
    ['上周二卡被扣了两次', '2026-11-17'],
    ['on Monday of last week they froze my account', '2026-11-16'],
    ['上星期一直接扣了我500', '2026-11-16'], // 直接 is "directly": this is 上星期一
    ['last Tuesday my card was charged twice', '2026-11-24'], // the latest Tuesday, this week's
  ])('reads a weekday of last week as that day: %s → %s', (text, iso) => {
    expect(extractOccurredOn(text, ctx)).toBe(iso);
  });

  // Monday 2026-11-23 to Sunday 2026-11-29, each at 00:30 (still the day before in UTC) and at
  // 12:00 in Shanghai: last week is Monday 16 to Sunday 22 whichever day it is said on.
  const wholeWeek = [23, 24, 25, 26, 27, 28, 29].flatMap((d) => [
    new Date(Date.UTC(2026, 10, d - 1, 16, 30)),
    new Date(Date.UTC(2026, 10, d, 4)),
  ]);
  const lastWeek = [
    ['一', 'Monday', '2026-11-16'],
    ['二', 'Tuesday', '2026-11-17'],
    ['三', 'Wednesday', '2026-11-18'],
    ['四', 'Thursday', '2026-11-19'],
    ['五', 'Friday', '2026-11-20'],
    ['六', 'Saturday', '2026-11-21'],
    ['日', 'Sunday', '2026-11-22'],
    ['天', 'Sunday', '2026-11-22'],
  ] as const;
  it.each(['上周', '上星期', '上个星期', '上礼拜', '上个礼拜'])(
    'reads %s and every day of the week as that day of last week, weeks from Monday as in English, on every day',
    (week) => {
      for (const now of wholeWeek) {
        for (const [zh, en, iso] of lastWeek) {
          const at = { now, timeZone: 'Asia/Shanghai' };
          expect(extractOccurredOn(`${week}${zh}卡被盗刷了`, at), `${week}${zh} at ${now.toISOString()}`).toBe(iso);
          expect(extractOccurredOn(`${en} last week my card was stolen`, at), `${en} at ${now.toISOString()}`).toBe(iso);
        }
      }
    },
  );

  it.each(['上上周', '上上星期', '上上个星期', '上上礼拜', '上上个礼拜'])(
    'reads %s and every day of the week as that day of the week before last, on every day',
    (week) => {
      for (const now of wholeWeek) {
        for (const [zh, , iso] of lastWeek) {
          const at = { now, timeZone: 'Asia/Shanghai' };
          expect(extractOccurredOn(`${week}${zh}卡被盗刷了`, at), `${week}${zh} at ${now.toISOString()}`).toBe(addCivilDays(iso, -7));
        }
      }
    },
  );

  it.each([
    ['money disappeared from my account last night', '2026-11-26'],
    ['昨晚卡里的钱不见了', '2026-11-26'],
    ['the day before yesterday my transfer failed', '2026-11-25'],
    ['前天转账失败', '2026-11-25'],
  ])('reads %s as %s like its other-language twin, at any hour of the bank\'s day', (text, iso) => {
    // Friday 2026-11-27 in Shanghai at 00:30, 03:00, 10:00 and 23:00.
    for (const utc of ['2026-11-26T16:30:00Z', '2026-11-26T19:00:00Z', '2026-11-27T02:00:00Z', '2026-11-27T15:00:00Z']) {
      expect(extractOccurredOn(text, { now: new Date(utc), timeZone: 'Asia/Shanghai' }), utc).toBe(iso);
    }
  });

  it('ignores CFPB redactions and texts without dates', () => {
    expect(extractOccurredOn('On XX/XX/XXXX I called them', ctx)).toBeNull();
    expect(extractOccurredOn('the teller was rude', ctx)).toBeNull();
  });

  it('reads relative dates in the bank time zone', () => {
    // 02:00 UTC is still the 26th in New York.
    expect(extractOccurredOn('yesterday', { ...ctx, timeZone: 'America/New_York' })).toBe('2026-11-25');
  });

  // Friday 2026-11-27 00:30 and 07:30 in Shanghai (still the 26th in UTC), and Thursday
  // 2026-11-26 21:00 in New York (already the 27th in UTC): the bank's day, in both languages.
  const shanghaiAt = (utc: string) => ({ now: new Date(utc), timeZone: 'Asia/Shanghai' });
  it.each([
    ['昨天我的卡被盗刷了', '2026-11-26'],
    ['yesterday my card was stolen', '2026-11-26'],
    ['今天早上ATM吞了我的卡', '2026-11-27'],
    ['this morning the ATM kept my card', '2026-11-27'],
    ['前天转账失败', '2026-11-25'],
    ['昨晚收到诈骗电话', '2026-11-26'],
    ['今天', '2026-11-27'],
  ])('reads %s in the bank time zone near midnight → %s', (text, iso) => {
    expect(extractOccurredOn(text, shanghaiAt('2026-11-26T16:30:00Z'))).toBe(iso);
    expect(extractOccurredOn(text, shanghaiAt('2026-11-26T23:30:00Z'))).toBe(iso);
    const newYork = { now: new Date('2026-11-28T02:00:00Z'), timeZone: 'America/New_York' };
    expect(extractOccurredOn(text, newYork)).toBe(iso);
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
