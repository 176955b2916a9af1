import { LARGE_LOSS } from './classification/severity.js';
import type { Classification } from './classification/types.js';
import type { TBusiness, TChannel, TSeverity } from './taxonomy.js';

/** What the customer told the intake, in the case domain's own terms. */
export interface CustomerAnswers {
  description: string;
  business?: TBusiness;
  channel?: TChannel;
  occurredOn?: string | null;
  amount?: number | null;
  currency?: string | null;
  desiredResolution?: string;
  name?: string;
  phone?: string;
}

const RANK: Record<TSeverity, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };
const raise = (c: Classification, to: TSeverity, reason: string) => {
  if (RANK[to] < RANK[c.severity]) {
    c.severity = to;
    c.reasons.push(reason);
  }
};

/**
 * Folds the customer's confirmed answers into the classification of their description: the
 * product they chose wins over the rules' guess, and a stated amount can raise the grade
 * (≥ 10,000 → P2; money at stake → at least P3; any loss for a vulnerable customer → P2).
 * Answers never lower a grade.
 */
export function applyCustomerAnswers(classification: Classification, answers: CustomerAnswers): Classification {
  const c: Classification = { ...classification, flags: [...classification.flags], reasons: [...classification.reasons] };
  if (answers.business && answers.business !== c.business) {
    c.reasons.push(`business:${answers.business} ← chosen by the customer (rules said ${c.business})`);
    c.business = answers.business;
  }
  if (answers.channel && c.channel === 'other') c.channel = answers.channel;
  if (answers.occurredOn) c.occurredOn = answers.occurredOn;
  if (answers.amount != null && answers.amount > 0) {
    c.amount = { value: answers.amount, currency: answers.currency ?? c.amount?.currency ?? null, text: String(answers.amount) };
    if (answers.amount >= LARGE_LOSS) raise(c, 'P2', `severity P2 ← stated amount ${answers.amount} ≥ ${LARGE_LOSS}`);
    if (c.flags.includes('vulnerable')) raise(c, 'P2', 'severity P2 ← loss for a vulnerable customer');
    raise(c, 'P3', 'severity P3 ← money at stake (stated amount)');
  }
  return c;
}
