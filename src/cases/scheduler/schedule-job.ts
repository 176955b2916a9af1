import type { Prisma, PrismaClient } from '@prisma/client';
import { z } from 'zod';

/** What a caller asks the scheduler to do later. */
export const ZScheduleJob = z.object({
  /** Handler name, e.g. `survey.send`. */
  type: z.string().min(1).max(64),
  runAt: z.date(),
  payload: z.record(z.string(), z.unknown()).default({}),
  /**
   * Makes scheduling idempotent: a second call with the same key returns the existing job
   * instead of creating another (e.g. `survey:send:<caseId>`).
   */
  dedupeKey: z.string().min(1).max(200).optional(),
  maxAttempts: z.number().int().min(1).max(50).default(5),
});
export type TScheduleJob = z.input<typeof ZScheduleJob>;

export interface ScheduledJob {
  id: string;
  /** False when a job with the same dedupeKey already existed (nothing new was scheduled). */
  created: boolean;
}

type JobWriter = Pick<PrismaClient, 'job'> | Prisma.TransactionClient;

/**
 * Puts a job in the durable queue (the Job table). The job survives restarts and is run by
 * whichever scheduler instance claims it first once `runAt` has passed.
 */
export async function scheduleJob(db: JobWriter, input: TScheduleJob): Promise<ScheduledJob> {
  const job = ZScheduleJob.parse(input);
  // A key already taken is looked up first, not found by a failing insert: inside a transaction
  // on PostgreSQL, a unique violation aborts the whole transaction (a survey's retried sending
  // scheduled its reminder again and lost everything after). Two instances racing for a new key
  // still meet the unique index below.
  if (job.dedupeKey) {
    const existing = await db.job.findUnique({ where: { dedupeKey: job.dedupeKey }, select: { id: true } });
    if (existing) return { id: existing.id, created: false };
  }
  try {
    const row = await db.job.create({
      data: {
        type: job.type,
        runAt: job.runAt,
        payload: JSON.stringify(job.payload),
        dedupeKey: job.dedupeKey ?? null,
        maxAttempts: job.maxAttempts,
      },
      select: { id: true },
    });
    return { id: row.id, created: true };
  } catch (e) {
    // Unique dedupeKey: somebody (maybe another instance) scheduled this already.
    if ((e as { code?: string }).code !== 'P2002' || !job.dedupeKey) throw e;
    const existing = await db.job.findUnique({ where: { dedupeKey: job.dedupeKey }, select: { id: true } });
    if (!existing) throw e;
    return { id: existing.id, created: false };
  }
}

/** Cancels pending jobs by dedupe key (e.g. a reminder that is no longer needed). Returns how many. */
export async function cancelJobs(db: JobWriter, dedupeKeys: string[]): Promise<number> {
  if (dedupeKeys.length === 0) return 0;
  const res = await db.job.updateMany({
    where: { dedupeKey: { in: dedupeKeys }, status: 'pending' },
    data: { status: 'cancelled' },
  });
  return res.count;
}
