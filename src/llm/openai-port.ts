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
  /**
   * The most tokens an answer may have (default {@link DEFAULT_MAX_TOKENS}): the answer is a
   * small JSON object, and a model that runs on would cost time and money for nothing.
   * Bounded to 256–32768.
   */
  maxTokens?: number;
}

/**
 * Room for the JSON object with a summary paragraph several times the usual length (a few
 * hundred tokens). An answer cut at the cap is not JSON, and the rules answer.
 */
export const DEFAULT_MAX_TOKENS = 1024;

/** The request parameters that cap an answer's length, in the order they are tried. */
type TokenCap = 'max_tokens' | 'max_completion_tokens' | 'none';

/**
 * Whether a 400 refuses the given request parameter. OpenAI names it in the error's `param`
 * (`"Unsupported parameter: 'max_tokens' is not supported with this model. Use
 * 'max_completion_tokens' instead."`); vLLM, LiteLLM and other servers validating the request
 * name it in the message. The two names do not contain each other, so the test is exact enough.
 */
function refusesParameter(error: unknown, name: string): boolean {
  return error instanceof OpenAI.BadRequestError && (error.param === name || error.message.includes(name));
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
  const maxTokens = clamp(opts.maxTokens ?? DEFAULT_MAX_TOKENS, 256, 32_768);
  // The cap has two names. `max_tokens` is the one OpenAI-compatible servers know (vLLM, Ollama,
  // DeepSeek, gateways; OpenAI's older models too), but OpenAI deprecated it for
  // `max_completion_tokens`, and its reasoning and newer models (o-series, GPT-5) refuse it with a
  // 400 naming it. So OpenAI itself gets `max_completion_tokens`, any other server `max_tokens`;
  // a 400 naming the parameter sent moves to the other one, then to none (an answer without a
  // cap beats no answer), and that choice is kept from then on, as JSON mode is.
  const caps: TokenCap[] = opts.baseURL ? ['max_tokens', 'max_completion_tokens', 'none'] : ['max_completion_tokens', 'max_tokens', 'none'];
  let tokenCap = caps[0]!;
  const capOf = (cap: TokenCap) => (cap === 'none' ? {} : { [cap]: maxTokens });
  const send = async (request: LlmRequest, responseFormat: typeof schemaFormat | { type: 'json_object' }, cap: TokenCap) => {
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
        ...capOf(cap),
      },
      { signal: request.signal },
    );
    const choice = completion.choices[0];
    // Cut at the cap: not JSON, or not all of it. Said as such in the log (the error's code), so
    // an operator whose reasoning model thinks past OPENAI_MAX_TOKENS knows what to raise.
    if (choice?.finish_reason === 'length') throw Object.assign(new Error('LLM answer cut at OPENAI_MAX_TOKENS'), { code: 'llm_answer_truncated' });
    const content = choice?.message.content;
    return content ? jsonInAnswer(content) : null;
  };
  const ask = async (request: LlmRequest, responseFormat: typeof schemaFormat | { type: 'json_object' }) => {
    for (;;) {
      const cap = tokenCap;
      try {
        return await send(request, responseFormat, cap);
      } catch (error) {
        if (cap === 'none' || !refusesParameter(error, cap)) throw error;
        // Another call may have moved on meanwhile; only the one that learnt it moves the cap.
        if (tokenCap === cap) tokenCap = caps[caps.indexOf(cap) + 1]!;
      }
    }
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
