import type { Prisma, PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { surveyQuestionMessage } from '../../dialogs/survey.js';
import { t } from '../../dialogs/i18n.js';
import { ZLang, type Lang } from '../../dialogs/types.js';
import { recordEvent } from '../case-events.js';
import type { CustomerMessage, CustomerMessenger } from '../messenger.js';
import { cancelJobs, scheduleJob } from '../scheduler/index.js';
import type { JobHandler } from '../scheduler/index.js';
import { appendTranscript } from '../transcript.js';
import { SURVEY_JOB } from './schedule-survey.js';
import { withinSurveyHours, type SurveyHours } from './survey-hours.js';

export const SURVEY_REMINDER_MS = 24 * 60 * 60_000;
export const SURVEY_LIFETIME_MS = 7 * 24 * 60 * 60_000;

const ZSurveyJobPayload = z.object({ surveyId: z.string().min(1) });

export interface SurveyJobDeps {
  db: PrismaClient;
  messenger: CustomerMessenger;
  /** The reminder waits for these hours too (SURVEY_HOURS); absent: any hour. */
  hours?: SurveyHours;
}

const surveySelect = {
  id: true,
  status: true,
  solved: true,
  score: true,
  case: {
    select: {
      id: true,
      reference: true,
      status: true,
      language: true,
      customer: { select: { surveyOptOut: true } },
      channelAccount: { select: { id: true, conversationKey: true, conversationRef: true, reachable: true } },
    },
  },
} as const;

async function loadSurvey(db: PrismaClient, payload: unknown) {
  const { surveyId } = ZSurveyJobPayload.parse(payload);
  return db.survey.findUnique({ where: { id: surveyId }, select: surveySelect });
}
type LoadedSurvey = NonNullable<Awaited<ReturnType<typeof loadSurvey>>>;

const langOf = (s: LoadedSurvey): Lang => ZLang.catch('zh').parse(s.case.language);

/**
 * A survey whose first question never reached the customer: skipped, and not counted as sent
 * (the reports' response rate is of surveys sent), its reminder and expiry cancelled, and staff
 * alerted once, since the 回访 now has to be done some other way (by phone). `reason`:
 * `unreachable` (blocked the bot, chat gone) or `delivery_failed` (the last attempt failed).
 */
async function skipUndelivered(tx: Prisma.TransactionClient, s: LoadedSurvey, now: Date, reason: 'unreachable' | 'delivery_failed'): Promise<void> {
  const res = await tx.survey.updateMany({ where: { id: s.id, status: { in: ['scheduled', 'sent'] }, solved: null }, data: { status: 'skipped', sentAt: null, expiresAt: null } });
  if (res.count === 0) return; // answered meanwhile (it did arrive), or skipped already
  await cancelJobs(tx, [`survey:remind:${s.id}`, `survey:expire:${s.id}`]);
  await recordEvent(tx, { caseId: s.case.id, type: 'survey_skipped', actor: { type: 'system' }, at: now, data: { reason, purpose: 'survey' } });
  const why = reason === 'unreachable' ? 'the customer can no longer be reached in their chat' : 'the chat channel kept refusing it';
  await tx.staffNotification.create({
    data: { type: 'survey_undelivered', caseId: s.case.id, createdAt: now, message: `回访 of ${s.case.reference} could not be delivered: ${why}. Follow up by phone if needed.` },
  });
}

/**
 * Delivers survey messages into the customer's chat. An unreachable chat is marked and the
 * survey skipped (staff told when the first question never arrived); any other failure throws,
 * so the scheduler retries with backoff.
 */
async function deliver(deps: SurveyJobDeps, s: LoadedSurvey, messages: CustomerMessage[], now: Date, purpose: string): Promise<boolean> {
  const account = s.case.channelAccount!;
  let ref: unknown = null;
  try {
    ref = JSON.parse(account.conversationRef);
  } catch {
    // an unreadable reference is handled as unreachable below
  }
  const result = await deps.messenger.send(ref, messages);
  if (!result.ok) {
    if (!result.unreachable && ref) throw new Error(`survey delivery failed: ${result.reason}`);
    await deps.db.$transaction(async (tx) => {
      await tx.channelAccount.update({ where: { id: account.id }, data: { reachable: false, unreachableReason: result.reason.slice(0, 200) } });
      if (purpose === 'survey') return skipUndelivered(tx, s, now, 'unreachable');
      // The reminder: the survey itself did arrive (and counts as sent); only the rest stops.
      await tx.survey.update({ where: { id: s.id }, data: { status: 'skipped' } });
      await recordEvent(tx, { caseId: s.case.id, type: 'survey_skipped', actor: { type: 'system' }, at: now, data: { reason: 'unreachable', purpose } });
    });
    return false;
  }
  await appendTranscript(
    deps.db,
    messages.map((m) => ({
      conversationKey: account.conversationKey,
      caseId: s.case.id,
      direction: 'out' as const,
      author: 'bot' as const,
      text: m.text,
      meta: { purpose, ...(m.buttons ? { buttons: m.buttons.map((b) => b.label) } : {}) },
      at: now,
    })),
  );
  return true;
}

/** Why a scheduled survey is no longer sent; null when it may go out. */
function staleReason(s: LoadedSurvey): string | null {
  if (s.case.customer.surveyOptOut) return 'opted_out';
  if (!s.case.channelAccount) return 'no_chat';
  if (!s.case.channelAccount.reachable) return 'unreachable';
  // Reopened (or back in work) since the resolution: the survey would ask about a decision that no longer stands.
  if (s.case.status !== 'resolved' && s.case.status !== 'closed') return 'case_reopened';
  return null;
}

/**
 * `survey.send`: the first question, then a reminder after 24 h and expiry after 7 days, as jobs.
 * The survey is marked `sent` before the message goes out, so an answer pressed the instant it
 * arrives already finds it waiting; the `survey_sent` timeline event confirms delivery. A retry
 * after a crash between the two delivers again; a failed delivery puts the survey back.
 */
export function sendSurveyJob(deps: SurveyJobDeps): JobHandler {
  return async (job) => {
    const s = await loadSurvey(deps.db, job.payload);
    if (!s || (s.status !== 'scheduled' && s.status !== 'sent')) return; // skipped, answered, expired: idempotent
    if (s.status === 'sent' && (await deps.db.caseEvent.findFirst({ where: { caseId: s.case.id, type: 'survey_sent' }, select: { id: true } }))) return;
    const now = job.now;
    const stale = staleReason(s);
    if (stale) {
      await deps.db.survey.update({ where: { id: s.id }, data: { status: 'skipped' } });
      await recordEvent(deps.db, { caseId: s.case.id, type: 'survey_skipped', actor: { type: 'system' }, at: now, data: { reason: stale } });
      return;
    }
    const lang = langOf(s);
    const expiresAt = new Date(now.getTime() + SURVEY_LIFETIME_MS);
    await deps.db.$transaction(async (tx) => {
      await tx.survey.update({ where: { id: s.id }, data: { status: 'sent', sentAt: now, expiresAt } });
      await scheduleJob(tx, { type: SURVEY_JOB.remind, runAt: withinSurveyHours(new Date(now.getTime() + SURVEY_REMINDER_MS), deps.hours), payload: { surveyId: s.id }, dedupeKey: `survey:remind:${s.id}` });
      await scheduleJob(tx, { type: SURVEY_JOB.expire, runAt: expiresAt, payload: { surveyId: s.id }, dedupeKey: `survey:expire:${s.id}` });
    });
    const first = surveyQuestionMessage(lang, 'solved', s.id, t(lang, 'survey_intro', { reference: s.case.reference }));
    try {
      if (!(await deliver(deps, s, [first], now, 'survey'))) return;
    } catch (e) {
      // The scheduler gives up after this attempt: the survey is not left `scheduled` for ever
      // with nobody knowing; otherwise it goes back to `scheduled` for the retry.
      if (job.attempt >= job.maxAttempts) await deps.db.$transaction((tx) => skipUndelivered(tx, s, now, 'delivery_failed'));
      else await deps.db.survey.updateMany({ where: { id: s.id, status: 'sent', solved: null }, data: { status: 'scheduled', sentAt: null, expiresAt: null } });
      throw e;
    }
    await recordEvent(deps.db, { caseId: s.case.id, type: 'survey_sent', actor: { type: 'system' }, at: now, data: { language: lang, expiresAt: expiresAt.toISOString() } });
    job.log.info({ caseRef: s.case.reference }, 'survey sent');
  };
}

/** `survey.remind`: one reminder repeating the question still open, if the survey is unanswered. */
export function remindSurveyJob(deps: SurveyJobDeps): JobHandler {
  return async (job) => {
    const s = await loadSurvey(deps.db, job.payload);
    if (!s || s.status !== 'sent' || s.case.customer.surveyOptOut || !s.case.channelAccount?.reachable) return;
    const lang = langOf(s);
    const question = s.solved === null ? 'solved' : 'score';
    const msg = surveyQuestionMessage(lang, question, s.id, t(lang, 'survey_reminder', { reference: s.case.reference }));
    if (!(await deliver(deps, s, [msg], job.now, 'survey_reminder'))) return;
    await deps.db.survey.update({ where: { id: s.id }, data: { reminderSentAt: job.now } });
    await recordEvent(deps.db, { caseId: s.case.id, type: 'survey_reminded', actor: { type: 'system' }, at: job.now, data: { question } });
  };
}

/** `survey.expire`: an unanswered survey closes after 7 days; late answers are then politely refused. */
export function expireSurveyJob(deps: SurveyJobDeps): JobHandler {
  return async (job) => {
    const { surveyId } = ZSurveyJobPayload.parse(job.payload);
    const res = await deps.db.survey.updateMany({ where: { id: surveyId, status: 'sent' }, data: { status: 'expired' } });
    if (res.count === 0) return;
    const s = await deps.db.survey.findUniqueOrThrow({ where: { id: surveyId }, select: { caseId: true, solved: true } });
    await recordEvent(deps.db, { caseId: s.caseId, type: 'survey_expired', actor: { type: 'system' }, at: job.now, data: { partlyAnswered: s.solved !== null } });
  };
}
