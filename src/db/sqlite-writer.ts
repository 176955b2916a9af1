import { statSync } from 'node:fs';
import fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { startCheckpointer } from './sqlite-checkpointer.js';

/** How long a write keeps retrying while another connection holds the write lock. */
const BUSY_GIVE_UP_MS = 10_000;

/** Prisma's SQLite driver adapter stores DateTime as ISO 8601 text with an explicit offset. */
export const sqlDate = (d: Date) => d.toISOString().replace('Z', '+00:00');

export interface SqliteWriter {
  db: Database.Database;
  /**
   * Runs `work` in an IMMEDIATE transaction, retrying shortly while another connection holds the
   * write lock. While the event loop is busy, writes asked for in the same turn of the loop share
   * one transaction (one commit), each in a savepoint of its own: a write that throws is undone
   * and rejected alone, the others commit; writes always commit in the order asked. `durable`:
   * resolves only once the commit is on disk (a case, whose reference the customer is told);
   * other commits survive a crash of the process but not a power cut.
   */
  write<T>(work: () => T, opts?: { durable?: boolean }): Promise<T>;
  close(): Promise<void>;
}

interface QueuedWrite {
  work: () => unknown;
  durable: boolean;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

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

  // Nested in the batch's transaction, better-sqlite3 runs this as a SAVEPOINT: a write that
  // throws rolls back to it and the rest of the batch goes on.
  const inSavepoint = db.transaction((work: () => unknown) => work());
  const runBatch = db.transaction((batch: QueuedWrite[]): Outcome[] =>
    batch.map((w) => {
      try {
        return { ok: true, value: batch.length === 1 ? w.work() : inSavepoint(w.work) };
      } catch (error) {
        // Alone in the batch, its failure undoes the whole (its own) transaction. So does an
        // error after which SQLite itself rolled the transaction back (it may, on a full disk or
        // an I/O error): the writes after it must not run outside the transaction.
        if (batch.length === 1 || !db.inTransaction) throw error;
        return { ok: false, error };
      }
    }),
  );

  let queued: QueuedWrite[] = [];
  // Batches commit in the order they were asked for: one still waiting for the write lock holds
  // back the next, so a later write never lands before an earlier one.
  let committed: Promise<unknown> = Promise.resolve();
  let batchesWaiting = 0;
  const inFlight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const loop = watchEventLoop();

  /**
   * Commits `batch` now and settles its writes, unless another connection holds the lock: then
   * returns SQLite's busy error and leaves the writes unsettled.
   */
  function tryCommit(batch: QueuedWrite[]): { busy: unknown } | undefined {
    let outcomes: Outcome[];
    try {
      outcomes = runBatch.immediate(batch);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_BUSY') return { busy: e };
      // A batch of one threw its write's own error; a larger batch failed as a whole.
      for (const w of batch) w.reject(e);
      return;
    }
    let synced: Promise<void> | undefined;
    batch.forEach((w, i) => {
      const outcome = outcomes[i]!;
      if (!outcome.ok) return w.reject(outcome.error);
      if (!w.durable) return w.resolve(outcome.value);
      synced ??= walSync.sync();
      synced.then(() => w.resolve(outcome.value), w.reject);
    });
    if (synced) track(synced.catch(() => undefined));
  }

  /**
   * Commits everything queued since the last batch as one transaction. Turns that end in the
   * same turn of the event loop (under load, several) then write the pages they share — index
   * pages above all — to the log once, not once each: SQLite's commit was the largest single
   * item of a turn's CPU (docs/benchmarks.md).
   */
  async function commitQueued() {
    const batch = queued;
    queued = [];
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const held = tryCommit(batch);
      if (!held) return;
      if (Date.now() - started > BUSY_GIVE_UP_MS) {
        for (const w of batch) w.reject(held.busy);
        return;
      }
      // A Prisma transaction holding the lock commits within a few event-loop turns: look again soon.
      await new Promise((r) => setTimeout(r, Math.min(1 + attempt, 5)));
    }
  }

  function schedule() {
    batchesWaiting++;
    const batch = committed
      .then(() => new Promise((r) => setImmediate(r)))
      .then(commitQueued)
      .finally(() => batchesWaiting--);
    committed = batch.catch(() => undefined); // (commitQueued settles its writes itself; never wedge the chain)
    track(committed);
  }

  return {
    db,
    write<T>(work: () => T, opts: { durable?: boolean } = {}) {
      return new Promise<T>((resolve, reject) => {
        const w: QueuedWrite = { work, durable: opts.durable ?? false, resolve: resolve as (v: unknown) => void, reject };
        // An idle process commits at once: waiting for the end of the loop's turn would only add
        // latency, with no other write to share the commit with.
        if (!queued.length && !batchesWaiting && !loop.busy() && !tryCommit([w])) return;
        if (!queued.length) schedule();
        queued.push(w);
      });
    },
    async close() {
      while (inFlight.size) await Promise.all(inFlight);
      await walSync.close();
      await checkpointer.close();
      db.close();
    },
  };
}

/**
 * Event-loop utilisation above which writes are batched rather than committed one by one. Near
 * saturation batching buys throughput (closed loop: about +40 % turns per second); below it, it
 * only makes the first writes of a burst wait for the rest of the burst: at 0.5, 200 customers
 * with pauses (~50 % utilisation) saw the median turn 0.5–1.7 ms slower and the 99th percentile
 * of turns that file no case 24 → 32–42 ms (docs/benchmarks.md).
 */
const BATCH_ABOVE_UTILISATION = 0.8;

/**
 * Whether the event loop was busy over the last tenth of a second or more: then many turns end in
 * each of its turns and batching their commits saves more than the wait costs. Measured when a
 * write asks, at most every 100 ms, not on a timer: a timer woke an idle server ten times a
 * second (2.5 ms of CPU per second doing nothing). After a quiet spell the window is long and
 * the loop reads as idle, as it was.
 */
function watchEventLoop(): { busy: () => boolean } {
  let last = performance.eventLoopUtilization();
  let lastAt = performance.now();
  let busy = false;
  return {
    busy() {
      const at = performance.now();
      if (at - lastAt >= 100) {
        const now = performance.eventLoopUtilization();
        busy = performance.eventLoopUtilization(now, last).utilization > BATCH_ABOVE_UTILISATION;
        last = now;
        lastAt = at;
      }
      return busy;
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
