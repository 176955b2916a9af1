import type { PrismaClient } from '@prisma/client';
import type { AwaitingSurvey, SurveyAnswer, SurveyAnswerOutcome } from '../../dialogs/deps.js';
import { ZLang } from '../../dialogs/types.js';
import { recordEvent } from '../case-events.js';
import type { DomainEvents } from '../domain-events.js';
import { OPEN_STATUSES } from '../case-action.js';
import type { ComplaintPolicy } from '../clocks/index.js';
import { cancelJobs } from '../scheduler/index.js';
import { requestReview } from './request-review.js';

/**
 * How long after the score the optional comment is still taken as a comment. Short on purpose:
 * a comment follows the question within minutes; text hours later is a new matter, and taking it
 * as a comment would swallow it (a fraud report answered "thank you for your comment").
 */
export const COMMENT_WINDOW_MS = 30 * 60_000;

export type LowScoreAction = 'reopen' | 'followup';

/** Statuses in which the bank's decision stands (a review of it makes sense). */
export const DECIDED: readonly string[] = ['resolved', 'closed'];

/**
 * The survey of this conversation (channel account) that waits for an answer, newest first:
 * one sent and not expired (question `solved` or `score`), or one answered within the last
 * {@link COMMENT_WINDOW_MS} whose optional comment is still open. With `surveyId` (a pressed
 * button names its survey): that survey, if it is this conversation's and still waits.
 *
 * With several open, typed text needs to know about the comment questions too: the newest
 * survey by its first message is returned, with the newest open comment question of another
 * survey as `openComment`; when the newest is itself at its comment, the newest comment question
 * (by the score's time) is the one returned, since that was asked last.
 */
export async function findAwaitingSurvey(db: PrismaClient, opts: { channelAccountId: string; now: Date; surveyId?: string }): Promise<AwaitingSurvey | null> {
  const { channelAccountId, now, surveyId } = opts;
  const rows = await db.survey.findMany({
    where: {
      ...(surveyId ? { id: surveyId } : {}),
      case: { channelAccountId },
      OR: [
        { status: 'sent', OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
        { status: 'answered', comment: null, answeredAt: { gt: new Date(now.getTime() - COMMENT_WINDOW_MS) } },
      ],
    },
    orderBy: { sentAt: 'desc' },
    // A customer has a handful of surveys open at most (one per case resolved in the last week).
    take: 20,
    select: { id: true, status: true, solved: true, sentAt: true, reminderSentAt: true, answeredAt: true, case: { select: { reference: true, language: true } } },
  });
  const newest = rows[0];
  if (!newest) return null;
  const commenting = rows.filter((r) => r.status === 'answered').sort((a, b) => (b.answeredAt?.getTime() ?? 0) - (a.answeredAt?.getTime() ?? 0))[0];
  const s = newest.status === 'answered' && commenting ? commenting : newest;
  const sent = [s.sentAt, s.reminderSentAt].filter((d): d is Date => d !== null).map((d) => d.getTime());
  const question = s.status === 'answered' ? 'comment' : s.solved === null ? 'solved' : 'score';
  // The score question went out in the turn that took "solved": its timeline event says when.
  const solvedAt =
    question === 'score'
      ? (await db.caseEvent.findFirst({ where: { case: { survey: { id: s.id } }, type: 'survey_answered' }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } }))?.createdAt
      : undefined;
  const asked = question === 'comment' ? [s.answeredAt?.getTime() ?? 0] : [...sent, solvedAt?.getTime() ?? 0];
  const language = (r: typeof s) => ZLang.catch('zh').parse(r.case.language);
  return {
    surveyId: s.id,
    reference: s.case.reference,
    language: language(s),
    question,
    askedAt: s.status === 'answered' || sent.length === 0 ? null : new Date(Math.max(...sent)),
    ...(Math.max(...asked) > 0 ? { lastAskedAt: new Date(Math.max(...asked)) } : {}),
    ...(commenting && commenting !== s && commenting.answeredAt
      ? { openComment: { surveyId: commenting.id, reference: commenting.case.reference, language: language(commenting), askedAt: commenting.answeredAt } }
      : {}),
  };
}

export interface AnswerSurveyDeps {
  db: PrismaClient;
  events: DomainEvents;
  lowScoreAction: LowScoreAction;
  /** For the review an unhappy answer opens on a closed case. */
  policy: ComplaintPolicy;
}

