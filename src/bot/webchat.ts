import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PrismaClient } from '@prisma/client';
import express, { type Express, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ChannelSender } from '../cases/messenger.js';
import { detectLanguage, t } from '../dialogs/i18n.js';
import { createKeyedQueue } from '../dialogs/keyed-queue.js';
import { en } from '../dialogs/locales/en.js';
import { zh } from '../dialogs/locales/zh.js';
import { MAX_DESCRIPTION_CHARS } from '../dialogs/slots.js';
import { rejectNulReviver } from '../http/no-nul.js';
import type { TurnRunner } from '../dialogs/run-turn.js';
import {
  appendWebChatMessages,
  botPayload,
  customerPayload,
  historyCursor,
  listWebChatMessagesAfter,
  listWebChatRepliesTo,
  REPLAY_BATCH,
  type WebChatWireMessage,
} from './webchat-outbox.js';

/** `kind` of the conversation references this channel stores and the messenger routes here. */
export const WEBCHAT_REF_KIND = 'webpage';
export const WEBCHAT_INTAKE_CHANNEL = 'webchat';

const here = path.dirname(fileURLToPath(import.meta.url));
const PUBLIC_DIR = path.resolve(here, '../../public/webchat');

// The session id is the only secret of a web chat conversation (it reads the replies), so it
// must be long and random: the page makes 32 base64url characters from 24 crypto bytes.
export const ZWebChatSessionId = z
  .string({ error: 'is required' })
  .regex(/^[A-Za-z0-9_-]{20,64}$/, 'must be 20–64 characters of A-Z, a-z, 0-9, _ and -');

/**
 * The longest text the page may post: twice what the dialog takes as a complaint, so that a
 * text over the dialog's limit reaches it and the customer is told in the chat why it was not
 * taken, rather than seeing "Send failed". The page itself counts against the dialog's limit
 * and sends nothing longer; this bound is for other clients (and pages of an older version).
 */
export const MAX_WEBCHAT_TEXT = 2 * MAX_DESCRIPTION_CHARS;

export const ZWebChatPost = z
  .object({
    sessionId: ZWebChatSessionId,
    /** Chosen by the page per message and reused when it retries, so a retry runs once. */
    clientMessageId: z
      .string({ error: 'is required' })
      .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 characters of A-Z, a-z, 0-9, _ and -'),
    text: z.string().trim().min(1, 'must not be empty').max(MAX_WEBCHAT_TEXT, `must be at most ${MAX_WEBCHAT_TEXT} characters`).optional(),
    /** The value of a pressed button. */
    action: z
      .string()
      .max(100, 'must be at most 100 characters')
      .regex(/^[\w:.-]+$/, 'must be a button value')
      .optional(),
    /** With `action`: the pressed button's label, as the page showed it (and shows it again after a reload). */
    label: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
    locale: z
      .string()
      .max(35)
      .regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, 'must be a language tag such as en-GB or zh-CN')
      .optional(),
  })
  .refine((b) => (b.text === undefined) !== (b.action === undefined), { message: 'give either text or action (one of them)' });
export type TWebChatPost = z.infer<typeof ZWebChatPost>;

export const ZWebChatEventsQuery = z.object({
  session: ZWebChatSessionId,
  since: z.coerce.number().int().min(0).optional(),
  /** `1`: a page being opened; the replay starts with the conversation so far (historyCursor). */
  history: z.enum(['0', '1']).optional(),
});

export interface WebChatOptions {
  db: PrismaClient;
  runner: TurnRunner;
  log: Logger;
  /** Shown in the page header; a neutral title when the bank has not been named. */
  bankName?: string;
  clock?: () => Date;
  /** How often an open event stream also looks in the database (messages stored by another instance). */
  pollMs?: number;
  /** Comment lines that keep idle streams open through proxies. */
  heartbeatMs?: number;
  /** Customer messages per minute per client address. */
  postsPerMinute?: number;
}

export interface WebChatChannel {
  /** Registered on the CustomerMessenger: stores a message for a session and pushes it. */
  sender: ChannelSender;
  /** Ends open event streams (call before closing the HTTP server, which waits for them). */
  close(): void;
}

interface Stream {
  sessionId: string;
  cursor: number;
  flush(): void;
  end(): void;
}

const MAX_STREAMS_PER_SESSION = 4;

