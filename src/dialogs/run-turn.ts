import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { claimCaseAnnouncement } from '../cases/announce-missed-cases.js';
import type { Classifier } from '../cases/classification/types.js';
import { recordEvent } from '../cases/case-events.js';
import { policyCountry, type ComplaintPolicy } from '../cases/clocks/index.js';
import { createCase, type CaseWriter, type CreatedCase } from '../cases/create-case.js';
import type { KnownAccount } from '../cases/customers.js';
import type { TranscriptEntry } from '../cases/transcript.js';
import { step } from './conversation.js';
import { createKeyedQueue } from './keyed-queue.js';
import type { AwaitingSurvey, DialogDeps, FraudSignal, SurveyPort } from './deps.js';
import { parseState } from './state.js';
import { createPrismaLease } from './state-store.js';
import { createPrismaTurnStore } from './prisma-turn-store.js';
import type { PageCopy, StoredReply, TurnLease, TurnStore } from './turn-store.js';
import type { InboundMessage, OutboundMessage, TurnResult } from './types.js';
import type { ExtractedAmount } from '../cases/classification/types.js';
// Add information to an open case
import type { CustomerInformation as CaseInboxMessage } from '../cases/add-customer-information.js';
import { t } from './i18n.js';
import { detectInterruption } from './interruptions.js';
import { promptFor } from './intake.js';
import { mayAnswerSurvey, surveyQuestionAnswered } from './survey.js';

const OPEN_STATUSES = ['new', 'acknowledged', 'in_progress', 'awaiting_customer', 'reopened'];
// The lease is short and renewed while a turn runs: a crashed instance (kill -9) holds its
// conversations for at most LEASE_MS, and a turn waiting on another instance waits longer than
// that (LEASE_WAIT_MS), so after a crash the customer's next message is answered, not refused.
const LEASE_MS = 6_000;
const LEASE_WAIT_MS = 10_000;
// Several instances: a duplicate whose turn committed less than this long ago is the same update
// delivered to two instances at once (the other one's live turn sends the replies); one later is
// a channel's redelivery after getting no answer, which gets them again. Telegram and Bot
// Framework redeliver seconds after a failed call, not within a turn's few milliseconds.
export const CONCURRENT_DELIVERY_MS = 5_000;

export interface TurnRunnerDeps {
  db: PrismaClient;
  /** The turn's own writes; Prisma's when not given (src/dialogs/turn-store.ts). */
  store?: TurnStore;
  /** Where new cases are written; Prisma's when not given (src/cases/create-case.ts). */
  caseWriter?: CaseWriter;
  classifier: Classifier;
  policy: ComplaintPolicy;
  bank: { name?: string; hotline?: string };
  log: Logger;
  detectFraud(text: string): FraudSignal;
  extractAmount(text: string): ExtractedAmount | null;
  extractOccurredOn(text: string, ctx: { now: Date; timeZone?: string }, options?: { answer?: boolean; months?: boolean }): string | null;
  clock?: () => Date;
  /** Several instances share the database (PostgreSQL): take a database lease per turn. */
  sharedDatabase?: boolean;
  /** Told of every new case (staff alerts, metrics). Must not throw. */
  onCaseCreated?: (created: CreatedCase & { intakeChannel: string }) => void;
  // Add information to an open case
  /**
   * Files a message on one of the customer's open cases when it is meant for one (starts with
   * its reference, answers a staff question, or is files for the case just filed); returns the
   * case, or null to let the dialog handle the message. See src/cases/add-customer-information.ts.
   */
  caseInbox?: (m: CaseInboxMessage) => Promise<{ caseId: string; reference: string; language: string } | null>;
  /** Follow-up surveys of a conversation; without it the dialog never sees surveys. */
  surveys?: (account: { customerId: string; accountId: string }, now: Date) => SurveyPort;
}

export interface TurnRunner {
  handle(input: InboundMessage): Promise<TurnResult>;
}

/**
 * Runs customer turns for every channel: one conversation at a time (a keyed queue in this
 * process, a database lease across instances), each update once, state and transcript in the
 * database so a restart continues where the customer was.
 */
