import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { ZLlmClassification, type LlmPort, type LlmRequest } from '../cases/classification/llm.js';

export interface OpenAiPortOptions {
  apiKey: string;
  /** Any OpenAI-compatible server (vLLM, Ollama, a bank gateway); default api.openai.com. */
  baseURL?: string;
  model: string;
  /** Per-request timeout in milliseconds; bounded to 100 ms – 60 s. */
  timeoutMs?: number;
  /** SDK retries on 408/409/429/5xx and connection errors; bounded to 0–3. */
  maxRetries?: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * The {@link LlmPort} on the `openai` SDK: chat completions with structured output whose JSON
 * schema is built from the taxonomy enums. It returns the parsed answer (or null); the
 * classifier validates it again and falls back to the rules on anything else.
 */
export function createOpenAiPort(opts: OpenAiPortOptions): LlmPort {
  const client = new OpenAI({
    apiKey: opts.apiKey,
    baseURL: opts.baseURL,
    timeout: clamp(opts.timeoutMs ?? 8000, 100, 60_000),
    maxRetries: clamp(opts.maxRetries ?? 1, 0, 3),
  });
  const responseFormat = zodResponseFormat(ZLlmClassification, 'complaint_classification');
  return {
    async classify(request: LlmRequest): Promise<unknown> {
      const completion = await client.chat.completions.parse(
        {
          model: opts.model,
          temperature: 0,
          messages: [
            { role: 'system', content: request.system },
            { role: 'user', content: request.user },
          ],
          response_format: responseFormat,
        },
        { signal: request.signal },
      );
      return completion.choices[0]?.message.parsed ?? null;
    },
  };
}