/**
 * Records one answer on the Survey row and the case timeline. Each write is conditional on the
 * survey still waiting for that question, so a repeated button press changes nothing.
 * "Not solved" or a score of 1–2 (whichever comes first) makes the case unhappy once: reopened,
 * or a 回访 follow-up for a supervisor (SURVEY_LOW_SCORE_ACTION), and staff are alerted. A case
 * already closed can be neither reopened nor worked (it is archived): the answer opens a review
 * (核查) of it instead, a linked case staff can work, and the alert points at that. After the
 * comment, an unsatisfied customer is offered a review only while the decision stands (not when
 * the case was reopened) and no review of it is open yet.
 */
export async function answerSurvey(deps: AnswerSurveyDeps, opts: { surveyId: string; answer: SurveyAnswer; now: Date }): Promise<SurveyAnswerOutcome> {
  const { db } = deps;
  const { surveyId, answer, now } = opts;
  const survey = await db.survey.findUnique({ where: { id: surveyId }, select: { caseId: true, solved: true, score: true, case: { select: { reference: true, customerId: true } } } });
  if (!survey) return { recorded: false };
  const { caseId } = survey;
  const { reference, customerId } = survey.case;
  const actor = { type: 'customer' as const };

  if (answer.question === 'solved') {
    const res = await db.survey.updateMany({ where: { id: surveyId, status: 'sent', solved: null }, data: { solved: answer.value } });
    if (res.count === 0) return { recorded: false };
    // What the customer said beyond the answer is their own words: in the note (staff read it,
    // erasure blanks it), never in `data` or logs.
    await recordEvent(db, { caseId, type: 'survey_answered', actor, at: now, note: answer.words ?? null, data: { question: 'solved', solved: answer.value } });
    if (answer.value !== 'no') return { recorded: true };
    return { recorded: true, ...(await handleUnhappy(deps, { caseId, reference, customerId, solved: 'no', score: null, said: answer.words !== undefined, now })) };
  }

  if (answer.question === 'score') {
    const res = await db.survey.updateMany({
      where: { id: surveyId, status: 'sent', score: null, solved: { not: null } },
      data: { score: answer.value, status: 'answered', answeredAt: now },
    });
    if (res.count === 0) return { recorded: false };
    await cancelJobs(db, [`survey:remind:${surveyId}`, `survey:expire:${surveyId}`]);
    await recordEvent(db, { caseId, type: 'survey_answered', actor, at: now, note: answer.words ?? null, data: { question: 'score', score: answer.value, solved: survey.solved } });
    await deps.events.emit({ type: 'survey.answered', caseId, reference, solved: survey.solved, score: answer.value, at: now });
    // "No" already made the case unhappy at the first question; a low score only counts once.
    if (answer.value > 2 || survey.solved === 'no') return { recorded: true };
    return { recorded: true, ...(await handleUnhappy(deps, { caseId, reference, customerId, solved: survey.solved, score: answer.value, said: answer.words !== undefined, now })) };
  }

  const res = await db.survey.updateMany({ where: { id: surveyId, status: 'answered', comment: null }, data: { comment: answer.value ?? '' } });
  if (res.count === 0) return { recorded: false };
  // The comment is the customer's own words: kept in the note (staff read it), never in `data` or logs.
  await recordEvent(db, { caseId, type: answer.value ? 'survey_comment' : 'survey_comment_skipped', actor, at: now, note: answer.value ?? null });
  const answered = await db.survey.findUniqueOrThrow({
    where: { id: surveyId },
    select: { solved: true, score: true, case: { select: { status: true, reviews: { where: { status: { in: [...OPEN_STATUSES] } }, select: { id: true }, take: 1 } } } },
  });
  const satisfied = answered.solved === 'yes' && (answered.score ?? 0) >= 4;
  // A review re-examines a decision that stands. A case the survey reopened is being worked
  // again: a review next to it would be a second open case about the same complaint. One the
  // survey opened already (a closed case) is not offered again.
  const decisionStands = DECIDED.includes(answered.case.status);
  return { recorded: true, offerReview: !satisfied && decisionStands && answered.case.reviews.length === 0 };
}

type Unhappy = Pick<SurveyAnswerOutcome, 'lowScoreAction' | 'review'>;

