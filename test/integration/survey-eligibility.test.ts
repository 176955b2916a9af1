import type { PrismaClient } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleSurvey } from '../../src/cases/surveys/index.js';
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
