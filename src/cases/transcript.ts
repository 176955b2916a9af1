import type { Prisma } from '@prisma/client';

export interface TranscriptEntry {
  conversationKey: string;
  caseId?: string | null;
  direction: 'in' | 'out';
  author: 'customer' | 'bot' | 'staff';
  staffUserId?: string | null;
  text: string;
  meta?: Record<string, unknown>;
  /**
   * The channel's id of the customer's update (InboundMessage.updateId): on their message, and on
   * the bot's replies to it, so a redelivery of that update finds them (StoredReply).
   */
  channelMessageId?: string | null;
  at: Date;
}

/** Appends messages to the conversation's transcript, in order. */
export async function appendTranscript(db: Prisma.TransactionClient, entries: TranscriptEntry[]): Promise<void> {
  if (entries.length === 0) return;
  // Distinct, increasing timestamps keep the order of a turn's replies when read back.
  await db.transcriptMessage.createMany({
    data: entries.map((e, i) => ({
      conversationKey: e.conversationKey,
      caseId: e.caseId ?? null,
      direction: e.direction,
      author: e.author,
      staffUserId: e.staffUserId ?? null,
      text: e.text,
      meta: JSON.stringify(e.meta ?? {}),
      channelMessageId: e.channelMessageId ?? null,
      createdAt: new Date(e.at.getTime() + i),
    })),
  });
}
