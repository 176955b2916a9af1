import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import type { CustomerMessage } from '../cases/messenger.js';

/**
 * What the page receives for one message of the conversation, the bot's or the customer's own
 * (shown again after a reload); `seq` orders them and is the replay cursor.
 */
export interface WebChatWireMessage {
  seq: number;
  from: 'bot' | 'customer';
  text: string;
  buttons?: { label: string; value: string }[];
  /** The customer's messages: the id the page gave it, so the page that sent it shows it once. */
  clientMessageId?: string;
  /** ISO time the server stored it. */
  at: string;
}

// Rows stored before the customer's messages were kept have no `from`: they are the bot's.
const ZStoredPayload = z.object({
  from: z.literal('customer').optional(),
  text: z.string(),
  buttons: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
  clientMessageId: z.string().optional(),
});
type StoredPayload = z.infer<typeof ZStoredPayload>;

const wireSelect = { seq: true, payload: true, createdAt: true } as const;
type WireRow = { seq: number; payload: string; createdAt: Date };

/** Most messages a single replay returns; the page asks again from the last one it got. */
export const REPLAY_BATCH = 200;

/**
 * The conversation a page shows again when it is opened: the messages of the last 24 hours (as
 * long as an unfinished complaint can be resumed), at most the last 100 of them — a whole
 * intake with its corrections fits. Older messages the page never received come as well.
 */
export const HISTORY_WINDOW_MS = 24 * 60 * 60 * 1000;
export const HISTORY_MAX_MESSAGES = 100;

function parsePayload(payload: string): StoredPayload {
  try {
    const parsed = ZStoredPayload.safeParse(JSON.parse(payload));
    if (parsed.success) return parsed.data;
  } catch {
    // unreadable JSON: shown empty, below
  }
  // A row we cannot read is still shown (empty) rather than stalling the cursor behind it.
  return { text: '' };
}

function toWire(row: WireRow): WebChatWireMessage {
  const payload = parsePayload(row.payload);
  return {
    seq: row.seq,
    from: payload.from ?? 'bot',
    text: payload.text,
    ...(payload.buttons?.length ? { buttons: payload.buttons } : {}),
    ...(payload.from === 'customer' && payload.clientMessageId ? { clientMessageId: payload.clientMessageId } : {}),
    at: row.createdAt.toISOString(),
  };
}

/** The stored form of the customer's own message (see appendWebChatMessages). */
export function customerPayload(said: { text: string; clientMessageId: string }): string {
  return JSON.stringify({ from: 'customer', text: said.text, clientMessageId: said.clientMessageId } satisfies StoredPayload);
}

/** The stored form of a bot message. */
export function botPayload(m: CustomerMessage): string {
  return JSON.stringify({ text: m.text, ...(m.buttons?.length ? { buttons: m.buttons } : {}) } satisfies StoredPayload);
}

/**
 * Stores messages of a web chat session, in order, and returns them with their sequence
 * numbers: the customer's own message (`said`, kept so a reloaded page shows the conversation
 * so far) first, then the bot's. Stored before they are shown, so a customer who is offline
 * gets them on reconnect. `said` and the replies to it carry its id in `inReplyTo`. Messages
 * sent outside a turn (staff replies, surveys) and a message relayed to staff come here; a
 * turn's own messages are written by its commit instead (InboundMessage.pageCopy), so a
 * retried message finds them whenever the turn is done.
 */
export async function appendWebChatMessages(
  db: PrismaClient,
  input: { sessionId: string; messages: CustomerMessage[]; said?: { text: string; clientMessageId: string }; inReplyTo?: string; now: Date },
): Promise<WebChatWireMessage[]> {
  const payloads = [...(input.said ? [customerPayload(input.said)] : []), ...input.messages.map(botPayload)];
  if (payloads.length === 0) return [];
  const inReplyTo = input.inReplyTo ?? input.said?.clientMessageId ?? null;
  // One create per message inside a transaction: autoincrement keeps their order, and
  // createMany would not give the sequence numbers back on every database.
  const rows = await db.$transaction(
    payloads.map((payload, i) =>
      db.webChatMessage.create({
        data: {
          sessionId: input.sessionId,
          payload,
          inReplyTo,
          createdAt: new Date(input.now.getTime() + i),
        },
        select: wireSelect,
      }),
    ),
  );
  return rows.map(toWire);
}

/**
 * Where the replay of a page being opened starts: before the conversation's recent history
 * (`HISTORY_WINDOW_MS`, at most `HISTORY_MAX_MESSAGES`), or before the first message the page
 * has not received (`seenUpTo`, its own cursor) when that is older, so nothing sent while it
 * was closed is skipped.
 */
export async function historyCursor(db: PrismaClient, input: { sessionId: string; seenUpTo?: number; now: Date }): Promise<number> {
  const recent = await db.webChatMessage.findMany({
    where: { sessionId: input.sessionId, createdAt: { gte: new Date(input.now.getTime() - HISTORY_WINDOW_MS) } },
    orderBy: { seq: 'desc' },
    take: HISTORY_MAX_MESSAGES,
    select: { seq: true },
  });
  const oldest = recent.at(-1);
  const start = oldest
    ? oldest.seq - 1
    : ((await db.webChatMessage.findFirst({ where: { sessionId: input.sessionId }, orderBy: { seq: 'desc' }, select: { seq: true } }))?.seq ?? 0);
  return input.seenUpTo === undefined ? start : Math.min(input.seenUpTo, start);
}

/** Messages of a session after the cursor, oldest first, at most `REPLAY_BATCH`. */
export async function listWebChatMessagesAfter(db: PrismaClient, sessionId: string, afterSeq: number): Promise<WebChatWireMessage[]> {
  const rows = await db.webChatMessage.findMany({
    where: { sessionId, seq: { gt: afterSeq } },
    orderBy: { seq: 'asc' },
    take: REPLAY_BATCH,
    select: wireSelect,
  });
  return rows.map(toWire);
}

/**
 * What is already stored for one customer message (answer to a retried request): the message
 * itself, when it was kept, and the bot's replies to it.
 */
export async function listWebChatRepliesTo(db: PrismaClient, sessionId: string, clientMessageId: string): Promise<WebChatWireMessage[]> {
  const rows = await db.webChatMessage.findMany({
    where: { sessionId, inReplyTo: clientMessageId },
    orderBy: { seq: 'asc' },
    select: wireSelect,
  });
  return rows.map(toWire);
}

/**
 * Deletes a session's stored messages (erasure on request: the customer's own messages, and bot
 * messages that repeat what the customer said, e.g. the summary with name and phone).
 */
export async function deleteWebChatMessages(db: PrismaClient, sessionId: string): Promise<number> {
  const { count } = await db.webChatMessage.deleteMany({ where: { sessionId } });
  return count;
}

/**
 * Retention: deletes messages stored before `before`. The case transcript keeps the record;
 * these rows only exist to reach a page that was offline and to show a reopened page the
 * conversation so far.
 */
export async function pruneWebChatMessages(db: PrismaClient, before: Date): Promise<number> {
  const { count } = await db.webChatMessage.deleteMany({ where: { createdAt: { lt: before } } });
  return count;
}
