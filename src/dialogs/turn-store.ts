import type { ChannelIdentity, KnownAccount } from '../cases/customers.js';
import type { TranscriptEntry } from '../cases/transcript.js';
import type { StoredState } from './state-store.js';

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
  now: Date;
}

/**
 * What a turn found when it opened:
 * - `duplicate`: this update was handled before; nothing was written.
 * - `relayed`: a staff member is talking with the customer (handoff); the message was filed on
 *   that case, its timeline noted it, and the update is marked handled — the bot says nothing.
 * - `dialog`: the message is stored; the dialog runs on `state`.
 */
export type TurnStart =
  | { kind: 'duplicate' }
  | { kind: 'relayed'; account: KnownAccount }
  | { kind: 'dialog'; account: KnownAccount; state: StoredState };

export interface TurnClosing {
  conversationKey: string;
  dedupeKey: string | null;
  /** The dialog's new state; absent when the turn did not run the dialog. */
  state?: { json: string; expectedVersion: number };
  /** Files sent after an intake belong to the case just filed (by reference). */
  attachOrphanEvidenceTo?: string;
  /** The bot's replies; `caseReference` names the case they belong to when `caseId` is unknown. */
  replies: TranscriptEntry[];
  caseReference?: string;
  now: Date;
}

/**
 * The writes every customer turn makes, as two calls: `open` before the dialog runs (so the
 * customer's message is stored before anything can fail — nothing accepted is lost) and `close`
 * after (the new state, the update marked handled and the replies, together). Each is one
 * transaction where the database allows it: the turn path is the product's hottest code, and a
 * handful of small round trips per message is what limits throughput.
 *
 * Implementations: Prisma (any database; src/dialogs/prisma-turn-store.ts) and synchronous
 * SQLite (src/db/sqlite-turn-store.ts).
 */
export interface TurnStore {
  open(turn: TurnOpening): Promise<TurnStart>;
  /** False when the dialog state moved on since it was read (another instance's turn). */
  close(turn: TurnClosing): Promise<{ saved: boolean }>;
}
