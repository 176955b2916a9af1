import type { PrismaClient } from '@prisma/client';

/**
 * The few database writes the Telegram channel makes itself (everything else goes through the
 * turn runner). Kept here, behind small functions that receive the client (CONVENTIONS.md §10).
 */

/** Marks the customer behind a conversation as unreachable (blocked the bot, chat gone). */
export async function markConversationUnreachable(db: PrismaClient, conversationKey: string, reason: string): Promise<void> {
  await db.channelAccount.updateMany({ where: { conversationKey }, data: { reachable: false, unreachableReason: reason.slice(0, 200) } });
}

/**
 * Records where a downloaded file was kept, on every Evidence row of this conversation that
 * holds that file and has no copy yet. Returns how many rows were updated.
 */
export async function recordEvidenceLocalPath(
  db: PrismaClient,
  where: { conversationKey: string; fileId: string },
  localPath: string,
): Promise<number> {
  const r = await db.evidence.updateMany({ where: { ...where, localPath: null }, data: { localPath } });
  return r.count;
}
