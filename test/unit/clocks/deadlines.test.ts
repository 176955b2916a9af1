import { describe, expect, it } from 'vitest';
import { computeDeadlines, loadPolicy, regulatoryDueAt } from '../../../src/cases/clocks/index.js';
import type { TBusiness, TSeverity } from '../../../src/cases/taxonomy.js';

// BANK_TIMEZONE of a bank in each jurisdiction.
const policies = {
  cn: loadPolicy('cn', { timeZone: 'Asia/Shanghai' }),
  uk: loadPolicy('uk', { timeZone: 'Europe/London' }),
  us: loadPolicy('us', { timeZone: 'America/New_York' }),
};

interface Row {
  name: string;
  profile: keyof typeof policies;
  receivedAt: string;
  severity: TSeverity;
  business: TBusiness;
  firstResponseDueAt: string;
  regulatoryDueAt: string;
  track: string;
  summaryResolutionDueAt: string | null;
  regulatoryLatestDueAt?: string;
}

const rows: Row[] = [
  // ── cn: 15 calendar days from the day after receipt; a last day off moves to the next working day.
  {
    name: 'cn, Friday 20:00 in Shanghai: day 15 is a Saturday worked for National Day, so it stays',
    profile: 'cn', receivedAt: '2025-09-26T12:00:00Z', severity: 'P3', business: 'deposit',
    firstResponseDueAt: '2025-09-27T12:00:00.000Z',
    regulatoryDueAt: '2025-10-11T15:59:59.999Z', track: 'standard', summaryResolutionDueAt: null,
    regulatoryLatestDueAt: '2025-11-25T15:59:59.999Z',
  },
  {
    name: 'cn, day 15 falls inside National Day week 2025: due on the first working day after it',
    profile: 'cn', receivedAt: '2025-09-20T02:00:00Z', severity: 'P1', business: 'credit_card',
    firstResponseDueAt: '2025-09-20T03:00:00.000Z',
    regulatoryDueAt: '2025-10-09T15:59:59.999Z', track: 'standard', summaryResolutionDueAt: null,
  },
  {
    name: 'cn, day 15 is Spring Festival eve 2026: due on 24 Feb after the nine days off',
    profile: 'cn', receivedAt: '2026-02-01T01:00:00Z', severity: 'P2', business: 'payment',
    firstResponseDueAt: '2026-02-01T05:00:00.000Z',
    regulatoryDueAt: '2026-02-24T15:59:59.999Z', track: 'standard', summaryResolutionDueAt: null,
  },
  {
    name: 'cn, day 15 is the last day of Spring Festival 2025: due the day after',
    profile: 'cn', receivedAt: '2025-01-20T08:00:00Z', severity: 'P4', business: 'other',
    firstResponseDueAt: '2025-01-21T08:00:00.000Z',
    regulatoryDueAt: '2025-02-05T15:59:59.999Z', track: 'standard', summaryResolutionDueAt: null,
  },
  {
    name: 'cn, 01:30 on 1 Oct in Shanghai is still 30 Sept in UTC: counted from 1 Oct',
    profile: 'cn', receivedAt: '2025-09-30T17:30:00Z', severity: 'P3', business: 'deposit',
    firstResponseDueAt: '2025-10-01T17:30:00.000Z',
    regulatoryDueAt: '2025-10-16T15:59:59.999Z', track: 'standard', summaryResolutionDueAt: null,
  },
  // ── uk: summary resolution by the end of the 3rd business day; final response in 8 weeks;
  //    payment services 15 business days (35 exceptionally).
  {
    name: 'uk, Friday 18:30 in London before Christmas: summary by Christmas Eve, final in 8 weeks',
    profile: 'uk', receivedAt: '2025-12-19T18:30:00Z', severity: 'P2', business: 'deposit',
    firstResponseDueAt: '2025-12-19T22:30:00.000Z',
    regulatoryDueAt: '2026-02-13T23:59:59.999Z', track: 'standard',
    summaryResolutionDueAt: '2025-12-24T23:59:59.999Z', regulatoryLatestDueAt: '2026-02-13T23:59:59.999Z',
  },
  {
    name: 'uk payment services over Christmas, Boxing Day and New Year: 15 business days',
    profile: 'uk', receivedAt: '2025-12-23T10:00:00Z', severity: 'P3', business: 'payment',
    firstResponseDueAt: '2025-12-24T10:00:00.000Z',
    regulatoryDueAt: '2026-01-16T23:59:59.999Z', track: 'payment_services',
    summaryResolutionDueAt: '2025-12-30T23:59:59.999Z', regulatoryLatestDueAt: '2026-02-13T23:59:59.999Z',
  },
  {
    name: 'uk, 00:30 Friday BST is Thursday in UTC: counted from Friday, due after BST ends',
    profile: 'uk', receivedAt: '2025-10-23T23:30:00Z', severity: 'P3', business: 'payment',
    firstResponseDueAt: '2025-10-24T23:30:00.000Z',
    regulatoryDueAt: '2025-11-14T23:59:59.999Z', track: 'payment_services',
    summaryResolutionDueAt: '2025-10-29T23:59:59.999Z',
  },
  {
    name: 'uk, 8 weeks ending on a bank holiday is not moved (calendar weeks, BST)',
    profile: 'uk', receivedAt: '2025-03-10T09:00:00Z', severity: 'P4', business: 'deposit',
    firstResponseDueAt: '2025-03-11T09:00:00.000Z',
    regulatoryDueAt: '2025-05-05T22:59:59.999Z', track: 'standard',
    summaryResolutionDueAt: '2025-03-13T23:59:59.999Z',
  },
  // ── us: 15 calendar days to respond, 60 to a final answer; holidays do not move them.
  {
    name: 'us, Friday 22:00 in New York (already Saturday in UTC): counted from Friday',
    profile: 'us', receivedAt: '2025-11-29T03:00:00Z', severity: 'P4', business: 'credit_card',
    firstResponseDueAt: '2025-11-30T03:00:00.000Z',
    regulatoryDueAt: '2025-12-14T04:59:59.999Z', track: 'cfpb', summaryResolutionDueAt: null,
    regulatoryLatestDueAt: '2026-01-28T04:59:59.999Z',
  },
  {
    name: 'us, day 15 is Christmas Day (a federal holiday): calendar days, not moved',
    profile: 'us', receivedAt: '2025-12-10T15:00:00Z', severity: 'P1', business: 'deposit',
    firstResponseDueAt: '2025-12-10T16:00:00.000Z',
    regulatoryDueAt: '2025-12-26T04:59:59.999Z', track: 'cfpb', summaryResolutionDueAt: null,
  },
];

