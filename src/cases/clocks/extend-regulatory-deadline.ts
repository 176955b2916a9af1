import { err, ok, type Result } from '../result.js';
import type { TBusiness } from '../taxonomy.js';
import { regulatoryDueAt } from './compute-deadlines.js';
import { STAFF_ROLES, selectRegulatoryTrack, type ComplaintPolicy, type TApproverRole, type TStaffRole } from './policy.js';
import { civilDateInZone } from './zoned-time.js';

export type ExtensionError =
  /** The track allows no further extension (`maxExtensions` may be 0, e.g. UK 8 weeks). */
  | { type: 'limit_reached'; maxExtensions: number }
  /**
   * `approval_required`: nobody with a sufficient role approved; `deadline_passed`: the current
   * deadline is already over, so it can no longer be extended (the case is in breach).
   */
  | { type: 'not_allowed'; reason: 'approval_required' | 'deadline_passed'; requiredRole: TApproverRole };

export interface RegulatoryExtension {
  /** The new regulatory deadline, still counted from receipt. */
  dueAt: Date;
  previousDueAt: Date;
  /** Extensions granted including this one; store it on the case. */
  extensionCount: number;
  /** Step id reached, e.g. `extension_1`. */
  stepId: string;
  /** Extensions still possible after this one. */
  remainingExtensions: number;
  /** What the customer must be sent: an i18n key and its interpolation values. */
  notice: {
    key: string;
    params: { dueDate: string; dueAt: string; timeZone: string; extensionNumber: number; profile: string; reason?: string };
  };
}

function roleRank(role: TStaffRole): number {
  return STAFF_ROLES.indexOf(role);
}

/**
 * Grants the next extension of a case's regulatory deadline, if the policy allows one and the
 * approver's role is high enough (cn: supervisor, then admin as "senior approval"; uk payment
 * services: supervisor for the 35-business-day exceptional case; us: supervisor for the 60-day
 * final answer). The new deadline is counted from receipt, like the first.
 *
 * `extensionCount` is how many extensions the case already has. `approvedByRole` is the role of
 * the staff member approving, or null when nobody has. With `now`, an extension after the
 * current deadline has passed is refused.
 *
 * Returns the new deadline and the notice the customer must receive, or an ExtensionError.
 */
export function extendRegulatoryDeadline(input: {
  receivedAt: Date;
  business: TBusiness;
  policy: ComplaintPolicy;
  extensionCount: number;
  approvedByRole: TStaffRole | null | undefined;
  reason?: string;
  now?: Date;
}): Result<RegulatoryExtension, ExtensionError> {
  const { receivedAt, business, policy, extensionCount, approvedByRole, reason, now } = input;
  if (!Number.isInteger(extensionCount) || extensionCount < 0) throw new RangeError(`extensionCount must be a whole number ≥ 0, got ${extensionCount}`);

  const track = selectRegulatoryTrack(policy, business);
  const maxExtensions = track.steps.length - 1;
  const step = track.steps[extensionCount + 1];
  if (!step || extensionCount >= maxExtensions) return err({ type: 'limit_reached', maxExtensions });

  // ZRegulatoryTrack guarantees approverRole on every step after the first; supervisor is the
  // safe reading should a hand-built policy lack it.
  const requiredRole: TApproverRole = step.approverRole ?? 'supervisor';
  const previousDueAt = regulatoryDueAt({ receivedAt, business, policy, extensionCount });
  const dueAt = regulatoryDueAt({ receivedAt, business, policy, extensionCount: extensionCount + 1 });
  if (!previousDueAt || !dueAt) return err({ type: 'limit_reached', maxExtensions });

  if (now && now.getTime() > previousDueAt.getTime()) return err({ type: 'not_allowed', reason: 'deadline_passed', requiredRole });
  if (!approvedByRole || roleRank(approvedByRole) < roleRank(requiredRole)) {
    return err({ type: 'not_allowed', reason: 'approval_required', requiredRole });
  }

  return ok({
    dueAt,
    previousDueAt,
    extensionCount: extensionCount + 1,
    stepId: step.id,
    remainingExtensions: maxExtensions - (extensionCount + 1),
    notice: {
      key: step.noticeKey ?? 'clocks.notice.extension',
      params: {
        dueDate: civilDateInZone(dueAt, policy.timeZone),
        dueAt: dueAt.toISOString(),
        timeZone: policy.timeZone,
        extensionNumber: extensionCount + 1,
        profile: policy.name,
        ...(reason ? { reason } : {}),
      },
    },
  });
}
