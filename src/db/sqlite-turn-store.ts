import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { ChannelIdentity, KnownAccount } from '../cases/customers.js';
import type { TranscriptEntry } from '../cases/transcript.js';
import type { EvidenceInput, TurnStore } from '../dialogs/turn-store.js';

/** A known conversation's `lastSeenAt` is refreshed at most this often (as touchChannelAccount). */
const SEEN_RESOLUTION_MS = 60_000;
/** How long a turn keeps retrying while another connection holds the write lock. */
const BUSY_GIVE_UP_MS = 10_000;

/** Prisma's SQLite driver adapter stores DateTime as ISO 8601 text with an explicit offset. */
const sqlDate = (d: Date) => d.toISOString().replace('Z', '+00:00');

interface AccountRow {
  id: string;
  customerId: string;
  handoffCaseId: string | null;
  conversationRef: string;
  reachable: number;
  lastSeenAt: string;
}

export interface SqliteTurnStore extends TurnStore {
  /** Closes the store's connection (at shutdown). */
  dispose(): void;
}

/**
 * The turn's writes on the embedded SQLite file, on a connection of its own, as prepared
 * statements inside one synchronous transaction per call. Why not Prisma: a turn made ten Prisma
 * round trips, and Prisma's query compiler and driver adapter cost more CPU than everything
 * else in a turn together (docs/benchmarks.md). Here a turn's two transactions take a few tens
 * of microseconds.
 *
 * The rows are exactly those Prisma writes (same columns, dates as Prisma's SQLite adapter stores
 * them, random ids where Prisma would use a cuid), so every other module keeps reading them
 * through Prisma. A synchronous transaction never holds the write lock across an `await`, so it
 * never makes Prisma wait; when a Prisma transaction holds the lock, the call retries shortly
 * instead of blocking the event loop (Prisma's own transactions start IMMEDIATE, see
 * src/db/client.ts, so they never see this connection's writes mid-transaction).
 */
