import type { PrismaClient } from '@prisma/client';
import { scheduleJob, type JobHandler, type ScheduledJob } from '../scheduler/index.js';

/** The durable job that purges expired staff sessions and device tokens. */
export const STAFF_PURGE_JOB = 'staff.purge_expired_access';
/**
 * How often it runs. Expired rows already let nobody in (accounts.ts checks `expiresAt`); the
 * purge keeps the tables to the live ones, so hourly is plenty.
 */
export const STAFF_PURGE_EVERY_MS = 60 * 60_000;
/** How long a finished purge job's row is kept (for looking into a failure), then deleted. */
const FINISHED_PURGE_RETENTION_MS = 24 * 60 * 60_000;

/**
 * Deletes console sessions (StaffSession) and browsers' device tokens (StaffDevice) past their
 * expiry. Without it a session row stayed forever and a device row until its user's next login
 * from anywhere, which may never come for someone who left. Both are looked up by the hash of
 * a secret only while unexpired, so deleting an expired row changes no login's outcome.
 *
 * @returns how many rows of each were deleted.
 */
export async function purgeExpiredStaffAccess(db: PrismaClient, now: Date): Promise<{ sessions: number; devices: number }> {
  const sessions = await db.staffSession.deleteMany({ where: { expiresAt: { lte: now } } });
  const devices = await db.staffDevice.deleteMany({ where: { expiresAt: { lte: now } } });
  return { sessions: sessions.count, devices: devices.count };
}

/**
 * Schedules the purge for the first slot (a multiple of STAFF_PURGE_EVERY_MS since the epoch)
 * after `now`. The dedupe key names the slot, so every instance calling this at start, and each
 * run scheduling its successor, make one job per slot between them: one instance runs it.
 */
export function scheduleStaffPurge(db: Pick<PrismaClient, 'job'>, now: Date): Promise<ScheduledJob> {
  const runAt = new Date((Math.floor(now.getTime() / STAFF_PURGE_EVERY_MS) + 1) * STAFF_PURGE_EVERY_MS);
  return scheduleJob(db, { type: STAFF_PURGE_JOB, runAt, dedupeKey: `staff:purge:${runAt.toISOString()}` });
}

/** The purge's job handler, for the scheduler's handler table. */
export function staffPurgeHandlers(db: PrismaClient): Record<string, JobHandler> {
  return {
    [STAFF_PURGE_JOB]: async (job) => {
      // The next run first: a purge that fails for good must not end the chain (a restart
      // would start it again, but an instance may run for months).
      await scheduleStaffPurge(db, job.now);
      const purged = await purgeExpiredStaffAccess(db, job.now);
      // The chain's own finished rows go too, or it would leave one row an hour behind.
      await db.job.deleteMany({ where: { type: STAFF_PURGE_JOB, status: 'done', finishedAt: { lt: new Date(job.now.getTime() - FINISHED_PURGE_RETENTION_MS) } } });
      if (purged.sessions || purged.devices) job.log.info(purged, 'expired staff sessions and devices purged');
    },
  };
}