describe('computeDeadlines', () => {
  it.each(rows)('$name', (row) => {
    const d = computeDeadlines({ receivedAt: new Date(row.receivedAt), severity: row.severity, business: row.business, policy: policies[row.profile] });
    expect(d.firstResponseDueAt.toISOString()).toBe(row.firstResponseDueAt);
    expect(d.regulatoryDueAt.toISOString()).toBe(row.regulatoryDueAt);
    expect(d.regulatoryProfile).toBe(row.profile);
    expect(d.regulatoryTrack).toBe(row.track);
    expect(d.summaryResolutionDueAt?.toISOString() ?? null).toBe(row.summaryResolutionDueAt);
    if (row.regulatoryLatestDueAt) expect(d.regulatoryLatestDueAt.toISOString()).toBe(row.regulatoryLatestDueAt);
  });

  it.each<[TSeverity, number]>([
    ['P1', 1],
    ['P2', 4],
    ['P3', 24],
    ['P4', 24],
  ])('gives %s a first response target of %i h, nights and holidays included', (severity, hours) => {
    const receivedAt = new Date('2025-10-01T00:00:00Z');
    const d = computeDeadlines({ receivedAt, severity, business: 'deposit', policy: policies.cn });
    expect(d.firstResponseDueAt.getTime() - receivedAt.getTime()).toBe(hours * 3_600_000);
  });

  it('anchors the regulatory deadline at receipt: the same receipt always gives the same deadline', () => {
    const receivedAt = new Date('2025-09-26T12:00:00Z');
    const a = computeDeadlines({ receivedAt, severity: 'P3', business: 'deposit', policy: policies.cn });
    const b = computeDeadlines({ receivedAt, severity: 'P1', business: 'deposit', policy: policies.cn });
    expect(b.regulatoryDueAt).toEqual(a.regulatoryDueAt);
    expect(regulatoryDueAt({ receivedAt, business: 'deposit', policy: policies.cn, extensionCount: 0 })).toEqual(a.regulatoryDueAt);
  });

  it.each([
    { profile: 'cn' as const, receivedAt: '2026-03-02T02:00:00Z', business: 'deposit' as const, expected: 'official', extensions: 2 },
    { profile: 'cn' as const, receivedAt: '2027-03-01T02:00:00Z', business: 'deposit' as const, expected: 'provisional', extensions: 2 },
    { profile: 'cn' as const, receivedAt: '2027-12-20T02:00:00Z', business: 'deposit' as const, expected: 'not_covered', extensions: 2 },
    { profile: 'uk' as const, receivedAt: '2027-06-01T09:00:00Z', business: 'payment' as const, expected: 'official', extensions: 1 },
    { profile: 'uk' as const, receivedAt: '2027-06-01T09:00:00Z', business: 'deposit' as const, expected: 'official', extensions: 0 },
    { profile: 'us' as const, receivedAt: '2028-06-01T15:00:00Z', business: 'deposit' as const, expected: 'not_used', extensions: 1 },
  ])('reports $expected holiday data for $profile/$business received $receivedAt', ({ profile, receivedAt, business, expected, extensions }) => {
    const d = computeDeadlines({ receivedAt: new Date(receivedAt), severity: 'P3', business, policy: policies[profile] });
    expect(d.calendarStatus).toBe(expected);
    expect(d.extensionsAllowed).toBe(extensions);
  });

  it('counts days in the bank zone given to loadPolicy', () => {
    // The same instant is Friday evening in New York but Saturday morning in Shanghai.
    const receivedAt = new Date('2025-11-29T03:00:00Z');
    const inShanghai = computeDeadlines({ receivedAt, severity: 'P3', business: 'deposit', policy: loadPolicy('us', { timeZone: 'Asia/Shanghai' }) });
    expect(inShanghai.timeZone).toBe('Asia/Shanghai');
    expect(inShanghai.regulatoryDueAt.toISOString()).toBe('2025-12-14T15:59:59.999Z');
  });
});
