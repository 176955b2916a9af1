import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendWebChatMessages } from '../../src/bot/webchat-outbox.js';
import { OPEN_STATUSES } from '../../src/cases/case-action.js';
import { recordEvent } from '../../src/cases/case-events.js';
import { createRuleClassifier } from '../../src/cases/classification/rules.js';
import { loadPolicy } from '../../src/cases/clocks/index.js';
import { createCase } from '../../src/cases/create-case.js';
import { touchChannelAccount } from '../../src/cases/customers.js';
import { ERASED, eraseCustomerData, WITHDRAWN_RESOLUTION } from '../../src/cases/erase-customer-data.js';
import { createCustomerMessenger, type CustomerMessage } from '../../src/cases/messenger.js';
import { dialectOf, getReportSummary } from '../../src/cases/reports/index.js';
import { scheduleJob } from '../../src/cases/scheduler/index.js';
import { listCases, ZCaseFilter } from '../../src/cases/staff/case-queries.js';
import { SURVEY_JOB, scheduleSurvey, sendSurveyJob } from '../../src/cases/surveys/index.js';
import { sweepClocks } from '../../src/cases/sweep-clocks.js';
import { appendTranscript } from '../../src/cases/transcript.js';
import { createPrismaStateStore } from '../../src/dialogs/state-store.js';
import type { Db } from '../../src/db/client.js';
import { openTestDatabase } from '../support/db.js';

let db: Db;
let url: string;
// Where downloaded evidence lives (config.dataDir); never the directory the tests run in.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-erase-data-'));
beforeAll(async () => {
  ({ db, url } = await openTestDatabase('cd-erase-'));
});
afterAll(async () => db?.$disconnect());

/** Files a complaint for `account` as the bot does at the end of an intake (a Chinese bank). */
function fileCase(
  account: { customerId: string; accountId: string },
  conversationKey: string,
  answers: Parameters<typeof createCase>[0]['answers'],
  now: Date,
  intakeChannel: 'telegram' | 'webchat' = 'telegram',
  dedupeKey?: string,
) {
  const policy = loadPolicy('cn', { timeZone: 'Asia/Shanghai' });
  return createCase(
    { answers, customerId: account.customerId, channelAccountId: account.accountId, conversationKey, intakeChannel, language: 'en', incomplete: false, humanRequested: false, dedupeKey, now },
    { db, classifier: createRuleClassifier(), policy },
  );
}

