/**
 * Server-side HTML with escaping by default: every interpolated value in an `html` template is
 * escaped unless it is itself `Html` (the result of another `html` template or `raw`). Arrays
 * are joined. This is the only way console pages produce markup.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

type Value = Html | string | number | boolean | null | undefined | Date | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v instanceof Date) return escapeHtml(v.toISOString());
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** Trusted markup only (constants written in this code base). */
export function raw(s: string): Html {
  return new Html(s);
}

/** Han characters and the CJK punctuation and full-width forms Chinese is written with. */
const HAN = '\\p{Script=Han}\\u3000-\\u303f\\uff01-\\uff60';
/**
 * A stretch of Chinese: Han characters and CJK punctuation, together with the spaces, digits,
 * dashes, ellipses and quotes between them ("请15分钟后再试。", "摘要——请核实"); never starting or
 * ending with those, which belong to the English around it as much.
 */
const CHINESE_RUN = new RegExp(`[${HAN}]+(?:[\\s\\d\\u2014\\u2026\\u201c\\u201d]+[${HAN}]+)*`, 'gu');
const HAN_CHAR = /\p{Script=Han}/gu;
const LATIN_WORD = /[A-Za-z]+/g;

/** The language the console marks Chinese text with (the pages themselves are `lang="en"`). */
const ZH = 'zh-Hans';

/**
 * `text` escaped, its Chinese parts marked `lang="zh-Hans"`. The console's pages are in English
 * with a Chinese translation beside each label ("Bank target 服务目标"): unmarked, a screen reader
 * reads the Chinese with its English voice, as letter names or not at all. Only for element
 * content: an attribute (`aria-label`, `title`) or an `<option>` cannot hold markup.
 */
export function markChinese(text: string): Html {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(CHINESE_RUN)) {
    out += escapeHtml(text.slice(at, m.index)) + `<span lang="${ZH}">${escapeHtml(m[0])}</span>`;
    at = m.index + m[0].length;
  }
  return new Html(out + escapeHtml(text.slice(at)));
}

/**
 * Free text someone wrote (a customer's message, a description), escaped and marked with its
 * language: a text mostly in Chinese is Chinese as a whole, so the Chinese voice also reads its
 * amounts, dates and the odd English word (我的card被盗刷了5000元) as a Chinese reader says them; in
 * a text mostly in English only the Chinese words are marked.
 */
export function markLanguage(text: string): Html {
  const han = text.match(HAN_CHAR)?.length ?? 0;
  if (han === 0) return new Html(escapeHtml(text));
  const words = text.match(LATIN_WORD)?.length ?? 0;
  return han > words ? new Html(`<span lang="${ZH}">${escapeHtml(text)}</span>`) : markChinese(text);
}
