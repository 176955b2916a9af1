import { describe, expect, it } from 'vitest';
import { extendRegulatoryDeadline, loadPolicy, type TStaffRole } from '../../../src/cases/clocks/index.js';
import type { TBusiness } from '../../../src/cases/taxonomy.js';

const policies = {
  cn: loadPolicy('cn', { timeZone: 'Asia/Shanghai' }),
  uk: loadPolicy('uk', { timeZone: 'Europe/London' }),
  us: loadPolicy('us', { timeZone: 'America/New_York' }),
};

interface Row {
  name: string;
  profile: keyof typeof policies;
  receivedAt: string;
  business: TBusiness;
  extensionCount: number;
  approvedByRole: TStaffRole | null;
  expected:
    | { ok: true; dueAt: string; previousDueAt: string; stepId: string; noticeKey: string; remaining: number }
    | { ok: false; error: object };
}

const FRIDAY_SHANGHAI = '2025-09-26T12:00:00Z';
const CHRISTMAS_LONDON = '2025-12-23T10:00:00Z';

const rows: Row[] = [
  {
    name: 'cn: a supervisor extends to 30 days (day 30 is a Sunday, so the Monday)',
    profile: 'cn', receivedAt: FRIDAY_SHANGHAI, business: 'deposit', extensionCount: 0, approvedByRole: 'supervisor',
    expected: { ok: true, dueAt: '2025-10-27T15:59:59.999Z', previousDueAt: '2025-10-11T15:59:59.999Z', stepId: 'extension_1', noticeKey: 'clocks.notice.cn.extension_1', remaining: 1 },
  },
  {
    name: 'cn: an admin may grant the first extension too',
    profile: 'cn', receivedAt: FRIDAY_SHANGHAI, business: 'deposit', extensionCount: 0, approvedByRole: 'admin',
    expected: { ok: true, dueAt: '2025-10-27T15:59:59.999Z', previousDueAt: '2025-10-11T15:59:59.999Z', stepId: 'extension_1', noticeKey: 'clocks.notice.cn.extension_1', remaining: 1 },
  },
  {
    name: 'cn: an agent alone cannot extend',
    profile: 'cn', receivedAt: FRIDAY_SHANGHAI, business: 'deposit', extensionCount: 0, approvedByRole: 'agent',
    expected: { ok: false, error: { type: 'not_allowed', reason: 'approval_required', requiredRole: 'supervisor' } },
  },
  {
    name: 'cn: no approval at all is refused',
    profile: 'cn', receivedAt: FRIDAY_SHANGHAI, business: 'deposit', extensionCount: 0, approvedByRole: null,
    expected: { ok: false, error: { type: 'not_allowed', reason: 'approval_required', requiredRole: 'supervisor' } },
  },
  {
    name: 'cn: the further 30 days need senior (admin) approval, a supervisor is not enough',
    profile: 'cn', receivedAt: FRIDAY_SHANGHAI, business: 'deposit', extensionCount: 1, approvedByRole: 'supervisor',
    expected: { ok: false, error: { type: 'not_allowed', reason: 'approval_required', requiredRole: 'admin' } },
  },
  {
    name: 'cn: the further 30 days, approved by an admin, end 60 days after receipt',
    profile: 'cn', receivedAt: FRIDAY_SHANGHAI, business: 'deposit', extensionCount: 1, approvedByRole: 'admin',
    expected: { ok: true, dueAt: '2025-11-25T15:59:59.999Z', previousDueAt: '2025-10-27T15:59:59.999Z', stepId: 'extension_2', noticeKey: 'clocks.notice.cn.extension_2', remaining: 0 },
  },
  {
    name: 'cn: a third extension is over the limit',
    profile: 'cn', receivedAt: FRIDAY_SHANGHAI, business: 'deposit', extensionCount: 2, approvedByRole: 'admin',
    expected: { ok: false, error: { type: 'limit_reached', maxExtensions: 2 } },
  },
  {
    name: 'uk: the 8-week deadline cannot be extended',
    profile: 'uk', receivedAt: CHRISTMAS_LONDON, business: 'deposit', extensionCount: 0, approvedByRole: 'admin',
    expected: { ok: false, error: { type: 'limit_reached', maxExtensions: 0 } },
  },
  {
    name: 'uk payment services: exceptional case to 35 business days with a holding reply',
    profile: 'uk', receivedAt: CHRISTMAS_LONDON, business: 'payment', extensionCount: 0, approvedByRole: 'supervisor',
    expected: { ok: true, dueAt: '2026-02-13T23:59:59.999Z', previousDueAt: '2026-01-16T23:59:59.999Z', stepId: 'exceptional', noticeKey: 'clocks.notice.uk.holding_reply', remaining: 0 },
  },
  {
    name: 'uk payment services: nothing beyond 35 business days',
    profile: 'uk', receivedAt: CHRISTMAS_LONDON, business: 'payment', extensionCount: 1, approvedByRole: 'admin',
    expected: { ok: false, error: { type: 'limit_reached', maxExtensions: 1 } },
  },
  {
    name: 'us: a complaint in progress gets its final answer within 60 days',
    profile: 'us', receivedAt: '2025-11-29T03:00:00Z', business: 'credit_card', extensionCount: 0, approvedByRole: 'supervisor',
    expected: { ok: true, dueAt: '2026-01-28T04:59:59.999Z', previousDueAt: '2025-12-14T04:59:59.999Z', stepId: 'final_response', noticeKey: 'clocks.notice.us.in_progress', remaining: 0 },
  },
  {
    name: 'us: an agent cannot move a complaint to the 60-day track',
    profile: 'us', receivedAt: '2025-11-29T03:00:00Z', business: 'credit_card', extensionCount: 0, approvedByRole: 'agent',
    expected: { ok: false, error: { type: 'not_allowed', reason: 'approval_required', requiredRole: 'supervisor' } },
  },
];

