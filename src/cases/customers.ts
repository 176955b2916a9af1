import type { PrismaClient } from '@prisma/client';

export interface ChannelIdentity {
  intakeChannel: string;
  externalUserId: string;
  conversationKey: string;
  conversationRef: unknown;
  language?: string;
  now: Date;
}

export interface KnownAccount {
  accountId: string;
  customerId: string;
  /** A staff member is talking with the customer on this case; the bot stays quiet. */
  handoffCaseId: string | null;
  /**
   * Whether the customer has any case yet, when the store knows it cheaply: without one, nothing
   * can be added to a case and no survey can be waiting, and the turn skips those lookups.
   */
  hasCases?: boolean;
}

const accountSelect = { id: true, customerId: true, handoffCaseId: true } as const;
/** A known conversation's `lastSeenAt` is refreshed at most this often (a write per turn otherwise). */
export const SEEN_RESOLUTION_MS = 60_000;

/**
 * Finds or creates the customer behind a chat conversation and refreshes how to reach them
 * (the conversation reference changes, e.g. a new Bot Framework serviceUrl). A customer who
 * writes again is reachable again.
 */
export async function touchChannelAccount(db: PrismaClient, who: ChannelIdentity): Promise<KnownAccount> {
  const ref = JSON.stringify(who.conversationRef ?? {});
  const existing = await db.channelAccount.findUnique({
    where: { conversationKey: who.conversationKey },
    select: { ...accountSelect, conversationRef: true, reachable: true, lastSeenAt: true },
  });
  if (existing) {
    const stale = existing.conversationRef !== ref || !existing.reachable || who.now.getTime() - existing.lastSeenAt.getTime() > SEEN_RESOLUTION_MS;
    if (stale) {
      await db.channelAccount.update({
        where: { id: existing.id },
        data: { conversationRef: ref, lastSeenAt: who.now, reachable: true, unreachableReason: null },
      });
    }
    return { accountId: existing.id, customerId: existing.customerId, handoffCaseId: existing.handoffCaseId };
  }
  try {
    const created = await db.channelAccount.create({
      data: {
        channel: who.intakeChannel,
        externalUserId: who.externalUserId,
        conversationKey: who.conversationKey,
        conversationRef: ref,
        lastSeenAt: who.now,
        customer: { create: { language: who.language ?? 'zh' } },
      },
      select: accountSelect,
    });
    return { accountId: created.id, customerId: created.customerId, handoffCaseId: created.handoffCaseId };
  } catch (e) {
    // Same user in a second conversation (or a concurrent first message): reuse the account's customer.
    if ((e as { code?: string }).code !== 'P2002') throw e;
    const again = await db.channelAccount.findUnique({ where: { conversationKey: who.conversationKey }, select: accountSelect });
    if (again) return { accountId: again.id, customerId: again.customerId, handoffCaseId: again.handoffCaseId };
    const sameUser = await db.channelAccount.findUnique({
      where: { channel_externalUserId: { channel: who.intakeChannel, externalUserId: who.externalUserId } },
      select: accountSelect,
    });
    if (!sameUser) throw e;
    await db.channelAccount.update({
      where: { id: sameUser.id },
      data: { conversationKey: who.conversationKey, conversationRef: ref, lastSeenAt: who.now, reachable: true },
    });
    return { accountId: sameUser.id, customerId: sameUser.customerId, handoffCaseId: sameUser.handoffCaseId };
  }
}
