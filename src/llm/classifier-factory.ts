import { classifyByRules, createLlmAssistedClassifier, createRuleClassifier, type ClassifierLog, type Classifier } from '../cases/classification/index.js';
import type { LlmPort } from '../cases/classification/llm.js';
import type { Config } from '../config.js';

/**
 * The classifier the bot and the `classify` command both use: rules alone, or rules helped by
 * an LLM when `OPENAI_API_KEY` is set (DESIGN.md). One function, so the two paths cannot drift.
 */
export function createClassifierFromConfig(
  config: Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_MODEL' | 'OPENAI_TIMEOUT_MS' | 'OPENAI_MAX_TOKENS'>,
  log?: ClassifierLog,
): Classifier {
  if (!config.OPENAI_API_KEY) return createRuleClassifier();
  // The openai SDK is imported here, not at the top: an instance without a key never loads its
  // module graph (memory it would keep for nothing). With a key the import starts at once.
  const apiKey = config.OPENAI_API_KEY;
  const port = import('./openai-port.js').then(({ createOpenAiPort }) =>
    createOpenAiPort({ apiKey, baseURL: config.OPENAI_BASE_URL, model: config.OPENAI_MODEL, timeoutMs: config.OPENAI_TIMEOUT_MS, maxTokens: config.OPENAI_MAX_TOKENS, maxRetries: 1 }),
  );
  port.catch(() => undefined); // a failed import fails each call instead, and the rules answer
  const llm: LlmPort = { classify: async (request) => (await port).classify(request) };
  // The overall deadline covers one retry: two attempts plus a little slack.
  return createLlmAssistedClassifier({ rules: classifyByRules, llm, timeoutMs: config.OPENAI_TIMEOUT_MS * 2 + 500, log });
}
