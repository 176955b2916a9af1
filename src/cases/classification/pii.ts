import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js';

/**
 * Masks personal data before a text leaves the process (LLM calls) or reaches a log line.
 * Order matters: phone numbers with a country code first (+86 138… would read as a card), then
 * ID numbers before card numbers (both are long digit runs).
 */
// Also as customers group it, 6-8-4 or 6-4-4-4 with spaces or dashes ("110105 19491231 002X"):
// the card pattern below would take only the digits before the final X and leave it.
const CN_ID = /(?<![\dA-Za-z])[1-9]\d{5}[ -]?(?:19|20)\d{2}[ -]?(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[ -]?\d{3}[\dXx](?![\dA-Za-z])/g;
const CARD = /(?<![\dA-Za-z])(?:\d[ -]?){12,18}\d(?![\dA-Za-z])/g;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const CN_MOBILE = /(?<![\d+])(?:(?:\+|00)86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)/g;
const INTL_PHONE = /(?<![\w+])\+\d{1,3}[ -]?(?:\(\d{1,4}\)[ -]?)?\d{2,4}(?:[ -]?\d{2,4}){1,4}(?!\d)/g;
const US_PHONE = /(?<!\d)(?:\(\d{3}\)\s?|\d{3}[-.])\d{3}[-.]\d{4}(?!\d)/g;
const CN_LANDLINE = /(?<!\d)0\d{2,3}-\d{7,8}(?!\d)/g;
// Greedy 2–3 characters: over-masking one character of the next word is the safe error.
const ZH_NAME = /(我叫|我的名字是|我的名字叫|本人叫|本人姓名[:：]?|姓名[:：]\s*|客户姓名[:：]?)\s*([\u4e00-\u9fff·]{2,3})/g;
const EN_NAME = /\b([Mm]y name is|[Mm]y name's|[Ii] am called|[Nn]ame:)\s+((?:[A-Za-z][a-z'’-]+)(?:\s+[A-Z][a-z'’-]+){0,2})/g;
// Words that follow 我叫 / 姓名 without being a name.
const ZH_NOT_NAMES = /^(学生|老人|客户|用户|持卡人|本人|一名|一个|外地|退休|农民|残疾|病人|贵行|真的|被骗|在|从|这|那|第)/;

// The countries of the bank profiles (COMPLAINT_POLICY cn, uk, us), whose customers write their
// numbers without a country code.
const PHONE_COUNTRIES: CountryCode[] = ['CN', 'GB', 'US'];
const CN_MOBILE_DIGITS = /^1[3-9]\d{9}$/;
// Seven digits or more, as phone numbers are written (spaces, dashes, dots, brackets between).
const MAYBE_PHONE = /\d(?:[\s().-]{0,2}\d){6}/;

/**
 * Phone numbers written in the national ways the patterns above do not list ("010 6512 3456",
 * "(010)65123456", "07700 900123", "1381 234 5678"), found by libphonenumber for each country in
 * turn, after the card and ID numbers are masked. Only numbers written as only a phone is: with
 * a +, with the trunk 0 (bracketed or not), or as a Chinese mobile. libphonenumber would take
 * amounts ("2500000", "(1 000 000"), a case reference and order numbers for local numbers too.
 */
function nationalPhones(text: string, country: CountryCode): [start: number, end: number][] {
  // libphonenumber's scan costs ~50 µs a country even on text without a number long enough to
  // be a phone (most complaints); staff screens mask every transcript line.
  if (!MAYBE_PHONE.test(text)) return [];
  return findPhoneNumbersInText(text, country)
    .filter((m) => {
      const written = text.slice(m.startsAt, m.endsAt);
      const digits = written.replace(/\D/g, '');
      return written.startsWith('+') || digits.startsWith('0') || CN_MOBILE_DIGITS.test(digits);
    })
    .map((m) => [m.startsAt, m.endsAt]);
}

/** The spans a pattern matches, for {@link replaceFolded}. */
const matches =
  (pattern: RegExp) =>
  (text: string): [start: number, end: number][] =>
    [...text.matchAll(pattern)].map((m) => [m.index, m.index + m[0].length]);

// Full-width forms (１２３, ＋, －, Ｘ) and the ideographic space, as Chinese keyboards type them.
const FULL_WIDTH = /[\uff01-\uff5e\u3000]/g;

/**
 * Full-width characters read as their ASCII twins, so the patterns above, written for ASCII
 * digits, see "１３８１２３４５６７８" as the phone number it is. One UTF-16 unit for one, so an index
 * in the folded text is the same index in the original.
 */
function foldWidth(text: string): string {
  return text.replace(FULL_WIDTH, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

/**
 * Masks card numbers, Chinese ID numbers, phone numbers, e-mail addresses and self-given names.
 * The text is NFKC-normalised first (full-width digits become ASCII ones): it is only sent out,
 * never shown, so it need not keep the customer's exact characters.
 */
export function maskPii(text: string): string {
  const numbers = text
    .normalize('NFKC')
    .replace(EMAIL, '[EMAIL]')
    .replace(CN_MOBILE, '[PHONE]')
    .replace(INTL_PHONE, '[PHONE]')
    .replace(CN_ID, '[ID]')
    .replace(CARD, (m) => (m.replace(/\D/g, '').length >= 13 ? '[CARD]' : m))
    .replace(US_PHONE, '[PHONE]')
    .replace(CN_LANDLINE, '[PHONE]');
  return replaceFolded(numbers, PHONE_COUNTRIES.map((country) => [(t: string) => nationalPhones(t, country), () => '[PHONE]']))
    .replace(ZH_NAME, (m, lead: string, name: string) => (ZH_NOT_NAMES.test(name) ? m : `${lead}[NAME]`))
    .replace(EN_NAME, (_m, lead: string) => `${lead} [NAME]`);
}

/** The last four digits kept, the rest starred, as bank screens show a card number. */
function lastFour(m: string): string {
  const digits = m.replace(/[^\dXx]/g, '');
  return `${'*'.repeat(Math.max(4, digits.length - 4))}${digits.slice(-4)}`;
}

/**
 * Masks card, Chinese ID and phone numbers for staff screens, keeping the last four digits
 * (what a caller is asked to confirm, and all PCI DSS lets a screen show of a card without a
 * business need). Unlike {@link maskPii}, e-mail addresses and names stay: staff screens mask
 * the customer's own name separately, by value.
 */
export function maskNumbersForStaff(text: string): string {
  return replaceFolded(text, [
    [matches(CN_MOBILE), lastFour],
    [matches(INTL_PHONE), lastFour],
    [matches(CN_ID), lastFour],
    [matches(CARD), (m) => (m.replace(/\D/g, '').length >= 13 ? lastFour(m) : m)],
    [matches(US_PHONE), lastFour],
    [matches(CN_LANDLINE), lastFour],
    ...PHONE_COUNTRIES.map((country): Step => [(t) => nationalPhones(t, country), lastFour]),
  ]);
}

/** What to find (spans in order, not overlapping) and what to put in its place. */
type Step = [find: (folded: string) => [start: number, end: number][], mask: (match: string) => string];

/**
 * Applies each step in turn to the width-folded text, so full-width numbers are found too,
 * while everything not replaced keeps the customer's own characters (staff read their words,
 * full-width punctuation included). Replacements are the same in both strings, so their indexes
 * stay aligned.
 */
function replaceFolded(text: string, steps: Step[]): string {
  let shown = text;
  let folded = foldWidth(text);
  for (const [find, mask] of steps) {
    let nextShown = '';
    let nextFolded = '';
    let at = 0;
    for (const [start, end] of find(folded)) {
      const match = folded.slice(start, end);
      const replaced = mask(match);
      const kept = replaced === match;
      nextShown += shown.slice(at, start) + (kept ? shown.slice(start, end) : replaced);
      nextFolded += folded.slice(at, start) + replaced;
      at = end;
    }
    shown = nextShown + shown.slice(at);
    folded = nextFolded + folded.slice(at);
  }
  return shown;
}
