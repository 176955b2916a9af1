import { json, type Express, type NextFunction, type Request, type Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import type { Logger } from 'pino';
import { Telegraf, TelegramError } from 'telegraf';
import type { DomainEvents } from '../cases/domain-events.js';
import type { ChannelSender, CustomerMessage, DeliveryResult } from '../cases/messenger.js';
import type { JobHandler } from '../cases/scheduler/index.js';
import type { Config } from '../config.js';
import { detectLanguage, t } from '../dialogs/i18n.js';
import type { TurnRunner } from '../dialogs/run-turn.js';
import type { InboundMessage, Lang } from '../dialogs/types.js';
import { ALERT_SEVERITIES, formatCaseAlert, formatClockAlert, formatReviewAlert, formatSurveyAlert } from './telegram-alerts.js';
import { downloadEvidence } from './telegram-evidence.js';
import {
  TELEGRAM_DELIVERY_JOB,
  TELEGRAM_RETRY_FIRST_MS,
  appendToTelegramQueue,
  createTelegramDeliveryHandler,
  enqueueTelegramDelivery,
  type QueuedOutgoing,
  type SendAttempt,
} from './telegram-outbox.js';
import { renderMessages } from './telegram-render.js';
import { markConversationUnreachable } from './telegram-store.js';
import { rejectNulReviver } from '../http/no-nul.js';
import {
  ALLOWED_UPDATES,
  TELEGRAM_REF_KIND,
  telegramConversationKey,
  translateUpdate,
  ZTelegramRef,
  type TelegramAction,
} from './telegram-update.js';

/** The commands menu, in the order Telegram shows it. The dialog recognises each as `/name`. */
export const TELEGRAM_COMMANDS = ['start', 'help', 'cancel', 'status', 'language', 'human'] as const;

const TYPING_REPEAT_MS = 4_000;
const MAX_FLOOD_WAIT_S = 5;
const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 60_000;

export interface TelegramChannelOptions {
  /** The Telegram part of the configuration (token, webhook, API root, staff chat, sizes). */
  config: Pick<
    Config,
    'TELEGRAM_API_ROOT' | 'TELEGRAM_WEBHOOK_URL' | 'TELEGRAM_WEBHOOK_SECRET' | 'STAFF_TELEGRAM_CHAT_ID' | 'EVIDENCE_MAX_BYTES' | 'dataDir' | 'publicUrl'
  >;
  token: string;
  /** The app's express instance: the webhook route is mounted on it (before the 404 handler). */
  express: Express;
  runner: TurnRunner;
  events: DomainEvents;
  db: PrismaClient;
  log: Logger;
  clock?: () => Date;
}

export interface TelegramChannel {
  /** Proactive messages (staff replies, surveys) to conversations stored with kind `telegram`. */
  sender: ChannelSender;
  /** Scheduler job handlers: `telegram.deliver` sends messages that had to wait (telegram-outbox.ts). */
  handlers: Record<string, JobHandler>;
  mode: 'polling' | 'webhook';
  /**
   * Connects to the Bot API (getMe, commands menu, then long polling or setWebhook). A failure
   * is logged and retried in the background: Telegram being down must not stop the console.
   */
  start(): Promise<void>;
  /** Stops polling, waits for turns, downloads and alerts in flight. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The Telegram channel on telegraf. It only translates: updates become `InboundMessage`s for
 * the shared turn runner (which dedupes on `update_id` and serialises each chat), and the
 * dialog's replies become plain-text messages with inline keyboards. Nothing of the dialog
 * lives here.
 */
export function createTelegramChannel(opts: TelegramChannelOptions): TelegramChannel {
  const { config, runner, db, log } = opts;
  const clock = opts.clock ?? (() => new Date());
  const apiRoot = (config.TELEGRAM_API_ROOT ?? 'https://api.telegram.org').replace(/\/+$/, '');
  // webhookReply off: every call goes to the API, none hides in a webhook response body.
  const bot = new Telegraf(opts.token, { telegram: { apiRoot, webhookReply: false }, handlerTimeout: 120_000 });
  const tg = bot.telegram;
  const webhook = config.TELEGRAM_WEBHOOK_URL ? webhookTarget(config.TELEGRAM_WEBHOOK_URL, config.TELEGRAM_WEBHOOK_SECRET) : undefined;
  const log_ = log.child({ channel: 'telegram' });

  const inflight = new Set<Promise<unknown>>();
  function track<T>(p: Promise<T>): Promise<T> {
    inflight.add(p);
    const done = () => void inflight.delete(p);
    p.then(done, done);
    return p;
  }
  /** Chats showing the "share my phone number" keyboard, so it is removed once answered. */
  const phoneKeyboard = new Set<string>();
  const staffChat = config.STAFF_TELEGRAM_CHAT_ID;
  const isStaffChat = (chatId: number | string) => staffChat !== undefined && String(chatId) === staffChat;
  /** Per chat, the tail of the replies being sent, so turns answer in the order they came. */
  const outbox = new Map<string, Promise<unknown>>();
  let stopped = false;
  let polling: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  bot.use((ctx) => track(handleUpdate(ctx.update)));
  // The channel's error boundary (CONVENTIONS.md §9); turn failures are caught closer, in turn().
  bot.catch((e, ctx) => {
    log_.error({ updateId: ctx.update.update_id, err: errInfo(e) }, 'telegram update failed');
  });

  async function handleUpdate(update: unknown): Promise<void> {
    const action = translateUpdate(update, clock(), bot.botInfo);
    switch (action.kind) {
      case 'turn':
        return turn(action);
      case 'group':
        if (action.callbackId) void answerCallback(action.callbackId);
        // The staff chat is where alerts go: a staff member replying to one, or trying a
        // command there, is not a customer to send away.
        if (config.STAFF_TELEGRAM_CHAT_ID !== undefined && String(action.chatId) === config.STAFF_TELEGRAM_CHAT_ID) return;
        await answerGroup(action);
        return;
      case 'membership':
        if (action.blocked) await markConversationUnreachable(db, telegramConversationKey(action.chatId), 'blocked the bot');
        return;
      case 'ignore':
        if (action.callbackId) void answerCallback(action.callbackId);
        return;
    }
  }

  /**
   * "Please message me privately", as a reply to the message, in the forum topic it was written
   * in: without the topic it lands in the General topic, which a forum may have closed (Telegram
   * then refuses it). Sent straight away, not through the customers' delivery queue: a group
   * note lost to a Telegram outage costs nobody a reply to their complaint.
   */
  async function answerGroup(action: Extract<TelegramAction, { kind: 'group' }>): Promise<void> {
    const text = t(detectLanguage(action.text, action.locale), 'group_chat');
    await tg
      .sendMessage(action.chatId, text, {
        message_thread_id: action.threadId,
        reply_parameters: action.messageId === undefined ? undefined : { message_id: action.messageId, allow_sending_without_reply: true },
        link_preview_options: { is_disabled: true },
      })
      .catch((e: unknown) => log_.warn({ chatId: action.chatId, err: errInfo(e) }, 'group chat note not sent'));
  }

  async function turn(action: Extract<TelegramAction, { kind: 'turn' }>): Promise<void> {
    const { chatId, threadId, input } = action;
    // Handed to the runner before anything is awaited, so updates of one chat reach its
    // per-conversation queue in the order Telegram sent them.
    const handling = runner.handle(input);
    if (action.callback) {
      void answerCallback(action.callback.id);
      // The pressed keyboard goes away: a second press of an old button would only confuse.
      if (action.callback.messageId) void tg.editMessageReplyMarkup(chatId, action.callback.messageId, undefined, undefined).catch(() => undefined);
    }
    const stopTyping = typing(chatId, threadId);
    // Replies go out in turn order too: a later turn of this chat, finished while this one's
    // replies are still being sent, waits for them.
    await inChatOrder(String(chatId), async () => {
      let result;
      try {
        result = await handling;
      } catch (e) {
        log_.error({ conversationKey: input.conversationKey, updateId: input.updateId, err: errInfo(e) }, 'telegram turn failed');
        await deliver(chatId, [{ text: t(turnLang(input.text, input.locale), 'error_apology') }], { threadId });
        return;
      } finally {
        stopTyping();
      }
      if (result.replies.length) await deliver(chatId, result.replies, { contactReceived: input.sharedPhone !== undefined, threadId });
      if (!result.duplicate) startDownloads(input);
    });
  }

  function startDownloads(input: InboundMessage): void {
    if (!input.attachments?.length) return;
    // In the background: a large file must not hold up the next turn or a webhook answer.
    void track(
      downloadEvidence(
        {
          db,
          log: log_,
          dataDir: config.dataDir,
          maxBytes: config.EVIDENCE_MAX_BYTES,
          getFile: (fileId) => tg.getFile(fileId),
          fileBaseUrl: `${apiRoot}/file/bot${opts.token}/`,
        },
        input.conversationKey,
        input.attachments,
      ),
    );
  }

  /** Runs `work` after every earlier piece of work queued for this chat (same-process order). */
  function inChatOrder<T>(chat: string, work: () => Promise<T>): Promise<T> {
    const prev = outbox.get(chat) ?? Promise.resolve();
    const next = prev.then(work, work);
    const tail = next.catch(() => undefined);
    outbox.set(chat, tail);
    void tail.then(() => {
      if (outbox.get(chat) === tail) outbox.delete(chat);
    });
    return next;
  }

  function answerCallback(id: string): Promise<unknown> {
    // An old or redelivered query can no longer be answered; that is fine.
    return tg.answerCbQuery(id).catch(() => undefined);
  }

  /** "typing…" until the turn is done (Telegram shows it for about five seconds per call), in the customer's topic. */
  function typing(chatId: number, threadId: number | undefined): () => void {
    const send = () => void tg.sendChatAction(chatId, 'typing', { message_thread_id: threadId }).catch(() => undefined);
    send();
    const timer = setInterval(send, TYPING_REPEAT_MS);
    return () => clearInterval(timer);
  }

  /**
   * Sends the dialog's messages to one chat. Behind messages still waiting for this chat, they
   * wait too; what Telegram cannot take now (flood control with a wait over five seconds, a 5xx,
   * a network error) is queued durably and sent by the scheduler (telegram-outbox.ts), and counts
   * as delivered. A user who blocked the bot (403) or a chat that no longer exists is marked
   * unreachable; nothing is thrown. `threadId`: the topic of a private chat with topics they go to.
   */
  async function deliver(chatId: number | string, messages: CustomerMessage[], o: { contactReceived?: boolean; threadId?: number } = {}): Promise<DeliveryResult> {
    const key = String(chatId);
    const conversationKey = telegramConversationKey(chatId);
    const rendered = renderMessages(messages, {
      removePhoneKeyboard: phoneKeyboard.has(key) || o.contactReceived === true,
      onDroppedButton: (value) => log_.warn({ bytes: Buffer.byteLength(value) }, 'button value too long for callback_data, dropped'),
    });
    const { showsPhoneKeyboard } = rendered;
    const outgoing: QueuedOutgoing[] = o.threadId === undefined ? rendered.outgoing : rendered.outgoing.map((m) => ({ ...m, threadId: o.threadId }));
    const delivered = (): DeliveryResult => {
      if (showsPhoneKeyboard) phoneKeyboard.add(key);
      else phoneKeyboard.delete(key);
      return { ok: true };
    };
    // A later message must not overtake one that waits: it joins the queue. If the database
    // cannot say, sending now beats not sending at all.
    const queued = await appendToTelegramQueue(db, chatId, outgoing).catch((err: unknown) => {
      log_.error({ conversationKey, err: errInfo(err) }, 'could not read the telegram delivery queue');
      return false;
    });
    if (queued) return delivered();
    for (const [i, m] of outgoing.entries()) {
      const sent = await sendOutgoing(chatId, m, { waitOutShortFlood: true });
      if (sent.ok) continue;
      if (sent.kind === 'transient') {
        const rest: QueuedOutgoing[] = [sent.messageId === undefined ? m : { ...m, messageId: sent.messageId }, ...outgoing.slice(i + 1)];
        const runAt = new Date(clock().getTime() + (sent.retryAfterS !== undefined ? sent.retryAfterS * 1000 : TELEGRAM_RETRY_FIRST_MS));
        try {
          await enqueueTelegramDelivery(db, { chatId, items: rest, runAt });
          log_.warn({ conversationKey, messages: rest.length, retryAt: runAt.toISOString(), reason: sent.reason, code: sent.code }, 'telegram send deferred');
          return delivered();
        } catch (err) {
          log_.error({ conversationKey, err: errInfo(err) }, 'could not queue a telegram delivery');
        }
      }
      return reportFailure(chatId, sent);
    }
    return delivered();
  }

  /**
   * One message: sendMessage, then the buttons it could not carry (`inlineAfterSend`). A queued
   * message that already went out (`messageId`) only gets its buttons. A short flood wait
   * (five seconds at most) is waited out once, in-line, when the caller can afford it.
   */
  async function sendOutgoing(chatId: number | string, m: QueuedOutgoing, o: { waitOutShortFlood: boolean }): Promise<SendAttempt> {
    let messageId = m.messageId;
    try {
      if (messageId === undefined) {
        const send = () => tg.sendMessage(chatId, m.text, { message_thread_id: m.threadId, reply_markup: m.reply_markup, link_preview_options: { is_disabled: true } });
        const sent = await send().catch(async (e: unknown) => {
          const wait = floodWait(e);
          if (!o.waitOutShortFlood || wait === undefined || wait > MAX_FLOOD_WAIT_S) throw e;
          await new Promise((r) => setTimeout(r, wait * 1000));
          return send();
        });
        messageId = sent.message_id;
      }
      if (m.inlineAfterSend) await tg.editMessageReplyMarkup(chatId, messageId, undefined, m.inlineAfterSend);
      return { ok: true };
    } catch (e) {
      return { ...classifyFailure(e), ...(messageId === undefined ? {} : { messageId }) };
    }
  }

  /**
   * Marks an unreachable chat, or logs a message Telegram refused; what `send` reports. The staff
   * chat is no customer's conversation: the bot removed from it is an error staff must fix.
   */
  async function reportFailure(chatId: number | string, failure: Extract<SendAttempt, { ok: false }>): Promise<DeliveryResult> {
    const conversationKey = telegramConversationKey(chatId);
    const unreachable = failure.kind === 'unreachable';
    if (unreachable && isStaffChat(chatId)) {
      log_.error({ conversationKey, err: { message: failure.reason, code: failure.code } }, 'staff alert chat unreachable');
    } else if (unreachable) {
      await markConversationUnreachable(db, conversationKey, failure.reason).catch((err: unknown) =>
        log_.error({ conversationKey, err: errInfo(err) }, 'could not mark conversation unreachable'),
      );
      log_.warn({ conversationKey, reason: failure.reason }, 'telegram user unreachable');
    } else {
      log_.error({ conversationKey, err: { message: failure.reason, code: failure.code } }, 'telegram send failed');
    }
    return { ok: false, unreachable, reason: `telegram send failed: ${failure.reason}` };
  }

  const handlers: Record<string, JobHandler> = {
    [TELEGRAM_DELIVERY_JOB]: createTelegramDeliveryHandler({
      db,
      log: log_,
      // The scheduler waits between attempts; a handler sleeping in-line would hold up other jobs.
      send: (chatId, m) => sendOutgoing(chatId, m, { waitOutShortFlood: false }),
      onFailure: (chatId, failure) => reportFailure(chatId, failure),
    }),
  };

  const sender: ChannelSender = {
    kind: TELEGRAM_REF_KIND,
    async send(ref, messages) {
      const parsed = ZTelegramRef.safeParse(ref);
      if (!parsed.success) return { ok: false, unreachable: true, reason: 'incomplete telegram conversation reference' };
      const { chatId, threadId } = parsed.data;
      // In line with this process's turns for the chat, so a staff reply neither overtakes a
      // turn's replies nor slips past one that is being queued. (No turn sends proactively to
      // its own chat, so this cannot wait on itself.) In the topic the customer last wrote in.
      return inChatOrder(String(chatId), () => deliver(chatId, messages, { threadId }));
    },
  };

  if (staffChat) {
    // The staff chat is one more chat to `deliver` to: an alert Telegram cannot take now (a long
    // flood wait, a 5xx, a network error) waits in the chat's durable queue like a customer's
    // reply, in order with the alerts after it, instead of being lost — a P1 fraud alert most of all.
    const post = (caseRef: string, text: string) =>
      void track(
        inChatOrder(staffChat, () => deliver(staffChat, [{ text }])).then(
          (r) => (r.ok ? log_.info({ caseRef }, 'staff alert posted') : log_.error({ caseRef, reason: r.reason }, 'staff alert failed')),
          (err: unknown) => log_.error({ caseRef, err: errInfo(err) }, 'staff alert failed'),
        ),
      );
    opts.events.on('case.created', (e) => {
      if (ALERT_SEVERITIES.includes(e.severity)) post(e.reference, formatCaseAlert(e, config.publicUrl));
    });
    opts.events.on('case.clock_milestone', (e) => post(e.reference, formatClockAlert(e, config.publicUrl)));
    opts.events.on('survey.unhappy', (e) => post(e.reference, formatSurveyAlert(e, config.publicUrl)));
    opts.events.on('case.review_requested', (e) => post(e.reviewReference, formatReviewAlert(e, config.publicUrl)));
  }

  if (webhook) {
    const callback = bot.webhookCallback(webhook.filterPath, { secretToken: webhook.secret });
    const forbidden = (res: Response) => res.status(403).json({ error: 'forbidden', message: 'Missing or wrong X-Telegram-Bot-Api-Secret-Token header.' });
    // The secret first (403 whatever the body), then the body must be an update: telegraf
    // throws on JSON that is not an object with an update_id (a `null` body crashed it).
    const secretFirst = (req: Request, res: Response, next: NextFunction) => (sameSecret(req.get('x-telegram-bot-api-secret-token'), webhook.secret ?? '') ? next() : forbidden(res));
    const updateShaped = (req: Request, res: Response, next: NextFunction) =>
      typeof req.body === 'object' && req.body !== null && Number.isSafeInteger((req.body as { update_id?: unknown }).update_id)
        ? next()
        : res.status(400).json({ error: 'bad_request', message: 'The body is not a Telegram update.' });
    // telegraf checks path and secret again; on a mismatch it calls `next`, which answers 403 here.
    opts.express.post(webhook.routePath, secretFirst, json({ limit: '1mb', type: () => true, reviver: rejectNulReviver }), updateShaped, (req: Request, res: Response) => {
      callback(req, res, () => {
        forbidden(res);
      }).catch((e: unknown) => {
        log_.error({ err: errInfo(e) }, 'telegram webhook request failed');
        if (!res.headersSent) res.status(500).json({ error: 'internal', message: 'Something went wrong on our side.' });
      });
    });
  }

  async function setCommands(): Promise<void> {
    const menu = (lang: Lang) => TELEGRAM_COMMANDS.map((c) => ({ command: c, description: t(lang, `tg_cmd_${c}`) }));
    await tg.setMyCommands(menu('zh'));
    await tg.setMyCommands(menu('zh'), { language_code: 'zh' });
    await tg.setMyCommands(menu('en'), { language_code: 'en' });
  }

  async function connect(): Promise<void> {
    bot.botInfo = await tg.getMe();
    await setCommands().catch((e: unknown) => log_.warn({ err: errInfo(e) }, 'could not set the commands menu'));
    if (webhook) {
      await tg.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES] });
      log_.info({ mode: 'webhook', path: webhook.routePath }, 'telegram channel started');
      return;
    }
    // launch() skips getMe (botInfo is set), deletes any webhook and polls until stop().
    polling = bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] }).catch((e: unknown) => {
      if (stopped) return;
      log_.error({ err: errInfo(e) }, 'telegram polling stopped');
      retry(RETRY_MIN_MS);
    });
    log_.info({ mode: 'polling' }, 'telegram channel started');
  }

  function retry(delayMs: number): void {
    if (stopped) return;
    retryTimer = setTimeout(() => {
      connect().catch((e: unknown) => onConnectError(e, delayMs));
    }, delayMs);
    retryTimer.unref();
  }

  function onConnectError(e: unknown, lastDelayMs: number): void {
    if (stopped) return;
    if (e instanceof TelegramError && e.code === 401) {
      log_.error({ err: errInfo(e) }, 'telegram rejected TELEGRAM_BOT_TOKEN; the Telegram channel is off');
      return;
    }
    const next = Math.min(lastDelayMs * 2, RETRY_MAX_MS);
    log_.error({ err: errInfo(e), retryInMs: next }, 'telegram not reachable; retrying');
    retry(next);
  }

  return {
    sender,
    handlers,
    mode: webhook ? 'webhook' : 'polling',
    async start() {
      try {
        await connect();
      } catch (e) {
        onConnectError(e, RETRY_MIN_MS / 2);
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      if (polling) {
        try {
          bot.stop('shutdown');
        } catch {
          // not running (polling already ended)
        }
        await polling;
      }
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
  };
}

function webhookTarget(url: string, secret: string | undefined) {
  const u = new URL(url);
  // Telegram posts to exactly this URL; telegraf compares `req.url` (path and query) with it.
  return { url, secret, routePath: u.pathname, filterPath: `${u.pathname}${u.search}` };
}

/** Blocked, deactivated or kicked (403), or the chat is gone (400 chat not found). */
function isUnreachable(e: unknown): boolean {
  if (!(e instanceof TelegramError)) return false;
  return e.code === 403 || (e.code === 400 && /chat not found|user is deactivated/i.test(e.description));
}

/** Seconds to wait when Telegram answered 429 with `retry_after`; undefined otherwise. */
function floodWait(e: unknown): number | undefined {
  return e instanceof TelegramError && e.code === 429 ? e.parameters?.retry_after : undefined;
}

/**
 * What a failed call means for the message: worth another try later (flood control, Telegram's
 * 5xx, no answer at all — the request may have arrived, so a retry can send it twice, which
 * beats losing it), the chat is unreachable, or Telegram refused this message for good (4xx).
 */
function classifyFailure(e: unknown): Extract<SendAttempt, { ok: false }> {
  if (!(e instanceof TelegramError)) return { ok: false, kind: 'transient', reason: 'network error', code: errInfo(e).code };
  if (isUnreachable(e)) return { ok: false, kind: 'unreachable', reason: e.description, code: e.code };
  if (e.code === 429 || e.code >= 500) {
    const wait = floodWait(e);
    return { ok: false, kind: 'transient', reason: e.description, code: e.code, ...(wait === undefined ? {} : { retryAfterS: wait }) };
  }
  return { ok: false, kind: 'rejected', reason: e.description, code: e.code };
}

/** Language of a fixed apology when the dialog could not say it itself. */
function turnLang(text: string | undefined, locale: string | undefined): Lang {
  return detectLanguage(text, locale);
}

/** Error details safe to log: message and code only (never the update, never the token). */
function errInfo(e: unknown): { message: string; code?: string | number } {
  if (e instanceof TelegramError) return { message: e.description, code: e.code };
  const err = e instanceof Error ? e : new Error(String(e));
  return { message: err.message, code: (err as { code?: string }).code };
}

/** Constant-time comparison of the webhook secret header (hashes equalise the lengths). */
function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const digest = (x: string) => createHash('sha256').update(x).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
