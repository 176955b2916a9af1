import { BUSINESS_LABELS, CAUSE_LABELS, SEVERITY_LABELS, ZBusiness, ZCause, type TSeverity } from '../cases/taxonomy.js';

/** Severities that staff hear about at once in the staff Telegram chat. */
export const ALERT_SEVERITIES: readonly TSeverity[] = ['P1', 'P2'];

export interface CaseAlertFacts {
  reference: string;
  severity: TSeverity;
  business: string;
  cause: string;
  intakeChannel: string;
}

/**
 * The staff-chat alert for a new urgent case: reference, severity, business and cause labels in
 * both languages and a console link. Deliberately nothing the customer wrote, no name and no
 * phone: a group chat is not the place for them.
 */
export function formatCaseAlert(c: CaseAlertFacts, publicUrl: string): string {
  const business = ZBusiness.safeParse(c.business);
  const cause = ZCause.safeParse(c.cause);
  const label = (l: { zh: string; en: string } | undefined, raw: string) => (l ? `${l.zh} / ${l.en}` : raw);
  const sev = SEVERITY_LABELS[c.severity];
  return [
    `${c.severity === 'P1' ? '🚨' : '⚠️'} ${c.severity} ${sev.zh} / ${sev.en} — 新投诉 / new complaint`,
    `编号 Reference: ${c.reference}`,
    `业务 Business: ${label(business.success ? BUSINESS_LABELS[business.data] : undefined, c.business)}`,
    `原因 Cause: ${label(cause.success ? CAUSE_LABELS[cause.data] : undefined, c.cause)}`,
    `渠道 Came in on: ${c.intakeChannel}`,
    `${publicUrl}/staff/cases/${encodeURIComponent(c.reference)}`,
  ].join('\n');
}

const link = (publicUrl: string, reference: string) => `${publicUrl}/staff/cases/${encodeURIComponent(reference)}`;

const CLOCK_LABELS: Record<string, string> = { first_response: '首次响应 / first response', regulatory: '监管时限 / regulatory deadline' };
const MILESTONE_LABELS: Record<string, string> = { near_75: '75 %', near_90: '90 %', breached: '已超时 / BREACHED' };

/** A clock passed 75 %, 90 % or its deadline: which case, which clock, how far. */
export function formatClockAlert(e: { reference: string; clock: string; milestone: string }, publicUrl: string): string {
  return [
    `${e.milestone === 'breached' ? '⛔' : '⏰'} ${CLOCK_LABELS[e.clock] ?? e.clock}: ${MILESTONE_LABELS[e.milestone] ?? e.milestone}`,
    `编号 Reference: ${e.reference}`,
    link(publicUrl, e.reference),
  ].join('\n');
}

/**
 * A customer said the problem was not solved or scored 1–2 (回访): the case needs a person again.
 * On a closed case a review was opened instead (`reviewReference`): the link goes there, the case
 * staff can work.
 */
export function formatSurveyAlert(
  e: { reference: string; solved: string | null; score: number | null; action: string; reviewReference?: string },
  publicUrl: string,
): string {
  const outcome = e.action === 'reopened' ? '已重开 / reopened' : e.reviewReference ? '已办结，已开核查 / closed, review opened' : '待回访 / follow-up needed';
  return [
    `😞 回访不满意 / unhappy follow-up survey — ${outcome}`,
    `编号 Reference: ${e.reviewReference ? `${e.reviewReference} ← ${e.reference}` : e.reference}`,
    `解决 Solved: ${e.solved ?? '-'} · 评分 Score: ${e.score ?? '-'}`,
    link(publicUrl, e.reviewReference ?? e.reference),
  ].join('\n');
}

/** The customer asked for a review (核查): a new linked case one level up. */
export function formatReviewAlert(e: { reference: string; reviewReference: string; escalationLevel: string }, publicUrl: string): string {
  return [
    `🔁 核查申请 / review requested (${e.escalationLevel})`,
    `编号 Reference: ${e.reviewReference} ← ${e.reference}`,
    link(publicUrl, e.reviewReference),
  ].join('\n');
}
