import type { TBusiness, TCause, TChannel, TFlag, TSeverity } from '../taxonomy.js';

/** A sum of money found in a complaint. `value` is in major units (yuan, dollars). */
export interface ExtractedAmount {
  value: number;
  /** ISO 4217 code when the text names one (CNY for 元/¥/块, USD for $), else null. */
  currency: string | null;
  /** The words it was read from, for the reasons list. */
  text: string;
}

/** What the classifier decides about one complaint text. */
export interface Classification {
  business: TBusiness;
  cause: TCause;
  channel: TChannel;
  severity: TSeverity;
  flags: TFlag[];
  amount: ExtractedAmount | null;
  /** ISO date (YYYY-MM-DD) of when it happened, when the text says so. */
  occurredOn: string | null;
  /** Last 4 digits of a card/account mentioned, never more. */
  cardTail: string | null;
  /** Every rule or signal that fired, e.g. `cause:funds_security ← "stolen"`. */
  reasons: string[];
  /** 0..1 per axis: how sure the rules are (lets the LLM fill in when they are not). */
  confidence: { business: number; cause: number; channel: number };
  source: 'rules' | 'llm';
  /** Neutral one-paragraph summary for staff, only when an LLM drafted one. */
  summary?: string | null;
  /** What the rules alone decided (set by the LLM-assisted classifier, stored on the case). */
  rulesOpinion?: Opinion;
  /** What the LLM answered, after validation; null when it failed or was not asked. */
  llmOpinion?: Opinion | null;
}

/** One classifier's view of the axes, kept so staff can see who decided what. */
export interface Opinion {
  business: TBusiness;
  cause: TCause;
  channel: TChannel;
  severity: TSeverity;
  flags: TFlag[];
}

/** Facts from outside the text that move severity (DESIGN.md P2 rules). */
export interface ClassifyContext {
  now: Date;
  /** IANA zone for relative dates such as 昨天 / "yesterday". */
  timeZone?: string;
  /** Open or recently closed cases of the same customer with the same business/cause. */
  repeat?: boolean;
}

/**
 * A classifier: rules alone, or rules helped by an LLM. Implementations are injected, so the
 * dialog and the `classify` command run the same code path (DESIGN.md).
 */
export interface Classifier {
  classify(text: string, ctx: ClassifyContext): Promise<Classification>;
}
