import { toSimplified } from './hant.js';
import type { ExtractedAmount } from './types.js';

const ZH_DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 俩: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const ZH_SMALL_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const ZH_BIG_UNITS: Record<string, number> = { 万: 1e4, 亿: 1e8 };

/**
 * Reads a Chinese numeral such as 两万, 一万二千五百, 三千五, 十二, 1.5万 or 3万5 (colloquial:
 * a bare digit after a unit is one step smaller, 3万5 = 35,000). Returns null when it is not one.
 */
export function parseChineseNumber(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([十百千万亿]*)(\d)?$/.exec(s);
  if (m) {
    // Arabic digits with Chinese units: 1.5万, 5千, 3万5.
    let v = Number(m[1]);
    let last = 1;
    for (const u of m[2] ?? '') {
      const k = ZH_SMALL_UNITS[u] ?? ZH_BIG_UNITS[u] ?? 1;
      v *= k;
      last = k;
    }
    if (m[3] && last >= 100) v += Number(m[3]) * (last / 10);
    return Number.isFinite(v) ? v : null;
  }
  if (!/^[零〇一二两俩三四五六七八九十百千万亿]+$/.test(s)) return null;
  let total = 0; // completed 亿/万 sections
  let section = 0; // inside the current 万 section
  let digit: number | null = null;
  let lastUnit = 1;
  for (const ch of s) {
    if (ch in ZH_DIGITS) {
      digit = ZH_DIGITS[ch] ?? 0;
    } else if (ch in ZH_SMALL_UNITS) {
      const u = ZH_SMALL_UNITS[ch] ?? 1;
      section += (digit ?? 1) * u; // 十二 = 12: a bare unit means one of it
      digit = null;
      lastUnit = u;
    } else {
      const u = ZH_BIG_UNITS[ch] ?? 1;
      total = (total + section + (digit ?? 0)) * u;
      section = 0;
      digit = null;
      lastUnit = u;
    }
  }
  if (digit !== null) {
    // 一万二 = 12,000 and 三千五 = 3,500: a trailing digit takes the next smaller unit.
    section += /零/.test(s.slice(-2)) ? digit : digit * Math.max(1, lastUnit / 10);
  }
  return total + section;
}

const NUM = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
const ZH_NUM = '[零〇一二两俩三四五六七八九十百千万亿]+';
const ZH_UNIT = '[十百千万亿]';

// Chinese: optional currency prefix, a number (Arabic or Chinese) with optional 万/千 units,
// optional 元/块 suffix. Without any currency word a number only counts when it carries a
// Chinese magnitude (两万, 5千): bare digits are too often dates, phone numbers or days.
const ZH_AMOUNT = new RegExp(
  String.raw`(人民币|港币|港元|rmb|cny|¥)?\s*((?:${NUM})${ZH_UNIT}*\d?|${ZH_NUM})\s*(多|余)?\s*(港币|港元|元|块钱|块|圆|人民币|rmb)?`,
  'g',
);
// English and other currencies: $1,200.50, {$100.00}, USD 500, 500 dollars, 5k, £200, €30.
const EN_PREFIX = new RegExp(String.raw`(hk\$|us\$|\$|usd|hkd|£|gbp|€|eur)\s?(${NUM})\s?(k|m|thousand|million)?\b`, 'g');
const EN_SUFFIX = new RegExp(
  String.raw`\b(${NUM})\s?(k|thousand|million)?\s?(hong kong dollars?|hk dollars?|dollars?|usd|hkd|bucks|pounds|gbp|euros?|eur|yuan|rmb|cny)\b`,
  'g',
);
// A bare number right after a money verb, in chat: "someone just stole 5000 from my card",
// "they charged me 300.", "被转走5000", "扣了我300". Only a few filler words may sit between the
// verb and the number (so "charged my card ending 1234" is not read), and what follows must not
// make it a count, a date or a time ("took 3 cards", "paid 2 times", "扣了3笔", "转走5月").
const EN_VERB_BARE = new RegExp(
  String.raw`\b(?:stole|stolen|steal|took|taken|take|withdrew|withdrawn|withdraw|transferred|transfer|charged|debited|deducted|spent|lost|lose|paid|pay|sent|send|moved|drained|emptied|scammed (?:me )?out of|cheated (?:me )?out of|owe|owed|refund|refunded|missing|short|gone)\s+(?:(?:me|us|my|our|him|her|about|around|almost|nearly|over|another|an extra|extra|just|already|like|roughly|approximately|some|all|total|a total of)\s+){0,3}(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,9}(?:\.\d{1,2})?)(?![\d,./:-]*\d)(?=\s*(?:$|[.,!?;:)]|(?:from|out|off|to|into|on|in|at|and|but|via|through|with|without|over|already|yesterday|today|tonight|last|this|just|again|so|which|that|while|when|before|after|for|please|now|right)\b))`,
  'g',
);
const ZH_VERB_BARE = new RegExp(
  String.raw`(?:转走|转了|转出|划走|划了|划扣|扣了|扣走|扣除|被扣|扣款|盗刷了?|刷了|刷走|取走|取了|骗了|骗走|损失了?|少了|被盗了?|偷了|付了|支付了|汇了|充值了?|还了|借了|贷了)(?:我|了|约|大约|近|将近|共|一共|总共|足足|整整)*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,9}(?:\.\d{1,2})?)(?![\d.,:/-]|\s*[号日月年点分秒位个次期天笔张条%岁周块元万千百十])`,
  'g',
);
// The symbol after the number, as much of Europe writes it and many customers type it: 50€, 200£,
// 1,200$, 35 $. Not after a letter or a digit ("A1$" is no sum), and nothing word-like after it.
const SYMBOL_AFTER = new RegExp(String.raw`(?<![\w.,$£€])(${NUM})\s?(k)?\s?(\$|£|€)(?![\w$£€])`, 'g');
const BARE_K = new RegExp(String.raw`(?<![\w.,])(\d+(?:\.\d+)?)k\b`, 'g');

