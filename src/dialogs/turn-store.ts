import type { ChannelIdentity, KnownAccount } from '../cases/customers.js';
import type { TranscriptEntry } from '../cases/transcript.js';
import type { ConversationLease, StoredState } from './state-store.js';

/** A file the customer sent with a message, kept as evidence. */
export interface EvidenceInput {
  kind: string;
  fileId: string;
  fileName?: string | null;
  mimeType?: string | null;
  size?: number | null;
  caption?: string | null;
}

export interface TurnOpening {
  /** `<channel>:<update id>` when the channel gives one: the update is handled once. */
  dedupeKey: string | null;
  identity: ChannelIdentity;
  /** The customer's message; its `caseId` is filled in by the store (the handoff case, if any). */
  inbound: TranscriptEntry;
  attachments: EvidenceInput[];
  /**
   * The message says something (text or files): relayed during a handoff, it answers a staff
   * question (an `awaiting_customer` case goes back to `in_progress`). A button press or a
   * sticker does not. Default true.
   */
  answers?: boolean;
  /**
   * During a handoff the message goes to staff (`relayed`). False for a survey button: it answers
   * the survey it names, so the dialog runs (`dialog`) and nothing is filed on the handoff case.
   * Default true.
   */
  relay?: boolean;
  /**
   * A redelivered update gets the replies of the turn that handled it (`duplicate.replies`): the
   * process may have died after that turn committed and before its replies reached the channel.
   * False where the channel keeps its own copy of the turn (the web chat page, PageCopy). Default false.
   */
  replay?: boolean;
  now: Date;
  /** Stores with a lease of their own (`TurnStore.lease`) take it in the same statement. */
  lease?: TurnLease;
}

/**
 * The conversation lease of one turn when the store takes it itself: `open` takes it with its
 * first statement (or answers `busy`) and `close` gives it back with its own; `held` tells the
 * turn runner whether it still has to give it back (a duplicate, a relayed message, a failure).
 */
export interface TurnLease {
  owner: string;
  ttlMs: number;
  /** Set by the store. */
  held: boolean;
}

/** The customer's message and files, when `open` left them for `close` to store. */
export interface PendingInbound {
  /** Its `caseId` is the case the turn filed, if it filed one. */
  entry: TranscriptEntry;
  attachments: EvidenceInput[];
}

/**
 * A reply of the turn that handled an update, as that turn's `close` stored it in the transcript:
 * bot entries of the conversation whose `channelMessageId` is the update's id, in order.
 */
export interface StoredReply {
  text: string;
  /** The entry's meta as stored (JSON text): the buttons' labels and values (run-turn.ts). */
  meta: string;
  /** When the turn stored it (a Date, or the ISO text SQLite keeps). */
  createdAt: Date | string;
}

/**
 * What a turn found when it opened:
 * - `duplicate`: this update was handled before; nothing was written. With `replay`, `replies`
 *   are the replies that turn stored (none for a relayed message or a turn without replies).
 * - `busy`: another instance holds the conversation's lease (only with `lease`); nothing was written.
 * - `relayed`: a staff member is talking with the customer (handoff); the message was filed on
 *   that case, its timeline noted it (a case `awaiting_customer` goes back to `in_progress`), and
 *   the update is marked handled — the bot says nothing.
 * - `dialog`: the dialog runs on `state`. The message is stored, unless `inboundPending`: then
 *   `close` stores it (`TurnClosing.inbound`), in the same transaction as the replies. A store
 *   may leave it pending only for a customer without cases (`hasCases: false`), whose message
 *   no other module looks for during the turn (the case inbox files messages of customers with
 *   cases). Nothing accepted is lost either way: a turn is acknowledged to the channel only after
 *   `close`, and a turn that fails stores the message through `close` before the apology.
 */
export type TurnStart =
  | { kind: 'duplicate'; replies?: StoredReply[] }
  | { kind: 'busy' }
  | { kind: 'relayed'; account: KnownAccount }
  | { kind: 'dialog'; account: KnownAccount; state: StoredState; inboundPending?: boolean };

export interface TurnClosing {
  conversationKey: string;
  dedupeKey: string | null;
  /** The customer's message, when `open` left it pending; stored before the replies. */
  inbound?: PendingInbound;
  /** The dialog's new state; absent when the turn did not run the dialog. */
  state?: { json: string; expectedVersion: number };
  /** Files sent after an intake belong to the case just filed (by reference). */
  attachOrphanEvidenceTo?: string;
  /** The bot's replies, each with the case it belongs to, if any. */
  replies: TranscriptEntry[];
  /** The channel's copy of this turn, stored with it (PageCopy). */
  page?: PageCopy;
  now: Date;
  lease?: TurnLease;
}

/**
 * Rows of the WebChatMessage table written by `close` in the turn's own transaction (see
 * PageCopyRequest in src/dialogs/types.ts): `payloads` in order, the customer's message first,
 * each with `inReplyTo`, `createdAt` `now` plus its index (distinct, increasing).
 */
export interface PageCopy {
  sessionId: string;
  inReplyTo: string;
  payloads: string[];
}

/**
 * The writes every customer turn makes, as two calls: `open` before the dialog runs (the
 * customer's message, unless the store leaves it for `close`; see TurnStart) and `close` after
 * (the new state, the update marked handled, the replies and the channel's copy of them
 * (`page`), together: a turn is there with its replies or not at all). Each is one transaction
 * where the database allows it: the turn path is the product's hottest code, and a handful of
 * small round trips (or commits) per message is what limits throughput.
 *
 * Implementations: Prisma (any database; src/dialogs/prisma-turn-store.ts), synchronous SQLite
 * (src/db/sqlite-turn-store.ts, the only one that leaves messages pending) and PostgreSQL
 * (src/db/pg-turn-store.ts).
 */
export interface TurnStore {
  /**
   * Present when the store takes the conversation lease inside `open` and `close` (PostgreSQL,
   * src/db/pg-turn-store.ts): the turn runner then only renews it and gives back what is left.
   */
  lease?: ConversationLease;
  open(turn: TurnOpening): Promise<TurnStart>;
  /** False when the dialog state moved on since it was read (another instance's turn). */
  close(turn: TurnClosing): Promise<{ saved: boolean }>;
}
