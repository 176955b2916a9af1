import { statSync } from 'node:fs';
import fs from 'node:fs/promises';
import Database from 'better-sqlite3';
import { startCheckpointer } from './sqlite-checkpointer.js';

/** How long a write keeps retrying while another connection holds the write lock. */
const BUSY_GIVE_UP_MS = 10_000;

/** Prisma's SQLite driver adapter stores DateTime as ISO 8601 text with an explicit offset. */
export const sqlDate = (d: Date) => d.toISOString().replace('Z', '+00:00');

export interface SqliteWriter {
  db: Database.Database;
  /**
   * Runs `work` as one IMMEDIATE transaction, retrying shortly while another connection holds
   * the write lock. `durable`: resolves only once the commit is on disk (a case, whose reference
   * the customer is told); other commits survive a crash of the process but not a power cut.
   */
  write<T>(work: () => T, opts?: { durable?: boolean }): Promise<T>;
  close(): Promise<void>;
}

/**
 * A second connection to the embedded SQLite file, for the hot paths that bypass Prisma (the
 * customer's turn, filing a case): prepared statements in synchronous transactions, a few tens of
 * microseconds each, where Prisma's query compiler and driver adapter cost about a millisecond
 * per statement (docs/benchmarks.md).
 *
 * A synchronous transaction never holds the write lock across an `await`, so it never makes
 * Prisma wait; when a Prisma transaction holds the lock, the write retries a moment later instead
 * of blocking the event loop (which would also block the Prisma transaction it waits for).
 * Prisma's own transactions start IMMEDIATE (src/db/client.ts), so they never see this
 * connection's commits half-way.
 */
export function openSqliteWriter(filePath: string, opts: { onCheckpointError?: (message: string) => void } = {}): SqliteWriter {
  // timeout 0: a busy database answers at once and `write` retries asynchronously.
  const db = new Database(filePath, { timeout: 0 });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // Planner statistics for tables that have grown since the last run (SQLite's advice for
  // long-lived connections); without them the queue's filters can pick a poor index.
  db.pragma('optimize = 0x10002');
  // Durability, decided: commits are not fsynced by SQLite (WAL + NORMAL: they survive a crash
  // or kill -9 of the process, not a power cut). An fsync in SQLite's commit blocks the event
  // loop for 0.25 ms on a quiet disk of this kind and several ms on a busy one. Durable writes (a
  // new case) instead wait for an fdatasync of the write-ahead log on libuv's thread pool, shared
  // by every commit made meanwhile (group commit): a reference told to a customer is always on
  // disk, without stopping other customers' turns. At worst a power cut loses dialog answers
  // given since the last case was filed, and the customer is asked again.
  db.pragma('synchronous = NORMAL');
  const walSync = groupSync(`${filePath}-wal`);
  // Checkpoints happen on a worker thread, not inside a customer's commit (sqlite-checkpointer.ts).
  db.pragma('wal_autocheckpoint = 0');
  const checkpointer = startCheckpointer(filePath, opts.onCheckpointError ?? (() => undefined));

  return {
    db,
    async write(work, opts = {}) {
      const tx = db.transaction(work);
      const started = Date.now();
      for (let attempt = 0; ; attempt++) {
        try {
          const result = tx.immediate();
          if (opts.durable) await walSync.sync();
          return result;
        } catch (e) {
          if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() - started > BUSY_GIVE_UP_MS) throw e;
        }
        // A Prisma transaction holding the lock commits within a few event-loop turns: look again soon.
        await new Promise((r) => setTimeout(r, Math.min(1 + attempt, 5)));
      }
    },
    async close() {
      await walSync.close();
      await checkpointer.close();
      db.close();
    },
  };
}

/**
 * fdatasync of the write-ahead log, for every commit made before the returned promise's sync
 * started. Commits arriving while a sync runs share the next one (group commit). Frames a
 * checkpoint moved out of the log meanwhile are already synced by SQLite itself (checkpoints
 * always sync), so syncing the log file is enough.
 *
 * The log stays open between syncs: each trip to libuv's thread pool waits for the event loop
 * once more, and under load open + datasync + close made a new case wait twice as long (median
 * 6.5 → 3.1 ms, 90th percentile 20 → 7.7 ms at 200 conversations; docs/benchmarks.md).
 * SQLite keeps the log file while a connection is open (this writer's is, for the process's
 * life); should it ever be replaced, the inode check opens the new one.
 */
function groupSync(walPath: string): { sync: () => Promise<void>; close: () => Promise<void> } {
  let tail: Promise<unknown> = Promise.resolve();
  let next: Promise<void> | null = null;
  let log: { handle: fs.FileHandle; ino: number } | null = null;
  async function datasync() {
    const ino = statSync(walPath).ino;
    if (log && log.ino !== ino) {
      await log.handle.close().catch(() => undefined);
      log = null;
    }
    if (!log) {
      const handle = await fs.open(walPath, 'r');
      log = { handle, ino: (await handle.stat()).ino };
    }
    try {
      await log.handle.datasync();
    } catch (e) {
      void log.handle.close().catch(() => undefined);
      log = null;
      throw e;
    }
  }
  const sync = () => {
    if (!next) {
      const synced = tail.then(() => {
        next = null; // commits from here on need a sync that starts after them
        return datasync();
      });
      next = synced;
      tail = synced.catch(() => undefined);
    }
    return next;
  };
  async function close() {
    await tail;
    await log?.handle.close();
    log = null;
  }
  return { sync, close };
}