export function createTurnRunner(deps: TurnRunnerDeps): TurnRunner {
  const { db, log } = deps;
  const clock = deps.clock ?? (() => new Date());
  const store = deps.store ?? createPrismaTurnStore(db);
  // A store with a lease of its own (PostgreSQL) takes it in the turn's first statement and gives
  // it back in its last (src/dialogs/turn-store.ts TurnLease): two round trips fewer per turn.
  const lease = store.lease ?? createPrismaLease(db);
  const owner = `turn-${randomUUID()}`;
  const serialised = createKeyedQueue();
  const BUSY = Symbol('conversation busy');
  /** Updates being handled in this process (dedupe key → how many deliveries of it). */
  const inFlight = new Map<string, number>();

  async function withLease<T>(key: string, work: (held?: TurnLease) => Promise<T>): Promise<T> {
    const started = Date.now();
    const busy = () => Object.assign(new Error('conversation busy'), { code: 'conversation_busy' });
    const held: TurnLease | undefined = store.lease ? { owner, ttlMs: LEASE_MS, held: false } : undefined;
    if (!held) {
      while (!(await lease.acquire(key, owner, clock(), LEASE_MS))) {
        if (Date.now() - started > LEASE_WAIT_MS) throw busy();
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    let renewing: Promise<unknown> = Promise.resolve();
    const renew = setInterval(() => {
      renewing = lease.renew(key, owner, clock(), LEASE_MS).catch(() => undefined);
    }, LEASE_MS / 3);
    try {
      for (;;) {
        try {
          return await work(held);
        } catch (e) {
          // Only the store's `open` throws BUSY, before it wrote anything: the turn starts again.
          if (e !== BUSY) throw e;
          if (Date.now() - started > LEASE_WAIT_MS) throw busy();
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      clearInterval(renew);
      await renewing;
      if (!held || held.held) await lease.release(key, owner);
    }
  }

  /**
   * `replay`: a duplicate gets the stored replies of the turn that handled it. Not when that turn
   * ran while this delivery waited (the same update in flight in this process, or another
   * instance's turn making `open` answer `busy` before the update was handled): that turn, alive
   * then, sends them itself, and a delivery made twice at once is answered once.
   */
  async function turn(input: InboundMessage, attempt: { replay: boolean }, held?: TurnLease): Promise<TurnResult> {
    const now = clock();
    const key = input.conversationKey;
    const dedupeKey = dedupeKeyOf(input);
    const inbound = inboundEntry(input, now);
    const attachments = input.attachments ?? [];
    const opened = await store.open({
      ...(held ? { lease: held } : {}),
      dedupeKey,
      identity: {
        intakeChannel: input.intakeChannel,
        externalUserId: input.externalUserId,
        conversationKey: key,
        conversationRef: input.conversationRef,
        now,
      },
      inbound,
      attachments,
      // Relayed to staff, a button press or a sticker is no answer to their question.
      answers: Boolean((input.text?.trim() || attachments.length) && !input.action && !input.unsupported),
      // A survey button names its survey and answers it, also while staff hold the conversation:
      // only what the customer says goes to staff. Opening the chat says nothing to them either.
      relay: !input.opened && !input.action?.startsWith('survey:'),
      // The web chat page answers a retry from its own copy of the turn (PageCopy).
      replay: attempt.replay && !input.pageCopy,
      now,
    });
    if (opened.kind === 'busy') {
      // Not handled yet at this attempt: handled by the time of a later one, it was by a live turn.
      attempt.replay = false;
      throw BUSY;
    }
    if (opened.kind === 'duplicate') {
      // Handled before, but the process may have died between that turn's commit and its replies
      // reaching the customer (the channel redelivers only what it got no answer for): they go
      // out again. At least once: a rare repeated message beats a reference never heard.
      const stored = opened.replies ?? [];
      // The in-flight map above sees only this process's deliveries; another instance's are told
      // apart by age (CONCURRENT_DELIVERY_MS).
      const concurrent = deps.sharedDatabase && stored.some((r) => now.getTime() - new Date(r.createdAt).getTime() < CONCURRENT_DELIVERY_MS);
      const replies = concurrent ? [] : stored.map(storedReply);
      log.info({ conversationKey: key, updateId: input.updateId, replies: replies.length }, 'duplicate update: replies sent again');
      return { replies, duplicate: true };
    }
    if (opened.kind === 'relayed') return { replies: [], relayed: true };
    const { account, state: stored } = opened;

    const { state, reset } = parseState(stored.json);
    if (reset) log.warn({ conversationKey: key }, 'unreadable dialog state reset');
    // Add information to an open case: never a button or command nor a sticker or a location,
    // which says nothing to staff and must not count as an answer. In the middle of a new
    // complaint only the answer to a staff question asked since the intake's last question
    // (its turn's time, state.updatedAt) is for a case: one query per such turn, and none for a
    // customer without cases (every new customer's intake).
    const intakeAskedAt = state.intake && state.updatedAt ? new Date(state.updatedAt) : undefined;
    const surveys = deps.surveys ? surveyPort(account, now) : undefined;
    // A fraud report is never filed away as information: it needs the freeze guidance now.
    if (
      deps.caseInbox &&
      account.hasCases !== false &&
      (!state.intake || intakeAskedAt) &&
      !state.pending &&
      !input.action &&
      !input.unsupported &&
      !input.opened &&
      !detectInterruption(input) &&
      !(input.text && deps.detectFraud(input.text).fraud)
    ) {
      // Text that reads as the answer to a survey question is the survey's unless a staff
      // question came after that one: the newest question asked wins (the same lookup the
      // survey's turn makes, done once: surveyPort). In an intake only text that may be the
      // survey's costs the lookup, as in the survey's turn.
      const waiting = input.text && surveys && (!state.intake || mayAnswerSurvey(state, input.text)) ? await surveys.awaiting() : null;
      const surveyAskedAt = waiting && input.text ? surveyQuestionAnswered(input.text, waiting, deps) : null;
      const filed = await deps.caseInbox({
        customerId: account.customerId,
        channelAccountId: account.accountId,
        conversationKey: key,
        text: input.text,
        attachmentCount: input.attachments?.length ?? 0,
        lastCaseRef: state.lastCaseRef,
        ...(intakeAskedAt ? { askedAfter: intakeAskedAt } : {}),
        ...(surveyAskedAt ? { surveyAskedAt } : {}),
        now,
      });
      if (filed) {
        const lang = state.lang ?? (filed.language === 'en' ? 'en' : 'zh');
        const replies: OutboundMessage[] = [{ text: t(lang, 'case_info_added', { reference: filed.reference }) }];
        // The new complaint carries on where it was: its question again. The state is not saved,
        // so the intake's last question keeps its time and a second message goes to the intake.
        if (state.intake) {
          const prompt = await promptFor(state.intake, lang, dialogDeps(now, account, input, [], surveys));
          replies.push({ ...prompt, text: `${t(lang, 'back_to_new_complaint')}\n${prompt.text}` });
        }
        // Only the acknowledgement belongs to the case's transcript; the question again is the new
        // intake's, like the rest of its conversation (it joins the case that intake files).
        const entries = replies.map((r, i) => outboundEntry(input, r, i === 0 ? filed.caseId : null, now));
        await store.close({ conversationKey: key, dedupeKey, replies: entries, ...pageCopy(input, replies), now, ...(held ? { lease: held } : {}) });
        log.info({ conversationKey: key, caseRef: filed.reference }, 'customer message filed on case');
        return { replies };
      }
    }
    const created: CreatedCase[] = [];
    // The message `open` left for `close` (src/dialogs/turn-store.ts): it joins the case this
    // turn files, like the rest of the conversation's transcript.
    const pending = () => (opened.inboundPending ? { inbound: { entry: { ...inbound, caseId: created.at(-1)?.id ?? null }, attachments } } : {});
    let result: Awaited<ReturnType<typeof step>>;
    try {
      // `state` is this turn's own, parsed above: step changes it in place.
      result = await step(state, input, dialogDeps(now, account, input, created, surveys));
    } catch (e) {
      // The channel apologises and acknowledges the message: it must be kept all the same.
      if (opened.inboundPending) {
        await store.close({ conversationKey: key, dedupeKey: null, replies: [], now, ...pending(), ...(held ? { lease: held } : {}) }).catch((err: unknown) => {
          log.error({ conversationKey: key, err: { message: (err as Error).message } }, 'message of a failed turn not stored');
        });
      }
      throw e;
    }
    const caseId = created.at(-1)?.id ?? null;
    const { saved } = await store.close({
      conversationKey: key,
      dedupeKey,
      ...pending(),
      state: { json: JSON.stringify(result.state), expectedVersion: stored.version },
      // Files sent after the intake belong to the case just filed.
      attachOrphanEvidenceTo: !result.state.intake && result.state.lastCaseRef && input.attachments?.length ? result.state.lastCaseRef : undefined,
      replies: result.replies.map((r) => outboundEntry(input, r, caseId, now)),
      ...pageCopy(input, result.replies),
      now,
      ...(held ? { lease: held } : {}),
    });
    if (!saved) log.error({ conversationKey: key }, 'dialog state changed under a leased turn');
    // Told only once the turn committed: a case filed by a turn whose `close` failed is announced
    // (alert, metrics) by the retry of its message, which gets the same case back (createCase's
    // dedupeKey), so it is announced once. A retry that comes late may find it announced by the
    // sweep for cases whose turn never committed (src/cases/announce-missed-cases.ts): whoever
    // claims the case's announcement first announces it.
    for (const c of created) {
      if (c.filedBefore && !(await claimCaseAnnouncement(db, c.id, now))) continue;
      log.info({ caseRef: c.reference, severity: c.severity, business: c.business, cause: c.cause, channel: input.intakeChannel }, 'case created');
      try {
        deps.onCaseCreated?.({ ...c, intakeChannel: input.intakeChannel });
      } catch (e) {
        log.error({ err: e, caseRef: c.reference }, 'case-created listener failed');
      }
    }
    return { replies: result.replies };
  }

  /** The survey port of one turn. */
  function surveyPort(account: KnownAccount, now: Date): SurveyPort {
    const port = deps.surveys!({ customerId: account.customerId, accountId: account.accountId }, now);
    // Surveys follow resolved cases: a customer without a case has none waiting.
    if (account.hasCases === false) return { ...port, awaiting: async () => null };
    // The case inbox and the survey's turn both look for the survey waiting: one query per turn,
    // looked up again once an answer changed it.
    let newest: Promise<AwaitingSurvey | null> | undefined;
    return {
      ...port,
      awaiting: (surveyId) => (surveyId ? port.awaiting(surveyId) : (newest ??= port.awaiting())),
      answer: (surveyId, answer) => {
        newest = undefined;
        return port.answer(surveyId, answer);
      },
    };
  }

  function dialogDeps(now: Date, account: KnownAccount, input: InboundMessage, created: CreatedCase[], surveys: SurveyPort | undefined): DialogDeps {
    return {
      now,
      bank: { ...deps.bank, timeZone: deps.policy.timeZone, country: policyCountry(deps.policy) },
      classifier: deps.classifier,
      detectFraud: deps.detectFraud,
      extractAmount: deps.extractAmount,
      extractOccurredOn: deps.extractOccurredOn,
      ...(surveys ? { surveys } : {}), // survey
      cases: {
        async submit(sub) {
          // The message filing the case makes it idempotent: retried after this turn failed to
          // commit, it gets this case back. A turn files one case; a later one would get a key
          // of its own.
          const key = dedupeKeyOf(input);
          const c = await createCase(
            {
              answers: { ...sub.draft, description: sub.draft.description ?? '' },
              customerId: account.customerId,
              channelAccountId: account.accountId,
              conversationKey: input.conversationKey,
              intakeChannel: input.intakeChannel,
              language: sub.language,
              incomplete: sub.incomplete,
              humanRequested: sub.humanRequested,
              dedupeKey: key && created.length > 0 ? `${key}#${created.length + 1}` : key,
              now,
            },
            { db, classifier: deps.classifier, policy: deps.policy, ...(deps.caseWriter ? { writer: deps.caseWriter } : {}) },
          );
          created.push(c);
          return c;
        },
        async requestHuman(reference) {
          const c = await db.case.findFirst({
            where: { reference, customerId: account.customerId, status: { in: OPEN_STATUSES } },
            select: { id: true },
          });
          if (!c) return false;
          await db.case.update({ where: { id: c.id }, data: { humanRequested: true } });
          await recordEvent(db, { caseId: c.id, type: 'human_requested', actor: { type: 'customer' }, at: now });
          return true;
        },
        async listOpen() {
          const rows = await db.case.findMany({
            where: { customerId: account.customerId, status: { in: OPEN_STATUSES } },
            orderBy: { createdAt: 'desc' },
            take: 10,
            select: { reference: true, status: true, regulatoryDueAt: true },
          });
          return rows.map((r) => ({ ...r, status: r.status as never }));
        },
      },
    };
  }

  return {
    // One instance (SQLite) needs only the in-process queue; the database lease is what keeps
    // several instances (PostgreSQL) from advancing one conversation at once.
    handle: (input) => {
      const key = dedupeKeyOf(input);
      const attempt = { replay: !(key && inFlight.has(key)) };
      if (key) inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
      return serialised(input.conversationKey, () =>
        deps.sharedDatabase ? withLease(input.conversationKey, (held) => turn(input, attempt, held)) : turn(input, attempt),
      ).finally(() => {
        if (!key) return;
        const left = (inFlight.get(key) ?? 1) - 1;
        if (left > 0) inFlight.set(key, left);
        else inFlight.delete(key);
      });
    },
  };
}

/** `<channel>:<update id>` when the channel gives one (TurnOpening.dedupeKey). */
function dedupeKeyOf(input: InboundMessage): string | null {
  return input.updateId ? `${input.intakeChannel}:${input.updateId}` : null;
}

function inboundEntry(input: InboundMessage, at: Date): TranscriptEntry {
  const files = input.attachments?.map((a) => `[${a.kind}${a.fileName ? `: ${a.fileName}` : ''}]`).join(' ');
  const unsupported = input.unsupported ? `[${input.unsupported}]` : undefined;
  const opened = input.opened ? '[opened the conversation]' : undefined;
  const text = [input.text, input.action && !input.text ? `[${input.action}]` : undefined, input.sharedPhone, files, unsupported, opened].filter(Boolean).join(' ');
  return {
    conversationKey: input.conversationKey,
    direction: 'in',
    author: 'customer',
    text,
    meta: input.action ? { action: input.action } : {},
    channelMessageId: input.updateId ?? null,
    at,
  };
}

/**
 * The channel's copy of a turn that ran (InboundMessage.pageCopy), for `close` to store with it.
 * Only a turn that is done has one: a failed turn's `close` stores none, and its retry runs.
 */
function pageCopy(input: InboundMessage, replies: OutboundMessage[]): { page?: PageCopy } {
  const copy = input.pageCopy;
  if (!copy) return {};
  return { page: { sessionId: copy.sessionId, inReplyTo: copy.messageId, payloads: [copy.said, ...replies.map((r) => copy.reply(r))] } };
}

/**
 * A reply in the transcript: with its buttons' labels (what staff read) and values, and the update
 * it answers (`channelMessageId`), so a redelivery of that update can send it again as it was.
 */
function outboundEntry(input: InboundMessage, r: OutboundMessage, caseId: string | null, at: Date): TranscriptEntry {
  return {
    conversationKey: input.conversationKey,
    caseId,
    direction: 'out',
    author: 'bot',
    text: r.text,
    meta: {
      ...(r.buttons ? { buttons: r.buttons.map((b) => b.label), actions: r.buttons.map((b) => b.value) } : {}),
      ...(r.requestPhone ? { requestPhone: true } : {}),
    },
    channelMessageId: input.updateId ?? null,
    at,
  };
}

/** A stored reply's meta (outboundEntry); replies stored before values were kept have none. */
const ZReplyMeta = z.object({
  buttons: z.array(z.string()).optional(),
  actions: z.array(z.string()).optional(),
  requestPhone: z.boolean().optional(),
});

/** A reply read back from the transcript, for a redelivered update (StoredReply). */
function storedReply(row: StoredReply): OutboundMessage {
  let parsed: unknown = {};
  try {
    parsed = JSON.parse(row.meta);
  } catch {
    // Unreadable meta: the text still goes out, without buttons.
  }
  const meta = ZReplyMeta.safeParse(parsed);
  const { buttons = [], actions = [], requestPhone } = meta.success ? meta.data : {};
  // Buttons only with their values: a button whose value was not kept could not be answered.
  const pressable = actions.length === buttons.length ? buttons.map((label, i) => ({ label, value: actions[i]! })) : [];
  return { text: row.text, ...(pressable.length ? { buttons: pressable } : {}), ...(requestPhone ? { requestPhone } : {}) };
}
