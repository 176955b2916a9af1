import { z } from 'zod';
import { TARGET_STATUSES } from '../case-lifecycle.js';
import { TOKEN_DEFAULT_DAYS, ZTokenDays } from './accounts.js';
import { ZBusiness, ZCause, ZChannel, ZSeverity } from '../taxonomy.js';

/** Request bodies of the staff actions (one schema per boundary; the OpenAPI document reuses them). */
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

export const ZReplyBody = z.strictObject({ text: text(4000) });
export const ZTransitionBody = z.strictObject({
  to: z.enum(TARGET_STATUSES),
  note: z.string().trim().max(2000).optional(),
  resolution: z.string().trim().max(4000).optional().describe('The decision communicated to the customer; required for resolved (and closed unless given at resolution).'),
  rootCause: z.string().trim().max(500).optional().describe('Why the problem happened; required for resolved and closed.'),
});
export const ZAssignBody = z.strictObject({
  assigneeId: z.union([z.string().min(1).max(64), z.null()]).describe('A staff user id, "me" to claim the case, or null to unassign.'),
  reason: z.string().trim().max(500).optional(),
});
export const ZClassificationBody = z
  .strictObject({
    severity: ZSeverity.optional(),
    business: ZBusiness.optional(),
    cause: ZCause.optional(),
    channel: ZChannel.optional(),
    reason: text(500),
  })
  .refine((b) => b.severity || b.business || b.cause || b.channel, 'give at least one of severity, business, cause, channel');
export const ZEscalationBody = z.strictObject({ reason: text(1000) });
export const ZNoteBody = z.strictObject({ text: text(4000) });
export const ZInformationRequestBody = z.strictObject({ question: text(2000) });
export const ZExtensionBody = z.strictObject({ reason: text(500).describe('Told to the customer in the extension notice.') });
export const ZEmptyBody = z.strictObject({});
export const ZRevealBody = z.strictObject({ reason: z.string().trim().max(500).optional() });
export const ZNewUserBody = z.strictObject({
  email: z.email().max(200),
  displayName: text(80),
  role: z.enum(['agent', 'supervisor', 'admin']),
  password: z.string().min(12).max(200),
});
export const ZUserUpdateBody = z.strictObject({ role: z.enum(['agent', 'supervisor', 'admin']).optional(), active: z.boolean().optional() });
export const ZNewTokenBody = z.strictObject({ name: text(80), expiresInDays: ZTokenDays.optional().describe(`Days until the token expires (default ${TOKEN_DEFAULT_DAYS}).`) });

export type TTransitionBody = z.infer<typeof ZTransitionBody>;
