import type { PrismaClient } from '@prisma/client';
import type { z } from 'zod';
import { addCaseNote } from '../add-case-note.js';
import { assignCase } from '../assign-case.js';
import type { ActionResult, StaffActor } from '../case-action.js';
import type { ComplaintPolicy } from '../clocks/index.js';
import type { DomainEvents } from '../domain-events.js';
import { escalateCase } from '../escalate-case.js';
import { extendCaseDeadline } from '../extend-case-deadline.js';
import { handBackConversation } from '../hand-back-conversation.js';
import type { CustomerMessenger } from '../messenger.js';
import { reclassifyCase } from '../reclassify-case.js';
import { replyToCustomer } from '../reply-to-customer.js';
import { requestCustomerInformation } from '../request-customer-information.js';
import { revealCustomerContact } from '../reveal-customer-contact.js';
import { takeOverConversation } from '../take-over-conversation.js';
import { transitionCase } from '../transition-case.js';
import {
  ZAssignBody,
  ZClassificationBody,
  ZEmptyBody,
  ZEscalationBody,
  ZExtensionBody,
  ZInformationRequestBody,
  ZNoteBody,
  ZReplyBody,
  ZRevealBody,
  ZTransitionBody,
} from './action-schemas.js';

export interface ActionContext {
  deps: { db: PrismaClient; events: DomainEvents; messenger: CustomerMessenger; policy: ComplaintPolicy };
  actor: StaffActor;
  reference: string;
  now: Date;
}

interface StaffAction<S extends z.ZodType> {
  schema: S;
  /** HTTP status of a success in the JSON API. */
  status: 200 | 201;
  /** What the console says after it worked. */
  done: string;
  run(ctx: ActionContext, body: z.infer<S>): Promise<ActionResult<unknown>>;
}

const define = <S extends z.ZodType>(a: StaffAction<S>) => a;

/**
 * Every case action by its URL segment (`POST /api/staff/cases/{reference}/{name}` and the
 * console's `POST /staff/cases/{reference}/{name}`): one schema, one use case, so the console
 * and the API cannot behave differently.
 */
export const STAFF_ACTIONS = {
  replies: define({ schema: ZReplyBody, status: 201, done: 'Reply delivered to the customer.', run: (c, b) => replyToCustomer({ ...c.deps, ...c, text: b.text }) }),
  transitions: define({ schema: ZTransitionBody, status: 200, done: 'Status changed.', run: (c, b) => transitionCase({ ...c.deps, ...c, ...b }) }),
  assignment: define({
    schema: ZAssignBody,
    status: 200,
    done: 'Assignment changed.',
    run: (c, b) => assignCase({ ...c.deps, ...c, assigneeId: b.assigneeId === 'me' ? c.actor.userId : b.assigneeId, reason: b.reason }),
  }),
  classification: define({
    schema: ZClassificationBody,
    status: 200,
    done: 'Classification changed.',
    run: (c, b) => {
      const { reason, ...change } = b;
      return reclassifyCase({ ...c.deps, ...c, change, reason });
    },
  }),
  escalations: define({ schema: ZEscalationBody, status: 201, done: 'Case escalated.', run: (c, b) => escalateCase({ ...c.deps, ...c, reason: b.reason }) }),
  notes: define({ schema: ZNoteBody, status: 201, done: 'Note added.', run: (c, b) => addCaseNote({ ...c.deps, ...c, text: b.text }) }),
  'information-requests': define({
    schema: ZInformationRequestBody,
    status: 201,
    done: 'Question sent; the case waits for the customer.',
    run: (c, b) => requestCustomerInformation({ ...c.deps, ...c, question: b.question }),
  }),
  handoff: define({ schema: ZEmptyBody, status: 200, done: 'You hold the conversation; the bot stays quiet.', run: (c) => takeOverConversation({ ...c.deps, ...c }) }),
  handback: define({ schema: ZEmptyBody, status: 200, done: 'Conversation handed back to the bot.', run: (c) => handBackConversation({ ...c.deps, ...c }) }),
  extensions: define({ schema: ZExtensionBody, status: 201, done: 'Deadline extended; the customer was sent the notice.', run: (c, b) => extendCaseDeadline({ ...c.deps, ...c, reason: b.reason }) }),
  reveal: define({ schema: ZRevealBody, status: 200, done: 'Contact details revealed (recorded).', run: (c, b) => revealCustomerContact({ ...c.deps, ...c, reason: b.reason }) }),
} as const;

export type StaffActionName = keyof typeof STAFF_ACTIONS;
export const isStaffAction = (s: string): s is StaffActionName => Object.hasOwn(STAFF_ACTIONS, s);