/** Runs `npm run privacy`'s program against the test database; returns its exit code and output. */
function privacy(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cases/privacy-cli.ts', ...args], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: url, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('eraseCustomerData', () => {
  it('removes what identifies the customer and keeps the statistics', async () => {
    const now = new Date('2026-11-27T03:00:00Z');
    const account = await touchChannelAccount(db, { intakeChannel: 'telegram', externalUserId: '777', conversationKey: 'telegram:777', conversationRef: { kind: 'telegram', chatId: 777 }, now });
    await appendTranscript(db, [{ conversationKey: 'telegram:777', direction: 'in', author: 'customer', text: 'my card 6222021234567890 was stolen', at: now }]);
    const created = await fileCase(account, 'telegram:777', { description: 'my card 6222021234567890 was stolen', name: 'Wang Fang', phone: '13812345678' }, now);

    // A reply Telegram could not take yet, waiting in the chat's delivery queue.
    await scheduleJob(db, {
      type: 'telegram.deliver',
      runAt: now,
      payload: { chatId: 777, items: [{ text: 'Wang Fang, your case is registered' }] },
      dedupeKey: 'telegram:deliver:777',
    });
    // An earlier queue, sent: the job is done, its payload emptied but naming the chat.
    const sentQueue = await scheduleJob(db, { type: 'telegram.deliver', runAt: now, payload: { chatId: 777, items: [] } });
    await db.job.update({ where: { id: sentQueue.id }, data: { status: 'done', finishedAt: now } });
    // Another chat's queue is not touched.
    await scheduleJob(db, { type: 'telegram.deliver', runAt: now, payload: { chatId: 7771, items: [{ text: 'hello' }] }, dedupeKey: 'telegram:deliver:7771' });
    await recordEvent(db, { caseId: created.id, type: 'info_requested', actor: { type: 'system' }, at: now, note: 'Is Wang Fang on 13812345678 the card holder?' });
    // The follow-up survey: the answers are statistics, the comment is the customer's words.
    await db.survey.create({ data: { caseId: created.id, status: 'answered', solved: 'no', score: 2, comment: 'Wang Fang here, call me on 13812345678', answeredAt: now } });
    await recordEvent(db, { caseId: created.id, type: 'survey_comment', actor: { type: 'customer' }, at: now, note: 'Wang Fang here, call me on 13812345678' });
    // An answer typed as a sentence keeps the sentence; a bare one has no note.
    await recordEvent(db, { caseId: created.id, type: 'survey_answered', actor: { type: 'customer' }, at: now, note: '没有解决，王芳 13812345678', data: { question: 'solved', solved: 'no' } });
    await recordEvent(db, { caseId: created.id, type: 'survey_answered', actor: { type: 'customer' }, at: now, data: { question: 'score', score: 2 } });

    const result = await eraseCustomerData(db, { reference: created.reference, dataDir, now, closeOpenCases: true });
    expect(result.ok).toBe(true);

    const c = await db.case.findUniqueOrThrow({ where: { reference: created.reference }, include: { messages: true, events: true, customer: true } });
    expect(c).toMatchObject({ description: ERASED, customerName: null, customerPhone: null, severity: created.severity, cause: created.cause, business: created.business });
    expect(c.messages.every((m) => m.text === ERASED)).toBe(true);
    expect(c.customer).toMatchObject({ name: null, phone: null });
    expect(c.customer.anonymizedAt).not.toBeNull();
    expect(c.events.at(-1)?.type).toBe('customer_data_erased');
    expect(c.events.find((e) => e.type === 'info_requested')?.note).toBe(ERASED);
    expect(c.events.find((e) => e.type === 'survey_comment')?.note).toBe(ERASED);
    expect(c.events.filter((e) => e.type === 'survey_answered').map((e) => e.note)).toEqual(expect.arrayContaining([ERASED, null]));
    expect(await db.survey.findUniqueOrThrow({ where: { caseId: created.id } })).toMatchObject({ comment: ERASED, solved: 'no', score: 2 });
    // Field by field: the erased placeholders are random hex, which may itself contain "777".
    const accounts = await db.channelAccount.findMany({ where: { customerId: account.customerId } });
    expect(accounts.length).toBeGreaterThan(0);
    for (const a of accounts) {
      expect(a.externalUserId).not.toBe('777');
      expect(a.conversationKey).not.toContain('telegram:777');
      expect(a.conversationRef).not.toContain('777');
    }
    expect(await db.case.count()).toBeGreaterThan(0);
    const queued = await db.job.findMany({ where: { type: 'telegram.deliver' } });
    const mine = queued.filter((j) => j.dedupeKey !== 'telegram:deliver:7771');
    expect(mine.map((j) => [j.dedupeKey, j.payload.includes('Wang Fang') || j.payload.includes('777,')])).toEqual([
      [null, false],
      [null, false],
    ]);
    expect(queued.find((j) => j.dedupeKey === 'telegram:deliver:7771')?.payload).toContain('"chatId":7771,');
  });

  it('deletes the downloaded evidence files under the data folder, and their conversation folder', async () => {
    const now = new Date('2026-11-27T03:00:00Z');
    const account = await touchChannelAccount(db, { intakeChannel: 'telegram', externalUserId: '888', conversationKey: 'telegram:888', conversationRef: { kind: 'telegram', chatId: 888 }, now });
    // As src/bot/telegram-evidence.ts keeps a photo: the path recorded relative to the data folder.
    const relative = 'evidence/telegram-888/0123456789abcdef.jpg';
    fs.mkdirSync(path.join(dataDir, 'evidence/telegram-888'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, relative), 'a photo of the card');
    await db.evidence.create({ data: { conversationKey: 'telegram:888', kind: 'photo', fileId: 'AgAD-888', fileName: 'card.jpg', localPath: relative, createdAt: now } });

    const result = await eraseCustomerData(db, { customerId: account.customerId, dataDir, now });
    expect(result).toMatchObject({ ok: true, value: { evidenceFiles: 1 } });
    expect(fs.existsSync(path.join(dataDir, relative))).toBe(false);
    // The folder is named after the chat: it goes too.
    expect(fs.existsSync(path.join(dataDir, 'evidence/telegram-888'))).toBe(false);
    expect(await db.evidence.findMany({ where: { fileId: 'AgAD-888' } })).toEqual([]);
  });

  it('closes the open cases an earlier erasure left behind, without erasing again', async () => {
    const now = new Date('2026-11-27T03:00:00Z');
    const erasedAt = new Date('2026-11-20T03:00:00Z');
    const account = await touchChannelAccount(db, { intakeChannel: 'telegram', externalUserId: '905', conversationKey: 'telegram:905', conversationRef: { kind: 'telegram', chatId: 905 }, now });
    const created = await fileCase(account, 'telegram:905', { description: 'my transfer never arrived' }, now);
    // As an erasure made before open cases were refused left it: erased, the case still open.
    await db.customer.update({ where: { id: account.customerId }, data: { anonymizedAt: erasedAt } });

    expect(await eraseCustomerData(db, { customerId: account.customerId, dataDir, now })).toMatchObject({ ok: false, error: { type: 'open_cases', references: [created.reference] } });
    const result = await eraseCustomerData(db, { customerId: account.customerId, dataDir, now, closeOpenCases: true });
    expect(result).toMatchObject({ ok: true, value: { closedCases: [created.reference], alreadyErasedAt: erasedAt } });
    expect(await db.case.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ status: 'closed', description: 'my transfer never arrived' });
    expect(await db.customer.findUniqueOrThrow({ where: { id: account.customerId } })).toMatchObject({ anonymizedAt: erasedAt });
    expect(await db.caseEvent.count({ where: { caseId: created.id, type: 'customer_data_erased' } })).toBe(0);
  });

  it('erases a web chat conversation in the middle of an intake, its page history and a survey still to be sent', async () => {
    const now = new Date('2026-11-27T03:00:00Z');
    const session = 'sess-erase-0123456789abcdef';
    const key = `web:${session}`;
    const ref = { kind: 'webpage', sessionId: session };
    const account = await touchChannelAccount(db, { intakeChannel: 'webchat', externalUserId: session, conversationKey: key, conversationRef: ref, now });
    // An earlier complaint, decided: its survey is scheduled, not sent yet.
    // Filed by the page's message (run-turn.ts): its dedupe key holds the session id.
    const earlier = await fileCase(account, key, { description: 'the app logged me out', name: 'Qian Wu', phone: '13500005555' }, now, 'webchat', `webchat:${session}:m-0`);
    await db.case.update({ where: { id: earlier.id }, data: { status: 'resolved', resolvedAt: now, resolution: 'fixed', rootCause: 'app bug' } });
    const survey = await scheduleSurvey({ db, caseId: earlier.id, now, delayMinutes: 60 });
    expect(survey.ok).toBe(true);
    // Now half-way through a second complaint: the dialog holds the answers so far, the
    // transcript and a photo wait for the case, and the page keeps the conversation for a reload.
    const said = 'my card was swallowed at the ATM, I am Qian Wu, 13500005555';
    await createPrismaStateStore(db).save(key, JSON.stringify({ dialog: 'intake', answers: { description: said, name: 'Qian Wu', phone: '13500005555' } }), 0);
    await appendTranscript(db, [{ conversationKey: key, direction: 'in', author: 'customer', text: said, at: now }]);
    await db.evidence.create({ data: { conversationKey: key, kind: 'photo', fileId: 'web-photo-1', fileName: 'receipt.jpg', createdAt: now } });
    await appendWebChatMessages(db, { sessionId: session, said: { text: said, clientMessageId: 'm-1' }, messages: [{ text: 'Thank you, Qian Wu. When did it happen?' }], now });

    const result = await eraseCustomerData(db, { customerId: account.customerId, dataDir, now });
    expect(result.ok).toBe(true);

    expect(await db.dialogState.findUnique({ where: { conversationKey: key } })).toBeNull();
    expect(await db.webChatMessage.count({ where: { sessionId: session } })).toBe(0);
    // The session id (the page's own key to the conversation) is kept nowhere.
    expect(await db.transcriptMessage.count({ where: { conversationKey: key } })).toBe(0);
    expect(await db.evidence.count({ where: { conversationKey: key } })).toBe(0);
    expect(await db.case.count({ where: { conversationKey: key } })).toBe(0);
    expect(await db.case.count({ where: { dedupeKey: { contains: session } } })).toBe(0);

    // The survey's job runs as scheduled: nothing goes to the customer.
    const sent: CustomerMessage[] = [];
    const messenger = createCustomerMessenger();
    messenger.register({ kind: 'webpage', send: async (_ref, messages) => (sent.push(...messages), { ok: true }) });
    const later = new Date(now.getTime() + 2 * 3600_000);
    const job = { id: 'job-survey', type: SURVEY_JOB.send, payload: { surveyId: survey.ok ? survey.value.surveyId : '' }, attempt: 1, maxAttempts: 5, now: later, log: pino({ level: 'silent' }) };
    await sendSurveyJob({ db, messenger })(job);
    expect(sent).toEqual([]);
    expect(await db.survey.findUniqueOrThrow({ where: { caseId: earlier.id } })).toMatchObject({ status: 'skipped', sentAt: null });

    // The same page writes again: a new customer, whose complaint gets none of the erased lines.
    const again = await touchChannelAccount(db, { intakeChannel: 'webchat', externalUserId: session, conversationKey: key, conversationRef: ref, now: later });
    expect(again.customerId).not.toBe(account.customerId);
    await appendTranscript(db, [{ conversationKey: key, direction: 'in', author: 'customer', text: 'my statement is wrong', at: later }]);
    const fresh = await fileCase(again, key, { description: 'my statement is wrong' }, later, 'webchat');
    const kase = await db.case.findUniqueOrThrow({ where: { id: fresh.id }, include: { messages: true, evidence: true } });
    expect(kase.messages.map((m) => m.text)).toEqual(['my statement is wrong']);
    expect(kase.evidence).toEqual([]);
  });

  it('says when there is nobody to erase', async () => {
    expect(await eraseCustomerData(db, { reference: 'C-20000101-0001', dataDir, now: new Date() })).toEqual({ ok: false, error: { type: 'not_found' } });
  });
});

