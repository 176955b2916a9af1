import type { PrismaClient } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createCustomerMessenger } from '../../src/cases/messenger.js';
import { scheduleSurvey, sendSurveyJob } from '../../src/cases/surveys/index.js';
import { openTestDatabase } from '../support/db.js';

let db: PrismaClient;
let n = 0;
beforeAll(async () => {
  db = (await openTestDatabase('survey-elig-')).db;
});
afterAll(async () => {
  await db?.$disconnect();
});

const NOW = new Date('2026-11-27T06:00:00Z');

/** A resolved case with a reachable chat; `over` changes what the test is about. */
async function resolvedCase(over: { incomplete?: boolean; humanRequested?: boolean; resolution?: string | null; optOut?: boolean; reachable?: boolean; chat?: boolean } = {}) {
  const i = ++n;
  const customer = await db.customer.create({ data: { surveyOptOut: over.optOut ?? false } });
  const account =
    over.chat === false
      ? null
      : await db.channelAccount.create({
          data: { customerId: customer.id, channel: 'emulator', externalUserId: `u${i}`, conversationKey: `bf:emulator:c${i}`, conversationRef: '{}', reachable: over.reachable ?? true },
        });
  return db.case.create({
    data: {
      reference: `C-20261127-${String(9000 + i)}`,
      receivedAt: NOW,
      customerId: customer.id,
      channelAccountId: account?.id ?? null,
      intakeChannel: 'emulator',
      language: 'en',
      status: 'resolved',
      severity: 'P3',
      business: 'credit_card',
      cause: 'fees',
      channel: 'mobile_app',
      description: 'seeded',
      incomplete: over.incomplete ?? false,
      humanRequested: over.humanRequested ?? false,
      firstResponseDueAt: NOW,
      regulatoryProfile: 'cn',
      regulatoryDueAt: NOW,
      nextDueAt: NOW,
      resolvedAt: NOW,
      resolution: over.resolution === undefined ? 'Refunded.' : over.resolution,
    },
  });
}

const reasonOf = async (caseId: string) => {
  const e = await db.caseEvent.findFirst({ where: { caseId, type: 'survey_skipped' } });
  return e ? (JSON.parse(e.data) as { reason: string }).reason : null;
};

describe('who is never surveyed', () => {
  it.each([
    ['a case without a decision', { resolution: null }, 'no_decision'],
    ['a customer who opted out', { optOut: true }, 'opted_out'],
    ['a customer marked unreachable', { reachable: false }, 'unreachable'],
    ['a case with no chat to ask in', { chat: false }, 'no_chat'],
  ])('skips %s, with the reason on the timeline', async (_what, over, reason) => {
    const c = await resolvedCase(over);
    const res = await scheduleSurvey({ db, caseId: c.id, now: NOW, delayMinutes: 60 });
    expect(res).toEqual({ ok: false, error: { type: reason } });
    expect(await reasonOf(c.id)).toBe(reason);
    expect(await db.survey.count({ where: { caseId: c.id } })).toBe(0);
    expect(await db.job.count({ where: { dedupeKey: `survey:send:${c.id}` } })).toBe(0);
  });

  it('skips a case closed as a duplicate', async () => {
    const c = await resolvedCase();
    await db.caseEvent.create({ data: { caseId: c.id, type: 'duplicate', actorType: 'staff', createdAt: NOW } });
    expect(await scheduleSurvey({ db, caseId: c.id, now: NOW, delayMinutes: 60 })).toEqual({ ok: false, error: { type: 'no_decision' } });
  });

  it('surveys a decided case filed unfinished because the customer asked for a person during the intake', async () => {
    const c = await resolvedCase({ incomplete: true, humanRequested: true });
    const res = await scheduleSurvey({ db, caseId: c.id, now: NOW, delayMinutes: 60 });
    expect(res.ok).toBe(true);
    expect(await reasonOf(c.id)).toBeNull();
    expect(await db.survey.findUnique({ where: { caseId: c.id } })).toMatchObject({ status: 'scheduled' });
  });

  it('schedules a decided case once, SURVEY_DELAY_MINUTES after the resolution', async () => {
    const c = await resolvedCase();
    const first = await scheduleSurvey({ db, caseId: c.id, now: NOW, delayMinutes: 60 });
    expect(first.ok && first.value.runAt.toISOString()).toBe('2026-11-27T07:00:00.000Z');
    expect(await scheduleSurvey({ db, caseId: c.id, now: NOW, delayMinutes: 60 })).toEqual({ ok: false, error: { type: 'already_surveyed' } });
    expect(await db.job.count({ where: { dedupeKey: `survey:send:${c.id}`, type: 'survey.send' } })).toBe(1);
    expect(await db.survey.findUnique({ where: { caseId: c.id } })).toMatchObject({ status: 'scheduled' });
  });
});

describe('a survey the channel keeps refusing', () => {
  // No channel serves the conversation (its channel switched off since): every send fails, and
  // not because the customer is unreachable.
  const refusing = createCustomerMessenger();

  it('is retried, and after the last attempt skipped, not counted as sent, and staff told once', async () => {
    const c = await resolvedCase();
    const res = await scheduleSurvey({ db, caseId: c.id, now: NOW, delayMinutes: 0 });
    if (!res.ok) throw new Error('not scheduled');
    const handler = sendSurveyJob({ db, messenger: refusing });
    const run = (attempt: number) => handler({ id: 'j', type: 'survey.send', payload: { surveyId: res.value.surveyId }, attempt, maxAttempts: 5, now: NOW, log: pino({ level: 'silent' }) });
    await expect(run(1)).rejects.toThrow(/survey delivery failed/);
    expect(await db.survey.findUniqueOrThrow({ where: { id: res.value.surveyId } })).toMatchObject({ status: 'scheduled', sentAt: null });
    await expect(run(5)).rejects.toThrow(/survey delivery failed/);
    expect(await db.survey.findUniqueOrThrow({ where: { id: res.value.surveyId } })).toMatchObject({ status: 'skipped', sentAt: null, expiresAt: null });
    expect(await reasonOf(c.id)).toBe('delivery_failed');
    expect(await db.staffNotification.count({ where: { caseId: c.id, type: 'survey_undelivered' } })).toBe(1);
    expect(await db.job.count({ where: { status: 'pending', dedupeKey: { in: [`survey:remind:${res.value.surveyId}`, `survey:expire:${res.value.surveyId}`] } } })).toBe(0);
  });
});
