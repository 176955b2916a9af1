import type { Prisma, PrismaClient } from '@prisma/client';

/**
 * Staff alerts, read per staff user: one person reading an alert, or marking all read, leaves it
 * unread for everyone else. "Mark all read" moves the user's watermark
 * (`StaffUser.notificationsReadThrough`), one write however many alerts there are; an alert read
 * on its own after the watermark is a `StaffNotificationRead` row. Unread for a user: created
 * after their watermark (the createdAt index) and without their row (its primary key).
 */

async function readThrough(db: PrismaClient, userId: string): Promise<Date | null> {
  const u = await db.staffUser.findUnique({ where: { id: userId }, select: { notificationsReadThrough: true } });
  return u?.notificationsReadThrough ?? null;
}

function unreadWhere(userId: string, through: Date | null): Prisma.StaffNotificationWhereInput {
  return { ...(through ? { createdAt: { gt: through } } : {}), reads: { none: { userId } } };
}

/** How many alerts `userId` has not read. */
export async function countUnreadNotifications(db: PrismaClient, userId: string): Promise<number> {
  return db.staffNotification.count({ where: unreadWhere(userId, await readThrough(db, userId)) });
}

/**
 * The newest alerts (all, or only those `userId` has not read), each with `readAt`: when this
 * user read it, or null.
 */
export async function listNotifications(db: PrismaClient, opts: { userId: string; unreadOnly?: boolean; take: number }) {
  const through = await readThrough(db, opts.userId);
  const items = await db.staffNotification.findMany({
    where: opts.unreadOnly ? unreadWhere(opts.userId, through) : {},
    orderBy: { createdAt: 'desc' },
    take: opts.take,
    select: { id: true, createdAt: true, type: true, caseId: true, message: true, reads: { where: { userId: opts.userId }, select: { readAt: true } } },
  });
  return items.map(({ reads, ...n }) => ({
    ...n,
    readAt: reads[0]?.readAt ?? (through && n.createdAt <= through ? through : null),
  }));
}

/** Marks one alert read for `userId`; false when there is no such alert or it was read already. */
export async function markNotificationRead(db: PrismaClient, opts: { userId: string; id: string; now: Date }): Promise<boolean> {
  const through = await readThrough(db, opts.userId);
  const n = await db.staffNotification.findFirst({ where: { id: opts.id, ...unreadWhere(opts.userId, through) }, select: { id: true } });
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
