import type { PrismaClient } from '@prisma/client';
import { recordEvent } from '../case-events.js';
import { err, ok, type Result } from '../result.js';
import { scheduleJob } from '../scheduler/index.js';
import { withinSurveyHours, type SurveyHours } from './survey-hours.js';

export const SURVEY_JOB = { send: 'survey.send', remind: 'survey.remind', expire: 'survey.expire' } as const;

/** Timeline events that mean a case was closed as something other than a real decision. */
const NO_DECISION_EVENTS = ['duplicate', 'marked_duplicate', 'merged', 'bulk_closed'];

export type SurveySkipReason = 'no_decision' | 'opted_out' | 'unreachable' | 'no_chat' | 'already_surveyed' | 'not_found';

/**
 * Schedules the follow-up survey (回访) of a resolved case `delayMinutes` after `now`, or when
 * `hours` next open if that falls at night in the bank's zone: a Survey
 * row (`scheduled`) and a `survey.send` job. Never surveyed: a case without a decision
 * (no resolution, a duplicate or bulk close), a customer who opted out or cannot be reached, a
 * case already surveyed (Survey.caseId is unique, the job's dedupeKey too). A case filed
 * unfinished because the customer asked for a person during the intake (`incomplete`) is
 * surveyed like any other once decided: staff took it over, and how that went is what the
 * survey asks. (An intake abandoned without asking for anyone never becomes a case.)
 * A skip is recorded on the timeline with its reason, except a repeat (already surveyed).
 */
export async function scheduleSurvey(opts: { db: PrismaClient; caseId: string; now: Date; delayMinutes: number; hours?: SurveyHours }): Promise<Result<{ surveyId: string; runAt: Date }, { type: SurveySkipReason }>> {
  const { db, caseId, now } = opts;
  const kase = await db.case.findUnique({
    where: { id: caseId },
    select: {
      id: true,
      resolution: true,
      survey: { select: { id: true, status: true, solved: true } },
      customer: { select: { surveyOptOut: true } },
      channelAccount: { select: { reachable: true } },
      events: { where: { type: { in: NO_DECISION_EVENTS } }, select: { id: true }, take: 1 },
    },
  });
  if (!kase) return err({ type: 'not_found' });
  // A survey withdrawn unanswered because the case was reopened (withdrawSurvey, or found
  // reopened when it was due) asked about a decision that no longer stands: this one is asked.
  const askAfresh = kase.survey !== null && (await wasWithdrawn(db, caseId, kase.survey));
  if (kase.survey && !askAfresh) return err({ type: 'already_surveyed' });
  const reason: SurveySkipReason | null =
    !kase.resolution?.trim() || kase.events.length > 0
      ? 'no_decision'
      : kase.customer.surveyOptOut
        ? 'opted_out'
        : !kase.channelAccount
          ? 'no_chat'
          : !kase.channelAccount.reachable
            ? 'unreachable'
            : null;
  if (reason) {
    await recordEvent(db, { caseId, type: 'survey_skipped', actor: { type: 'system' }, at: now, data: { reason } });
    return err({ type: reason });
  }
  const runAt = withinSurveyHours(new Date(now.getTime() + opts.delayMinutes * 60_000), opts.hours);
  try {
    const surveyId = await db.$transaction(async (tx) => {
      if (kase.survey && askAfresh) {
        const res = await tx.survey.updateMany({
          where: { id: kase.survey.id, status: 'skipped', solved: null },
          data: { status: 'scheduled', sentAt: null, reminderSentAt: null, expiresAt: null },
        });
        if (res.count === 0) return null; // another instance asked it afresh first
        // The withdrawn survey's reminder and expiry keep their rows (cancelled) but give up their
        // keys, which its sending takes again: a unique clash there would abort the sending's
        // transaction on PostgreSQL.
        await tx.job.updateMany({
          where: { dedupeKey: { in: [`survey:remind:${kase.survey.id}`, `survey:expire:${kase.survey.id}`] }, status: { not: 'pending' } },
          data: { dedupeKey: null },
        });
        // The first send job's key is spent; this decision's has its own.
        await scheduleJob(tx, { type: SURVEY_JOB.send, runAt, payload: { surveyId: kase.survey.id }, dedupeKey: `survey:send:${caseId}:${now.getTime()}` });
        await recordEvent(tx, { caseId, type: 'survey_scheduled', actor: { type: 'system' }, at: now, data: { runAt: runAt.toISOString(), afresh: true } });
        return kase.survey.id;
      }
      const survey = await tx.survey.create({ data: { caseId, status: 'scheduled', createdAt: now }, select: { id: true } });
      await scheduleJob(tx, { type: SURVEY_JOB.send, runAt, payload: { surveyId: survey.id }, dedupeKey: `survey:send:${caseId}` });
      await recordEvent(tx, { caseId, type: 'survey_scheduled', actor: { type: 'system' }, at: now, data: { runAt: runAt.toISOString() } });
      return survey.id;
    });
    if (surveyId === null) return err({ type: 'already_surveyed' });
    return ok({ surveyId, runAt });
  } catch (e) {
    // Two instances handling the same resolution: the unique caseId lets one win.
    if ((e as { code?: string }).code === 'P2002') return err({ type: 'already_surveyed' });
    throw e;
  }
}

/**
 * True when the case's survey was withdrawn unanswered because the case was reopened: its last
 * survey event is `survey_withdrawn`, or `survey_skipped` for `case_reopened` (reopened before
 * it was due).
 */
async function wasWithdrawn(db: PrismaClient, caseId: string, survey: { status: string; solved: string | null }): Promise<boolean> {
  if (survey.status !== 'skipped' || survey.solved !== null) return false;
  const last = await db.caseEvent.findFirst({
    where: { caseId, type: { in: ['survey_withdrawn', 'survey_skipped', 'survey_opted_out', 'survey_sent', 'survey_scheduled'] } },
    // Withdrawn at the moment it was sent (a clock that did not move, or the same millisecond):
    // the later row wins, by its id (cuid: ordered by creation).
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { type: true, data: true },
  });
  if (last?.type === 'survey_withdrawn') return true;
  if (last?.type !== 'survey_skipped') return false;
  try {
    return (JSON.parse(last.data ?? '{}') as { reason?: unknown }).reason === 'case_reopened';
  } catch {
    return false;
  }
}
