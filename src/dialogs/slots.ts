import { findPhoneNumbersInText, parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js';
import { z } from 'zod';
import { parseChineseNumber } from '../cases/classification/amount.js';
import { addCivilDays, civilDateInZone } from '../cases/clocks/zoned-time.js';
import { BUSINESSES, BUSINESS_LABELS, type TBusiness } from '../cases/taxonomy.js';
import type { DialogDeps } from './deps.js';
import { t, wordForm, type MessageKey } from './i18n.js';
import type { Draft, FieldName } from './state.js';
import type { Button, InboundMessage, Lang, OutboundMessage } from './types.js';

/** A slot answer: the draft fields it sets, or the reason it was refused. */
export type SlotAnswer = { ok: true; patch: Partial<Draft> } | { ok: false; reason: MessageKey; vars?: Record<string, string> };

interface SlotSpec {
  prompt(lang: Lang): OutboundMessage;
  /** `failures`: answers refused in a row at this question (Intake.failures). */
  parse(input: InboundMessage, deps: DialogDeps, ctx?: { failures: number }): SlotAnswer;
}

// An amount answer that means "none" or "I don't know": both leave the amount empty.
const SKIP_WORDS =
  /^(skip|none|no|nothing|n\/a|na|0|no money( was)? lost|no loss|nothing lost|not sure|unsure|(i )?don'?t know|(i )?do not know|no idea|unknown|跳过|没有|无|不涉及|没|没钱|0元|没有损失|没损失|不知道?|不清楚|不确定|说不清)[.!。！]*$/i;
// Short answers only: in a longer one "not sure" may be about something else.
const UNKNOWN_DATE =
  /^.{0,20}(not sure|unsure|don'?t know|do not know|no idea|unknown|can'?t remember|cannot remember|don'?t remember|do not remember|forgot|不记得|不太记得|记不得|不确定|不知道?|忘了|忘记了|记不清|想不起来).{0,20}$/i;
// Time words in an answer that names no day or month: "a few weeks ago", 半个月前, "recently".
const VAGUE_DATE =
  /\b(ago|recent(ly)?|while|sometime|some time|few|couple|several|days?|weeks?|months?|years?|earlier|last|past|previous(ly)?|before|ages|around|about)\b|前|最近|以前|之前|那阵|一阵|时间|好久|很久|不久|几天|几周|几个|半个月|个月|月初|月中|月底|[上中下]旬|周|星期|礼拜|年|早些/i;
// A week named without its day ("last week", 上周, "earlier this week", 上周末): asked which day.
const WEEK_WITHOUT_DAY = /\b(?:last|this|past|previous) week(?:end)?\b|\bthe week before\b|上上?个?(?:周|星期|礼拜)|(?:这|本)个?(?:周|星期|礼拜)|周末/i;
const FUTURE_DATE = /\b(tomorrow|next (week|month|year))\b|明天|后天|下周|下个?星期|下个?月|明年/i;
const EXPLICIT_DATE = /(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})/;
const RESOLUTIONS = ['refund', 'explanation', 'fix', 'apology', 'compensation'] as const;
// A Chinese numeral as the whole answer to "how much?": 五百, 三百五, 八百多, 大概九十. In free text
// the extractor wants 元 or a 千/万 with it (一百个理由 is no sum); as the answer it can only be one.
const ZH_NUMERAL_ANSWER = /^(?:大概|大约|约|差不多|一共|总共)?([零〇一二两俩三四五六七八九十百千万亿]+)(?:多|来)?(?:左右|吧|的样子)?$/;
// "No", "nothing", 没有, 随便 as the outcome wanted: nothing in particular. Stored as that, like a
// button's answer, instead of "You would like: no" in the summary the customer reads back.
const NO_OUTCOME =
  /^(?:no|nope|none|nothing|nothing (?:in )?particular|nothing really|n\/?a|not sure|no idea|(?:i )?don'?t know|whatever|没有|没|无|不要|不用|没什么|没啥|不知道?|随便|都行|都可以)[.!。！]*$/i;

const ZName = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .refine((s) => !/[\d@#<>{}\\/|=_]/.test(s), 'no digits or symbols')
  .refine((s) => /\p{L}/u.test(s), 'a letter at least');
const NAME_LEAD = /^(my name is|my name's|name\s*[:：]|i am|i'm|it's|this is|call me|我叫|我是|我的名字是|我的名字叫|名字是|名字叫|姓名是|姓名[:：]?|名字[:：]|叫我)\s*/i;
const NOT_A_NAME = /[?？]|\b(why|what|how|talk|speak|person|human|agent|someone|staff|service|english|chinese)\b|为什么|干什么|干嘛|人工|客服|中文|英文|^(no|nope|none|n\/a|不|不要|不想说|不告诉你)[.。!！]*$/i;
const ZDesiredResolution = z.string().trim().min(2).max(1000);
/**
 * The longest description taken, in characters (UTF-16 units, as zod and the channels count).
 * A whole Telegram message (4096) fits; the bound keeps the stored case and the LLM prompt small.
 */
export const MAX_DESCRIPTION_CHARS = 8000;
// A description tells something in words: "123456" or "!!!!" is not a story.
export const ZDescription = z
  .string()
  .trim()
  .min(4)
  .max(MAX_DESCRIPTION_CHARS)
  .refine((s) => /\p{L}/u.test(s), 'words');

/** Why a description is refused: too long gets its own reason, with the limit in it. */
export function descriptionProblem(text: string): { reason: MessageKey; vars?: Record<string, number> } | null {
  const trimmed = text.trim();
  if (trimmed.length > MAX_DESCRIPTION_CHARS) return { reason: 'description_too_long', vars: { length: trimmed.length, max: MAX_DESCRIPTION_CHARS } };
  return ZDescription.safeParse(trimmed).success ? null : { reason: 'invalid_description' };
}

// Words that make an amount approximate, just before it ("over $2,000", 大概300元) or just after it
// (两千多, 三百来块, "500 or so").
const OVER_BEFORE = /(?:over|more than|at least|upwards of|超过|多于|不止)\s*$/;
const ABOUT_BEFORE = /(?:about|around|roughly|approximately|approx\.?|nearly|almost|~|大概|大约|约|差不多|将近|近)\s*$/;
const OVER_AFTER = /^\s*(?:多|余|\+|plus\b)/;
const ABOUT_AFTER = /^\s*(?:来|左右|上下|or so\b|ish\b)/;

/**
 * Whether the customer gave an amount as more than it (两千多, "1千多", "over $2,000") or about it
 * (三百来块, "around 500"), from the words around `amountText` (the extractor's reading of it) in
 * `text`; undefined when it reads as exact or cannot be found.
 */
export function amountApproxIn(text: string, amountText: string): 'over' | 'about' | undefined {
  // Both as Simplified: the extractor's reading is of the Simplified form (兩千多 is found as 两千多).
  const s = wordForm(text.normalize('NFKC').toLowerCase());
  const inner = wordForm(amountText.normalize('NFKC').toLowerCase());
  const at = s.indexOf(inner);
  if (at < 0) return undefined;
  const before = s.slice(Math.max(0, at - 16), at);
  // The extractor's reading may hold the 多 itself (两千多元).
  const after = (/[多余]/.test(inner) ? '多' : '') + s.slice(at + inner.length, at + inner.length + 8);
  if (OVER_BEFORE.test(before) || OVER_AFTER.test(after)) return 'over';
  if (ABOUT_BEFORE.test(before) || ABOUT_AFTER.test(after)) return 'about';
  return undefined;
}

/** Countries whose numbers customers may give without a country code: the bank's own (deps.ts). */
export type PhoneCountry = 'CN' | 'GB' | 'US';

/** A phone answer read: the number as stored, or why it was refused. */
export type PhoneReading = { ok: true; phone: string } | { ok: false; reason: 'invalid_phone' | 'invalid_phone_length' };

// 转 23, 分机 23: the extension as Chinese customers write it; libphonenumber reads "ext"/"x".
const EXTENSION_WORDS = /\s*(?:转|分机号?|内线)\s*(?=\d)/g;
const CN_MOBILE = /^1[3-9]\d{9}$/;
// Area code (10, 2x, or three digits from 3) and a seven- or eight-digit number.
const CN_LANDLINE = /^(?:(?:10|2\d)\d{8}|[3-9]\d{9,10})$/;

/**
 * Reads a phone number from an answer the way customers type it: with words around it ("my
 * number is 138 0013 8000", "手机：138-0013-8000"), full-width digits, an extension ("ext 23",
 * "转23"), and a number of the bank's own country without its country code ("(415) 555-2671"
 * at a US bank). Stored as staff dial it: E.164 ("+14155552671", "+447700900123"), except that a
 * Chinese number at a Chinese bank keeps the national form staff have always had ("13800138000",
 * "01065123456"); an extension follows as " ext. 23".
 *
 * The length is checked for the number's country, not its digits against the numbering plan
 * (libphonenumber's `isPossible`, not `isValid`): a plan changes, and a customer with a newly
 * issued number must not be refused by an old copy of it.
 */
export function readPhone(raw: string, country: PhoneCountry = 'CN'): PhoneReading {
  const text = wordForm(raw.normalize('NFKC')).replace(EXTENSION_WORDS, ' ext '); // 轉23 too
  // The search finds a number among other digits ("after 6pm at 13800138000"): first one that
  // fits the numbering plan, then one of a possible length (`extended`), so a range newer than
  // the plan is found in a sentence too ("07700 900123 after 5pm"); the parse takes the first
  // number-like part as it is.
  const number =
    findPhoneNumbersInText(text, country)[0]?.number ??
    findPhoneNumbersInText(text, { defaultCountry: country, extended: true })[0]?.number ??
    parsePhoneNumberFromString(text, country);
  if (number?.isPossible() && chineseNumberFits(number, text)) {
    const nsn = number.nationalNumber;
    const base = number.countryCallingCode === '86' && country === 'CN' ? (CN_MOBILE.test(nsn) ? nsn : `0${nsn}`) : number.number;
    return { ok: true, phone: number.ext ? `${base} ext. ${number.ext}` : base };
  }
  return { ok: false, reason: /\d/.test(text) ? 'invalid_phone_length' : 'invalid_phone' };
}

/**
 * Chinese numbers, checked closer than by their length: a national number starting with 1 is a
 * mobile (11 digits, 13–19) unless it is Beijing's 10, and a landline is dialled with its area
 * code's 0 (010, 0755) or with 86, so "(415) 555-2671" typed at a Chinese bank is refused.
 */
function chineseNumberFits(number: PhoneNumber, text: string): boolean {
  if (number.countryCallingCode !== '86') return true;
  const nsn = number.nationalNumber;
  if (CN_MOBILE.test(nsn)) return true;
  const digits = text.replace(/\D/g, '');
  return CN_LANDLINE.test(nsn) && (digits.includes(`0${nsn}`) || digits.includes(`86${nsn}`));
}

/**
 * Whether an answer to "how much money?" is a phone number typed at the wrong question
 * ("13800138000", "(415) 555-2671"): only digits and a phone's separators, with no currency, and
 * written as only a phone is: with a + or a leading 0, as a Chinese mobile, or as a number of a
 * US bank's plan. Taken as an amount it would be billions, and grade the case as a large loss.
 * Amounts of that size written plainly ("2500000", "1 000 000") stay amounts.
 */
function phoneNotAmount(text: string, country: PhoneCountry): boolean {
  const s = text.normalize('NFKC').trim();
  if (!/^\+?[\d\s().-]+$/.test(s)) return false;
  const number = parsePhoneNumberFromString(s, country);
  if (!number?.isPossible()) return false;
  if (/^[+0(]/.test(s)) return true;
  if (number.countryCallingCode === '86') return CN_MOBILE.test(number.nationalNumber);
  return country === 'US' && number.isValid();
}

/** {@link readPhone}'s number, or null when the answer holds none. */
export function normalizePhone(raw: string, country: PhoneCountry = 'CN'): string | null {
  const read = readPhone(raw, country);
  return read.ok ? read.phone : null;
}

/**
 * A number the channel shares from the customer's own account (Telegram's contact button). It is
 * always international, and Telegram sends it with or without the "+" (447700900123): read it as
 * international, so a UK or US number is not refused and a Chinese one (86…) keeps its usual form.
 */
export function normalizeSharedPhone(raw: string, country: PhoneCountry = 'CN'): string | null {
  const s = raw.trim();
  return normalizePhone(s.startsWith('+') ? s : `+${s}`, country);
}

/** How a number of the bank's country is written, for the re-prompt. */
const PHONE_EXAMPLES: Record<PhoneCountry, string> = { CN: '13812345678', GB: '07700 900123', US: '(415) 555-2671' };

/** Buttons listing every business in the customer's language. */
export function businessButtons(lang: Lang): Button[] {
  return BUSINESSES.map((b) => ({ label: BUSINESS_LABELS[b][lang], value: `business:${b}` }));
}

/**
 * What customers call the products when they type instead of pressing a button: an American's
 * "checking account", 网贷 or 房贷 for a loan. Without these only the buttons' own words were read,
 * and "checking account" was refused with "Please choose one of the buttons". Words that belong
 * to several products ("account", 银行卡, 储蓄) are left out: the first product in the list whose
 * word is in the answer wins.
 */
const BUSINESS_WORDS: Partial<Record<TBusiness, readonly string[]>> = {
  deposit: ['checking', 'savings account', 'bank account', '存款', '存折', '定期', '活期'],
  debit_card: ['debit', '储蓄卡', '工资卡'],
  personal_loan: ['car loan', 'auto loan', 'student loan', '贷款', '网贷', '房贷', '车贷', '消费贷', '借款'],
  payment: ['transfer', 'wire transfer', 'zelle', '转账', '汇款', '支付'],
  cash: ['atm', 'cash withdrawal', '取款', '取现', '现金'],
  personal_info: ['credit report', 'credit score', 'personal information', '征信', '个人信息'],
  wealth: ['insurance', 'investment', 'mutual fund', '保险', '理财', '基金'],
  forex: ['currency exchange', '外汇', '换汇'],
};

function matchBusiness(input: InboundMessage): TBusiness | null {
  const fromButton = input.action?.startsWith('business:') ? input.action.slice('business:'.length) : undefined;
  const byId = BUSINESSES.find((b) => b === fromButton);
  if (byId) return byId;
  const typed = wordForm((input.text ?? input.action ?? '').trim().toLowerCase()); // 儲蓄卡, 網貸
  if (!typed) return null;
  // A bare number is no product: no channel shows the buttons numbered (the terminal chat turns
  // its own numbers into presses), and "5" typed here is an answer to something else, such as a
  // survey's score.
  for (const b of BUSINESSES) {
    const { zh, en } = BUSINESS_LABELS[b];
    const names = [b.replace('_', ' '), ...zh.split('/'), ...en.toLowerCase().split(/\s*[/,]\s*|\s+or\s+/), ...(BUSINESS_WORDS[b] ?? [])];
    if (names.some((n) => n.length >= 2 && (typed.includes(n.toLowerCase()) || n.toLowerCase() === typed))) return b;
  }
  return null;
}

const answerText = (input: InboundMessage) => (input.text ?? '').trim();
/** The answer as the word lists read it (不記得, 沒有, 唔知: {@link wordForm}); the same length as {@link answerText}. */
const answerWords = (input: InboundMessage) => wordForm(answerText(input));

const buttonResolution = (r: (typeof RESOLUTIONS)[number] | 'none') => `${t('en', `resolution_${r}`)} / ${t('zh', `resolution_${r}`)}`;

/**
 * The desired resolution as the customer should read it back: a button's answer is stored in
 * both languages for staff ("Refund / 退款"), and shown in the customer's own.
 */
export function desiredResolutionFor(lang: Lang, stored: string): string {
  const r = [...RESOLUTIONS, 'none' as const].find((x) => buttonResolution(x) === stored);
  return r ? t(lang, `resolution_${r}`) : stored;
}

export const SLOTS: Record<Exclude<FieldName, 'description'>, SlotSpec> = {
  business: {
    prompt: (lang) => ({ text: t(lang, 'ask_business'), buttons: businessButtons(lang) }),
    parse: (input) => {
      const b = matchBusiness(input);
      return b ? { ok: true, patch: { business: b } } : { ok: false, reason: 'invalid_business' };
    },
  },
  occurredOn: {
    prompt: (lang) => ({
      text: t(lang, 'ask_occurredOn'),
      buttons: [
        { label: t(lang, 'btn_today'), value: 'date:today' },
        { label: t(lang, 'btn_yesterday'), value: 'date:yesterday' },
        { label: t(lang, 'btn_not_sure'), value: 'date:unknown' },
      ],
    }),
    parse: (input, deps, ctx) => {
      const text = answerText(input);
      const words = answerWords(input);
      const today = civilDateInZone(deps.now, deps.bank.timeZone);
      if (input.action === 'date:today') return { ok: true, patch: { occurredOn: today } };
      if (input.action === 'date:yesterday') return { ok: true, patch: { occurredOn: addCivilDays(today, -1) } };
      if (input.action === 'date:unknown' || UNKNOWN_DATE.test(words)) return { ok: true, patch: { occurredOn: null } };
      // The extractor reads only past dates; an explicit date after today deserves its own reason.
      const explicit = EXPLICIT_DATE.exec(text);
      if (explicit) {
        const iso = `${explicit[1]}-${explicit[2]!.padStart(2, '0')}-${explicit[3]!.padStart(2, '0')}`;
        if (iso > today) return { ok: false, reason: 'invalid_occurredOn_future' };
      }
      // A month without a day ("in October", 上个月) is kept as the month, YYYY-MM: the case says
      // what the customer knew, not a 1st of the month they never said.
      const day = deps.extractOccurredOn(text, { now: deps.now, timeZone: deps.bank.timeZone }, { answer: true, months: true });
      if (!day) {
        if (FUTURE_DATE.test(words)) return { ok: false, reason: 'invalid_occurredOn_future' };
        if (!VAGUE_DATE.test(words)) return { ok: false, reason: 'invalid_occurredOn' };
        // "A few weeks ago" again after being asked once more: that is all the customer knows.
        // Not asked a third time; their words stay in the conversation staff read.
        if ((ctx?.failures ?? 0) > 0) return { ok: true, patch: { occurredOn: null } };
        // A week is too long to stand for the day (the bank looks for a transaction on it), and
        // has no form of its own the way a month has: the customer is asked which day.
        return { ok: false, reason: WEEK_WITHOUT_DAY.test(words) ? 'invalid_occurredOn_week' : 'invalid_occurredOn_vague' };
      }
      // "2026-12" > "2026-11-27", while this month's "2026-11" sorts before today.
      if (day > today) return { ok: false, reason: 'invalid_occurredOn_future' };
      return { ok: true, patch: { occurredOn: day } };
    },
  },
  amount: {
    prompt: (lang) => ({ text: t(lang, 'ask_amount'), buttons: [{ label: t(lang, 'btn_skip'), value: 'skip' }] }),
    parse: (input, deps) => {
      if (input.action === 'skip') return { ok: true, patch: { amount: null, currency: null } };
      const text = answerText(input);
      const words = answerWords(input);
      if (SKIP_WORDS.test(words)) return { ok: true, patch: { amount: null, currency: null } };
      if (phoneNotAmount(text, deps.bank.country ?? 'CN')) return { ok: false, reason: 'invalid_amount_phone' };
      // 兩百 is 两百: the numerals are read in Simplified.
      const plain = words.replace(/[,，\s]/g, '');
      const numeral = ZH_NUMERAL_ANSWER.exec(plain)?.[1];
      const spelled = numeral && /^[一二两俩三四五六七八九十]/.test(numeral) ? parseChineseNumber(numeral) : null;
      const found = /^\d+(\.\d{1,2})?$/.test(plain)
        ? { value: Number(plain), currency: null, text: plain }
        : spelled
          ? { value: spelled, currency: null, text: numeral ?? '' }
          : deps.extractAmount(text);
      if (!found || !Number.isFinite(found.value) || found.value < 0 || found.value > 1e12) {
        return { ok: false, reason: 'invalid_amount' };
      }
      const approx = found.value === 0 ? undefined : amountApproxIn(text, found.text);
      return { ok: true, patch: { amount: found.value === 0 ? null : found.value, currency: found.currency, amountApprox: approx } };
    },
  },
  desiredResolution: {
    prompt: (lang) => ({
      text: t(lang, 'ask_desiredResolution'),
      buttons: RESOLUTIONS.map((r) => ({ label: t(lang, `resolution_${r}`), value: `resolution:${r}` })),
    }),
    parse: (input) => {
      const chosen = input.action?.startsWith('resolution:') ? input.action.slice('resolution:'.length) : undefined;
      const r = RESOLUTIONS.find((x) => x === chosen);
      if (r) return { ok: true, patch: { desiredResolution: buttonResolution(r) } };
      if (NO_OUTCOME.test(answerWords(input))) return { ok: true, patch: { desiredResolution: buttonResolution('none') } };
      const parsed = ZDesiredResolution.safeParse(answerText(input));
      return parsed.success ? { ok: true, patch: { desiredResolution: parsed.data } } : { ok: false, reason: 'invalid_desiredResolution' };
    },
  },
  name: {
    prompt: (lang) => ({ text: t(lang, 'ask_name') }),
    parse: (input) => {
      const text = answerText(input);
      const words = answerWords(input);
      // A question or a request ("why do you need my name?", "I want to talk to a person") is not a name.
      if (NOT_A_NAME.test(words)) return { ok: false, reason: 'invalid_name' };
      // The lead and the tail are found in the words (我係陳大文 as 我是陈大文) and cut from the
      // name as written, at the same indices: 陳大文 stays 陳大文.
      const lead = NAME_LEAD.exec(words)?.[0].length ?? 0;
      const end = /(?:就行|就可以|就好|吧)?[.。!！]*$/.exec(words.slice(lead))!.index;
      const cleaned = text.slice(lead, lead + end);
      const parsed = ZName.safeParse(cleaned);
      return parsed.success ? { ok: true, patch: { name: parsed.data } } : { ok: false, reason: 'invalid_name' };
    },
  },
  phone: {
    prompt: (lang) => ({ text: t(lang, 'ask_phone'), requestPhone: true }),
    parse: (input, deps) => {
      const country = deps.bank.country ?? 'CN';
      if (input.sharedPhone) {
        const shared = normalizeSharedPhone(input.sharedPhone, country);
        return shared ? { ok: true, patch: { phone: shared } } : { ok: false, reason: 'invalid_phone', vars: { example: PHONE_EXAMPLES[country] } };
      }
      const read = readPhone(answerText(input), country);
      return read.ok ? { ok: true, patch: { phone: read.phone } } : { ok: false, reason: read.reason, vars: { example: PHONE_EXAMPLES[country] } };
    },
  },
};
