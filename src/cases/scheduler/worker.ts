import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import type { Logger } from 'pino';

/** A claimed job as a handler sees it. `payload` is parsed JSON; handlers validate it with zod. */
export interface JobContext {
  id: string;
  type: string;
  payload: unknown;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  now: Date;
  log: Logger;
}

/**
 * Runs one job. Returning normally marks it done; throwing schedules a retry with backoff until
 * `maxAttempts`, then marks it failed. An error with a `retryAt` date is retried then instead
 * (e.g. when the service called said how long to wait); one with `permanent: true` is not retried.
 * Handlers must be idempotent: a crash after the work but before the job is marked done runs it
 * again once the lease expires.
 */
export type JobHandler = (job: JobContext) => Promise<void>;

export interface SchedulerOptions {
  db: PrismaClient;
  handlers: Record<string, JobHandler>;
  log: Logger;
  clock?: () => Date;
  /** How often to look for due jobs when idle. */
  pollMs?: number;
  /** How long a claim is valid; renewed while the handler runs. */
  leaseMs?: number;
  /** Jobs claimed per poll. */
  batchSize?: number;
  /** Delay before retry number `attempt` (1-based count of failed runs). */
  backoffMs?: (attempt: number) => number;
  /** Identifies this instance in `Job.lockedBy`. */
  workerId?: string;
}

export interface Scheduler {
  readonly workerId: string;
  /** Claims and runs the jobs due now; resolves with how many ran. Used by tests and by `wake`. */
  runOnce(): Promise<number>;
  /** Looks for due jobs now instead of at the next poll (after scheduling something due at once). */
  wake(): void;
  /** Stops polling and waits for the jobs in flight. */
  stop(): Promise<void>;
}

/** 30 s, 1 min, 2 min, … capped at 1 h. */
export function defaultBackoffMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 60 * 60_000);
}

/**
 * The durable scheduler's worker. Every instance of the app runs one; they share the Job table.
 *
 * Claiming is one conditional UPDATE per job (`WHERE id = ? AND status = 'pending' AND
 * (lockedUntil IS NULL OR lockedUntil < now)`), checked by its row count: of two workers that
 * race for a job exactly one sees count 1. This works the same on SQLite and PostgreSQL (where
 * `FOR UPDATE SKIP LOCKED` could later replace the candidate query). A worker that crashes
 * leaves its job `running` with a lease in the past; any worker puts such jobs back to
 * `pending` and runs them again.
 */
export function startScheduler(opts: SchedulerOptions): Scheduler {
  const { db, handlers, log } = opts;
  const clock = opts.clock ?? (() => new Date());
  const pollMs = opts.pollMs ?? 2000;
  const leaseMs = opts.leaseMs ?? 60_000;
  const batchSize = opts.batchSize ?? 10;
  const backoffMs = opts.backoffMs ?? defaultBackoffMs;
  const workerId = opts.workerId ?? `sched-${randomUUID()}`;

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;

  /** Jobs whose worker died mid-run (lease expired while `running`) become claimable again. */
  async function recoverExpired(now: Date): Promise<void> {
    const expired = { status: 'running', lockedUntil: { lt: now } };
    // Look before writing: an update is a write transaction on every poll, and on SQLite it holds
    // the write lock that customers' turns wait for (src/db/sqlite-writer.ts), usually for nothing.
    if (!(await db.job.findFirst({ where: expired, select: { id: true } }))) return;
    const res = await db.job.updateMany({
      where: expired,
      data: { status: 'pending', lockedBy: null, lockedUntil: null },
    });
    if (res.count > 0) log.warn({ count: res.count, workerId }, 'recovered jobs whose lease expired');
  }

  async function claim(id: string, now: Date): Promise<boolean> {
    const res = await db.job.updateMany({
      where: { id, status: 'pending', runAt: { lte: now }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
      data: { status: 'running', lockedBy: workerId, lockedUntil: new Date(now.getTime() + leaseMs), attempts: { increment: 1 } },
    });
    return res.count === 1;
  }

  async function runJob(id: string): Promise<void> {
    const job = await db.job.findUnique({ where: { id } });
    if (!job || job.lockedBy !== workerId) return;
    const jobLog = log.child({ jobId: job.id, jobType: job.type, attempt: job.attempts });
    const handler = handlers[job.type];
    // The lease is renewed while the handler works, so a slow job is not taken by another worker.
    const heartbeat = setInterval(() => {
      void db.job
        .updateMany({ where: { id, lockedBy: workerId, status: 'running' }, data: { lockedUntil: new Date(clock().getTime() + leaseMs) } })
        .catch(() => undefined);
    }, Math.max(50, Math.floor(leaseMs / 3)));
    try {
      if (!handler) throw Object.assign(new Error(`no handler for job type ${job.type}`), { permanent: true });
      let payload: unknown = {};
      try {
        payload = JSON.parse(job.payload);
      } catch {
        throw Object.assign(new Error('payload is not JSON'), { permanent: true });
      }
      await handler({ id: job.id, type: job.type, payload, attempt: job.attempts, maxAttempts: job.maxAttempts, now: clock(), log: jobLog });
      clearInterval(heartbeat);
      const done = await db.job.updateMany({
        where: { id, lockedBy: workerId },
        data: { status: 'done', finishedAt: clock(), lockedBy: null, lockedUntil: null, lastError: null },
      });
      if (done.count !== 1) jobLog.warn('job finished after its lease was lost');
      else jobLog.info('job done');
    } catch (e) {
      clearInterval(heartbeat);
      const message = (e instanceof Error ? e.message : String(e)).slice(0, 500);
      const permanent = (e as { permanent?: boolean }).permanent === true;
      const now = clock();
      const final = permanent || job.attempts >= job.maxAttempts;
      const retryAt = (e as { retryAt?: unknown }).retryAt;
      const nextRunAt = retryAt instanceof Date && !Number.isNaN(retryAt.getTime()) ? retryAt : new Date(now.getTime() + backoffMs(job.attempts));
      await db.job.updateMany({
        where: { id, lockedBy: workerId },
        data: final
          ? { status: 'failed', finishedAt: now, lockedBy: null, lockedUntil: null, lastError: message }
          : { status: 'pending', runAt: nextRunAt, lockedBy: null, lockedUntil: null, lastError: message },
      });
      jobLog.error({ err: { message }, final }, final ? 'job failed for good' : 'job failed, will retry');
    } finally {
      clearInterval(heartbeat);
    }
  }

  async function poll(): Promise<number> {
    const now = clock();
    await recoverExpired(now);
    const candidates = await db.job.findMany({
      where: { status: 'pending', runAt: { lte: now }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
      orderBy: { runAt: 'asc' },
      take: batchSize,
      select: { id: true },
    });
    let ran = 0;
    for (const { id } of candidates) {
      if (stopped) break;
      if (!(await claim(id, now))) continue; // another worker was first
      await runJob(id);
      ran++;
    }
    return ran;
  }

  function runOnce(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      try {
        do {
          again = false;
          total += await poll();
        } while (again && !stopped);
      } catch (e) {
        log.error({ err: { message: (e as Error).message }, workerId }, 'scheduler poll failed');
      } finally {
        running = undefined;
      }
      return total;
    })();
    return running;
  }

  function loop() {
    if (stopped) return;
    timer = setTimeout(() => {
      void runOnce().finally(loop);
    }, pollMs);
    timer.unref?.();
  }
  if (pollMs > 0) {
    void runOnce().finally(loop);
  }

  return {
    workerId,
    runOnce,
    wake() {
      if (!stopped) void runOnce();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
