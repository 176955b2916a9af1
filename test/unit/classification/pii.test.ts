import { describe, expect, it } from 'vitest';
import { maskNumbersForStaff, maskPii } from '../../../src/cases/classification/index.js';

describe('maskPii', () => {
  it.each([
    ['卡号6222021234567890123被盗刷', '6222021234567890123', '[CARD]'],
    ['card 4111 1111 1111 1111 was used', '4111 1111 1111 1111', '[CARD]'],
    ['身份证11010519491231002X', '11010519491231002X', '[ID]'],
    ['身份证 110105 19491231 002X', '002X', '[ID]'],
    ['ID 110105-1949-1231-002x.', '002x', '[ID]'],
    ['手机13812345678', '13812345678', '[PHONE]'],
    ['call me at +86 138 1234 5678', '138 1234 5678', '[PHONE]'],
    ['my number is +44 20 7946 0958', '7946 0958', '[PHONE]'],
    ['or (415) 555-0132', '555-0132', '[PHONE]'],
    ['mail zhang.san@example.com', 'zhang.san@example.com', '[EMAIL]'],
    ['我叫张三，卡被盗了', '张三', '[NAME]'],
    ['My name is John Smith and my card was stolen', 'John Smith', '[NAME]'],
    // National forms: a landline with its area code, a UK mobile, a mobile grouped 4-3-4.
    ['座机010 6512 3456', '6512 3456', '[PHONE]'],
    ['座机(010)65123456', '65123456', '[PHONE]'],
    ['座机01065123456', '01065123456', '[PHONE]'],
    ['call me on 07700 900123 after 5pm', '900123', '[PHONE]'],
    ['tel 020 7946 0958', '7946 0958', '[PHONE]'],
    ['电话 1381 234 5678', '234 5678', '[PHONE]'],
    // Full-width digits, as a Chinese keyboard types them.
    ['卡号６２２２０２１２３４５６７８９０１２３被盗刷', '１２３４５６７８９０', '[CARD]'],
    ['身份证１１０１０５１９４９１２３１００２Ｘ', '１９４９１２３１', '[ID]'],
    ['手机１３８１２３４５６７８', '１２３４５６７８', '[PHONE]'],
    ['手机＋８６ １３８ １２３４ ５６７８', '１２３４', '[PHONE]'],
  ])('masks %s', (text, secret, marker) => {
    const masked = maskPii(text);
    expect(masked).not.toContain(secret);
    expect(masked).toContain(marker);
  });

  it('leaves amounts, dates and ordinary words alone', () => {
    const text = '2026年3月5日被扣了500元手续费, $1,200.50 on 03/05';
    expect(maskPii(text)).toBe(text);
  });

  it('leaves amounts, references and order numbers alone that libphonenumber would read as local numbers', () => {
    const text = '损失2500000元 (1 000 000 yuan), case C-20261127-0042, 订单号 2026112712, hotline 95588';
    expect(maskPii(text)).toBe(text);
    expect(maskNumbersForStaff(text)).toBe(text);
  });
});

describe('maskNumbersForStaff', () => {
  it.each([
    ['卡号6222021234567890123被盗刷', '卡号***************0123被盗刷'],
    ['card 4111 1111 1111 1234 was used', 'card ************1234 was used'],
    ['身份证11010519491231002X', '身份证**************002X'],
    ['身份证 110105 19491231 002X', '身份证 **************002X'],
    ['ID 110105-1949-1231-002x.', 'ID **************002x.'],
    ['手机13812345678', '手机*******5678'],
    ['call me at +86 138 1234 5678', 'call me at *********5678'],
    ['or (415) 555-0132', 'or ******0132'],
    // A US number in E.164 begins with 1 and a digit from 3 to 9, like a Chinese mobile.
    ['call +14155552671 please', 'call *******2671 please'],
    ['座机010 6512 3456', '座机*******3456'],
    ['call me on 07700 900123 after 5pm', 'call me on *******0123 after 5pm'],
    // Full-width digits are numbers too; the customer's full-width punctuation stays as typed.
    ['卡号６２２２０２１２３４５６７８９０１２３，手机１３８１２３４５６７８。', '卡号***************0123，手机*******5678。'],
    ['身份证：１１０１０５１９４９１２３１００２Ｘ（本人）', '身份证：**************002X（本人）'],
  ])('keeps the last four digits of %s', (text, shown) => {
    expect(maskNumbersForStaff(text)).toBe(shown);
  });

  it('leaves amounts, dates, card tails and e-mail addresses alone', () => {
    const text = '2026年3月5日被扣了500元手续费, $1,200.50 on 03/05, card ending 1234, zhang.san@example.com';
    expect(maskNumbersForStaff(text)).toBe(text);
  });
});
