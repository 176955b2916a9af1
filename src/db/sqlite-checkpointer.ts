import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the write-ahead log is copied back into the database file. */
const CHECKPOINT_EVERY_MS = 250;

// The worker is plain CommonJS given as a string, so it runs the same under tsx, vitest and
// compiled JavaScript; the driver's path is resolved here and handed over.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 5000 });
const checkpoint = (mode) => {
  try {
    db.pragma('wal_checkpoint(' + mode + ')');
  } catch (e) {
    parentPort.postMessage({ error: String(e && e.message) });
  }
};
const timer = setInterval(() => checkpoint('PASSIVE'), workerData.everyMs);
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  clearInterval(timer);
  checkpoint('TRUNCATE');
  db.close();
  parentPort.postMessage({ closed: true });
});
`;

export interface Checkpointer {
  /** A last full checkpoint, then the worker ends. */
  close(): Promise<void>;
}

/**
 * Runs SQLite's WAL checkpoints on a worker thread. A checkpoint copies the log back into the
 * database file and syncs it to disk; left to SQLite, it runs inside whichever commit crosses
 * 1,000 pages — on the event loop, stalling every customer's turn for the length of an fsync
 * (milliseconds on a busy disk). The connections that write (Prisma's and the fast path's) turn
 * their automatic checkpoints off (`wal_autocheckpoint = 0`) and this worker does them instead,
 * PASSIVE so it never waits for or blocks a writer.
 */
export function startCheckpointer(file: string, onError: (message: string) => void): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, everyMs: CHECKPOINT_EVERY_MS } });
  worker.unref();
  let closed: Promise<void> | undefined;
  worker.on('message', (m: { error?: string }) => m.error && onError(m.error));
  worker.on('error', (e) => onError(e.message));
  return {
    close() {
      closed ??= new Promise<void>((resolve) => {
        const done = () => resolve();
        worker.once('exit', done);
        worker.on('message', (m: { closed?: boolean }) => m.closed && void worker.terminate().then(done, done));
        worker.postMessage('close');
        setTimeout(() => void worker.terminate().then(done, done), 5000).unref();
      });
      return closed;
    },
  };
}
