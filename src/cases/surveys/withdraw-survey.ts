import type { PrismaClient } from '@prisma/client';
import { recordEvent } from '../case-events.js';
import { cancelJobs } from '../scheduler/index.js';
import { SURVEY_JOB } from './schedule-survey.js';

/**
 * Withdraws the survey of a case reopened before the customer's first answer (staff reopened
 * it, say after a phone call): it would ask whether a decision that no longer stands solved the
 * problem, and its reminder would ask again a day later while staff work the case. No reminder
 * then, a late button is told the survey is no longer open, and the next decision is surveyed
 * afresh (`scheduleSurvey`: this event is what lets it). A survey already answered is left alone: its "not solved" is
 * what reopened the case, and its score and comment questions are still the customer's.
 * True when a survey was withdrawn.
 */
export async function withdrawSurvey(opts: { db: PrismaClient; caseId: string; now: Date }): Promise<boolean> {
  const { db, caseId, now } = opts;
  return db.$transaction(async (tx) => {
    const survey = await tx.survey.findUnique({ where: { caseId }, select: { id: true } });
    if (!survey) return false;
    const res = await tx.survey.updateMany({ where: { id: survey.id, status: { in: ['scheduled', 'sent'] }, solved: null }, data: { status: 'skipped' } });
    if (res.count === 0) return false;
    await cancelJobs(tx, [`survey:remind:${survey.id}`, `survey:expire:${survey.id}`]);
    // Its send job too, whichever decision scheduled it (a survey asked afresh has a key of its own).
    await tx.job.updateMany({ where: { type: SURVEY_JOB.send, status: 'pending', payload: { contains: survey.id } }, data: { status: 'cancelled' } });
    await recordEvent(tx, { caseId, type: 'survey_withdrawn', actor: { type: 'system' }, at: now, data: { reason: 'case_reopened' } });
    return true;
  });
}
