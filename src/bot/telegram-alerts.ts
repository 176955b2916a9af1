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