function zodReason(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A text of the locales for the page (`%text:en:key%` in index.html), HTML-escaped, with its
 * `{{placeholders}}` left for the page to fill: its length counter changes with every key press.
 * An unknown key stops the server at start-up rather than showing the customer a placeholder.
 */
function pageText(lang: string, key: string): string {
  const texts: Record<string, string> = lang === 'zh' ? zh : en;
  const text = Object.hasOwn(texts, key) ? texts[key] : undefined;
  if (text === undefined) throw new Error(`public/webchat/index.html names ${lang}:${key}, which the locales do not have`);
  return escapeHtml(text);
}

function webChatBundlePath(): string {
  // The package exports only its entry points; its dist bundle sits next to lib/.
  const entry = createRequire(import.meta.url).resolve('botframework-webchat');
  return path.resolve(path.dirname(entry), '../dist/webchat.js');
}

/** Page CSP: only our own scripts; Web Chat injects its styles at run time, hence inline styles. */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The bot's own web chat page at `/`: Bot Framework Web Chat in the browser with a transport of
 * ours. `POST /api/webchat/messages` runs a customer turn and answers with the replies;
 * `GET /api/webchat/events` is a Server-Sent Events stream of every message of the session (the
 * customer's own, turn replies and later pushes: staff replies, surveys), replayed from the
 * WebChatMessage table after the `Last-Event-ID`/`since` cursor, so nothing sent while the page
 * was closed is lost; with `history=1` it starts with the conversation so far, so a reloaded
 * page shows where the customer was. Mount before the 404 handler.
 */
export function mountWebChat(app: Express, opts: WebChatOptions): WebChatChannel {
  const { db, runner, log } = opts;
  const clock = opts.clock ?? (() => new Date());
  const pollMs = opts.pollMs ?? 5000;
  const heartbeatMs = opts.heartbeatMs ?? 20_000;
  const streams = new Map<string, Set<Stream>>();
  const bundlePath = webChatBundlePath();
  const pageTemplate = fs.readFileSync(path.join(PUBLIC_DIR, 'index.html'), 'utf8');
  const bankName = escapeHtml(opts.bankName?.trim() || 'Complaint Desk');
  const page = pageTemplate
    .replaceAll('%BANK_NAME%', bankName)
    .replaceAll('%MAX_DESCRIPTION_CHARS%', String(MAX_DESCRIPTION_CHARS))
    .replace(/%text:(en|zh):(\w+)%/g, (_, lang: string, key: string) => pageText(lang, key));

  function notify(sessionId: string) {
    for (const s of streams.get(sessionId) ?? []) s.flush();
  }

  // One message of a session at a time (the relayed message's own copy is stored after its turn),
  // so a retried request waiting behind the first finds everything the first one stored.
  const perSession = createKeyedQueue();

  const sender: ChannelSender = {
    kind: WEBCHAT_REF_KIND,
    async send(ref, messages) {
      const sessionId = ZWebChatSessionId.safeParse((ref as { sessionId?: unknown } | null)?.sessionId);
      if (!sessionId.success) return { ok: false, unreachable: true, reason: 'web chat reference without a valid session id' };
      // Stored first: the page receives it now if open, or on its next visit from the cursor.
      await appendWebChatMessages(db, { sessionId: sessionId.data, messages, now: clock() });
      notify(sessionId.data);
      return { ok: true };
    },
  };

  const staticHeaders = (res: Response) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
  };

  app.get('/', (_req, res) => {
    staticHeaders(res);
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(page);
  });

  app.get('/vendor/webchat.js', (_req, res, next) => {
    staticHeaders(res);
    res.sendFile(bundlePath, { maxAge: '1d' }, (err) => {
      if (err && !res.headersSent) next(Object.assign(new Error('web chat bundle missing'), { status: 503 }));
    });
  });

  // The raw template is not a page of its own (no bank name, no CSP): send visitors to `/`.
  app.get('/webchat/index.html', (_req, res) => res.redirect(301, '/'));
  app.use(
    '/webchat',
    express.static(PUBLIC_DIR, {
      index: false,
      fallthrough: true,
      setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    }),
  );

  const postLimiter = rateLimit({
    windowMs: 60_000,
    limit: opts.postsPerMinute ?? 60,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json({ error: 'rate_limited', message: 'Too many messages; please wait a moment.' });
    },
  });

  // 64 kB: MAX_WEBCHAT_TEXT Chinese characters take three bytes each in UTF-8.
  app.post('/api/webchat/messages', postLimiter, express.json({ limit: '64kb', reviver: rejectNulReviver }), async (req: Request, res: Response) => {
    const parsed = ZWebChatPost.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: 'bad_request', message: zodReason(parsed.error) });
      return;
    }
    const body = parsed.data;
    const said = { text: body.text ?? body.label ?? body.action ?? '', clientMessageId: body.clientMessageId };
    try {
      const outcome = await perSession(body.sessionId, async () => {
        const result = await runner.handle({
          conversationKey: `web:${body.sessionId}`,
          intakeChannel: WEBCHAT_INTAKE_CHANNEL,
          externalUserId: body.sessionId,
          text: body.text,
          action: body.action,
          locale: body.locale,
          conversationRef: { kind: WEBCHAT_REF_KIND, sessionId: body.sessionId },
          // Scoped by session: one page cannot make another session's message look handled.
          updateId: `${body.sessionId}:${body.clientMessageId}`,
          receivedAt: clock(),
          // The customer's own message (for the page opened again) and the replies are written in
          // the turn's own commit: a message marked handled always has them, so its retry below is
          // answered with exactly those, and a turn that did not commit is run again.
          pageCopy: { sessionId: body.sessionId, messageId: body.clientMessageId, said: customerPayload(said), reply: botPayload },
        });
        // Relayed to staff, the turn ran no dialog: the bot says nothing, and the message is kept here.
        if (result.relayed) await appendWebChatMessages(db, { sessionId: body.sessionId, said, messages: [], now: clock() });
        const stored = await listWebChatRepliesTo(db, body.sessionId, body.clientMessageId);
        // Answered without a turn (the rate limit: not taken in, to be sent again): no commit
        // stored the message, so its answer is stored alone, tied to no message of the customer's.
        if (!result.duplicate && !result.relayed && !stored.some((m) => m.from === 'customer')) {
          const answer = await appendWebChatMessages(db, { sessionId: body.sessionId, messages: result.replies, now: clock() });
          return { duplicate: false, relayed: false, replies: answer };
        }
        return { duplicate: Boolean(result.duplicate), relayed: Boolean(result.relayed), replies: stored.filter((m) => m.from === 'bot') };
      });
      // Other tabs of the session show the customer's message too.
      if (!outcome.duplicate) notify(body.sessionId);
      res.json(outcome);
    } catch (e) {
      // The channel's error boundary: log with the message id, answer with a fixed apology in
      // the customer's language. The page may retry with the same id; nothing was marked done.
      log.error(
        { err: { message: (e as Error).message, code: (e as { code?: string }).code }, clientMessageId: body.clientMessageId },
        'web chat turn failed',
      );
      const lang = detectLanguage(body.text, body.locale);
      res.status(503).json({ error: 'turn_failed', message: t(lang, 'error_apology') });
    }
  });

  app.get('/api/webchat/events', async (req: Request, res: Response) => {
    const parsed = ZWebChatEventsQuery.safeParse(req.query);
    if (!parsed.success) {
      res.status(400).json({ error: 'bad_request', message: zodReason(parsed.error) });
      return;
    }
    const { session: sessionId } = parsed.data;
    if ((streams.get(sessionId)?.size ?? 0) >= MAX_STREAMS_PER_SESSION) {
      res.status(429).json({ error: 'too_many_streams', message: 'This chat is already open in too many tabs.' });
      return;
    }
    // EventSource sends Last-Event-ID itself when it reconnects; the page's own cursor comes in
    // `since` on the first connection, moved back to the start of the conversation so far when
    // the page is being opened (`history`). The later of the two wins: a reconnect replays only
    // what the page has not had.
    const parsedLastEventId = Number.parseInt(String(req.headers['last-event-id'] ?? ''), 10);
    const lastEventId = Number.isFinite(parsedLastEventId) && parsedLastEventId > 0 ? parsedLastEventId : 0;
    let start = parsed.data.since ?? 0;
    if (parsed.data.history === '1' && !lastEventId) {
      let gone = false;
      const onGone = () => (gone = true);
      res.once('close', onGone);
      try {
        start = await historyCursor(db, { sessionId, seenUpTo: parsed.data.since, now: clock() });
      } catch (e) {
        // Without the history the stream still brings what the page has not received.
        log.warn({ err: { message: (e as Error).message }, sessionStream: true }, 'web chat history read failed');
      }
      res.off('close', onGone);
      if (gone) return;
    }
    const cursor = Math.max(start, lastEventId);
    const open = streams.get(sessionId) ?? new Set<Stream>();

    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.flushHeaders();
    res.write('retry: 3000\n\n');

    let flushing = false;
    let again = false;
    let ended = false;
    const stream: Stream = {
      sessionId,
      cursor,
      flush() {
        if (ended) return;
        if (flushing) {
          again = true;
          return;
        }
        flushing = true;
        void (async () => {
          try {
            do {
              again = false;
              let batch: WebChatWireMessage[];
              do {
                batch = await listWebChatMessagesAfter(db, sessionId, stream.cursor);
                for (const m of batch) {
                  if (ended) return;
                  res.write(`id: ${m.seq}\nevent: message\ndata: ${JSON.stringify(m)}\n\n`);
                  stream.cursor = m.seq;
                }
              } while (batch.length === REPLAY_BATCH && !ended);
            } while (again && !ended);
          } catch (e) {
            log.warn({ err: { message: (e as Error).message }, sessionStream: true }, 'web chat stream read failed');
          } finally {
            flushing = false;
          }
        })();
      },
      end() {
        if (ended) return;
        ended = true;
        clearInterval(poll);
        clearInterval(heartbeat);
        open.delete(stream);
        if (open.size === 0 && streams.get(sessionId) === open) streams.delete(sessionId);
        res.end();
      },
    };
    const poll = setInterval(() => stream.flush(), pollMs);
    const heartbeat = setInterval(() => {
      if (!ended) res.write(': ping\n\n');
    }, heartbeatMs);
    poll.unref();
    heartbeat.unref();
    open.add(stream);
    streams.set(sessionId, open);
    req.on('close', () => stream.end());
    stream.flush();
  });

  return {
    sender,
    close() {
      for (const set of [...streams.values()]) for (const s of [...set]) s.end();
    },
  };
}
