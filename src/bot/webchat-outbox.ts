import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import type { CustomerMessage } from '../cases/messenger.js';

/** What the page receives for one bot message; `seq` orders them and is the replay cursor. */
export interface WebChatWireMessage {
  seq: number;
  text: string;
  buttons?: { label: string; value: string }[];
  /** ISO time the server stored it. */
  at: string;
}

const ZStoredPayload = z.object({
  text: z.string(),
  buttons: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
});

const wireSelect = { seq: true, payload: true, createdAt: true } as const;
type WireRow = { seq: number; payload: string; createdAt: Date };

/** Most messages a single replay returns; the page asks again from the last one it got. */
export const REPLAY_BATCH = 200;

function toWire(row: WireRow): WebChatWireMessage {
  const parsed = ZStoredPayload.safeParse(JSON.parse(row.payload));
  // A row we cannot read is still shown (empty) rather than stalling the cursor behind it.
  const payload = parsed.success ? parsed.data : { text: '' };
  return { seq: row.seq, text: payload.text, ...(payload.buttons?.length ? { buttons: payload.buttons } : {}), at: row.createdAt.toISOString() };
}

/**
 * Stores bot messages for a web chat session, in order, and returns them with their sequence
 * numbers. Stored before they are shown, so a customer who is offline gets them on reconnect.
 */
export async function appendWebChatMessages(
  db: PrismaClient,
  input: { sessionId: string; messages: CustomerMessage[]; inReplyTo?: string; now: Date },
): Promise<WebChatWireMessage[]> {
  if (input.messages.length === 0) return [];
  // One create per message inside a transaction: autoincrement keeps their order, and
  // createMany would not give the sequence numbers back on every database.
  const rows = await db.$transaction(
    input.messages.map((m, i) =>
      db.webChatMessage.create({
        data: {
          sessionId: input.sessionId,
          payload: JSON.stringify({ text: m.text, ...(m.buttons?.length ? { buttons: m.buttons } : {}) }),
          inReplyTo: input.inReplyTo ?? null,
          createdAt: new Date(input.now.getTime() + i),
        },
        select: wireSelect,
      }),
    ),
  );
  return rows.map(toWire);
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

/** The replies already stored for one customer message (answer to a retried request). */
export async function listWebChatRepliesTo(db: PrismaClient, sessionId: string, clientMessageId: string): Promise<WebChatWireMessage[]> {
  const rows = await db.webChatMessage.findMany({
    where: { sessionId, inReplyTo: clientMessageId },
    orderBy: { seq: 'asc' },
    select: wireSelect,
  });
  return rows.map(toWire);
}

/**
 * Deletes a session's stored messages (erasure on request: bot messages can repeat what the
 * customer said, e.g. the summary with name and phone).
 */
export async function deleteWebChatMessages(db: PrismaClient, sessionId: string): Promise<number> {
  const { count } = await db.webChatMessage.deleteMany({ where: { sessionId } });
  return count;
}

/**
 * Retention: deletes messages stored before `before`. The case transcript keeps the record;
 * these rows only exist to reach a page that was offline.
 */
export async function pruneWebChatMessages(db: PrismaClient, before: Date): Promise<number> {
  const { count } = await db.webChatMessage.deleteMany({ where: { createdAt: { lt: before } } });
  return count;
}