const CURRENCY: Record<string, string> = {
  $: 'USD', us$: 'USD', usd: 'USD', dollar: 'USD', dollars: 'USD', bucks: 'USD',
  hk$: 'HKD', hkd: 'HKD', 'hong kong dollar': 'HKD', 'hong kong dollars': 'HKD', 'hk dollar': 'HKD', 'hk dollars': 'HKD', 港币: 'HKD', 港元: 'HKD',
  '£': 'GBP', gbp: 'GBP', pounds: 'GBP', '€': 'EUR', eur: 'EUR', euro: 'EUR', euros: 'EUR',
  yuan: 'CNY', rmb: 'CNY', cny: 'CNY', '¥': 'CNY', 人民币: 'CNY', 元: 'CNY', 块: 'CNY', 块钱: 'CNY', 圆: 'CNY',
};
const SCALE: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, million: 1e6 };

const toNumber = (s: string): number => Number(s.replace(/,/g, ''));

/**
 * Every sum of money in a text, in reading order. Handles 两万, 5千, 1.5万元, ¥300, 500块,
 * $1,200.50, USD 500, "5k", "200 dollars", 50€ / 1200$ and the CFPB redaction style `{$100.00}`.
 */
export function extractAmounts(text: string): ExtractedAmount[] {
  // Traditional numerals and currencies (兩萬, 五千塊, 港幣) read as the Simplified the patterns know.
  const t = toSimplified(text.normalize('NFKC').toLowerCase());
  const found: { at: number; amount: ExtractedAmount }[] = [];
  for (const m of t.matchAll(ZH_AMOUNT)) {
    const [whole, pre, num = '', , suf] = m;
    const hasUnit = /[十百千万亿]/.test(num);
    const isChineseNumeral = /^[零〇一二两俩三四五六七八九十百千万亿]+$/.test(num);
    if (!pre && !suf && !(hasUnit && /[千万亿]/.test(num))) continue;
    // A Chinese numeral starts with a digit or 十: 万一 ("in case") and 千万 ("by all means") are words.
    if (isChineseNumeral && !/^[零〇一二两俩三四五六七八九十]/.test(num)) continue;
    const value = parseChineseNumber(num.replace(/,/g, ''));
    if (value === null || value <= 0) continue;
    const cur = pre ?? suf;
    found.push({ at: m.index ?? 0, amount: { value, currency: cur ? (CURRENCY[cur] ?? null) : null, text: whole.trim() } });
  }
  for (const m of t.matchAll(EN_PREFIX)) {
    const [whole, cur = '', num = '', scale] = m;
    const value = toNumber(num) * (scale ? (SCALE[scale] ?? 1) : 1);
    if (value > 0) found.push({ at: m.index ?? 0, amount: { value, currency: CURRENCY[cur] ?? null, text: whole.trim() } });
  }
  for (const m of t.matchAll(EN_SUFFIX)) {
    const [whole, num = '', scale, cur = ''] = m;
    const value = toNumber(num) * (scale ? (SCALE[scale] ?? 1) : 1);
    if (value > 0) found.push({ at: m.index ?? 0, amount: { value, currency: CURRENCY[cur] ?? null, text: whole.trim() } });
  }
  for (const m of t.matchAll(SYMBOL_AFTER)) {
    const [whole, num = '', scale, cur = ''] = m;
    const value = toNumber(num) * (scale ? (SCALE[scale] ?? 1) : 1);
    if (value > 0) found.push({ at: m.index ?? 0, amount: { value, currency: CURRENCY[cur] ?? null, text: whole.trim() } });
  }
  for (const m of t.matchAll(BARE_K)) {
    if (found.some((f) => Math.abs(f.at - (m.index ?? 0)) <= 2)) continue;
    const value = toNumber(m[1] ?? '') * 1000;
    if (value > 0) found.push({ at: m.index ?? 0, amount: { value, currency: null, text: m[0] } });
  }
  for (const re of [EN_VERB_BARE, ZH_VERB_BARE]) {
    for (const m of t.matchAll(re)) {
      const num = m[1] ?? '';
      const at = (m.index ?? 0) + m[0].length - num.length;
      // Already read with a currency or a unit at this place ("扣了300元", "took $50").
      if (found.some((f) => at >= f.at && at < f.at + f.amount.text.length + 1)) continue;
      const value = toNumber(num);
      if (value > 0) found.push({ at, amount: { value, currency: null, text: num } });
    }
  }
  found.sort((a, b) => a.at - b.at);
  // The same money can be read twice ("$500 dollars"): keep the first reading at a position.
  const out: ExtractedAmount[] = [];
  let lastEnd = -1;
  for (const f of found) {
    if (f.at < lastEnd) continue;
    out.push(f.amount);
    lastEnd = f.at + f.amount.text.length;
  }
  return out;
}

/**
 * The sum of money a complaint is about. When several are named the largest is taken: it is
 * the one that can move the severity (DESIGN.md: a loss ≥ 10,000 is P2), and over-grading is the
 * safe error here. Returns null when the text names no sum.
 */
export function extractAmount(text: string): ExtractedAmount | null {
  let best: ExtractedAmount | null = null;
  for (const a of extractAmounts(text)) if (!best || a.value > best.value) best = a;
  return best;
}
