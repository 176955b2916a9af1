import { FLAGS, type TBusiness, type TCause, type TChannel, type TFlag } from '../taxonomy.js';
import { extractAmount } from './amount.js';
import { extractCardTail } from './card.js';
import { extractOccurredOn } from './date.js';
import { detectFraudNormalized } from './fraud.js';
import { BUSINESS_SIGNALS, CAUSE_SIGNALS, CHANNEL_SIGNALS, FLAG_SIGNALS, type Signal } from './lexicon.js';
import { gradeSeverity } from './severity.js';
import { canMatch, normalizeText, polarityAt, scriptsOf, snippet } from './text.js';
import type { Classification, ClassifyContext, Classifier } from './types.js';

/** The opening of a complaint (characters) and how much more a product named there weighs. */
const LEAD = 250;
const LEAD_BOOST = 1.5;

interface Vote<T extends string> {
  scores: Map<T, number>;
  /** Scores without the opening boost: the boost decides ties of topic, not how sure we are. */
  raw: Map<T, number>;
  evidence: Map<T, string[]>;
}

/**
 * Each occurrence after the first counts half as much, at most 6 occurrences per signal. With
 * `lead`, a signal that already occurs in the first `lead` characters counts `LEAD_BOOST` times:
 * people name the product they complain about first, and what it led to (a credit report, a
 * collector) later.
 */
function vote<T extends string>(t: string, signals: readonly Signal<T>[], has: { latin: boolean; han: boolean }, lead = 0): Vote<T> {
  const scores = new Map<T, number>();
  const raw = new Map<T, number>();
  const evidence = new Map<T, string[]>();
  for (const s of signals) {
    if (!canMatch(s.script, has)) continue;
    s.re.lastIndex = 0;
    let n = 0;
    let first: string | null = null;
    let firstAt = -1;
    let m: RegExpExecArray | null;
    while (n < 6 && (m = s.re.exec(t)) !== null) {
      if (m[0] === '') {
        s.re.lastIndex++;
        continue;
      }
      if (s.negatable && polarityAt(t, m.index) === 'negated') continue;
      n++;
      if (first === null) {
        first = m[0];
        firstAt = m.index;
      }
    }
    if (n === 0) continue;
    const boost = firstAt < lead ? LEAD_BOOST : 1;
    const add = s.w * (1 + 0.5 * (n - 1));
    scores.set(s.id, (scores.get(s.id) ?? 0) + add * boost);
    raw.set(s.id, (raw.get(s.id) ?? 0) + add);
    const ev = evidence.get(s.id) ?? [];
    if (ev.length < 2 && first) ev.push(snippet(first));
    evidence.set(s.id, ev);
  }
  return { scores, raw, evidence };
}

/** Highest-scoring id, its margin-based confidence, and the reason string. */
function pick<T extends string>(axis: string, v: Vote<T>, fallback: T): { id: T; confidence: number; reason: string } {
  let best: T = fallback;
  let top = 0;
  let second = 0;
  for (const [id, score] of v.scores) {
    if (score > top) {
      second = top;
      top = score;
      best = id;
    } else if (score > second) second = score;
  }
  if (top === 0) return { id: fallback, confidence: 0, reason: `${axis}:${fallback} ← no signal (default)` };
  // Confidence grows with the margin over the runner-up and with the absolute evidence, both
  // measured without the opening boost (which only settles which topic comes first).
  const rawTop = v.raw.get(best) ?? top;
  let rawSecond = 0;
  for (const [id, score] of v.raw) if (id !== best && score > rawSecond) rawSecond = score;
  const confidence = Math.min(1, (Math.max(0, rawTop - rawSecond) / rawTop) * 0.7 + Math.min(rawTop, 6) / 20);
  const words = (v.evidence.get(best) ?? []).map((w) => `"${w}"`).join(', ');
  return { id: best, confidence: Math.round(confidence * 100) / 100, reason: `${axis}:${best} ← ${words}` };
}

/**
 * Classifies one complaint by rules alone: business, cause, channel, flags, severity, amount,
 * date and card tail, each decision with the signal that fired. Synchronous, deterministic (time
 * comes from `ctx.now`) and fast enough for thousands of complaints per second.
 */
export function classifyByRules(text: string, ctx: ClassifyContext): Classification {
  const t = normalizeText(text);
  const reasons: string[] = [];

  const has = scriptsOf(t);
  const fraud = detectFraudNormalized(t);
  const causeVote = vote(t, CAUSE_SIGNALS, has);
  if (fraud.fraud) {
    // The fraud detector is the strongest cause signal: P1 and funds_security always agree.
    const cues = fraud.reasons.filter((r) => /^fraud(?: \(hedged\))?(?: \(weak\))? ←/.test(r));
    causeVote.scores.set('funds_security', (causeVote.scores.get('funds_security') ?? 0) + 4 + 2 * cues.length);
    causeVote.evidence.set('funds_security', cues.slice(0, 2).map((r) => r.replace(/^.*← "|"$/g, '')));
  }
  const business = pick<TBusiness>('business', vote(t, BUSINESS_SIGNALS, has, LEAD), 'other');
  const cause = pick<TCause>('cause', causeVote, 'other');
  const channel = pick<TChannel>('channel', vote(t, CHANNEL_SIGNALS, has), 'other');
  reasons.push(business.reason, cause.reason, channel.reason);

  const flagVote = vote(t, FLAG_SIGNALS, has);
  const flags: TFlag[] = [];
  for (const f of FLAGS) {
    if (f === 'fraud_in_progress') {
      if (fraud.inProgress) flags.push(f);
      continue;
    }
    if (f === 'repeat' && ctx.repeat) {
      flags.push(f);
      reasons.push('flag:repeat ← same customer, same issue still open or recently closed');
      continue;
    }
    if (flagVote.scores.has(f)) {
      flags.push(f);
      reasons.push(`flag:${f} ← ${(flagVote.evidence.get(f) ?? []).map((w) => `"${w}"`).join(', ')}`);
    }
  }

  const amount = extractAmount(text);
  if (amount) reasons.push(`amount ← "${amount.text}"`);
  const finalCause = fraud.fraud ? 'funds_security' : cause.id;
  const sev = gradeSeverity({ normalized: t, cause: finalCause, flags, amount, fraud });
  reasons.push(...sev.reasons);

  return {
    business: business.id,
    cause: finalCause,
    channel: channel.id,
    severity: sev.severity,
    flags,
    amount,
    occurredOn: extractOccurredOn(text, ctx),
    cardTail: extractCardTail(text),
    reasons,
    confidence: { business: business.confidence, cause: fraud.fraud ? Math.max(cause.confidence, 0.9) : cause.confidence, channel: channel.confidence },
    source: 'rules',
  };
}

/** The rules as a {@link Classifier}, for the dialog and the `classify` command. */
export function createRuleClassifier(): Classifier {
  return { classify: async (text, ctx) => classifyByRules(text, ctx) };
}

