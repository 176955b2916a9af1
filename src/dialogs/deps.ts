import type { Classifier, ExtractedAmount } from '../cases/classification/types.js';
import type { TCaseStatus, TSeverity } from '../cases/taxonomy.js';
import type { Draft } from './state.js';
import type { Lang } from './types.js';

/** What the customer is told after filing. */
export interface CaseReceipt {
  reference: string;
  severity: TSeverity;
  firstResponseDueAt: Date;
  regulatoryDueAt: Date;
}

export interface OpenCaseLine {
  reference: string;
  status: TCaseStatus;
  regulatoryDueAt: Date;
}

export interface CaseSubmission {
  draft: Draft;
  language: Lang;
  /** The intake ended before the customer confirmed the summary. */
  incomplete: boolean;
  humanRequested: boolean;
}

export interface FraudSignal {
  fraud: boolean;
  inProgress: boolean;
  reasons: string[];
}

/**
 * Everything a dialog step may use besides its state and input. Time is injected; the case
 * operations are already bound to this conversation's customer by the turn runner.
 */
export interface DialogDeps {
  now: Date;
  /** `name` unset: the texts say "the bank" / "本行". */
  bank: { name?: string; hotline?: string; timeZone: string };
  classifier: Classifier;
  detectFraud(text: string): FraudSignal;
  extractAmount(text: string): ExtractedAmount | null;
  extractOccurredOn(text: string, ctx: { now: Date; timeZone?: string }): string | null;
  cases: {
    submit(submission: CaseSubmission): Promise<CaseReceipt>;
    /** Records a request for a person on an existing case; false when there is no such open case. */
    requestHuman(reference: string): Promise<boolean>;
    listOpen(): Promise<OpenCaseLine[]>;
  };
}
