import { CLOCK_MILESTONE_KEY_PREFIX } from '../cases/sweep-clocks.js';
import type { Db } from '../db/client.js';

/**
 * How long a channel update's id is remembered after it was handled. Telegram redelivers an
 * unconfirmed webhook update for up to 24 hours and Bot Framework retries within minutes; a week
 * is far beyond either, and short enough that the table holds about a week of messages instead
 * of every message ever received.
 */
export const HANDLED_UPDATE_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Rows per delete: small enough that one batch never holds the database for long. */
const BATCH = 500;

/**
 * Forgets channel updates handled longer ago than `retentionMs` (ProcessedUpdate rows, the
 * dedupe of run-turn.ts), in batches through the createdAt index, yielding between batches so
 * customers' turns go on. Clock-milestone keys stay: they keep a breach from being recorded
 * twice for as long as the case is open.
 *
 * Each pruner remembers where its last run stopped, so the clock keys it has stepped over are
 * read once per process, not on every run. Several instances may run it at once: deleting a
 * deleted key changes nothing.
 *
 * @returns for each run, how many keys were forgotten.
 */
export function createHandledUpdatePruner(db: Db, retentionMs = HANDLED_UPDATE_RETENTION_MS): (now: Date) => Promise<number> {
  let after: { createdAt: Date; key: string } | null = null;
  return async (now) => {
    const cutoff = new Date(now.getTime() - retentionMs);
    let forgotten = 0;
    for (;;) {
      const rows = await db.processedUpdate.findMany({
        where: {
          createdAt: { lt: cutoff },
          ...(after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, key: { gt: after.key } }] } : {}),
        },
        orderBy: [{ createdAt: 'asc' }, { key: 'asc' }],
        select: { key: true, createdAt: true },
        take: BATCH,
      });
      const last = rows.at(-1);
      if (!last) return forgotten;
      // Clock milestones share the table and stay (src/cases/sweep-clocks.ts).
      const keys = rows.filter((r) => !r.key.startsWith(CLOCK_MILESTONE_KEY_PREFIX)).map((r) => r.key);
      if (keys.length) forgotten += (await db.processedUpdate.deleteMany({ where: { key: { in: keys } } })).count;
      // Only past a batch that was deleted: after a failure the next run reads it again.
      after = last;
      if (rows.length < BATCH) return forgotten;
      await new Promise((r) => setImmediate(r));
    }
  };
}