export function createSqliteTurnStore(filePath: string): SqliteTurnStore {
  // timeout 0: a busy database answers at once and the caller retries asynchronously; a busy
  // wait here would block the event loop, and with it the Prisma transaction holding the lock.
  const db = new Database(filePath, { timeout: 0 });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');

  const q = {
    processed: db.prepare<[string], { key: string }>('SELECT "key" FROM "ProcessedUpdate" WHERE "key" = ?'),
    markProcessed: db.prepare('INSERT OR IGNORE INTO "ProcessedUpdate" ("key", "createdAt") VALUES (?, ?)'),
    accountByKey: db.prepare<[string], AccountRow>(
      'SELECT "id", "customerId", "handoffCaseId", "conversationRef", "reachable", "lastSeenAt" FROM "ChannelAccount" WHERE "conversationKey" = ?',
    ),
    accountByUser: db.prepare<[string, string], AccountRow>(
      'SELECT "id", "customerId", "handoffCaseId", "conversationRef", "reachable", "lastSeenAt" FROM "ChannelAccount" WHERE "channel" = ? AND "externalUserId" = ?',
    ),
    refreshAccount: db.prepare(
      'UPDATE "ChannelAccount" SET "conversationKey" = ?, "conversationRef" = ?, "lastSeenAt" = ?, "reachable" = 1, "unreachableReason" = NULL, "updatedAt" = ? WHERE "id" = ?',
    ),
    insertCustomer: db.prepare('INSERT INTO "Customer" ("id", "createdAt", "updatedAt", "language") VALUES (?, ?, ?, ?)'),
    insertAccount: db.prepare(
      'INSERT INTO "ChannelAccount" ("id", "createdAt", "updatedAt", "customerId", "channel", "externalUserId", "conversationKey", "conversationRef", "lastSeenAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertTranscript: db.prepare(
      'INSERT INTO "TranscriptMessage" ("id", "createdAt", "conversationKey", "caseId", "direction", "author", "staffUserId", "text", "meta", "channelMessageId") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertEvidence: db.prepare(
      'INSERT INTO "Evidence" ("id", "createdAt", "caseId", "conversationKey", "kind", "fileId", "fileName", "mimeType", "size", "caption") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertEvent: db.prepare('INSERT INTO "CaseEvent" ("id", "caseId", "createdAt", "type", "actorType", "actorId", "note", "data") VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)'),
    state: db.prepare<[string], { state: string; version: number }>('SELECT "state", "version" FROM "DialogState" WHERE "conversationKey" = ?'),
    updateState: db.prepare('UPDATE "DialogState" SET "state" = ?, "version" = "version" + 1, "updatedAt" = ? WHERE "conversationKey" = ? AND "version" = ?'),
    insertState: db.prepare('INSERT OR IGNORE INTO "DialogState" ("conversationKey", "state", "version", "updatedAt") VALUES (?, ?, 1, ?)'),
    caseId: db.prepare<[string], { id: string }>('SELECT "id" FROM "Case" WHERE "reference" = ?'),
    attachOrphanEvidence: db.prepare('UPDATE "Evidence" SET "caseId" = ? WHERE "conversationKey" = ? AND "caseId" IS NULL'),
  };

  /** Finds or creates the customer behind a conversation; same rules as touchChannelAccount. */
  function touchAccount(who: ChannelIdentity): KnownAccount {
    const ref = JSON.stringify(who.conversationRef ?? {});
    const now = sqlDate(who.now);
    const existing = q.accountByKey.get(who.conversationKey);
    if (existing) {
      const stale = existing.conversationRef !== ref || !existing.reachable || who.now.getTime() - Date.parse(existing.lastSeenAt) > SEEN_RESOLUTION_MS;
      if (stale) q.refreshAccount.run(who.conversationKey, ref, now, now, existing.id);
      return { accountId: existing.id, customerId: existing.customerId, handoffCaseId: existing.handoffCaseId };
    }
    // Same user in a new conversation: the account (and its customer) moves to it.
    const sameUser = q.accountByUser.get(who.intakeChannel, who.externalUserId);
    if (sameUser) {
      q.refreshAccount.run(who.conversationKey, ref, now, now, sameUser.id);
      return { accountId: sameUser.id, customerId: sameUser.customerId, handoffCaseId: sameUser.handoffCaseId };
    }
    const customerId = randomUUID();
    const accountId = randomUUID();
    q.insertCustomer.run(customerId, now, now, who.language ?? 'zh');
    q.insertAccount.run(accountId, now, now, customerId, who.intakeChannel, who.externalUserId, who.conversationKey, ref, now);
    return { accountId, customerId, handoffCaseId: null };
  }

  function insertTranscript(entries: TranscriptEntry[]) {
    // Distinct, increasing timestamps keep the order of a turn's replies when read back.
    entries.forEach((e, i) =>
      q.insertTranscript.run(
        randomUUID(),
        sqlDate(new Date(e.at.getTime() + i)),
        e.conversationKey,
        e.caseId ?? null,
        e.direction,
        e.author,
        e.staffUserId ?? null,
        e.text,
        JSON.stringify(e.meta ?? {}),
        e.channelMessageId ?? null,
      ),
    );
  }

  function insertEvidence(conversationKey: string, caseId: string | null, files: EvidenceInput[], at: string) {
    for (const a of files) {
      q.insertEvidence.run(randomUUID(), at, caseId, conversationKey, a.kind, a.fileId, a.fileName ?? null, a.mimeType ?? null, a.size ?? null, a.caption ?? null);
    }
  }

  /** Runs `work` as one IMMEDIATE transaction, retrying while another connection writes. */
  async function write<T>(work: () => T): Promise<T> {
    const tx = db.transaction(work);
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return tx.immediate();
      } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() - started > BUSY_GIVE_UP_MS) throw e;
        await new Promise((r) => setTimeout(r, Math.min(1 + attempt, 20)));
      }
    }
  }

  return {
    open({ dedupeKey, identity, inbound, attachments, now }) {
      return write(() => {
        if (dedupeKey && q.processed.get(dedupeKey)) return { kind: 'duplicate' as const };
        const account = touchAccount(identity);
        const key = identity.conversationKey;
        const at = sqlDate(now);
        // The customer's message is stored before anything can fail: nothing accepted is lost.
        insertTranscript([{ ...inbound, caseId: account.handoffCaseId }]);
        if (attachments.length) insertEvidence(key, account.handoffCaseId, attachments, at);
        if (account.handoffCaseId) {
          q.insertEvent.run(randomUUID(), account.handoffCaseId, at, 'customer_message', 'customer', '{}');
          if (dedupeKey) q.markProcessed.run(dedupeKey, at);
          return { kind: 'relayed' as const, account };
        }
        const row = q.state.get(key);
        return { kind: 'dialog' as const, account, state: row ? { json: row.state || null, version: row.version } : { json: null, version: 0 } };
      });
    },

    close({ conversationKey, dedupeKey, state, attachOrphanEvidenceTo, replies, caseReference, now }) {
      return write(() => {
        const at = sqlDate(now);
        let saved = true;
        if (state) {
          saved = q.updateState.run(state.json, at, conversationKey, state.expectedVersion).changes === 1;
          if (!saved && state.expectedVersion === 0) saved = q.insertState.run(conversationKey, state.json, at).changes === 1;
        }
        if (dedupeKey) q.markProcessed.run(dedupeKey, at);
        if (attachOrphanEvidenceTo) {
          const c = q.caseId.get(attachOrphanEvidenceTo);
          if (c) q.attachOrphanEvidence.run(c.id, conversationKey);
        }
        const replyCase = caseReference ? (q.caseId.get(caseReference)?.id ?? null) : null;
        insertTranscript(replyCase ? replies.map((r) => ({ ...r, caseId: r.caseId ?? replyCase })) : replies);
        return { saved };
      });
    },

    dispose() {
      db.close();
    },
  };
}
