/**
 * Masks personal data before a text leaves the process (LLM calls) or reaches a log line.
 * Order matters: phone numbers with a country code first (+86 138… would read as a card), then
 * ID numbers before card numbers (both are long digit runs).
 */
const CN_ID = /(?<![\dA-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])/g;
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

/** Masks card numbers, Chinese ID numbers, phone numbers, e-mail addresses and self-given names. */
export function maskPii(text: string): string {
  return text
    .replace(EMAIL, '[EMAIL]')
    .replace(CN_MOBILE, '[PHONE]')
    .replace(INTL_PHONE, '[PHONE]')
    .replace(CN_ID, '[ID]')
    .replace(CARD, (m) => (m.replace(/\D/g, '').length >= 13 ? '[CARD]' : m))
    .replace(US_PHONE, '[PHONE]')
    .replace(CN_LANDLINE, '[PHONE]')
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
  return text
    .replace(CN_MOBILE, lastFour)
    .replace(INTL_PHONE, lastFour)
    .replace(CN_ID, lastFour)
    .replace(CARD, (m) => (m.replace(/\D/g, '').length >= 13 ? lastFour(m) : m))
    .replace(US_PHONE, lastFour)
    .replace(CN_LANDLINE, lastFour);
}