describe('extendRegulatoryDeadline', () => {
  it.each(rows)('$name', (row) => {
    const result = extendRegulatoryDeadline({
      receivedAt: new Date(row.receivedAt),
      business: row.business,
      policy: policies[row.profile],
      extensionCount: row.extensionCount,
      approvedByRole: row.approvedByRole,
    });
    if (!row.expected.ok) {
      expect(result).toEqual({ ok: false, error: row.expected.error });
      return;
    }
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.dueAt.toISOString()).toBe(row.expected.dueAt);
    expect(result.value.previousDueAt.toISOString()).toBe(row.expected.previousDueAt);
    expect(result.value.stepId).toBe(row.expected.stepId);
    expect(result.value.extensionCount).toBe(row.extensionCount + 1);
    expect(result.value.remainingExtensions).toBe(row.expected.remaining);
    expect(result.value.notice.key).toBe(row.expected.noticeKey);
  });

  it('gives the customer notice the new due date in the bank zone and the reason', () => {
    const result = extendRegulatoryDeadline({
      receivedAt: new Date(FRIDAY_SHANGHAI),
      business: 'deposit',
      policy: policies.cn,
      extensionCount: 0,
      approvedByRole: 'supervisor',
      reason: '需调取交易监控录像',
    });
    expect(result.ok && result.value.notice.params).toEqual({
      dueDate: '2025-10-27',
      dueAt: '2025-10-27T15:59:59.999Z',
      timeZone: 'Asia/Shanghai',
      extensionNumber: 1,
      profile: 'cn',
      reason: '需调取交易监控录像',
    });
  });

  it('refuses to extend once the current deadline has passed', () => {
    const base = { receivedAt: new Date(FRIDAY_SHANGHAI), business: 'deposit' as const, policy: policies.cn, extensionCount: 0, approvedByRole: 'supervisor' as const };
    expect(extendRegulatoryDeadline({ ...base, now: new Date('2025-10-11T15:59:59.999Z') }).ok).toBe(true);
    expect(extendRegulatoryDeadline({ ...base, now: new Date('2025-10-11T16:00:00.000Z') })).toEqual({
      ok: false,
      error: { type: 'not_allowed', reason: 'deadline_passed', requiredRole: 'supervisor' },
    });
  });

  it('throws on an impossible extension count (a programming error, not an outcome)', () => {
    expect(() =>
      extendRegulatoryDeadline({ receivedAt: new Date(FRIDAY_SHANGHAI), business: 'deposit', policy: policies.cn, extensionCount: -1, approvedByRole: 'admin' }),
    ).toThrow(RangeError);
  });
});
