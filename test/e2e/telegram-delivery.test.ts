import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app.js';
import { t } from '../../src/dialogs/i18n.js';
import { createLogger } from '../../src/logger.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { TOKEN, completeIntake, startTelegramApp, telegramUser, tempDir } from './telegram-support.js';

const JOB = 'telegram.deliver';
const STAFF_REPLY = 'A reply from the complaints team about your card';
const STAFF_CHAT = '-1009876543210';

// Telegram's flood control (429 with a long retry_after), its 5xx answers and dropped
// connections must not lose a reply: it waits in the Job table, in the chat's order, and the
// scheduler sends it once the wait is over. The app's clock is moved instead of waiting, and the
// scheduler only runs when the test says so.
describe('Telegram delivery after flood control and transient failures', () => {
  let dir: string;
  let fake: FakeTelegram;
  let app: RunningApp;
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  let logged = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      logged += chunk.toString();
      done();
    },
  });
  const start = () => startTelegramApp(dir, fake, { STAFF_TELEGRAM_CHAT_ID: STAFF_CHAT }, { clock, schedulerPollMs: 0, log: createLogger('info', sink) });
  let nextUser = 52_000;
  const newUser = () => ({ id: nextUser++, first_name: 'Test', language_code: 'en' });
  const jobsOf = (chatId: number) => app.db.job.findMany({ where: { type: JOB, payload: { contains: `"chatId":${chatId}` } }, orderBy: { createdAt: 'asc' } });
  const staffJobs = () => app.db.job.findMany({ where: { type: JOB, payload: { contains: `"chatId":"${STAFF_CHAT}"` } }, orderBy: { createdAt: 'asc' } });
  const staffSent = () => fake.sent.filter((m) => m.chat_id === STAFF_CHAT).map((m) => m.text);
  const sendsToStaff = () => fake.callsOf('sendMessage', STAFF_CHAT).length;
  /** A customer files a fraud complaint (P1) through the whole intake; returns its reference. */
  async function fileFraudCase(): Promise<string> {
    const u = telegramUser(fake, newUser());
    const out = await u.say('Someone just stole $5,000 from my debit card, I did not make these transactions');
    const answers = { business: 'debit_card', occurredOn: 'yesterday', amount: 'skip', resolution: 'refund', name: 'Erin Zhao', phone: '13700001111' };
    const { reference } = await completeIntake(u, out, answers);
    expect(reference).toBeDefined();
    return reference!;
  }
  /** Polls until `check` holds: an alert is sent in the background of the event that raised it. */
  async function until(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 250; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('timed out');
  }
  /** An alert the clock sweep would raise, as it raises it (a domain event). */
  const clockAlert = (reference: string) =>
    app.events.emit({ type: 'case.clock_milestone', caseId: 'c1', reference, clock: 'first_response', milestone: 'near_90', at: clock() });

  beforeAll(async () => {
    dir = tempDir('tg-delivery-');
    fake = await startFakeTelegram({ token: TOKEN });
    app = await start();
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('keeps a reply refused with a long flood wait, and sends it after the wait ahead of later messages to that chat', async () => {
    const u = telegramUser(fake, newUser());
    fake.floodOnce(u.user.id, 30);
    expect(await u.say('Hello')).toEqual([]);
    // Later messages to the chat, a turn's and a staff reply, queue behind it instead of overtaking.
    expect(await u.say('help')).toEqual([]);
    expect(await app.messenger.send({ kind: 'telegram', chatId: u.user.id }, [{ text: STAFF_REPLY }])).toEqual({ ok: true });
    expect(u.sent()).toEqual([]);
    expect(await jobsOf(u.user.id)).toMatchObject([{ status: 'pending' }]);

    // Not before the wait Telegram asked for.
    offsetMs += 20_000;
    await app.scheduler.runOnce();
    expect(u.sent()).toEqual([]);

    offsetMs += 11_000;
    await app.scheduler.runOnce();
    const texts = u.sent().map((m) => m.text);
    const greeting = texts.findIndex((x) => x.includes('complaints assistant'));
    const help = texts.findIndex((x) => x.includes(t('en', 'help').slice(0, 30)));
    expect(greeting).toBe(0);
    expect(help).toBeGreaterThan(greeting);
    expect(texts.at(-1)).toBe(STAFF_REPLY);
    const [job] = await jobsOf(u.user.id);
    expect(job).toMatchObject({ status: 'done', dedupeKey: null });
    // Sent messages do not stay in the database.
    expect(job!.payload).not.toContain('complaints assistant');

    // The queue is gone: the next reply goes straight out.
    const next = await u.say('help');
    expect(next.length).toBeGreaterThan(0);
  });

  it('delivers a queued reply once after the instance restarts', async () => {
    const u = telegramUser(fake, newUser());
    fake.floodOnce(u.user.id, 60);
    expect(await u.say('Hello')).toEqual([]);
    await app.stop();
    app = await start();
    offsetMs += 61_000;
    await app.scheduler.runOnce();
    await app.scheduler.runOnce();
    const greetings = u.sent().filter((m) => m.text.includes('complaints assistant'));
    expect(greetings).toHaveLength(1);
    expect(await jobsOf(u.user.id)).toMatchObject([{ status: 'done' }]);
  });

  it('treats a 5xx answer and a dropped connection like flood control', async () => {
    const u = telegramUser(fake, newUser());
    fake.failSends(u.user.id, 502);
    expect(await u.say('Hello')).toEqual([]);
    offsetMs += 10_000;
    await app.scheduler.runOnce();
    expect(u.sent().map((m) => m.text).join('\n')).toContain('complaints assistant');

    fake.failSends(u.user.id, 'network');
    expect(await app.messenger.send({ kind: 'telegram', chatId: u.user.id }, [{ text: STAFF_REPLY }])).toEqual({ ok: true });
    expect(u.sent().at(-1)?.text).not.toBe(STAFF_REPLY);
    offsetMs += 10_000;
    await app.scheduler.runOnce();
    expect(u.sent().at(-1)?.text).toBe(STAFF_REPLY);
  });

  it('gives up after a bounded number of attempts, with a log line that holds no message text', async () => {
    const u = telegramUser(fake, newUser());
    await u.say('Hello');
    fake.failSends(u.user.id, 500, 1000);
    const secret = 'Your case reference is C-20260101-0001 and your card is frozen';
    expect(await app.messenger.send({ kind: 'telegram', chatId: u.user.id }, [{ text: secret }])).toEqual({ ok: true });
    for (let i = 0; i < 20; i++) {
      offsetMs += 2 * 60 * 60_000;
      await app.scheduler.runOnce();
    }
    const [job] = await jobsOf(u.user.id);
    expect(job).toMatchObject({ status: 'failed', dedupeKey: null });
    expect(job!.attempts).toBeLessThanOrEqual(job!.maxAttempts);
    expect(job!.payload).not.toContain(secret);
    const attemptsMade = fake.callsOf('sendMessage', u.user.id).filter((c) => c.body.text === secret).length;
    expect(attemptsMade).toBe(job!.maxAttempts + 1);
    await new Promise((r) => setTimeout(r, 100));
    const givenUp = logged.split('\n').filter((l) => l.includes('"msg":"telegram delivery given up"'));
    expect(givenUp).toHaveLength(1);
    expect(JSON.parse(givenUp[0]!)).toMatchObject({ conversationKey: `telegram:${u.user.id}`, messages: 1 });
    expect(logged).not.toContain('card is frozen');

    // Later messages are not held behind a queue that was given up.
    fake.failSends(u.user.id, 500, 0);
    expect(await app.messenger.send({ kind: 'telegram', chatId: u.user.id }, [{ text: STAFF_REPLY }])).toEqual({ ok: true });
    expect(u.sent().at(-1)?.text).toBe(STAFF_REPLY);
  });

  it('keeps a staff alert refused with a long flood wait through a restart, and sends it once, ahead of the alerts after it', async () => {
    fake.floodOnce(STAFF_CHAT, 60);
    const before = sendsToStaff();
    const reference = await fileFraudCase();
    await fake.waitFor(() => sendsToStaff() > before, 5000, 'the first try of the staff alert');
    // A later alert to the staff chat waits behind the first instead of overtaking it.
    await clockAlert('C-20260101-0007');
    expect(staffSent().filter((x) => x.includes(reference) || x.includes('C-20260101-0007'))).toEqual([]);

    await app.stop();
    expect(await staffJobs()).toMatchObject([{ status: 'pending' }]);
    app = await start();
    offsetMs += 61_000;
    await app.scheduler.runOnce();
    await app.scheduler.runOnce();
    const alerts = staffSent().filter((x) => x.includes(reference) || x.includes('C-20260101-0007'));
    expect(alerts).toHaveLength(2);
    expect(alerts[0]).toContain(`P1`);
    expect(alerts[0]).toContain(reference);
    expect(alerts[1]).toContain('C-20260101-0007');
    expect(await staffJobs()).toMatchObject([{ status: 'done', dedupeKey: null }]);

    // The queue is gone: the next alert goes straight out.
    await clockAlert('C-20260101-0008');
    await fake.waitFor(() => staffSent().some((x) => x.includes('C-20260101-0008')), 5000, 'the next staff alert');
  });

  it('retries a staff alert after a 5xx answer and after a dropped connection', async () => {
    fake.failSends(STAFF_CHAT, 502);
    await clockAlert('C-20260101-0011');
    await until(async () => (await staffJobs()).some((j) => j.status === 'pending'));
    offsetMs += 10_000;
    await app.scheduler.runOnce();
    expect(staffSent().filter((x) => x.includes('C-20260101-0011'))).toHaveLength(1);

    fake.failSends(STAFF_CHAT, 'network');
    await clockAlert('C-20260101-0012');
    await until(async () => (await staffJobs()).some((j) => j.status === 'pending'));
    offsetMs += 10_000;
    await app.scheduler.runOnce();
    expect(staffSent().filter((x) => x.includes('C-20260101-0012'))).toHaveLength(1);
  });

  it('gives a staff alert up after a bounded number of attempts, logging no alert text', async () => {
    logged = '';
    fake.failSends(STAFF_CHAT, 500, 1000);
    await clockAlert('C-20260101-0021');
    await until(async () => (await staffJobs()).some((j) => j.status === 'pending'));
    for (let i = 0; i < 20; i++) {
      offsetMs += 2 * 60 * 60_000;
      await app.scheduler.runOnce();
    }
    const [job] = (await staffJobs()).filter((j) => j.status === 'failed');
    expect(job).toMatchObject({ status: 'failed', dedupeKey: null });
    expect(fake.callsOf('sendMessage', STAFF_CHAT).filter((c) => String(c.body.text).includes('C-20260101-0021'))).toHaveLength(job!.maxAttempts + 1);
    await new Promise((r) => setTimeout(r, 100));
    const givenUp = logged.split('\n').filter((l) => l.includes('"msg":"telegram delivery given up"'));
    expect(givenUp).toHaveLength(1);
    expect(JSON.parse(givenUp[0]!)).toMatchObject({ conversationKey: `telegram:${STAFF_CHAT}`, messages: 1 });
    expect(logged).not.toContain('complaints.example.test/staff/cases');
    expect(logged).not.toMatch(/first response|首次响应/);
    fake.failSends(STAFF_CHAT, 500, 0);
  });

  it('logs a staff chat the bot was removed from as an error, without taking it for a customer', async () => {
    logged = '';
    fake.block(STAFF_CHAT);
    await clockAlert('C-20260101-0031');
    await fake.waitFor(() => logged.includes('staff alert chat unreachable'), 5000, 'the unreachable log line');
    const line = logged.split('\n').find((l) => l.includes('staff alert chat unreachable'))!;
    expect(JSON.parse(line)).toMatchObject({ level: 50, conversationKey: `telegram:${STAFF_CHAT}` });
    expect(logged).not.toContain('telegram user unreachable');
  });
});