async function handleUnhappy(
  deps: AnswerSurveyDeps,
  u: { caseId: string; reference: string; customerId: string; solved: string | null; score: number | null; said: boolean; now: Date },
): Promise<Unhappy> {
  const { db, events } = deps;
  const { caseId, reference, now } = u;
  let reopened = false;
  if (deps.lowScoreAction === 'reopen') {
    // Only a resolved case reopens (a closed one is archived): otherwise a supervisor follows up.
    const res = await db.case.updateMany({ where: { id: caseId, status: 'resolved' }, data: { status: 'reopened', reopenCount: { increment: 1 }, resolvedAt: null } });
    reopened = res.count === 1;
  }
  // A closed case takes no reply, note or transition: a follow-up alert on it is one nobody can
  // act on. Its review is a case of its own, one level up, where staff can.
  const closed = !reopened && (await db.case.findUnique({ where: { id: caseId }, select: { status: true } }))?.status === 'closed';
  const review = closed ? await requestReview({ db, events, policy: deps.policy }, { reference, customerId: u.customerId, now, trigger: 'survey' }) : null;
  const action = reopened ? 'reopened' : review ? 'review' : 'followup';
  const answers = `solved=${u.solved ?? '-'}, score=${u.score ?? '-'}`;
  // The alert names whose case it is (everyone sees alerts) and says when the customer said why;
  // the words themselves stay on the timeline, where staff screens mask them like the rest.
  const assignee = (await db.case.findUnique({ where: { id: caseId }, select: { assignee: { select: { displayName: true } } } }))?.assignee?.displayName;
  const extra = `${u.said ? "; the customer's words are on the timeline" : ''}${assignee ? `; assigned to ${assignee}` : ''}`;
  await db.$transaction(async (tx) => {
    if (action === 'reopened') {
      await recordEvent(tx, {
        caseId,
        type: 'reopened',
        actor: { type: 'customer' },
        at: now,
        note: 'Follow-up survey: the customer says the problem was not solved.',
        data: { from: 'resolved', to: 'reopened', source: 'survey', solved: u.solved, score: u.score },
      });
    } else if (action === 'followup') {
      await recordEvent(tx, { caseId, type: 'survey_followup_requested', actor: { type: 'system' }, at: now, data: { solved: u.solved, score: u.score } });
      await tx.staffNotification.create({ data: { type: 'survey_followup', caseId, createdAt: now, message: `回访 follow-up needed for ${reference}: customer unhappy (${answers}).` } });
    }
    const outcome = review
      ? `${reference} is closed, so review (核查) ${review.reference} was opened for it`
      : reopened
        ? 'case reopened'
        : 'case needs a supervisor follow-up';
    await tx.staffNotification.create({
      data: { type: 'survey_unhappy', caseId: review?.caseId ?? caseId, createdAt: now, message: `Unhappy survey on ${reference} (${answers}); ${outcome}${extra}.` },
    });
  });
  if (action === 'reopened') {
    await events.emit({ type: 'case.status_changed', caseId, reference, from: 'resolved', to: 'reopened', actorId: null, at: now });
    await events.emit({ type: 'case.reopened', caseId, reference, at: now });
  }
  await events.emit({ type: 'survey.unhappy', caseId, reference, solved: u.solved, score: u.score, action, ...(review ? { reviewReference: review.reference } : {}), at: now });
  return { lowScoreAction: action, ...(review ? { review } : {}) };
}

/**
 * "stop" / "不要再发" from a customer who has been surveyed: no more surveys or reminders, now
 * or later. False when the customer was never surveyed (then the word is not a command).
 */
export async function optOutOfSurveys(db: PrismaClient, opts: { customerId: string; now: Date }): Promise<boolean> {
  const { customerId, now } = opts;
  const surveys = await db.survey.findMany({ where: { case: { customerId } }, select: { id: true, caseId: true, status: true } });
  if (surveys.length === 0) return false;
  await db.customer.update({ where: { id: customerId }, data: { surveyOptOut: true } });
  for (const s of surveys.filter((x) => x.status === 'scheduled' || x.status === 'sent')) {
    await db.survey.update({ where: { id: s.id }, data: { status: 'skipped' } });
    await cancelJobs(db, [`survey:send:${s.caseId}`, `survey:remind:${s.id}`, `survey:expire:${s.id}`]);
    await recordEvent(db, { caseId: s.caseId, type: 'survey_opted_out', actor: { type: 'customer' }, at: now });
  }
  return true;
}
