import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BUSINESSES, ZBusiness, ZSeverity, type TBusiness, type TSeverity } from '../taxonomy.js';
import {
  BUILTIN_CALENDAR_IDS,
  WEEKENDS_ONLY_CALENDAR,
  ZInlineCalendar,
  ZTimeZone,
  calendarFromInline,
  formatIssues,
  loadBuiltinCalendar,
  type HolidayCalendar,
} from './calendar.js';

/**
 * Complaint-handling policies (DESIGN.md "Clocks"): the bank's own service targets per severity
 * and the regulator's deadline. Built-in profiles `cn`, `uk`, `us`; `COMPLAINT_POLICY` may
 * instead name a JSON file of the same shape (`ZPolicy`).
 */

export const BUILTIN_POLICY_NAMES = ['cn', 'uk', 'us'] as const;
export type TBuiltinPolicyName = (typeof BUILTIN_POLICY_NAMES)[number];

/** Staff roles, lowest first; an approval by a higher role satisfies a lower requirement. */
export const STAFF_ROLES = ['agent', 'supervisor', 'admin'] as const;
export type TStaffRole = (typeof STAFF_ROLES)[number];
/** Roles that may approve an extension of the regulatory deadline. */
export const APPROVER_ROLES = ['supervisor', 'admin'] as const;
export type TApproverRole = (typeof APPROVER_ROLES)[number];

export const DURATION_UNITS = ['calendar_days', 'business_days', 'weeks'] as const;
export type TDurationUnit = (typeof DURATION_UNITS)[number];

/**
 * One regulatory deadline, counted from the day of receipt (which itself is not counted) and
 * due at the end of the resulting day in the bank's zone. The first step of a track is the
 * initial deadline; each further step is one extension, reached only with approval.
 */
export const ZRegulatoryStep = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a lower-case id such as extension_1'),
  length: z.int().positive(),
  unit: z.enum(DURATION_UNITS),
  /** When the last day is not a business day, the deadline moves to the next business day. */
  rollForwardToBusinessDay: z.boolean().default(false),
  /** Lowest role that may grant this step; required on every step after the first. */
  approverRole: z.enum(APPROVER_ROLES).optional(),
  /** i18n key of the notice the customer must receive when this extension is granted. */
  noticeKey: z.string().min(1).optional(),
  description: z.string().optional(),
});
export type TRegulatoryStep = z.infer<typeof ZRegulatoryStep>;

export const ZRegulatoryTrack = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a lower-case id such as payment_services'),
    description: z.string().optional(),
    /** UK DISP 1.5: a complaint resolved by the end of this business day may close with a summary resolution communication. */
    summaryResolution: z.strictObject({ length: z.int().positive(), unit: z.literal('business_days') }).optional(),
    steps: z.array(ZRegulatoryStep).min(1, 'needs at least the initial deadline'),
  })
  .superRefine((track, ctx) => {
    const first = track.steps[0];
    track.steps.forEach((step, i) => {
      if (i === 0 || !first) return;
      const path = ['steps', i];
      if (!step.approverRole) ctx.addIssue({ code: 'custom', path: [...path, 'approverRole'], message: 'an extension needs an approverRole (supervisor or admin)' });
      if (!step.noticeKey) ctx.addIssue({ code: 'custom', path: [...path, 'noticeKey'], message: 'an extension needs the noticeKey of the customer notice' });
      // Same unit and growing lengths keep "the deadline only ever moves later" checkable here.
      if (step.unit !== first.unit) ctx.addIssue({ code: 'custom', path: [...path, 'unit'], message: `must be ${first.unit}, as the first step of the track` });
      const prev = track.steps[i - 1];
      if (prev && step.length <= prev.length) ctx.addIssue({ code: 'custom', path: [...path, 'length'], message: `must be longer than the previous step (${prev.length})` });
    });
  });
export type TRegulatoryTrack = z.infer<typeof ZRegulatoryTrack>;

const ZHours = z.number().positive().max(24 * 365);

/** A complaint policy as written in a JSON policy file (and as the built-ins are written). */
export const ZPolicy = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, 'must be 1–40 letters, digits, _ . or -'),
  description: z.string().optional(),
  /** The bank's zone for counting days; overrides the `timeZone` given to `loadPolicy`. */
  timeZone: ZTimeZone.optional(),
  /** A built-in calendar id, `none` (weekends only), or holidays given inline. */
  calendar: z.union([z.enum([...BUILTIN_CALENDAR_IDS, 'none']), ZInlineCalendar]),
  serviceTargets: z.strictObject({
    /** Hours from receipt to the first response, per severity (wall-clock hours, nights included). */
    firstResponseHours: z.record(ZSeverity, ZHours),
  }),
  regulatory: z.strictObject({
    default: ZRegulatoryTrack,
    /** Tracks for particular businesses, e.g. UK payment services. */
    byBusiness: z.partialRecord(ZBusiness, ZRegulatoryTrack).optional(),
  }),
});
export type TPolicyFile = z.input<typeof ZPolicy>;
export type TPolicy = z.output<typeof ZPolicy>;

