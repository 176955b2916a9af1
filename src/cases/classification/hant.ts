import { HANS, HANT } from './hant-table.js';

/*
 * Traditional Chinese (繁體), read as Simplified for analysis only. The lexicons, the fraud cues,
 * the amount and date patterns are written in Simplified; customers from Hong Kong, Macau, Taiwan
 * or abroad, or with a Traditional input method, write 信用卡被盜刷 or 上個禮拜三, which none of
 * them matched. Only what the rules read is converted: the text stored, shown to staff and sent
 * to the LLM stays as the customer wrote it.
 *
 * Character by character, from OpenCC's table (hant-table.ts): Traditional → Simplified is
 * nearly always one to one (the ambiguous direction is the other one), and the few characters
 * that are both (乾, 著, 於) read the same in a complaint either way. OpenCC's phrase
 * dictionaries (about 1 MB) are left out: a phrase conversion matters for showing a text, not
 * for finding 盗刷 in it. opencc-js would bring them (6 MB unpacked, a new dependency) and cost
 * about 100 µs a Chinese complaint and 300 µs an English one, where this costs 5 µs and nothing.
 */

// The Simplified character code for each code of the CJK blocks the table covers (0: unchanged).
// An array lookup per character: a replace() with a callback over a character class of 3,000
// took 50 µs for a 150-character complaint, a tenth of classifying it.
const FIRST = 0x3400;
const HAN = /[\u3400-\u9fff]/;
const LAST = 0x9fff;
const TO_HANS = new Uint16Array(LAST - FIRST + 1);
const set = (from: string, to: string) => (TO_HANS[from.charCodeAt(0) - FIRST] = to.charCodeAt(0));
for (let i = 0; i < HANT.length; i++) set(HANT[i]!, HANS[i]!);
// 賬 and 帳 are both written for "account" (帳戶, 轉帳 in Taiwan and Hong Kong; 帐户 in older
// mainland usage); the lexicons write 账. 咭 is Hong Kong's 卡 (信用咭).
set('帳', '账');
set('帐', '账');
set('咭', '卡');

/**
 * Banking words of Taiwan and Hong Kong that differ from the mainland's, written in Simplified
 * characters (they are looked for after the character conversion), each replaced by the
 * mainland word of the same length: a converted text keeps the length of the original, so an
 * index found in one is an index in the other.
 */
export const REGIONAL_WORDS: readonly (readonly [pattern: string, mainland: string])[] = [
  ['提款卡', '借记卡'], // Taiwan's debit card
  ['金融卡', '借记卡'], // Taiwan's debit card (签账金融卡)
  ['提款机', '取款机'], // ATM
  ['盗领', '盗刷'], // money taken out with a stolen card
  ['简讯', '短信'], // SMS
  ['网路', '网络'], // internet (网路银行)
  ['行动银行', '手机银行'], // mobile banking
  ['登入', '登录'], // log in
  ['连结', '链接'], // a link
  ['个资', '信息'], // personal data (个资外泄)
  ['资讯', '信息'],
  ['讯息', '信息'],
  ['外泄', '泄露'], // leaked
  ['理专', '理财'], // wealth adviser
  ['(?<!银)行员', '柜员'], // bank clerk, not the 行员 of 银行员工
  ['联络', '联系'], // to contact (联络不上, 紧急联络人)
  // Words whose Traditional character stays as it is in a character table (覆 and 瞭 are
  // Simplified too), written 回覆, 答覆, 瞭解 in Taiwan and Hong Kong.
  ['回覆', '回复'],
  ['答覆', '答复'],
  ['反覆', '反复'],
  ['瞭解', '了解'],
  ['藉口', '借口'],
];
// One pass for all of them: the word matched names its replacement.
const REGIONAL = new RegExp(REGIONAL_WORDS.map(([pattern]) => pattern).join('|'), 'g');
const MAINLAND = new Map(REGIONAL_WORDS.map(([pattern, mainland]) => [pattern.replace(/^\(\?<!.\)/, ''), mainland]));

let last = { text: '', hans: '' };

/**
 * The text with Traditional characters as Simplified and Taiwan's and Hong Kong's banking words
 * as the mainland's ("我的提款卡被盜領" → "我的借记卡被盗刷"), for the rules to read. The result
 * has the same length as `text`, character for character. A text without Han characters comes
 * back as it is.
 */
export function toSimplified(text: string): string {
  if (!HAN.test(text)) return text; // English: no loop over every character
  // The classifier reads one text four times (its words, the amount, the date, the card tail).
  if (text === last.text) return last.hans;
  let s = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < FIRST || code > LAST) continue;
    const hans = TO_HANS[code - FIRST]!;
    if (hans === 0) continue;
    s += text.slice(from, i) + String.fromCharCode(hans);
    from = i + 1;
  }
  s = from === 0 ? text : s + text.slice(from);
  last = { text, hans: s.replace(REGIONAL, (word) => MAINLAND.get(word) ?? word) };
  return last.hans;
}