describe('npm run privacy', () => {
  it('refuses a reference and a customer given together, erasing nobody', { timeout: 120_000 }, async () => {
    const now = new Date('2026-11-27T03:00:00Z');
    const one = await touchChannelAccount(db, { intakeChannel: 'telegram', externalUserId: '901', conversationKey: 'telegram:901', conversationRef: { kind: 'telegram', chatId: 901 }, now });
    const other = await touchChannelAccount(db, { intakeChannel: 'telegram', externalUserId: '902', conversationKey: 'telegram:902', conversationRef: { kind: 'telegram', chatId: 902 }, now });
    await db.customer.update({ where: { id: other.customerId }, data: { name: 'Li Lei', phone: '13900001111' } });
    const created = await fileCase(one, 'telegram:901', { description: 'the ATM kept my card', name: 'Han Meimei', phone: '13800002222' }, now);

    const r = await privacy(['erase', '--reference', created.reference, '--customer', other.customerId]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage');
    expect(await db.customer.findUniqueOrThrow({ where: { id: other.customerId } })).toMatchObject({ name: 'Li Lei', anonymizedAt: null });
    expect(await db.case.findUniqueOrThrow({ where: { reference: created.reference } })).toMatchObject({ customerName: 'Han Meimei' });
  });

  it('refuses a customer with open cases, naming them; --close-open-cases closes them as withdrawn, then erases', { timeout: 120_000 }, async () => {
    // The command reads the clock itself: the cases are received now.
    const now = new Date();
    const policy = loadPolicy('cn', { timeZone: 'Asia/Shanghai' });
    const account = await touchChannelAccount(db, { intakeChannel: 'telegram', externalUserId: '903', conversationKey: 'telegram:903', conversationRef: { kind: 'telegram', chatId: 903 }, now });
    const file = (description: string) =>
      fileCase(account, 'telegram:903', { description, name: 'Zhao Lei', phone: '13700003333' }, now);
    const first = await file('the ATM kept my card');
    const second = await file('I was charged twice for the annual fee');
    // The customer is waiting for staff, who hold the conversation.
    await db.case.update({ where: { id: second.id }, data: { status: 'awaiting_customer' } });
    await db.channelAccount.update({ where: { id: account.accountId }, data: { handoffCaseId: second.id } });

    const refused = await privacy(['erase', '--reference', first.reference]);
    expect(refused.code).toBe(3);
    expect(refused.err).toContain(first.reference);
    expect(refused.err).toContain(second.reference);
    expect(refused.err).toContain('--close-open-cases');
    expect(refused.out).toBe('');
    expect(await db.customer.findUniqueOrThrow({ where: { id: account.customerId } })).toMatchObject({ name: 'Zhao Lei', anonymizedAt: null });
    expect(await db.case.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ status: 'new', customerName: 'Zhao Lei' });
    expect(await db.caseEvent.count({ where: { caseId: { in: [first.id, second.id] }, type: { in: ['closed', 'customer_data_erased'] } } })).toBe(0);

    const r = await privacy(['erase', '--reference', first.reference, '--close-open-cases']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Closed as withdrawn: ${first.reference}, ${second.reference}.`);
    for (const c of [first, second]) {
      const kase = await db.case.findUniqueOrThrow({ where: { id: c.id }, include: { events: { orderBy: { createdAt: 'asc' } } } });
      expect(kase).toMatchObject({ status: 'closed', resolution: WITHDRAWN_RESOLUTION, customerName: null, description: ERASED });
      expect(kase.closedAt).not.toBeNull();
      // The clocks stopped at the closure, within both deadlines; no response or decision is
      // recorded that was never given.
      expect(kase.closedAt!.getTime()).toBeLessThanOrEqual(kase.firstResponseDueAt.getTime());
      expect(kase).toMatchObject({ firstResponseAt: null, resolvedAt: null });
      const types = kase.events.map((e) => e.type);
      expect(types.indexOf('closed')).toBeGreaterThan(-1);
      expect(types.indexOf('closed')).toBeLessThan(types.indexOf('customer_data_erased'));
      expect(kase.events.find((e) => e.type === 'closed')).toMatchObject({ actorType: 'system' });
      expect(types).not.toContain('survey_scheduled');
    }
    expect(await db.caseEvent.count({ where: { caseId: second.id, type: 'handoff_ended' } })).toBe(1);
    expect(await db.survey.count({ where: { caseId: { in: [first.id, second.id] } } })).toBe(0);

    // Long after the deadlines: no alert is raised, the queue does not list them, the reports
    // count them closed, with no deadline to judge (withdrawn before either ran out).
    const later = new Date(now.getTime() + 120 * 24 * 3600_000);
    const swept = await sweepClocks({ db, dialect: dialectOf(url), now: later, policy });
    expect(swept.recorded.filter((m) => m.reference === first.reference || m.reference === second.reference)).toEqual([]);
    expect(await db.staffNotification.count({ where: { caseId: { in: [first.id, second.id] } } })).toBe(0);
    const queue = await listCases(db, ZCaseFilter.parse({ status: OPEN_STATUSES.join(',') }), later);
    expect(queue.items.map((c) => c.reference)).not.toContain(first.reference);
    expect((await listCases(db, ZCaseFilter.parse({ overdue: 'true' }), later)).items.map((c) => c.reference)).not.toContain(second.reference);
    const report = await getReportSummary({ db, dialect: dialectOf(url) }, { from: new Date(now.getTime() - 1000), to: new Date(now.getTime() + 1000) }, later);
    expect(report.total).toBe(2);
    expect(report.counts.status).toMatchObject({ closed: 2 });
    expect(report.sla).toMatchObject({ regulatoryMet: 0, regulatoryEvaluated: 0, firstResponseMet: 0, firstResponseEvaluated: 0, medianHoursToFirstResponse: null });
  });

  it('erases once: a second run says there is nothing left to erase and changes nothing', { timeout: 120_000 }, async () => {
    const now = new Date('2026-11-27T03:00:00Z');
    const account = await touchChannelAccount(db, { intakeChannel: 'telegram', externalUserId: '904', conversationKey: 'telegram:904', conversationRef: { kind: 'telegram', chatId: 904 }, now });
    const created = await fileCase(account, 'telegram:904', { description: 'the branch refused my deposit', name: 'Sun Li', phone: '13600004444' }, now);
    await db.case.update({ where: { id: created.id }, data: { status: 'closed', resolvedAt: now, closedAt: now, resolution: 'refunded', rootCause: 'teller error' } });
    await appendTranscript(db, [{ conversationKey: 'telegram:904', caseId: created.id, direction: 'in', author: 'customer', text: 'the branch refused my deposit', at: now }]);

    const first = await privacy(['erase', '--reference', created.reference]);
    expect(first.code).toBe(0);
    expect(first.out).toContain('Erased customer');
    const snapshot = async () => ({
      customer: await db.customer.findUniqueOrThrow({ where: { id: account.customerId } }),
      kase: await db.case.findUniqueOrThrow({ where: { id: created.id } }),
      events: await db.caseEvent.findMany({ where: { caseId: created.id }, orderBy: { id: 'asc' } }),
    });
    const before = await snapshot();
    expect(before.events.filter((e) => e.type === 'customer_data_erased')).toHaveLength(1);

    const again = await privacy(['erase', '--customer', account.customerId]);
    expect(again.err).toBe('');
    expect(again.code).toBe(0);
    expect(again.out).toBe(`Customer ${account.customerId} was erased on ${before.customer.anonymizedAt!.toISOString()}: nothing left to erase.\n`);
    expect(await snapshot()).toEqual(before);
  });
});
