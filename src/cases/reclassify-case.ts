import type { PrismaClient } from '@prisma/client';
import { computeDeadlines, regulatoryDueAt, type ComplaintPolicy } from './clocks/index.js';
import { type ActionResult, type StaffActor, hasRole, loadWorkableCase, staffActor } from './case-action.js';
import { recordEvent } from './case-events.js';
import { refreshNextDue } from './refresh-next-due.js';
import { err, ok } from './result.js';
import { SEVERITIES, type TBusiness, type TCause, type TChannel, type TSeverity } from './taxonomy.js';

export interface Reclassification {
  severity?: TSeverity;
  business?: TBusiness;
  cause?: TCause;
  channel?: TChannel;
}

/**
 * Changes a case's severity or category, with a reason, recorded on the timeline with the old
 * and new values (DESIGN.md: "a staff member may change it, and that is recorded"). Lowering the
 * severity is a supervisor's decision. A new severity moves the first-response target (counted
 * from receipt as before); a new business may select another regulatory track (e.g. UK payment
 * services), again counted from receipt with the extensions already granted. A review (核查,
 * `parentCaseId`) keeps its deadline: its window is the review's own 30 days from the request
 * (src/cases/surveys/request-review.ts), which no business track changes.
 */
export async function reclassifyCase(opts: {
  db: PrismaClient;
  policy: ComplaintPolicy;
  actor: StaffActor;
  reference: string;
  change: Reclassification;
  reason: string;
  now: Date;
}): Promise<ActionResult<{ changed: string[] }>> {
  const { db, actor, now, change, policy } = opts;
  const loaded = await loadWorkableCase(db, actor, opts.reference, { mustBeOpen: true });
  if (!loaded.ok) return loaded;
  const kase = loaded.value;
  if (!opts.reason.trim()) return err({ type: 'invalid', reason: 'reason_required', message: 'Say why the classification changes.' });

  const before = { severity: kase.severity, business: kase.business, cause: kase.cause, channel: kase.channel };
  const changed = (Object.keys(change) as (keyof Reclassification)[]).filter((k) => change[k] !== undefined && change[k] !== before[k]);
  if (changed.length === 0) return err({ type: 'conflict', reason: 'nothing_changes', message: 'The case already has that classification.' });
  const lowering = change.severity !== undefined && SEVERITIES.indexOf(change.severity) > SEVERITIES.indexOf(kase.severity as TSeverity);
  if (lowering && !hasRole(actor.role, 'supervisor')) {
    return err({ type: 'forbidden', reason: 'supervisor_required', message: 'Only a supervisor may lower a severity.' });
  }

  const severity = (change.severity ?? kase.severity) as TSeverity;
  const business = (change.business ?? kase.business) as TBusiness;
  const deadlines = computeDeadlines({ receivedAt: kase.receivedAt, severity, business, policy });
  const tracked = changed.includes('business') && kase.parentCaseId === null;
  const newRegulatoryDue = tracked
    ? (regulatoryDueAt({ receivedAt: kase.receivedAt, business, policy, extensionCount: kase.extensionCount }) ?? deadlines.regulatoryDueAt)
    : kase.regulatoryDueAt;
  const data = {
    ...Object.fromEntries(changed.map((k) => [k, change[k]])),
    ...(changed.includes('severity') ? { firstResponseDueAt: deadlines.firstResponseDueAt } : {}),
    ...(tracked ? { regulatoryDueAt: newRegulatoryDue } : {}),
  };
  await db.$transaction(async (tx) => {
    await tx.case.update({ where: { id: kase.id }, data });
    if (changed.includes('severity') || tracked) await refreshNextDue(tx, kase.id);
    await recordEvent(tx, {
      caseId: kase.id,
      type: changed.includes('severity') ? 'severity_changed' : 'category_changed',
      actor: staffActor(actor),
      at: now,
      note: opts.reason.trim(),
      data: {
        from: Object.fromEntries(changed.map((k) => [k, before[k]])),
        to: Object.fromEntries(changed.map((k) => [k, change[k]])),
        ...(changed.includes('severity') ? { firstResponseDueAt: deadlines.firstResponseDueAt.toISOString() } : {}),
        ...(tracked ? { regulatoryDueAt: newRegulatoryDue.toISOString() } : {}),
      },
    });
  });
  return ok({ changed });
}
