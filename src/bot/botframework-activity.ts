import { z } from 'zod';

const id = z.string().min(1).max(512);

/**
 * Longer than anything a customer can type: Teams stops a message at about 28 KB, and the route's
 * 256 kB body limit binds Direct Line first. Refusing a text here answers the channel with a 400
 * and the customer hears nothing; the dialog answers a complaint over its 8000 characters with
 * the limit instead.
 */
const MAX_ACTIVITY_TEXT = 64_000;
const account = z.looseObject({ id: id, name: z.string().max(256).optional(), role: z.string().max(32).optional() });

/**
 * The shape of an inbound Bot Framework activity, as far as botbuilder and this bot read it.
 * botbuilder trusts its input (a number where it expects a string throws deep inside the
 * adapter), so every activity is checked here first and a malformed one gets a 400 with the
 * reason. Unknown fields pass through untouched.
 */
export const ZInboundActivity = z.looseObject({
  type: z.string().min(1).max(64),
  id: id.optional(),
  channelId: z.string().min(1).max(64),
  serviceUrl: z.url({ protocol: /^https?$/ }).max(2048),
  timestamp: z.string().max(64).optional(),
  localTimestamp: z.string().max(64).optional(),
  locale: z.string().max(32).optional(),
  conversation: z.looseObject({ id, isGroup: z.boolean().optional(), tenantId: z.string().max(128).optional(), conversationType: z.string().max(64).optional() }),
  from: account.optional(),
  recipient: account.optional(),
  replyToId: id.optional(),
  text: z.string().max(MAX_ACTIVITY_TEXT).optional(),
  textFormat: z.string().max(32).optional(),
  value: z.unknown().optional(),
  deliveryMode: z.enum(['normal', 'notification', 'expectReplies', 'ephemeral']).optional(),
  entities: z.array(z.looseObject({ type: z.string().max(64) })).max(50).optional(),
  membersAdded: z.array(account).max(100).optional(),
  membersRemoved: z.array(account).max(100).optional(),
  attachments: z
    .array(
      z.looseObject({
        contentType: z.string().max(256),
        // A link is short; a file sent inside the activity (a `data:` URI) is as long as the
        // route's body limit lets it be, and the channel answers one over the evidence limit
        // with that limit (botframework-evidence.ts) instead of a 400 the customer never hears of.
        contentUrl: z
          .string()
          .refine((u) => u.length <= 4096 || /^data:/i.test(u), 'is longer than 4096 characters and not a data: URI')
          .optional(),
        name: z.string().max(512).optional(),
      }),
    )
    .max(20)
    .optional(),
  channelData: z.record(z.string(), z.unknown()).optional(),
});

export type TInboundActivity = z.infer<typeof ZInboundActivity>;
