import { SEEN_RESOLUTION_MS, type ChannelIdentity, type KnownAccount } from '../cases/customers.js';
import type { TranscriptEntry } from '../cases/transcript.js';
import type { EvidenceInput, StoredReply, TurnStore } from '../dialogs/turn-store.js';
import { sqlDate, type SqliteWriter } from './sqlite-writer.js';
import { newRowId } from './row-id.js';

/** The timeline entry of a case the customer's answer takes out of `awaiting_customer` (addCustomerInformation's). */
const RESUMED = { note: 'customer answered', data: JSON.stringify({ from: 'awaiting_customer', to: 'in_progress' }) };

interface AccountRow {
  id: string;
  customerId: string;
  handoffCaseId: string | null;
  conversationRef: string;
  reachable: number;
  lastSeenAt: string;
}

/**
 * The turn's writes on the embedded SQLite file (src/db/sqlite-writer.ts): each of `open` and
 * `close` is one synchronous transaction of prepared statements, where through Prisma a turn made
 * about ten round trips. The rows are exactly those Prisma writes (same columns, dates as
 * Prisma's SQLite adapter stores them, random ids where Prisma would use a cuid), so every other
 * module keeps reading them through Prisma.
 */
export function createSqliteTurnStore({ db, write }: SqliteWriter): TurnStore {
  const q = {
    processed: db.prepare<[string], { key: string }>('SELECT "key" FROM "ProcessedUpdate" WHERE "key" = ?'),
    // Through the conversation's index: a conversation's transcript is short, and this runs for
    // redelivered updates only.
    replies: db.prepare<[string, string], StoredReply>(
      'SELECT "text", "meta", "createdAt" FROM "TranscriptMessage" WHERE "conversationKey" = ? AND "channelMessageId" = ? AND "direction" = \'out\' AND "author" = \'bot\' ORDER BY "createdAt", "id"',
    ),
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
    insertEvent: db.prepare('INSERT INTO "CaseEvent" ("id", "caseId", "createdAt", "type", "actorType", "actorId", "note", "data") VALUES (?, ?, ?, ?, ?, NULL, ?, ?)'),
    resumeCase: db.prepare('UPDATE "Case" SET "status" = \'in_progress\', "updatedAt" = ? WHERE "id" = ? AND "status" = \'awaiting_customer\''),
    state: db.prepare<[string], { state: string; version: number }>('SELECT "state", "version" FROM "DialogState" WHERE "conversationKey" = ?'),
    updateState: db.prepare('UPDATE "DialogState" SET "state" = ?, "version" = "version" + 1, "updatedAt" = ? WHERE "conversationKey" = ? AND "version" = ?'),
    insertState: db.prepare('INSERT OR IGNORE INTO "DialogState" ("conversationKey", "state", "version", "updatedAt") VALUES (?, ?, 1, ?)'),
    hasCases: db.prepare<[string], { one: number }>('SELECT 1 AS "one" FROM "Case" WHERE "customerId" = ? LIMIT 1'),
    caseId: db.prepare<[string], { id: string }>('SELECT "id" FROM "Case" WHERE "reference" = ?'),
    attachOrphanEvidence: db.prepare('UPDATE "Evidence" SET "caseId" = ? WHERE "conversationKey" = ? AND "caseId" IS NULL'),
    insertPage: db.prepare('INSERT INTO "WebChatMessage" ("createdAt", "sessionId", "payload", "inReplyTo") VALUES (?, ?, ?, ?)'),
  };

  /** Finds or creates the customer behind a conversation; same rules as touchChannelAccount. */
  function touchAccount(who: ChannelIdentity): KnownAccount {
    const ref = JSON.stringify(who.conversationRef ?? {});
    const now = sqlDate(who.now);
    // createdAt and updatedAt are the wall clock, as Prisma's defaults and @updatedAt set them.
    const wall = sqlDate(new Date());
    const existing = q.accountByKey.get(who.conversationKey);
    if (existing) {
      const stale = existing.conversationRef !== ref || !existing.reachable || who.now.getTime() - Date.parse(existing.lastSeenAt) > SEEN_RESOLUTION_MS;
      if (stale) q.refreshAccount.run(who.conversationKey, ref, now, wall, existing.id);
      return { accountId: existing.id, customerId: existing.customerId, handoffCaseId: existing.handoffCaseId };
    }
    // Same user in a new conversation: the account (and its customer) moves to it.
    const sameUser = q.accountByUser.get(who.intakeChannel, who.externalUserId);
    if (sameUser) {
      q.refreshAccount.run(who.conversationKey, ref, now, wall, sameUser.id);
      return { accountId: sameUser.id, customerId: sameUser.customerId, handoffCaseId: sameUser.handoffCaseId };
    }
    const customerId = newRowId();
    const accountId = newRowId();
    q.insertCustomer.run(customerId, wall, wall, who.language ?? 'zh');
    q.insertAccount.run(accountId, wall, wall, customerId, who.intakeChannel, who.externalUserId, who.conversationKey, ref, now);
    return { accountId, customerId, handoffCaseId: null };
  }

  function insertTranscript(entries: TranscriptEntry[]) {
    // Distinct, increasing timestamps keep the order of a turn's replies when read back.
    entries.forEach((e, i) =>
      q.insertTranscript.run(
        newRowId(),
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
      q.insertEvidence.run(newRowId(), at, caseId, conversationKey, a.kind, a.fileId, a.fileName ?? null, a.mimeType ?? null, a.size ?? null, a.caption ?? null);
    }
  }

  return {
    open({ dedupeKey, identity, inbound, attachments, answers = true, relay = true, replay = false, now }) {
      return write(() => {
        if (dedupeKey && q.processed.get(dedupeKey)) {
          // The replies were stored in the commit that marked the update handled (close).
          const updateId = inbound.channelMessageId;
          return { kind: 'duplicate' as const, ...(replay && updateId ? { replies: q.replies.all(identity.conversationKey, updateId) } : {}) };
        }
        const touched = touchAccount(identity);
        // Not relayed (a survey button): the turn runs as if nobody held the conversation.
        const account = relay ? touched : { ...touched, handoffCaseId: null };
        const key = identity.conversationKey;
        const at = sqlDate(now);
        const hasCases = touched.handoffCaseId !== null || Boolean(q.hasCases.get(account.customerId));
        // A customer with cases: the message is stored now, where the case inbox or a handoff
        // looks for it. Without: it waits for `close`, so the usual turn is one commit, not two
        // (pages both commits touched went to the log twice: 16.5 → 13.5 pages per turn).
        if (hasCases) {
          insertTranscript([{ ...inbound, caseId: account.handoffCaseId }]);
          if (attachments.length) insertEvidence(key, account.handoffCaseId, attachments, at);
        }
        if (account.handoffCaseId) {
          q.insertEvent.run(newRowId(), account.handoffCaseId, at, 'customer_message', 'customer', null, '{}');
          // The customer answered a staff question: the case is worked again, as
          // addCustomerInformation does without a handoff. Only relayed turns run this.
          if (answers && q.resumeCase.run(sqlDate(new Date()), account.handoffCaseId).changes === 1) {
            q.insertEvent.run(newRowId(), account.handoffCaseId, at, 'status_changed', 'customer', RESUMED.note, RESUMED.data);
          }
          if (dedupeKey) q.markProcessed.run(dedupeKey, at);
          return { kind: 'relayed' as const, account };
        }
        const row = q.state.get(key);
        return {
          kind: 'dialog' as const,
          account: { ...account, hasCases },
          state: row ? { json: row.state || null, version: row.version } : { json: null, version: 0 },
          inboundPending: !hasCases,
        };
      });
    },

    close({ conversationKey, dedupeKey, inbound, state, attachOrphanEvidenceTo, replies, page, now }) {
      return write(() => {
        const at = sqlDate(now);
        const wall = sqlDate(new Date());
        if (inbound) {
          insertTranscript([inbound.entry]);
          if (inbound.attachments.length) insertEvidence(conversationKey, inbound.entry.caseId ?? null, inbound.attachments, at);
        }
        let saved = true;
        if (state) {
          saved = q.updateState.run(state.json, wall, conversationKey, state.expectedVersion).changes === 1;
          if (!saved && state.expectedVersion === 0) saved = q.insertState.run(conversationKey, state.json, wall).changes === 1;
        }
        if (dedupeKey) q.markProcessed.run(dedupeKey, at);
        if (attachOrphanEvidenceTo) {
          const c = q.caseId.get(attachOrphanEvidenceTo);
          if (c) q.attachOrphanEvidence.run(c.id, conversationKey);
        }
        insertTranscript(replies);
        // In this transaction: a message marked handled above always has its page copy (TurnClosing.page).
        page?.payloads.forEach((payload, i) => q.insertPage.run(sqlDate(new Date(now.getTime() + i)), page.sessionId, payload, page.inReplyTo));
        return { saved };
      });
    },
  };
}
