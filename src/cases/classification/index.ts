/** Public API of the classification module: what the dialog and the `classify` command use. */
export { classifyByRules, createRuleClassifier } from './rules.js';
export { detectFraud, type FraudSignal } from './fraud.js';
export { extractAmount, extractAmounts, parseChineseNumber } from './amount.js';
export { extractOccurredOn } from './date.js';
export { extractCardTail } from './card.js';
export { maskNumbersForStaff, maskPii } from './pii.js';
export { LARGE_LOSS } from './severity.js';
export {
  ZLlmClassification,
  buildLlmRequest,
  createLlmAssistedClassifier,
  mergeOpinions,
  type ClassifierLog,
  type LlmAssistedOptions,
  type LlmPort,
  type LlmRequest,
  type TLlmClassification,
} from './llm.js';
export type { Classification, ClassifyContext, Classifier, ExtractedAmount, Opinion } from './types.js';