/** A policy ready to compute with: calendar loaded and time zone settled. */
export interface ComplaintPolicy {
  readonly name: string;
  readonly description: string | undefined;
  readonly timeZone: string;
  readonly calendar: HolidayCalendar;
  readonly firstResponseHours: Readonly<Record<TSeverity, number>>;
  readonly regulatory: { readonly default: TRegulatoryTrack; readonly byBusiness: Readonly<Partial<Record<TBusiness, TRegulatoryTrack>>> };
  /** `builtin` or the absolute path of the policy file. */
  readonly origin: string;
}

/** Thrown when `COMPLAINT_POLICY` cannot be used; the message says which file and field and why. */
export class PolicyError extends Error {
  override name = 'PolicyError';
  readonly code = 'policy_invalid';
}

/** DESIGN.md "Severity": first response 1 h, 4 h, 24 h, 24 h. */
const FIRST_RESPONSE_HOURS = { P1: 1, P2: 4, P3: 24, P4: 24 } satisfies Record<TSeverity, number>;

const BUILTIN_POLICIES: Record<TBuiltinPolicyName, TPolicyFile> = {
  cn: {
    name: 'cn',
    description:
      'Mainland China: decision communicated within 15 days of receipt, extendable to 30 and then by a further 30 with senior approval; the customer is told of each extension and why.',
    calendar: 'cn',
    serviceTargets: { firstResponseHours: FIRST_RESPONSE_HOURS },
    regulatory: {
      default: {
        id: 'standard',
        steps: [
          // A period whose last day is a statutory rest day ends on the next working day
          // (PRC Civil Code art. 203), so a deadline never lands inside National Day week.
          { id: 'decision', length: 15, unit: 'calendar_days', rollForwardToBusinessDay: true },
          {
            id: 'extension_1',
            length: 30,
            unit: 'calendar_days',
            rollForwardToBusinessDay: true,
            approverRole: 'supervisor',
            noticeKey: 'clocks.notice.cn.extension_1',
          },
          {
            id: 'extension_2',
            length: 60,
            unit: 'calendar_days',
            rollForwardToBusinessDay: true,
            // "Senior approval": above the supervisor who granted the first extension.
            approverRole: 'admin',
            noticeKey: 'clocks.notice.cn.extension_2',
          },
        ],
      },
    },
  },
  uk: {
    name: 'uk',
    description:
      'UK (FCA DISP 1.5/1.6): summary resolution by the end of the 3rd business day after receipt, otherwise a final response within 8 weeks; payment-services complaints 15 business days, 35 in exceptional cases with a holding reply.',
    calendar: 'uk',
    serviceTargets: { firstResponseHours: FIRST_RESPONSE_HOURS },
    regulatory: {
      default: {
        id: 'standard',
        summaryResolution: { length: 3, unit: 'business_days' },
        steps: [{ id: 'final_response', length: 8, unit: 'weeks' }],
      },
      byBusiness: {
        payment: {
          id: 'payment_services',
          summaryResolution: { length: 3, unit: 'business_days' },
          steps: [
            { id: 'final_response', length: 15, unit: 'business_days' },
            {
              id: 'exceptional',
              length: 35,
              unit: 'business_days',
              approverRole: 'supervisor',
              noticeKey: 'clocks.notice.uk.holding_reply',
            },
          ],
        },
      },
    },
  },
  us: {
    name: 'us',
    description: 'US (CFPB complaint process): a response within 15 days; a complaint still in progress gets a final answer within 60 days.',
    calendar: 'us',
    serviceTargets: { firstResponseHours: FIRST_RESPONSE_HOURS },
    regulatory: {
      default: {
        id: 'cfpb',
        steps: [
          { id: 'response', length: 15, unit: 'calendar_days' },
          {
            id: 'final_response',
            length: 60,
            unit: 'calendar_days',
            approverRole: 'supervisor',
            noticeKey: 'clocks.notice.us.in_progress',
          },
        ],
      },
    },
  },
};

