import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app.js';
import { defaultBackoffMs, scheduleJob, startScheduler, type JobHandler } from '../../src/cases/scheduler/index.js';
import { scheduleStaffPurge, STAFF_PURGE_JOB } from '../../src/cases/staff/purge-expired-access.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { testDatabaseUrl } from '../support/db.js';

const silent = pino({ level: 'silent' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scheduler-'));
const opened: PrismaClient[] = [];
afterAll(async () => {
  await Promise.all(opened.map((db) => db.$disconnect()));
  fs.rmSync(dir, { recursive: true, force: true });
});

// One fresh database per name: a SQLite file, or a PostgreSQL database under `npm run test:pg`.
const urls = new Map<string, string>();
async function urlFor(name: string): Promise<string> {
  if (!urls.has(name)) urls.set(name, (await testDatabaseUrl(`scheduler-${name.replace(/\W/g, '')}-`)).url);
  return urls.get(name)!;
}

async function db(name: string): Promise<PrismaClient> {
  const client = await openDatabase(await urlFor(name));
  opened.push(client);
  return client;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('durable scheduler', () => {
  it('runs a job that fell due while the server was down after start, exactly once', async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await urlFor('down.sqlite'), LOG_LEVEL: 'silent' });
    const ran: string[] = [];
    const handlers: Record<string, JobHandler> = { 'test.ping': async (job) => void ran.push(job.id) };

    // The server runs once (migrates the file), then stops; a job is scheduled while it is down.
    const first = await startApp(config, { jobHandlers: handlers, schedulerPollMs: 50 });
    await first.stop();
    const offline = await db('down.sqlite');
    const scheduled = await scheduleJob(offline, { type: 'test.ping', runAt: new Date(Date.now() - 60_000), dedupeKey: 'ping:1' });
    const again = await scheduleJob(offline, { type: 'test.ping', runAt: new Date(), dedupeKey: 'ping:1' });
    expect(again).toEqual({ id: scheduled.id, created: false });
    expect(ran).toEqual([]);

    const second = await startApp(config, { jobHandlers: handlers, schedulerPollMs: 50 });
    try {
      await until(() => ran.length === 1);
      // Several more polls: nothing runs twice.
      await new Promise((r) => setTimeout(r, 300));
      expect(ran).toEqual([scheduled.id]);
      const row = await second.db.job.findUniqueOrThrow({ where: { id: scheduled.id } });
      expect(row).toMatchObject({ status: 'done', attempts: 1, lockedBy: null });
      expect(row.finishedAt).not.toBeNull();
    } finally {
      await second.stop();
    }
  });

  it('never runs the same job on two workers (two processes) sharing one SQLite file', async () => {
    const client = await db('two.sqlite');
    const file = await urlFor('two.sqlite');
    const ids: string[] = [];
    for (let i = 0; i < 80; i++) ids.push((await scheduleJob(client, { type: 'test.work', runAt: new Date(Date.now() - 1000), payload: { i } })).id);
    const runWorker = (id: string) =>
      new Promise<string[]>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, '../support/scheduler-worker-process.ts'), file, id], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let errOut = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (errOut += d));
        child.on('exit', (code) => (code === 0 ? resolve(out.split('\n').filter((l) => l.startsWith('RAN ')).map((l) => l.slice(4))) : reject(new Error(`worker ${id} exited ${code}: ${errOut}`))));
      });
    const [ranA, ranB] = await Promise.all([runWorker('a'), runWorker('b')]);
    const all = [...ranA, ...ranB];
    expect(all.sort()).toEqual([...ids].sort());
    expect(new Set(all).size).toBe(all.length);
    expect(await client.job.count({ where: { status: 'done' } })).toBe(80);
  });

  it('retries a failing job with exponential backoff and gives up after maxAttempts', async () => {
    const client = await db('retry.sqlite');
    let now = new Date('2026-11-27T08:00:00Z');
    let failures = 2;
    const calls: Date[] = [];
    const worker = startScheduler({
      db: client,
      log: silent,
      pollMs: 0,
      clock: () => now,
      handlers: {
        'test.flaky': async (job) => {
          calls.push(job.now);
          if (failures-- > 0) throw new Error('connector down');
        },
        'test.broken': async () => {
          throw new Error('always');
        },
      },
    });
    const flaky = await scheduleJob(client, { type: 'test.flaky', runAt: now });
    const broken = await scheduleJob(client, { type: 'test.broken', runAt: now, maxAttempts: 2 });

    await worker.runOnce();
    let row = await client.job.findUniqueOrThrow({ where: { id: flaky.id } });
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: 'connector down' });
    expect(row.runAt.getTime() - now.getTime()).toBe(defaultBackoffMs(1));

    // Not due yet: nothing runs.
    now = new Date(now.getTime() + defaultBackoffMs(1) - 1);
    expect(await worker.runOnce()).toBe(0);

    now = new Date(now.getTime() + 1);
    await worker.runOnce();
    row = await client.job.findUniqueOrThrow({ where: { id: flaky.id } });
    expect(row).toMatchObject({ status: 'pending', attempts: 2 });
    expect(row.runAt.getTime() - now.getTime()).toBe(defaultBackoffMs(2));
    expect(defaultBackoffMs(2)).toBe(2 * defaultBackoffMs(1));
    const failedForGood = await client.job.findUniqueOrThrow({ where: { id: broken.id } });
    expect(failedForGood).toMatchObject({ status: 'failed', attempts: 2, lastError: 'always' });

    now = new Date(now.getTime() + defaultBackoffMs(2));
    await worker.runOnce();
    row = await client.job.findUniqueOrThrow({ where: { id: flaky.id } });
    expect(row).toMatchObject({ status: 'done', attempts: 3, lastError: null });
    expect(calls).toHaveLength(3);
    await worker.stop();
  });

  it('retries at the time a failing handler asks for (retryAt) instead of the backoff', async () => {
    const client = await db('retry-at.sqlite');
    const now = new Date('2026-11-27T08:00:00Z');
    const asked = new Date(now.getTime() + 7_000);
    const worker = startScheduler({
      db: client,
      log: silent,
      pollMs: 0,
      clock: () => now,
      handlers: {
        'test.told-to-wait': async () => {
          throw Object.assign(new Error('retry after 7'), { retryAt: asked });
        },
      },
    });
    const job = await scheduleJob(client, { type: 'test.told-to-wait', runAt: now });
    await worker.runOnce();
    await worker.stop();
    const row = await client.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: 'retry after 7' });
    expect(row.runAt.getTime()).toBe(asked.getTime());
  });

  it('takes over a job whose worker died (lease expired) but leaves a live lease alone', async () => {
    const client = await db('lease.sqlite');
    const now = new Date('2026-11-27T08:00:00Z');
    const ran: string[] = [];
    const dead = await client.job.create({
      data: { type: 'test.ping', runAt: new Date(now.getTime() - 120_000), status: 'running', attempts: 1, lockedBy: 'crashed', lockedUntil: new Date(now.getTime() - 1) },
    });
    const alive = await client.job.create({
      data: { type: 'test.ping', runAt: new Date(now.getTime() - 120_000), status: 'running', attempts: 1, lockedBy: 'busy', lockedUntil: new Date(now.getTime() + 30_000) },
    });
    const worker = startScheduler({ db: client, log: silent, pollMs: 0, clock: () => now, handlers: { 'test.ping': async (job) => void ran.push(job.id) } });
    await worker.runOnce();
    await worker.stop();
    expect(ran).toEqual([dead.id]);
    expect(await client.job.findUniqueOrThrow({ where: { id: dead.id } })).toMatchObject({ status: 'done', attempts: 2 });
    expect(await client.job.findUniqueOrThrow({ where: { id: alive.id } })).toMatchObject({ status: 'running', lockedBy: 'busy' });
  });

  it('purges expired staff sessions and device tokens every hour, one job per hour for all instances', async () => {
    let now = new Date('2026-03-02T10:20:00Z');
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await urlFor('purge.sqlite'), LOG_LEVEL: 'silent' });
    const app = await startApp(config, { clock: () => now, schedulerPollMs: 0, clockSweepMs: 0 });
    try {
      const { id: userId } = await app.db.staffUser.create({ data: { email: 'purge@bank.test', displayName: 'Pat Purge', role: 'agent', passwordHash: '!' } });
      const hours = (h: number) => new Date(now.getTime() + h * 60 * 60_000);
      await app.db.staffSession.createMany({ data: [{ id: 'expired-session', userId, expiresAt: hours(-1) }, { id: 'live-session', userId, expiresAt: hours(11) }] });
      await app.db.staffDevice.createMany({ data: [{ id: 'expired-device', userId, expiresAt: hours(-24) }, { id: 'live-device', userId, expiresAt: hours(24 * 100) }] });
      const jobs = () => app.db.job.findMany({ where: { type: STAFF_PURGE_JOB }, orderBy: { runAt: 'asc' }, select: { status: true, runAt: true } });

      // Started, the app asked for the next hour's run; another instance starting asks for the same one.
      expect(await jobs()).toEqual([{ status: 'pending', runAt: new Date('2026-03-02T11:00:00Z') }]);
      expect((await scheduleStaffPurge(app.db, now)).created).toBe(false);
      expect(await app.scheduler.runOnce()).toBe(0);

      // Other per-slot jobs (the minute's sweep of missed announcements) run beside it: the purge
      // chain's own rows say what it did.
      now = new Date('2026-03-02T11:00:05Z');
      expect(await app.scheduler.runOnce()).toBeGreaterThanOrEqual(1);
      expect((await app.db.staffSession.findMany({ select: { id: true } })).map((r) => r.id)).toEqual(['live-session']);
      expect((await app.db.staffDevice.findMany({ select: { id: true } })).map((r) => r.id)).toEqual(['live-device']);
      expect(await jobs()).toEqual([
        { status: 'done', runAt: new Date('2026-03-02T11:00:00Z') },
        { status: 'pending', runAt: new Date('2026-03-02T12:00:00Z') },
      ]);

      // A day later (the instance was down): the overdue run goes once, schedules the next hour
      // from now, and the chain's finished rows older than a day are gone.
      now = new Date('2026-03-03T12:30:00Z');
      expect(await app.scheduler.runOnce()).toBeGreaterThanOrEqual(1);
      expect(await jobs()).toEqual([
        { status: 'done', runAt: new Date('2026-03-02T12:00:00Z') },
        { status: 'pending', runAt: new Date('2026-03-03T13:00:00Z') },
      ]);
    } finally {
      await app.stop();
    }
  });

  it('marks a job of an unknown type failed at once', async () => {
    const client = await db('unknown.sqlite');
    const job = await scheduleJob(client, { type: 'nobody.handles.this', runAt: new Date(0) });
    const worker = startScheduler({ db: client, log: silent, pollMs: 0, handlers: {} });
    await worker.runOnce();
    await worker.stop();
    expect(await client.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
