import type { Classifier, ExtractedAmount } from '../cases/classification/types.js';
import type { TCaseStatus, TSeverity } from '../cases/taxonomy.js';
import type { PhoneCountry } from './slots.js';
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
  /**
   * `name` unset: the texts say "the bank" / "本行". `country`: whose phone numbers may be given
   * without a country code (from `COMPLAINT_POLICY`); unset, CN.
   */
  bank: { name?: string; hotline?: string; timeZone: string; country?: PhoneCountry };
  classifier: Classifier;
  detectFraud(text: string): FraudSignal;
  extractAmount(text: string): ExtractedAmount | null;
  extractOccurredOn(text: string, ctx: { now: Date; timeZone?: string }, options?: { answer?: boolean; months?: boolean }): string | null;
  cases: {
    submit(submission: CaseSubmission): Promise<CaseReceipt>;
    /** Records a request for a person on an existing case; false when there is no such open case. */
    requestHuman(reference: string): Promise<boolean>;
    listOpen(): Promise<OpenCaseLine[]>;
  };
  /** Follow-up surveys of this conversation; absent where surveys are not wired (dialog tests). */
  surveys?: SurveyPort;
}

// Survey
export type SurveyQuestion = 'solved' | 'score' | 'comment';
export type SurveySolved = 'yes' | 'partly' | 'no';

/** A survey in this conversation waiting for the customer's answer. */
export interface AwaitingSurvey {
  surveyId: string;
  reference: string;
  language: Lang;
  question: SurveyQuestion;
  /**
   * When the question was last sent outside a turn (the survey's first message, its reminder),
   * or null (the comment is only ever asked in a turn): a customer in the middle of a new
   * complaint is answering the survey only when it came after the complaint's last question.
   */
  askedAt: Date | null;
  /**
   * When the question waiting was last put to the customer, in a turn or not: the first message or
   * the reminder ("solved"), the turn that took "solved" ("score", or its reminder), the turn that
   * took the score ("comment"). The case inbox compares it with a staff question's time.
   */
  lastAskedAt?: Date;
  /**
   * Another survey of this conversation whose optional comment question is open (the newest
   * such), with when it was asked (its score's time). Set only for the newest survey waiting
   * (no survey id asked for) when that one waits for `solved` or `score`: typed text that does
   * not answer its question, or any text when the comment question came after its last message,
   * is that survey's comment.
   */
  openComment?: { surveyId: string; reference: string; language: Lang; askedAt: Date };
}

/**
 * `words`: the customer's whole message when it said more than the answer ("没有解决，还是被扣费",
 * "No, the fee was charged again"), kept on the timeline for staff: an unhappy answer goes back
 * to them with what the customer said, not only "not solved".
 */
export type SurveyAnswer =
  | { question: 'solved'; value: SurveySolved; words?: string }
  | { question: 'score'; value: number; words?: string }
  | { question: 'comment'; value: string | null };

/** What recording an answer led to. */
export interface SurveyAnswerOutcome {
  /** False when the answer came too late or twice (nothing changed). */
  recorded: boolean;
  /**
   * Set when this answer made the case unhappy: reopened, a supervisor follow-up, or (a case
   * already closed, which neither reopens nor takes staff action) a review opened for it.
   */
  lowScoreAction?: 'reopened' | 'followup' | 'review';
  /** The review opened (`lowScoreAction: 'review'`). */
  review?: ReviewReceipt;
  /** After the comment: offer a review (the customer was not fully satisfied). */
  offerReview?: boolean;
}

export interface ReviewReceipt {
  reference: string;
  escalationLevel: string;
  regulatoryDueAt: Date;
  alreadyExisted: boolean;
}

export interface SurveyPort {
  /**
   * The survey waiting for an answer: survey `surveyId` (the one whose button was pressed) when
   * given, else the newest; null when it is not this conversation's or no longer waits.
   */
  awaiting(surveyId?: string): Promise<AwaitingSurvey | null>;
  answer(surveyId: string, answer: SurveyAnswer): Promise<SurveyAnswerOutcome>;
  /** Opts the customer out of surveys; false when they were never surveyed (the word is then not a command). */
  optOut(): Promise<boolean>;
  /** Opens (or finds) the review case of `reference`; null when it is not this customer's resolved case. */
  requestReview(reference: string): Promise<ReviewReceipt | null>;
  /** The policy profile's name (cn, uk, us, …): which regulator to name. */
  policyName: string;
}
