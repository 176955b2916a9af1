import type { PrismaClient } from '@prisma/client';
import type { Logger } from 'pino';
import { scheduleJob, type JobHandler, type ScheduledJob } from './scheduler/index.js';
import type { TSeverity } from './taxonomy.js';

/** The durable job that announces urgent cases whose filing turn never committed. */
export const MISSED_ANNOUNCEMENT_JOB = 'cases.announce_missed';
/** How often it runs: a P1 fraud case waits at most about two minutes for its alert. */
export const MISSED_ANNOUNCEMENT_EVERY_MS = 60_000;
/**
 * A case is swept once this long after it was received. Its turn commits right after the case
 * does (the classification, the slow part, comes before), so a turn not committed by then
 * never will be: its process died.
 */
export const MISSED_ANNOUNCEMENT_GRACE_MS = 60_000;
/**
 * How far back the sweep looks: less than the week handled updates are remembered
 * (src/dialogs/forget-handled-updates.ts), beyond which a turn that committed would look as if it
 * never had.
 */
const HORIZON_MS = 6 * 24 * 60 * 60_000;
/** Each run looks again at this much before where the last one stopped: a case committed late. */
const OVERLAP_MS = 10 * 60_000;
/** Cases per lookup of their markers: well within every database's bound-parameter limit. */
const BATCH = 250;
/** How long a finished sweep job's row is kept, then deleted with the next runs. */
const FINISHED_RETENTION_MS = 60 * 60_000;
/** The marker of a case announced by the sweep or by a late retry of its message (ProcessedUpdate). */
const ANNOUNCED_KEY_PREFIX = 'announced:';

/** What the sweep knows of a case it announces: what run-turn tells onCaseCreated, less the clocks. */
export interface MissedCase {
  id: string;
  reference: string;
  severity: TSeverity;
  business: string;
  cause: string;
  intakeChannel: string;
}

/**
 * Claims the announcement of a case that was not announced with its turn: true for the first
 * caller only (a ProcessedUpdate key, unique), so the sweep and a late retry of the message that
 * filed it never both alert staff. Forgotten after a week like the updates it stands in for.
 */
export async function claimCaseAnnouncement(db: Pick<PrismaClient, 'processedUpdate'>, caseId: string, now: Date): Promise<boolean> {
  try {
    await db.processedUpdate.create({ data: { key: `${ANNOUNCED_KEY_PREFIX}${caseId}`, createdAt: now } });
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'P2002') return false;
    throw e;
  }
}

/**
 * The update key (TurnOpening.dedupeKey) of the turn that filed a case: its dedupeKey, less the
 * `#n` a turn's second case gets (run-turn.ts).
 */
function turnKeyOf(dedupeKey: string): string {
  return dedupeKey.replace(/#\d+$/, '');
}

/**
 * Finds cases of `severities` whose announcement (staff alert, metrics: run-turn's onCaseCreated)
 * never ran and announces each once. A case is announced after the turn that filed it commits,
 * and that commit marks the turn's update handled; a case whose update is still unhandled
 * MISSED_ANNOUNCEMENT_GRACE_MS after it was received was filed by a turn whose process died
 * between the case's commit and the turn's. The message may never come again (the customer gave
 * up, Bot Framework stopped retrying), and staff must hear of a P1 fraud case all the same.
 *
 * Cases filed without an update id (the terminal chat) have nothing to tell by and are left out.
 * The sweep remembers where its last run stopped, so a run reads the few cases received since.
 *
 * @returns for each run, how many cases it announced.
 */
export function createMissedAnnouncementSweep(deps: {
  db: PrismaClient;
  severities: readonly TSeverity[];
  announce: (c: MissedCase) => void;
  log: Logger;
}): (now: Date) => Promise<number> {
  const { db, log } = deps;
  let scannedTo: Date | null = null;
  return async (now) => {
    const upTo = new Date(now.getTime() - MISSED_ANNOUNCEMENT_GRACE_MS);
    const oldest = now.getTime() - HORIZON_MS;
    const from = new Date(scannedTo ? Math.max(scannedTo.getTime() - OVERLAP_MS, oldest) : oldest);
    const cases = await db.case.findMany({
      where: { receivedAt: { gt: from, lte: upTo }, severity: { in: [...deps.severities] }, dedupeKey: { not: null } },
      orderBy: { receivedAt: 'asc' },
      select: { id: true, reference: true, severity: true, business: true, cause: true, intakeChannel: true, dedupeKey: true },
    });
    let announced = 0;
    for (let i = 0; i < cases.length; i += BATCH) {
      const batch = cases.slice(i, i + BATCH);
      // A case's own key too: an update id that happens to end in `#n` is its own turn's key.
      const keys = batch.flatMap((c) => [c.dedupeKey!, turnKeyOf(c.dedupeKey!), `${ANNOUNCED_KEY_PREFIX}${c.id}`]);
      const seen = new Set((await db.processedUpdate.findMany({ where: { key: { in: keys } }, select: { key: true } })).map((r) => r.key));
      for (const c of batch) {
        if (seen.has(c.dedupeKey!) || seen.has(turnKeyOf(c.dedupeKey!)) || seen.has(`${ANNOUNCED_KEY_PREFIX}${c.id}`)) continue;
        if (!(await claimCaseAnnouncement(db, c.id, now))) continue;
        log.warn({ caseRef: c.reference, severity: c.severity, channel: c.intakeChannel }, 'case announced late: its turn never committed');
        deps.announce({ ...c, severity: c.severity as TSeverity });
        announced += 1;
      }
    }
    // Only after a run that got through: a failed one is read again.
    scannedTo = upTo;
    return announced;
  };
}

/**
 * Schedules the sweep for the first slot (a multiple of MISSED_ANNOUNCEMENT_EVERY_MS since the
 * epoch) after `now`; the dedupe key names the slot, so every instance calling this at start, and
 * each run scheduling its successor, make one job per slot between them.
 */
export function scheduleMissedAnnouncementSweep(db: Pick<PrismaClient, 'job'>, now: Date): Promise<ScheduledJob> {
  const runAt = new Date((Math.floor(now.getTime() / MISSED_ANNOUNCEMENT_EVERY_MS) + 1) * MISSED_ANNOUNCEMENT_EVERY_MS);
  return scheduleJob(db, { type: MISSED_ANNOUNCEMENT_JOB, runAt, dedupeKey: `cases:announce_missed:${runAt.toISOString()}` });
}

/** The sweep's job handler, for the scheduler's handler table. */
export function missedAnnouncementHandlers(db: PrismaClient, sweep: (now: Date) => Promise<number>): Record<string, JobHandler> {
  return {
    [MISSED_ANNOUNCEMENT_JOB]: async (job) => {
      // The next run first: a sweep that fails for good must not end the chain.
      await scheduleMissedAnnouncementSweep(db, job.now);
      const announced = await sweep(job.now);
      // The chain's own finished rows go too, or it would leave one row a minute behind.
      await db.job.deleteMany({ where: { type: MISSED_ANNOUNCEMENT_JOB, status: 'done', finishedAt: { lt: new Date(job.now.getTime() - FINISHED_RETENTION_MS) } } });
      if (announced) job.log.warn({ announced }, 'urgent cases announced late');
    },
  };
}
