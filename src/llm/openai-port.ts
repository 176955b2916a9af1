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
  /**
   * SDK retries on 408/409/429/5xx and connection errors; bounded to 0–3. A failure whose
   * `Retry-After` asks for more than 2 s is not retried.
   */
  maxRetries?: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * The longest wait a failed answer's `Retry-After` may ask for and still be retried. The
 * customer waits for the bot's reply meanwhile, and the rules can answer at once: the SDK
 * would sleep whatever the server asks (a rate limit's 20 s is usual), holding the turn until
 * the classifier's deadline and then dropping the answer anyway.
 */
const MAX_RETRY_WAIT_MS = 2000;

/** The wait a response asks for before a retry, in milliseconds, when it says. */
function retryAfterMs(headers: Headers): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms)) return ms;
  const after = headers.get('retry-after');
  if (!after) return undefined;
  const seconds = Number.parseFloat(after);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(after);
  return Number.isNaN(at) ? undefined : at - Date.now();
}

/**
 * `fetch` for the SDK that marks a failure asking for a longer wait than
 * {@link MAX_RETRY_WAIT_MS} as not to be retried (the SDK obeys `x-should-retry: false`), so
 * the port fails at once and the rules answer.
 */
function failFastOnLongRetryAfter(request: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await request(input, init);
    if (response.ok || response.headers.has('x-should-retry')) return response;
    const wait = retryAfterMs(response.headers);
    if (wait === undefined || wait <= MAX_RETRY_WAIT_MS) return response;
    const headers = new Headers(response.headers);
    headers.set('x-should-retry', 'false');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

/**
 * The JSON object in a model's answer. Strict structured output gives bare JSON, but not every
 * OpenAI-compatible server or model keeps to it: some wrap it in a Markdown fence, reasoning
 * models served without a reasoning parser (Qwen3, DeepSeek-R1 on Ollama or vLLM) write their
 * `<think>…</think>` first. Anything else is not JSON, and the rules answer.
 */
function jsonInAnswer(content: string): unknown {
  const answer = content.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(answer);
  return JSON.parse(fenced ? fenced[1]! : answer) as unknown;
}

/**
 * The {@link LlmPort} on the `openai` SDK: chat completions with structured output whose JSON
 * schema is built from the taxonomy enums, or JSON mode where a server refuses the schema. It
 * returns the answer's JSON (or null without one); the classifier validates it against the
 * taxonomy and falls back to the rules on anything else.
 */
export function createOpenAiPort(opts: OpenAiPortOptions): LlmPort {
  const client = new OpenAI({
    apiKey: opts.apiKey,
    baseURL: opts.baseURL,
    timeout: clamp(opts.timeoutMs ?? 8000, 100, 60_000),
    maxRetries: clamp(opts.maxRetries ?? 1, 0, 3),
    fetch: failFastOnLongRetryAfter(globalThis.fetch),
    // Not OPENAI_LOG's: at `debug` the SDK writes each request and answer, complaint text
    // included, to the console, past the application's logs (which never hold it).
    logLevel: 'warn',
  });
  const schemaFormat = zodResponseFormat(ZLlmClassification, 'complaint_classification');
  // Some OpenAI-compatible servers refuse a JSON schema with a 400 (DeepSeek: "This
  // response_format type is unavailable now"; older vLLM, Qwen models) but take JSON mode, whose
  // answer the classifier validates all the same. Once JSON mode answered where the schema was
  // refused, it is used from then on, so each call is one request again.
  let jsonMode = false;
  const ask = async (request: LlmRequest, responseFormat: typeof schemaFormat | { type: 'json_object' }) => {
    // `create`, not the SDK's `parse`: that one reads only bare JSON, and throws on the rest.
    const completion = await client.chat.completions.create(
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
    const content = completion.choices[0]?.message.content;
    return content ? jsonInAnswer(content) : null;
  };
  return {
    async classify(request: LlmRequest): Promise<unknown> {
      if (jsonMode) return ask(request, { type: 'json_object' });
      try {
        return await ask(request, schemaFormat);
      } catch (error) {
        if (!(error instanceof OpenAI.BadRequestError)) throw error;
        const answer = await ask(request, { type: 'json_object' });
        jsonMode = true;
        return answer;
      }
    },
  };
}
