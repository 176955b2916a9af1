import type { PrismaClient } from '@prisma/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { scheduleJob, type JobHandler } from '../cases/scheduler/index.js';
import type { InlineKeyboard, TelegramOutgoing } from './telegram-render.js';
import { telegramConversationKey } from './telegram-update.js';

/**
 * Telegram messages that could not be sent yet (flood control with a long wait, a 5xx answer, a
 * network error) wait in the Job table, one job per chat holding that chat's queue in order, so
 * they survive a restart and are sent by one instance. While a chat has a queue, every later
 * message to it (a turn's replies, a staff reply, a survey) is appended to it instead of being
 * sent, so nothing overtakes what waits.
 *
 * The queue is the job's payload; the job's dedupeKey `telegram:deliver:<chatId>` finds it (an
 * exact, indexed look-up) and is given back (set to null) the moment the queue is emptied or
 * dropped, so the next failure starts a new job. Appending and removing are compare-and-set on
 * the payload: a turn appending on one instance and the worker sending on another never lose
 * each other's change.
 */

export const TELEGRAM_DELIVERY_JOB = 'telegram.deliver';
/**
 * Scheduler runs of one queue before it is given up: with the first retry 5 s after a 5xx or
 * network error and the scheduler's backoff after that (30 s, 1 min, … 32 min), about an hour.
 */
export const TELEGRAM_DELIVERY_MAX_ATTEMPTS = 8;
/** The first retry after a failure that came with no wait of its own (5xx, network). */
export const TELEGRAM_RETRY_FIRST_MS = 5_000;

/**
 * One message waiting; `messageId` is set once it was sent but its buttons could not be added yet;
 * `threadId` is the topic of a private chat with topics it goes to (kept per message: the queue
 * is per chat, and the customer may have written in another topic since).
 */
export type QueuedOutgoing = TelegramOutgoing & { messageId?: number; threadId?: number };

/** How one attempt to send a queued message ended; the channel classifies Telegram's errors. */
export type SendAttempt =
  | { ok: true }
  | {
      ok: false;
      /** transient: try again later; unreachable: blocked or chat gone; rejected: this message cannot be sent. */
      kind: 'transient' | 'unreachable' | 'rejected';
      reason: string;
      code?: number | string;
      /** Seconds Telegram asked to wait (429 `retry_after`). */
      retryAfterS?: number;
      /** The message went out but its buttons were not added (the edit failed). */
      messageId?: number;
    };

const isObject = (v: unknown) => typeof v === 'object' && v !== null;
const ZQueuedOutgoing = z.object({
  text: z.string(),
  reply_markup: z.custom<NonNullable<TelegramOutgoing['reply_markup']>>(isObject).optional(),
  inlineAfterSend: z.custom<InlineKeyboard>(isObject).optional(),
  messageId: z.number().int().optional(),
  threadId: z.number().int().optional(),
});
const ZQueue = z.object({ chatId: z.union([z.number().int(), z.string()]), items: z.array(ZQueuedOutgoing) });
type TQueue = z.infer<typeof ZQueue>;

const LIVE = ['pending', 'running'];
/** Compare-and-set rounds before giving up on a queue that keeps changing under us. */
const CAS_TRIES = 20;

const queueKey = (chatId: number | string) => `telegram:deliver:${chatId}`;

function readQueue(payload: string): TQueue {
  const parsed = ZQueue.safeParse(JSON.parse(payload));
  if (!parsed.success) throw Object.assign(new Error('telegram delivery payload is not a queue'), { permanent: true });
  return parsed.data;
}

/**
 * Appends messages to the chat's waiting queue, when it has one. Returns false when nothing
 * waits for this chat (the caller sends directly). A key left behind by a job that ended
 * without giving it back (a crash, a database error on its last run) is released here.
 */
export async function appendToTelegramQueue(db: PrismaClient, chatId: number | string, items: QueuedOutgoing[]): Promise<boolean> {
  const dedupeKey = queueKey(chatId);
  for (let i = 0; i < CAS_TRIES; i++) {
    const job = await db.job.findUnique({ where: { dedupeKey }, select: { id: true, status: true, payload: true } });
    if (!job) return false;
    if (!LIVE.includes(job.status)) {
      await db.job.updateMany({ where: { id: job.id, status: { notIn: LIVE } }, data: { dedupeKey: null } });
      return false;
    }
    const queue = readQueue(job.payload);
    const res = await db.job.updateMany({
      where: { id: job.id, dedupeKey, status: { in: LIVE }, payload: job.payload },
      data: { payload: JSON.stringify({ ...queue, items: [...queue.items, ...items] }) },
    });
    if (res.count === 1) return true;
  }
  throw new Error('the telegram delivery queue kept changing');
}

