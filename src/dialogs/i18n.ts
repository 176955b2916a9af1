import { createInstance, type i18n as I18n } from 'i18next';
import { toSimplified } from '../cases/classification/hant.js';
import { en, type MessageKey } from './locales/en.js';
import { zh } from './locales/zh.js';
import { LANGS, type Lang } from './types.js';

export type { MessageKey };

// One i18next instance for the process, initialised synchronously: texts are bundled, never
// fetched, so a turn never waits for them.
const i18n: I18n = createInstance();
void i18n.init({
  resources: { en: { translation: en }, zh: { translation: zh } },
  lng: 'zh',
  fallbackLng: 'en',
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});
// Texts without placeholders never change: each is asked of i18next once. A turn builds a
// dozen texts (buttons included), and i18next's lookup was a few per cent of a turn's CPU.
const plain = { en: new Map<MessageKey, string>(), zh: new Map<MessageKey, string>() };

/** The text for `key` in `lang`, with `{{placeholders}}` filled. */
export function t(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  // `lng` per call, not getFixedT: a fixed t copies all of i18next's options on every call,
  // which made a text with placeholders cost 28 µs instead of 13.
  if (vars) return i18n.t(key, { ...vars, lng: lang });
  let text = plain[lang].get(key);
  if (text === undefined) plain[lang].set(key, (text = i18n.t(key, { lng: lang })));
  return text;
}

// Hong Kong's written Cantonese where it answers a question: 冇 (没有), 唔 (不) before a word, 係
// (是; not the 係 of 關係, which reads 关系), 咗 (了), 唔該 (thanks), 唔使 (no need). Each is
// replaced character for character, so the text keeps its length.
const CANTONESE = /唔該|唔该|唔使|唔駛|唔(?=\p{Script=Han})|冇|咗|(?<![關关聯联維维])係/gu;
const MANDARIN: Readonly<Record<string, string>> = { 唔該: '謝謝', 唔该: '谢谢', 唔使: '不用', 唔駛: '不用', 唔: '不', 冇: '没', 咗: '了', 係: '是' };

/**
 * A customer's text as the dialog's word lists read it (commands, yes / no, "nothing", "not
 * sure", the fields named at the summary, an opener): the lists are written in Simplified, so
 * Traditional characters are read as Simplified (轉人工 is 转人工, 沒有 is 没有) and Hong Kong's
 * written Cantonese as Mandarin (冇 is 没, 唔知 is 不知, 係 is 是). For matching only: what is
 * stored and shown stays as the customer wrote it. The result has the length of `text`, character
 * for character, so a word found in it is cut from the text at the same index. Matching the same
 * message again costs nothing: `toSimplified` keeps the last text it read.
 */
export function wordForm(text: string): string {
  return toSimplified(text.replace(CANTONESE, (w) => MANDARIN[w] ?? w));
}

/**
 * A typed text as it is compared with a label: case, spaces and punctuation do not count, nor
 * Traditional characters (確認提交 is the 确认提交 button typed with a Traditional input method).
 */
export function labelForm(text: string): string {
  return toSimplified(text.toLowerCase()).replace(/[\s\p{P}\p{S}]+/gu, '');
}

/**
 * Whether `text` is the label of `key` typed out, in either language ("确认提交", "confirm and
 * submit!"): a customer who types a button's label instead of pressing it means the button.
 */
export function isLabel(text: string | undefined, key: MessageKey): boolean {
  const typed = labelForm(text ?? '');
  return typed !== '' && LANGS.some((lang) => labelForm(t(lang, key)) === typed);
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/g;
const LATIN_WORD = /[A-Za-z]{2,}/g;
// A slash command (`/start`, `/help@ComplaintBot`) is the client's menu, not the customer's words:
// "start" says nothing about the language they write in.
const LEADING_COMMAND = /^\s*\/[A-Za-z]+(@\w+)?/;

/**
 * Chinese or English as the customer's own words show it, or null when they show neither (a
 * number, a bare command). A message with a meaningful share of Chinese characters is Chinese
 * even when it names a product in English ("我的 Visa 卡被盗刷了"). `clear` asks for more than
 * a trace: two Chinese characters or two English words, so that "ok" or "A" decides nothing.
 */
export function languageOfText(text: string | undefined, o: { clear?: boolean } = {}): Lang | null {
  const s = (text ?? '').replace(LEADING_COMMAND, '');
  const cjk = s.match(CJK)?.length ?? 0;
  const latin = s.match(LATIN_WORD)?.length ?? 0;
  const least = o.clear ? 2 : 1;
  // Whichever the words mostly are: a Chinese place or name in an English sentence ("the ATM at
  // 王府井 branch") keeps it English, an English product in a Chinese one keeps it Chinese.
  if (cjk >= least && cjk >= latin) return 'zh';
  if (latin >= least && latin > cjk) return 'en';
  return null;
}

/** The language the channel's locale asks for (`en-GB` → en, `zh-hans` → zh); Chinese when it names neither. */
export function localeLanguage(locale: string | undefined): Lang {
  return locale?.toLowerCase().startsWith('en') ? 'en' : 'zh';
}

/**
 * Chinese or English from the customer's first words; when the words show neither (a bare
 * command such as `/start`, a number, a file), the channel's locale decides.
 */
export function detectLanguage(text: string | undefined, locale?: string): Lang {
  return languageOfText(text) ?? localeLanguage(locale);
}

// Intl formatters are costly to build and cheap to use: every turn formats dates or money, so
// each distinct formatter is built once (the keys are few: two languages, one bank time zone).
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function cached<F extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, build: () => F): F {
  let f = formatters.get(key) as F | undefined;
  if (!f) {
    if (formatters.size >= 64) formatters.clear(); // currencies come from text: keep it bounded
    formatters.set(key, (f = build()));
  }
  return f;
}

/** A date and time the customer reads, in the bank's time zone. */
export function formatDateTime(lang: Lang, at: Date, timeZone: string): string {
  return cached(`dt|${lang}|${timeZone}`, () =>
    new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
      timeZone,
      year: 'numeric',
      month: lang === 'zh' ? 'long' : 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }),
  ).format(at);
}

/** A calendar date (YYYY-MM-DD), or a month the customer named without a day (YYYY-MM), shown to the customer. */
export function formatDay(lang: Lang, isoDay: string): string {
  const [y, m, d] = isoDay.split('-').map(Number);
  if (y && m && !d && /^\d{4}-\d{2}$/.test(isoDay)) {
    return cached(`month|${lang}`, () => new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'UTC', year: 'numeric', month: 'long' })).format(new Date(Date.UTC(y, m - 1, 1)));
  }
  if (!y || !m || !d) return isoDay;
  return cached(`day|${lang}`, () => new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' })).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

/** Money as the customer reads it; an unknown currency is shown as a plain number. */
export function formatMoney(lang: Lang, value: number, currency: string | null | undefined): string {
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
  if (currency) {
    try {
      return cached(`cur|${locale}|${currency}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency })).format(value);
    } catch {
      // not an ISO code: fall through to the plain number
    }
  }
  return cached(`num|${locale}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 2 })).format(value);
}
