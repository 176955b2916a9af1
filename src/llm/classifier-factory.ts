import { classifyByRules, createLlmAssistedClassifier, createRuleClassifier, type ClassifierLog, type Classifier } from '../cases/classification/index.js';
import type { Config } from '../config.js';
import { createOpenAiPort } from './openai-port.js';

/**
 * The classifier the bot and the `classify` command both use: rules alone, or rules helped by
 * an LLM when `OPENAI_API_KEY` is set (DESIGN.md). One function, so the two paths cannot drift.
 */
export function createClassifierFromConfig(
  config: Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_MODEL' | 'OPENAI_TIMEOUT_MS'>,
  log?: ClassifierLog,
): Classifier {
  if (!config.OPENAI_API_KEY) return createRuleClassifier();
  const llm = createOpenAiPort({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    model: config.OPENAI_MODEL,
    timeoutMs: config.OPENAI_TIMEOUT_MS,
    maxRetries: 1,
  });
  // The overall deadline covers one retry: two attempts plus a little slack.
  return createLlmAssistedClassifier({ rules: classifyByRules, llm, timeoutMs: config.OPENAI_TIMEOUT_MS * 2 + 500, log });
}