/**
 * Puts messages that could not be sent into the chat's queue, starting one due at `runAt` when
 * the chat has none (another instance may start it at the same moment: then they are appended).
 */
export async function enqueueTelegramDelivery(db: PrismaClient, input: { chatId: number | string; items: QueuedOutgoing[]; runAt: Date }): Promise<void> {
  for (let i = 0; i < CAS_TRIES; i++) {
    if (await appendToTelegramQueue(db, input.chatId, input.items)) return;
    const job = await scheduleJob(db, {
      type: TELEGRAM_DELIVERY_JOB,
      runAt: input.runAt,
      payload: { chatId: input.chatId, items: input.items },
      dedupeKey: queueKey(input.chatId),
      maxAttempts: TELEGRAM_DELIVERY_MAX_ATTEMPTS,
    });
    if (job.created) return;
  }
  throw new Error('could not queue a telegram delivery');
}

/**
 * Changes the queue of job `id` with `change` (applied to what is stored now), by
 * compare-and-set. An emptied queue gives its key back in the same write, so a message appended
 * meanwhile is either in the queue this job still sends, or finds no queue and goes out directly.
 * Returns the items the change saw (none when the queue was already given back).
 */
async function changeQueue(db: PrismaClient, id: string, change: (items: QueuedOutgoing[]) => QueuedOutgoing[]): Promise<QueuedOutgoing[]> {
  for (let i = 0; i < CAS_TRIES; i++) {
    const row = await db.job.findUnique({ where: { id }, select: { payload: true, dedupeKey: true } });
    if (!row || row.dedupeKey === null) return [];
    const queue = readQueue(row.payload);
    const items = change(queue.items);
    const res = await db.job.updateMany({
      where: { id, payload: row.payload },
      data: { payload: JSON.stringify({ ...queue, items }), ...(items.length ? {} : { dedupeKey: null }) },
    });
    if (res.count === 1) return queue.items;
  }
  throw new Error('the telegram delivery queue kept changing');
}

export interface TelegramDeliveryDeps {
  db: PrismaClient;
  log: Logger;
  /** One attempt at one message (no waiting in-line: the scheduler waits). */
  send(chatId: number | string, item: QueuedOutgoing): Promise<SendAttempt>;
  /** Told of a chat that became unreachable, or of a message Telegram refused for good. */
  onFailure(chatId: number | string, failure: Extract<SendAttempt, { ok: false }>): Promise<unknown>;
}

/**
 * The scheduler's handler for `telegram.deliver`: sends the chat's queue in order, removing each
 * message once sent (a crash between the two sends that one again: at least once, never lost).
 * On a transient failure it asks to run again after Telegram's `retry_after`, or the scheduler's
 * backoff; on the last attempt it drops the queue with a log line (counts, never text).
 */
export function createTelegramDeliveryHandler(deps: TelegramDeliveryDeps): JobHandler {
  const { db } = deps;
  return async (job) => {
    const log = deps.log.child({ jobId: job.id, attempt: job.attempt });
    for (;;) {
      const row = await db.job.findUnique({ where: { id: job.id }, select: { payload: true, dedupeKey: true } });
      if (!row || row.dedupeKey === null) return;
      const { chatId, items } = readQueue(row.payload);
      const conversationKey = telegramConversationKey(chatId);
      const head = items[0];
      if (!head) {
        await changeQueue(db, job.id, () => []);
        continue;
      }
      const sent = await deps.send(chatId, head);
      if (sent.ok) {
        await changeQueue(db, job.id, (now) => now.slice(1));
        continue;
      }
      if (sent.kind === 'rejected') {
        await deps.onFailure(chatId, sent);
        await changeQueue(db, job.id, (now) => now.slice(1));
        continue;
      }
      if (sent.kind === 'unreachable') {
        const dropped = await changeQueue(db, job.id, () => []);
        await deps.onFailure(chatId, sent);
        log.warn({ conversationKey, messages: dropped.length }, 'telegram queue dropped: user unreachable');
        return;
      }
      if (sent.messageId !== undefined) {
        const messageId = sent.messageId;
        await changeQueue(db, job.id, ([first, ...rest]) => (first ? [{ ...first, messageId }, ...rest] : rest));
      }
      if (job.attempt >= job.maxAttempts) {
        const dropped = await changeQueue(db, job.id, () => []);
        log.error({ conversationKey, messages: dropped.length, reason: sent.reason, code: sent.code }, 'telegram delivery given up');
        throw Object.assign(new Error(`telegram delivery given up: ${sent.reason}`), { permanent: true });
      }
      const retryAt = sent.retryAfterS !== undefined ? new Date(job.now.getTime() + sent.retryAfterS * 1000) : undefined;
      throw Object.assign(new Error(`telegram send failed: ${sent.reason}`), { retryAt });
    }
  };
}
