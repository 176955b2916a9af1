/**
 * One scheduler instance in its own process (as a second app instance would be), for the
 * two-workers test: `node --import tsx scheduler-worker-process.ts <sqlite file or DATABASE_URL> <worker id>`.
 * Runs `test.work` jobs until none are left and prints `RAN <job id>` for each.
 */
import pino from 'pino';
import { startScheduler } from '../../src/cases/scheduler/index.js';
import { openDatabase } from '../../src/db/client.js';

const [file, workerId] = process.argv.slice(2);
if (!file || !workerId) throw new Error('usage: scheduler-worker-process.ts <sqlite file or DATABASE_URL> <worker id>');
const db = await openDatabase(/^(file:|postgres(ql)?:\/\/)/.test(file) ? file : `file:${file}`);
const worker = startScheduler({
  db,
  workerId,
  pollMs: 0,
  batchSize: 100,
  log: pino({ level: 'error' }, pino.destination(2)),
  handlers: {
    'test.work': async (job) => {
      process.stdout.write(`RAN ${job.id}\n`);
      await new Promise((r) => setTimeout(r, 1));
    },
  },
});
while ((await db.job.count({ where: { status: { in: ['pending', 'running'] } } })) > 0) await worker.runOnce();
await worker.stop();
await db.$disconnect();
