import { toSimplified } from './hant.js';

/**
 * Text helpers shared by the rule classifier. Everything here is pure and allocation-light:
 * the `classify` command must handle thousands of complaints per second.
 */

/**
 * Full-width → half-width, Traditional Chinese → Simplified (the lexicons are Simplified), lower
 * case, one space for any run of whitespace.
 */
export function normalizeText(text: string): string {
  return toSimplified(text.normalize('NFKC').toLowerCase()).replace(/\s+/g, ' ');
}

/** Escapes a literal for use inside a RegExp. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regex that matches any of the Chinese (or other literal) words given. */
export function anyOf(words: readonly string[]): RegExp {
  // Latin words and digits in a Chinese list ('app', 'atm', 'bug') must be whole words, or
  // 'app' would match "approved" and 'atm' "treatment".
  return new RegExp(words.map((w) => (/^[a-z0-9]+$/i.test(w) ? String.raw`\b${escapeRegExp(w)}\b` : escapeRegExp(w))).join('|'), 'g');
}

// The negator must be next to the keyword ("not a scam", "wasn't stolen", "no fraud"), so that
// "no idea who stole it" still counts as theft.
const EN_NEGATION =
  /\b(?:not|no|never|isn'?t|wasn'?t|aren'?t|weren'?t|nor)\s+(?:(?:a|an|the|any|been|be|being|really|actually|even|my|it|this|that|due to|related to|about|involving)\s+){0,2}$/;
const EN_HEDGE = /\b(?:not sure|unsure|don'?t know|do not know|not certain|wonder(?:ing)? if|may|might|maybe|possibly|think|suspect|worried|whether)\b[^.!?;]{0,40}$/;
const ZH_NEGATION = /(?:没有|没|未曾|未|不是|并非|并未|并没有|不存在|无|非|不)$/;
const ZH_HEDGE = /(?:是不是|是否|怀疑|可能|好像|担心|会不会|有没有)[^。！？；]{0,6}$/;

/** How a keyword occurrence reads in its sentence. */
export type Polarity = 'positive' | 'negated' | 'hedged';

/**
 * Looks at the words just before a match: "not fraud", "没有被盗" are negated; "maybe fraud",
 * "是不是被骗了" are hedged (kept as a signal, because a missed fraud case is the worst failure).
 */
export function polarityAt(text: string, index: number): Polarity {
  const before = text.slice(Math.max(0, index - 48), index);
  if (EN_NEGATION.test(before)) return 'negated';
  if (ZH_HEDGE.test(before)) return 'hedged';
  // Chinese negators sit right before the verb (没有被盗, 不是诈骗): look at the last characters only.
  const tail = before.slice(-4);
  if (ZH_NEGATION.test(tail) || ZH_NEGATION.test(tail.replace(/[被过了的]$/, ''))) return 'negated';
  if (EN_HEDGE.test(before)) return 'hedged';
  return 'positive';
}

/** Shortens a matched snippet for a reason string. */
export function snippet(s: string): string {
  const t = s.trim();
  return t.length > 40 ? `${t.slice(0, 37)}…` : t;
}

/** Which writing system a pattern needs: a Chinese text skips English patterns and vice versa. */
export type Script = 'latin' | 'han' | 'any';

const HAN = /[\u3400-\u9fff]/;
const LATIN = /[a-z]/;

/** The script a regex source needs (`any` when it has Han characters or no letters at all, e.g. `95\d{3}`). */
export function scriptOfSource(source: string): Script {
  if (HAN.test(source)) return LATIN.test(source.replace(/\\[a-z]/gi, '')) ? 'any' : 'han';
  return LATIN.test(source.replace(/\\[a-z]/gi, '').replace(/\(\?<?[=!:]/g, '')) ? 'latin' : 'any';
}

/** The scripts a normalised text contains, computed once per text. */
export function scriptsOf(t: string): { latin: boolean; han: boolean } {
  return { latin: LATIN.test(t), han: HAN.test(t) };
}

/** Whether a pattern of `script` can match a text with these scripts. */
export function canMatch(script: Script, has: { latin: boolean; han: boolean }): boolean {
  return script === 'any' || (script === 'latin' ? has.latin : has.han);
}
