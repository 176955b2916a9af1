import { z } from 'zod';
import { ZBusiness, ZChannel } from '../cases/taxonomy.js';
import { ZLang } from './types.js';

/** The slots the intake fills after the description, in the order it asks for them. */
export const SLOT_NAMES = ['business', 'occurredOn', 'amount', 'desiredResolution', 'name', 'phone'] as const;
export type SlotName = (typeof SLOT_NAMES)[number];
export const FIELD_NAMES = ['description', ...SLOT_NAMES] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

export const INTAKE_STEPS = ['describe', ...SLOT_NAMES, 'confirm', 'choose_correction'] as const;
export type IntakeStep = (typeof INTAKE_STEPS)[number];

/**
 * What the customer has told us so far. `undefined` means not asked yet; `null` means asked
 * and deliberately left empty (amount skipped, date not remembered).
 */
export const ZDraft = z.object({
  description: z.string().optional(),
  business: ZBusiness.optional(),
  channel: ZChannel.optional(),
  occurredOn: z.string().nullable().optional(),
  amount: z.number().nullable().optional(),
  currency: z.string().nullable().optional(),
  /**
   * The amount as the customer gave it: "more than" it (两千多, "over $2,000") or "about" it
   * (三百来块, "around 500"). Shown so in the summary; `amount` keeps the number, for severity.
   * Absent in state saved before it existed: an exact amount.
   */
  amountApprox: z.enum(['over', 'about']).optional(),
  desiredResolution: z.string().optional(),
  name: z.string().optional(),
  phone: z.string().optional(),
  /** Slots filled from the description rather than asked. */
  extracted: z.array(z.string()).default([]),
});
export type Draft = z.infer<typeof ZDraft>;

export const ZIntake = z.object({
  startedAt: z.string(),
  step: z.enum(INTAKE_STEPS),
  draft: ZDraft,
  /** Invalid answers in a row at the current step. */
  failures: z.number().int().min(0).default(0),
  /** Answering a correction: go back to the summary afterwards. */
  correcting: z.boolean().default(false),
  fraudWarned: z.boolean().default(false),
});
export type Intake = z.infer<typeof ZIntake>;

export const PENDING = ['confirm_cancel', 'confirm_restart', 'offer_human', 'resume'] as const;

export const ZConversationState = z.object({
  v: z.literal(1),
  lang: ZLang.optional(),
  /**
   * The language was only guessed (from the channel's locale, a command or a greeting), not read
   * from the customer's own words: their first real message may still change it.
   */
  langGuessed: z.boolean().optional(),
  intake: ZIntake.optional(),
  /** A yes/no question that interrupts the current step. */
  pending: z.enum(PENDING).optional(),
  /** ISO time of the last turn, for the 24-hour resume window. */
  updatedAt: z.string().optional(),
  /**
   * `updatedAt` of the turn that ended with a follow-up survey's next question, asked in the
   * middle of an intake: while it equals `updatedAt`, that question is the newest thing the
   * customer was asked, and a typed answer to it goes to the survey (src/dialogs/survey.ts).
   */
  surveyAskedAt: z.string().optional(),
  lastCaseRef: z.string().optional(),
});
export type ConversationState = z.infer<typeof ZConversationState>;

export function initialState(): ConversationState {
  return { v: 1 };
}

/**
 * Reads stored state. State that no longer parses (a bug, a schema change) is replaced by a
 * fresh one rather than breaking the conversation for good (CONVENTIONS.md §9).
 */
export function parseState(json: string | null | undefined): { state: ConversationState; reset: boolean } {
  if (!json) return { state: initialState(), reset: false };
  try {
    const parsed = ZConversationState.safeParse(JSON.parse(json));
    if (parsed.success) return { state: parsed.data, reset: false };
  } catch {
    // fall through
  }
  return { state: initialState(), reset: true };
}
