import { detectFraud } from '../../src/cases/classification/fraud.js';
import { extractAmount } from '../../src/cases/classification/amount.js';
import { extractOccurredOn } from '../../src/cases/classification/date.js';
import { createRuleClassifier } from '../../src/cases/classification/rules.js';
import { step } from '../../src/dialogs/conversation.js';
import type { CaseSubmission, DialogDeps, OpenCaseLine, SurveyPort } from '../../src/dialogs/deps.js';
import { initialState, type ConversationState } from '../../src/dialogs/state.js';
import type { InboundMessage, OutboundMessage } from '../../src/dialogs/types.js';

/** Says one thing: text, or a button press written as `[value]`. */
export type Say = string;

/**
 * Drives the real dialog (real rules, real extractors) with an in-memory case store, so a test
 * reads as a transcript: what the customer says, what the bot answers.
 */
export function createDialogHarness(opts: { now?: Date; locale?: string; surveys?: SurveyPort } = {}) {
  let now = opts.now ?? new Date('2026-11-27T02:00:00Z');
  let state: ConversationState = initialState();
  const submitted: CaseSubmission[] = [];
  const humanRequests: string[] = [];
  let seq = 0;
  const deps = (): DialogDeps => ({
    now,
    bank: { name: 'Test Bank', hotline: '95555', timeZone: 'Asia/Shanghai' },
    classifier: createRuleClassifier(),
    detectFraud,
    extractAmount,
    extractOccurredOn,
    surveys: opts.surveys,
    cases: {
      async submit(sub) {
        submitted.push(structuredClone(sub));
        seq += 1;
        return {
          reference: `C-20261127-${String(seq).padStart(4, '0')}`,
          severity: sub.draft.description && detectFraud(sub.draft.description).fraud ? 'P1' : 'P3',
          firstResponseDueAt: new Date(now.getTime() + 3600_000),
          regulatoryDueAt: new Date(now.getTime() + 15 * 86_400_000),
        };
      },
      async requestHuman(reference) {
        humanRequests.push(reference);
        return true;
      },
      async listOpen(): Promise<OpenCaseLine[]> {
        return submitted.map((_, i) => ({
          reference: `C-20261127-${String(i + 1).padStart(4, '0')}`,
          status: 'new',
          regulatoryDueAt: new Date(now.getTime() + 15 * 86_400_000),
        }));
      },
    },
  });

  return {
    get state() {
      return state;
    },
    submitted,
    humanRequests,
    /** The dependencies each turn gets, for calling `step` directly. */
    deps,
    advanceClock(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    /** One turn; returns the bot's replies. */
    async say(what: Say, extra: Partial<InboundMessage> = {}): Promise<OutboundMessage[]> {
      const button = /^\[(.+)\]$/.exec(what);
      const input: InboundMessage = {
        conversationKey: 'test:1',
        intakeChannel: 'test',
        externalUserId: 'u1',
        conversationRef: {},
        receivedAt: now,
        locale: opts.locale,
        ...(button ? { action: button[1] } : { text: what }),
        ...extra,
      };
      const result = await step(state, input, deps());
      // The stored state must survive a JSON round trip (it is persisted as JSON).
      state = JSON.parse(JSON.stringify(result.state)) as ConversationState;
      return result.replies;
    },
  };
}

/** All reply texts of a turn joined, for `toContain` checks. */
export const textOf = (replies: OutboundMessage[]) => replies.map((r) => r.text).join('\n---\n');
/** All button values offered in a turn. */
export const buttonsOf = (replies: OutboundMessage[]) => replies.flatMap((r) => r.buttons?.map((b) => b.value) ?? []);
