import type { Prisma, PrismaClient } from '@prisma/client';

/**
 * Staff alerts, read per staff user: one person reading an alert, or marking all read, leaves it
 * unread for everyone else. "Mark all read" moves the user's watermark
 * (`StaffUser.notificationsReadThrough`), one write however many alerts there are; an alert read
 * on its own after the watermark is a `StaffNotificationRead` row. Unread for a user: created
 * after their watermark and not before their account (the createdAt index), and without their
 * row (its primary key). Alerts from before someone joined are not theirs to catch up on: a new
 * colleague starts at none unread, not at every alert the desk ever raised.
 */

interface ReadState {
  through: Date | null;
  /** When the account was created; null for no such user. */
  joined: Date | null;
}

async function readState(db: PrismaClient, userId: string): Promise<ReadState> {
  const u = await db.staffUser.findUnique({ where: { id: userId }, select: { notificationsReadThrough: true, createdAt: true } });
  return { through: u?.notificationsReadThrough ?? null, joined: u?.createdAt ?? null };
}

function unreadWhere(userId: string, { through, joined }: ReadState): Prisma.StaffNotificationWhereInput {
  const createdAt = { ...(through ? { gt: through } : {}), ...(joined ? { gte: joined } : {}) };
  return { ...(through || joined ? { createdAt } : {}), reads: { none: { userId } } };
}

/**
 * The most unread alerts counted for the console's badge, which shows more as "99+": every
 * console page counts, and a desk whose clocks raise alerts for a million cases must not count
 * millions of rows per page for someone who never marks them read.
 */
export const UNREAD_COUNT_CAP = 100;

/** How many alerts `userId` has not read, up to {@link UNREAD_COUNT_CAP}. */
export async function countUnreadNotifications(db: PrismaClient, userId: string): Promise<number> {
  return db.staffNotification.count({ where: unreadWhere(userId, await readState(db, userId)), take: UNREAD_COUNT_CAP });
}

/**
 * The newest alerts (all, or only those `userId` has not read), each with `readAt`: when this
 * user read it, or null. An alert from before the user's account counts as read when it was
 * created.
 */
export async function listNotifications(db: PrismaClient, opts: { userId: string; unreadOnly?: boolean; take: number }) {
  const state = await readState(db, opts.userId);
  const { through, joined } = state;
  const items = await db.staffNotification.findMany({
    where: opts.unreadOnly ? unreadWhere(opts.userId, state) : {},
    orderBy: { createdAt: 'desc' },
    take: opts.take,
    select: { id: true, createdAt: true, type: true, caseId: true, message: true, reads: { where: { userId: opts.userId }, select: { readAt: true } } },
  });
  return items.map(({ reads, ...n }) => ({
    ...n,
    readAt: reads[0]?.readAt ?? (through && n.createdAt <= through ? through : joined && n.createdAt < joined ? joined : null),
  }));
}

/** Marks one alert read for `userId`; false when there is no such alert or it was read already. */
export async function markNotificationRead(db: PrismaClient, opts: { userId: string; id: string; now: Date }): Promise<boolean> {
  const n = await db.staffNotification.findFirst({ where: { id: opts.id, ...unreadWhere(opts.userId, await readState(db, opts.userId)) }, select: { id: true } });
  if (!n) return false;
  try {
    await db.staffNotificationRead.create({ data: { notificationId: n.id, userId: opts.userId, readAt: opts.now } });
    return true;
  } catch (e) {
    // The same user marked it read at the same moment (two tabs).
    if ((e as { code?: string }).code === 'P2002') return false;
    throw e;
  }
}

/**
 * Marks every alert created up to `now` read for `userId`, and for nobody else. Their rows for
 * single alerts before the new watermark say nothing more and go.
 */
export async function markAllNotificationsRead(db: PrismaClient, opts: { userId: string; now: Date }): Promise<void> {
  await db.$transaction([
    // Never back: a click whose clock is behind an earlier one's (another instance) changes nothing.
    db.staffUser.updateMany({
      where: { id: opts.userId, OR: [{ notificationsReadThrough: null }, { notificationsReadThrough: { lt: opts.now } }] },
      data: { notificationsReadThrough: opts.now },
    }),
    db.staffNotificationRead.deleteMany({ where: { userId: opts.userId, notification: { createdAt: { lte: opts.now } } } }),
  ]);
}
