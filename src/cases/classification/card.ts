import { toSimplified } from './hant.js';

/**
 * Card and account tails. Only the last four digits are ever returned or stored.
 */
const TAIL_WORDS =
  /(?:尾号|末四位|后四位|后4位|末4位|ending(?: in| with)?|ends? (?:in|with)|last (?:4|four)(?: digits)?(?: of)?(?: my)?(?: (?:card|account))?(?: number)?(?: is| are)?)[\s:：是为]*(\d{4})(?!\d)/;
const MASKED_NUMBER = /(?:[x*•]{4}[ -]?){1,3}[x*•]{0,4}[ -]?(\d{4})(?!\d)/;
const FULL_NUMBER = /(?<!\d)(?:\d[ -]?){12,18}\d(?![\dx])/g;
const CN_ID = /^[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dx]$/i;

/**
 * The last four digits of a card or account named in the text ("尾号1234", "card ending in
 * 1234", "XXXX-XXXX-XXXX-1234", or a full card number), or null. Chinese ID numbers are not cards.
 */
export function extractCardTail(text: string): string | null {
  const t = toSimplified(text.normalize('NFKC').toLowerCase()); // 尾號, 後四位
  const named = TAIL_WORDS.exec(t);
  if (named?.[1]) return named[1];
  const masked = MASKED_NUMBER.exec(t);
  if (masked?.[1]) return masked[1];
  for (const m of t.matchAll(FULL_NUMBER)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (digits.length < 13 || digits.length > 19) continue;
    if (digits.length === 18 && CN_ID.test(digits)) continue;
    return digits.slice(-4);
  }
  return null;
}