function resolvePolicy(raw: unknown, origin: string, timeZone: string | undefined): ComplaintPolicy {
  const parsed = ZPolicy.safeParse(raw);
  if (!parsed.success) throw new PolicyError(`Invalid complaint policy ${origin}:\n${formatIssues(parsed.error).join('\n')}`);
  const p = parsed.data;
  const calendar =
    typeof p.calendar === 'object'
      ? calendarFromInline(p.calendar)
      : p.calendar === 'none'
        ? WEEKENDS_ONLY_CALENDAR
        : loadBuiltinCalendar(p.calendar);
  const byBusiness: Partial<Record<TBusiness, TRegulatoryTrack>> = {};
  for (const b of BUSINESSES) {
    const track = p.regulatory.byBusiness?.[b];
    if (track) byBusiness[b] = track;
  }
  return {
    name: p.name,
    description: p.description,
    // The file's own zone is a deliberate choice for that policy; the caller's (BANK_TIMEZONE)
    // always has a default, so it cannot tell us the same.
    timeZone: p.timeZone ?? timeZone ?? calendar.defaultTimeZone ?? 'UTC',
    calendar,
    firstResponseHours: { ...p.serviceTargets.firstResponseHours },
    regulatory: { default: p.regulatory.default, byBusiness },
    origin,
  };
}

function isBuiltinPolicyName(name: string): name is TBuiltinPolicyName {
  return (BUILTIN_POLICY_NAMES as readonly string[]).includes(name);
}

const CALENDAR_COUNTRIES: Record<string, 'CN' | 'GB' | 'US'> = { cn: 'CN', uk: 'GB', us: 'US' };

/**
 * The bank's country (ISO 3166-1), from the policy's holiday calendar: `cn` → CN, `uk` → GB,
 * `us` → US, so a policy file using the `uk` calendar is a UK bank; any other calendar (`none`,
 * one of the file's own) gives CN, the default profile's. Customers give that country's phone
 * numbers without a country code.
 */
export function policyCountry(policy: Pick<ComplaintPolicy, 'calendar'>): 'CN' | 'GB' | 'US' {
  return CALENDAR_COUNTRIES[policy.calendar.id] ?? 'CN';
}

/**
 * Loads the complaint policy named by `COMPLAINT_POLICY`: `cn` (default), `uk`, `us`, or a path
 * to a JSON file validated by `ZPolicy` (relative paths resolve against `cwd`).
 *
 * The time zone used for counting days is the file's `timeZone` if it has one, else
 * `options.timeZone` (pass `BANK_TIMEZONE`), else the calendar's own zone.
 *
 * @throws PolicyError naming the file and each bad field, for an unknown name, an unreadable
 *   file, invalid JSON or a policy that does not fit the schema. Call it at start-up.
 */
export function loadPolicy(nameOrPath: string, options: { timeZone?: string; cwd?: string } = {}): ComplaintPolicy {
  if (options.timeZone !== undefined && !ZTimeZone.safeParse(options.timeZone).success) {
    throw new PolicyError(`Invalid time zone "${options.timeZone}" for the complaint policy: must be an IANA time zone such as Asia/Shanghai`);
  }
  const spec = nameOrPath.trim();
  if (isBuiltinPolicyName(spec)) return resolvePolicy(BUILTIN_POLICIES[spec], 'builtin', options.timeZone);
  if (!spec.toLowerCase().endsWith('.json') && !spec.includes('/') && !spec.includes('\\')) {
    throw new PolicyError(`Unknown COMPLAINT_POLICY "${spec}": expected ${BUILTIN_POLICY_NAMES.join(', ')} or a path to a JSON policy file`);
  }
  const file = path.resolve(options.cwd ?? process.cwd(), spec);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason = e instanceof Error && 'code' in e && e.code === 'ENOENT' ? 'file not found' : e instanceof Error ? e.message : String(e);
    throw new PolicyError(`Cannot read complaint policy file ${file}: ${reason}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PolicyError(`Complaint policy file ${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return resolvePolicy(json, file, options.timeZone);
}

/** The built-in policy data, e.g. as a starting point for a bank's own policy file. */
export function builtinPolicyFile(name: TBuiltinPolicyName): TPolicyFile {
  return structuredClone(BUILTIN_POLICIES[name]);
}

/** The regulatory track that applies to a complaint about `business`. */
export function selectRegulatoryTrack(policy: ComplaintPolicy, business: TBusiness): TRegulatoryTrack {
  return policy.regulatory.byBusiness[business] ?? policy.regulatory.default;
}
