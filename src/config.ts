import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable the program reads, parsed once at start-up (CONVENTIONS.md §11).
 * README.md documents each of them; keep the two in step.
 */
const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyToUndefined, z.url().optional());
const openAiTimeoutMessage = 'must be a number of milliseconds from 100 to 60000';
const openAiMaxTokensMessage = 'must be a number of tokens from 256 to 32768';

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, a CIDR subnet or one of Express's names for address ranges. */
function isProxyAddress(item: string): boolean {
  if (PROXY_NAMES.includes(item)) return true;
  const [ip = '', prefix, ...rest] = item.split('/');
  const family = isIP(ip);
  if (!family || rest.length) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

/**
 * TRUST_PROXY as Express's `trust proxy` takes it: a hop count, or the proxies' addresses; null
 * when it is neither. `true` (trust every address) is not offered: anyone could then choose the
 * address the per-address limits count, by sending X-Forwarded-For.
 */
export function parseTrustProxy(value: string): number | string[] | null {
  const v = value.trim();
  if (/^\d{1,3}$/.test(v)) return Number(v);
  const items = v.split(',').map((i) => i.trim());
  return items.every(isProxyAddress) ? items : null;
}

export const ZEnv = z
  .object({
    PORT: z.preprocess(emptyToUndefined, z.coerce.number({ error: 'must be a port number from 0 to 65535' }).int().min(0).max(65535).default(3978)),
    HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
    // Staff alerts link to it and the console's cookies are Secure when it is https://; a bare
    // host ("complaints.bank.example:443" parses as a URL) or ftp:// would give links nobody can open.
    PUBLIC_URL: z.preprocess(
      emptyToUndefined,
      z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, such as https://complaints.bank.example' }).optional(),
    ),
    DATABASE_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: (SQLite) or postgresql:// (PostgreSQL)')
        .default('file:./data/complaint-desk.db'),
    ),
    DATA_DIR: optionalString,
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
    BANK_NAME: z.preprocess(emptyToUndefined, z.string().max(80).optional()),
    BANK_HOTLINE: optionalString,
    BANK_TIMEZONE: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default('Asia/Shanghai')
        .refine((tz) => {
          try {
            new Intl.DateTimeFormat('en', { timeZone: tz });
            return true;
          } catch {
            return false;
          }
        }, 'must be an IANA time zone such as Asia/Shanghai'),
    ),
    COMPLAINT_POLICY: z.preprocess(emptyToUndefined, z.string().default('cn')),
    SURVEY_DELAY_MINUTES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(60 * 24 * 30).default(60)),
    // Survey: the hours of the day (BANK_TIMEZONE) a survey or its reminder may go out; one due
    // outside them waits for the start. Any hour unless set: DESIGN.md's SURVEY_DELAY_MINUTES
    // "0 = at once" stays true of a default install; a bank sets e.g. 09:00-21:00.
    SURVEY_HOURS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default('00:00-24:00')
        .transform((v, ctx) => {
          const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/.exec(v.trim());
          const from = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
          const to = m ? Number(m[3]) * 60 + Number(m[4]) : NaN;
          if (!m || to > 24 * 60 || from >= to) {
            ctx.addIssue({ code: 'custom', message: 'must be HH:MM-HH:MM with the start before the end, such as 09:00-21:00' });
            return z.NEVER;
          }
          return { fromMinute: from, toMinute: to };
        }),
    ),
    // Survey: what an unhappy survey answer ("not solved" or a score of 1–2) does
    SURVEY_LOW_SCORE_ACTION: z.preprocess(emptyToUndefined, z.enum(['reopen', 'followup']).default('reopen')),
    STAFF_API_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
    // Bearer token GET /metrics asks for when set; unset, /metrics is open (behind the proxy).
    METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
    ADMIN_EMAIL: z.preprocess(emptyToUndefined, z.email().optional()),
    // The staff password rule (src/cases/staff/accounts.ts): bcrypt reads 72 bytes at most.
    ADMIN_PASSWORD: z.preprocess(
      emptyToUndefined,
      z.string().min(12, 'must be at least 12 characters').refine((p) => Buffer.byteLength(p) <= 72, 'must be at most 72 bytes').optional(),
    ),
    MicrosoftAppId: optionalString,
    MicrosoftAppPassword: optionalString,
    MicrosoftAppType: z.preprocess(emptyToUndefined, z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional()),
    MicrosoftAppTenantId: optionalString,
    TELEGRAM_BOT_TOKEN: z.preprocess(emptyToUndefined, z.string().regex(/^\d+:[\w-]+$/, 'must look like 123456:ABC-DEF…').optional()),
    TELEGRAM_WEBHOOK_URL: optionalUrl,
    TELEGRAM_WEBHOOK_SECRET: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1–256 characters of A-Z, a-z, 0-9, _ and -').optional(),
    ),
    TELEGRAM_API_ROOT: optionalUrl,
    // A chat id as Telegram gives it (a group's is -100…): the bot also compares it with the chat
    // of each update to stay silent there, so a name or a stray character would post alerts nowhere.
    STAFF_TELEGRAM_CHAT_ID: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^-?\d{1,20}$/, "must be a Telegram chat id, a number such as -1001234567890 (a group's)").optional(),
    ),
    EVIDENCE_MAX_BYTES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(10 * 1024 * 1024)),
    TURNS_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(10_000).default(30)),
    REQUESTS_PER_IP_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(1_000_000).default(1200)),
    // Whose X-Forwarded-For tells the client's address (per-address limits, logs). Loopback by
    // default: a proxy on another machine must be named, or every client has the proxy's address.
    TRUST_PROXY: z
      .preprocess(emptyToUndefined, z.string().default('loopback'))
      .refine((v) => parseTrustProxy(v) !== null, 'must be a number of proxies in front (e.g. 1), or comma-separated proxy addresses, CIDR subnets, loopback, linklocal or uniquelocal')
      .transform((v) => parseTrustProxy(v)!),
    // Longer than the idle timeout of the load balancer or proxy in front (60 s for AWS ALB and
    // nginx): with Node's 5 s, the proxy could send a request on a connection the server was
    // closing, and the channel would get a 502 for a message the bot never saw.
    HTTP_KEEP_ALIVE_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(3600).default(65)),
    OPENAI_API_KEY: optionalString,
    // "localhost:11434/v1" is a valid URL whose scheme is "localhost:": taken as it is, every
    // LLM call would fail and the rules would decide alone, quietly.
    OPENAI_BASE_URL: z.preprocess(
      emptyToUndefined,
      z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, such as http://localhost:11434/v1' }).optional(),
    ),
    // Defaults to gpt-4o-mini below, unless OPENAI_BASE_URL names another server.
    OPENAI_MODEL: optionalString,
    // The openai port holds each request to 100 ms – 60 s; a value beyond it would be cut
    // there without a word, while the classifier's overall deadline (two attempts) grew with it.
    OPENAI_TIMEOUT_MS: z.preprocess(
      emptyToUndefined,
      z.coerce.number({ error: openAiTimeoutMessage }).int(openAiTimeoutMessage).min(100, openAiTimeoutMessage).max(60_000, openAiTimeoutMessage).default(8000),
    ),
    // The cap on an answer's length (openai-port.ts): enough for the JSON object by default; a
    // reasoning model, whose thinking counts too (OpenAI's o-series and GPT-5; Qwen3, DeepSeek-R1
    // served without a reasoning parser), needs more, or every answer is cut and the rules decide alone.
    OPENAI_MAX_TOKENS: z.preprocess(
      emptyToUndefined,
      z.coerce.number({ error: openAiMaxTokensMessage }).int(openAiMaxTokensMessage).min(256, openAiMaxTokensMessage).max(32_768, openAiMaxTokensMessage).default(1024),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_WEBHOOK_SECRET'], message: 'is required when TELEGRAM_WEBHOOK_URL is set' });
    }
    // Telegram is off without its token: a webhook, a staff chat or an API root set alone would
    // be ignored without a word (staff expecting alerts would get none).
    for (const name of ['TELEGRAM_WEBHOOK_URL', 'TELEGRAM_WEBHOOK_SECRET', 'STAFF_TELEGRAM_CHAT_ID', 'TELEGRAM_API_ROOT'] as const) {
      if (env[name] !== undefined && !env.TELEGRAM_BOT_TOKEN) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'needs TELEGRAM_BOT_TOKEN: Telegram is off without it' });
      }
    }
    if (env.MicrosoftAppId && !env.MicrosoftAppPassword && env.MicrosoftAppType !== 'UserAssignedMSI') {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppPassword'], message: 'is required when MicrosoftAppId is set' });
    }
    if (env.ADMIN_EMAIL && !env.ADMIN_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: 'is required when ADMIN_EMAIL is set' });
    }
    // Without these, a server named for the LLM (Ollama, vLLM, a gateway) would be left unused
    // without a word (no key turns the LLM off), or asked every time for OpenAI's model name
    // (a 404, and the rules decide alone).
    if (env.OPENAI_BASE_URL && !env.OPENAI_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['OPENAI_API_KEY'], message: 'is required when OPENAI_BASE_URL is set (any value for a server that needs no key, such as Ollama)' });
    }
    if (env.OPENAI_BASE_URL && !env.OPENAI_MODEL) {
      ctx.addIssue({ code: 'custom', path: ['OPENAI_MODEL'], message: 'is required when OPENAI_BASE_URL is set: the name that server knows the model by' });
    }
  })
  .transform((env) => ({ ...env, OPENAI_MODEL: env.OPENAI_MODEL ?? 'gpt-4o-mini' }));

export type TEnv = z.infer<typeof ZEnv>;

export interface Config extends TEnv {
  /** Absolute folder for the SQLite file and downloaded evidence. */
  dataDir: string;
  /** Base URL used in links to the console (staff alerts). */
  publicUrl: string;
}

/** Thrown when the environment is wrong; its message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment once. A missing or wrong variable throws a ConfigError that names it
 * and says what is expected, so start-up stops before anything is served.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = ZEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const sqlitePath = c.DATABASE_URL.startsWith('file:') ? path.resolve(cwd, c.DATABASE_URL.slice('file:'.length)) : undefined;
  // Evidence files live here; by default beside the SQLite file, or ./data with PostgreSQL.
  const dataDir = c.DATA_DIR ? path.resolve(cwd, c.DATA_DIR) : sqlitePath ? path.dirname(sqlitePath) : path.resolve(cwd, 'data');
  return {
    ...c,
    DATABASE_URL: sqlitePath ? `file:${sqlitePath}` : c.DATABASE_URL,
    dataDir,
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, ''),
  };
}
