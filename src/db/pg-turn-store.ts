import type { Pool } from 'pg';
import { SEEN_RESOLUTION_MS } from '../cases/customers.js';
import type { TranscriptEntry } from '../cases/transcript.js';
import type { ConversationLease } from '../dialogs/state-store.js';
import type { StoredReply, TurnStore } from '../dialogs/turn-store.js';
import { pgDate, queryNamed } from './pg-pool.js';
import { newRowId } from './row-id.js';

/** A known conversation's `lastSeenAt` is refreshed at most this often (touchChannelAccount's rule). */
const SEEN_RESOLUTION_SECONDS = SEEN_RESOLUTION_MS / 1000;
/** Unique violation: two first messages of one user in two new conversations at once. */
const UNIQUE_VIOLATION = '23505';

/**
 * `open` as ONE statement (data-modifying CTEs, one round trip, atomic on its own):
 * - `dup`: the update was handled before → nothing below runs;
 * - `lease`: with an owner ($3), the conversation lease is taken in the same statement (the
 *   DialogState row is created on a first turn, as createPrismaLease does), returning the state
 *   under the lease; nothing below runs when another owner holds an unexpired lease, or when
 *   the row changed after this statement's snapshot (`seen`). The latter is READ COMMITTED's
 *   trap: an upsert that waited for another instance's `close` locks and returns the row as that
 *   commit left it, while `dup` still reads from before it — the update that instance just
 *   handled looked new, and ran again on the state it had produced. Every turn takes and gives
 *   back the lease on this row, so a row unchanged since the snapshot means `dup` is current;
 *   otherwise the turn answers `busy` and tries again on a fresh snapshot;
 * - the channel account found by conversation, or moved from the user's older conversation, or
 *   created with its customer (touchChannelAccount's rules);
 * - the customer's message and files, and during a staff handoff the timeline event and the
 *   update marked handled (the turn is relayed); a handoff case `awaiting_customer` goes back to
 *   `in_progress` with its timeline entry, as addCustomerInformation does without a handoff. With
 *   $31 false (a survey button, TurnOpening.relay) `acct` hides the handoff: the dialog runs;
 * - whether the customer has any case yet.
 */
const OPEN_SQL = `
WITH dup AS (SELECT 1 FROM "ProcessedUpdate" WHERE "key" = $2::text),
seen AS (SELECT "xmin" AS "x" FROM "DialogState" WHERE "conversationKey" = $1),
lease AS (
  INSERT INTO "DialogState" AS d ("conversationKey", "state", "version", "updatedAt", "lockedUntil", "lockedBy")
  SELECT $1, '', 0, $6::timestamp, $4::timestamp, $3::text WHERE $3::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dup)
  ON CONFLICT ("conversationKey") DO UPDATE SET "lockedUntil" = EXCLUDED."lockedUntil", "lockedBy" = EXCLUDED."lockedBy", "updatedAt" = EXCLUDED."updatedAt"
  WHERE (d."lockedUntil" IS NULL OR d."lockedUntil" < $5::timestamp OR d."lockedBy" = $3::text) AND d."xmin" = (SELECT "x" FROM seen)
  RETURNING d."state", d."version"
),
go AS (
  SELECT "state", "version" FROM lease
  UNION ALL
  SELECT s."state", s."version" FROM (SELECT 1) one LEFT JOIN "DialogState" s ON s."conversationKey" = $1
  WHERE $3::text IS NULL AND NOT EXISTS (SELECT 1 FROM dup)
),
by_key AS (
  SELECT "id", "customerId", "handoffCaseId",
    ("conversationRef" <> $9::text OR NOT "reachable" OR "lastSeenAt" < $5::timestamp - interval '${SEEN_RESOLUTION_SECONDS} seconds') AS stale
  FROM "ChannelAccount" WHERE "conversationKey" = $1
),
by_user AS (
  SELECT "id", "customerId", "handoffCaseId" FROM "ChannelAccount"
  WHERE "channel" = $7 AND "externalUserId" = $8 AND NOT EXISTS (SELECT 1 FROM by_key)
),
refresh AS (
  UPDATE "ChannelAccount" SET "conversationKey" = $1, "conversationRef" = $9::text, "lastSeenAt" = $5::timestamp, "reachable" = true,
    "unreachableReason" = CASE WHEN "conversationKey" = $1 THEN NULL ELSE "unreachableReason" END, "updatedAt" = $6::timestamp
  WHERE "id" IN (SELECT "id" FROM by_key WHERE stale UNION ALL SELECT "id" FROM by_user) AND EXISTS (SELECT 1 FROM go)
  RETURNING 1
),
new_customer AS (
  INSERT INTO "Customer" ("id", "createdAt", "updatedAt", "language")
  SELECT $11, $6::timestamp, $6::timestamp, $10 WHERE EXISTS (SELECT 1 FROM go) AND NOT EXISTS (SELECT 1 FROM by_key) AND NOT EXISTS (SELECT 1 FROM by_user)
  RETURNING "id"
),
new_account AS (
  INSERT INTO "ChannelAccount" ("id", "createdAt", "updatedAt", "customerId", "channel", "externalUserId", "conversationKey", "conversationRef", "lastSeenAt")
  SELECT $12, $6::timestamp, $6::timestamp, "id", $7, $8, $1, $9::text, $5::timestamp FROM new_customer
  RETURNING "id", "customerId", "handoffCaseId"
),
found AS (
  SELECT "id", "customerId", "handoffCaseId" FROM by_key
  UNION ALL SELECT "id", "customerId", "handoffCaseId" FROM by_user
  UNION ALL SELECT "id", "customerId", "handoffCaseId" FROM new_account
),
acct AS (SELECT "id", "customerId", CASE WHEN $31::boolean THEN "handoffCaseId" END AS "handoffCaseId" FROM found),
msg AS (
  INSERT INTO "TranscriptMessage" ("id", "createdAt", "conversationKey", "caseId", "direction", "author", "staffUserId", "text", "meta", "channelMessageId")
  SELECT $13, $14::timestamp, $1, a."handoffCaseId", $15, $16, $17, $18, $19, $20 FROM acct a WHERE EXISTS (SELECT 1 FROM go)
  RETURNING 1
),
files AS (
  INSERT INTO "Evidence" ("id", "createdAt", "caseId", "conversationKey", "kind", "fileId", "fileName", "mimeType", "size", "caption")
  SELECT f.id, $5::timestamp, a."handoffCaseId", $1, f.kind, f.file_id, f.file_name, f.mime_type, f.size, f.caption
  FROM acct a, unnest($21::text[], $22::text[], $23::text[], $24::text[], $25::text[], $26::int[], $27::text[]) AS f(id, kind, file_id, file_name, mime_type, size, caption)
  WHERE EXISTS (SELECT 1 FROM go)
  RETURNING 1
),
relay AS (
  INSERT INTO "CaseEvent" ("id", "caseId", "createdAt", "type", "actorType", "actorId", "note", "data")
  SELECT $28, a."handoffCaseId", $5::timestamp, 'customer_message', 'customer', NULL, NULL, '{}' FROM acct a
  WHERE a."handoffCaseId" IS NOT NULL AND EXISTS (SELECT 1 FROM go)
  RETURNING 1
),
resumed AS (
  UPDATE "Case" SET "status" = 'in_progress', "updatedAt" = $6::timestamp
  WHERE $30::boolean AND "id" IN (SELECT "handoffCaseId" FROM acct) AND "status" = 'awaiting_customer' AND EXISTS (SELECT 1 FROM go)
  RETURNING "id"
),
resumed_event AS (
  INSERT INTO "CaseEvent" ("id", "caseId", "createdAt", "type", "actorType", "actorId", "note", "data")
  SELECT $29, "id", $5::timestamp, 'status_changed', 'customer', NULL, 'customer answered', '{"from":"awaiting_customer","to":"in_progress"}' FROM resumed
  RETURNING 1
),
handled AS (
  INSERT INTO "ProcessedUpdate" ("key", "createdAt")
  SELECT $2::text, $5::timestamp FROM acct a WHERE $2::text IS NOT NULL AND a."handoffCaseId" IS NOT NULL AND EXISTS (SELECT 1 FROM go)
  ON CONFLICT DO NOTHING
  RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM dup) AS "duplicate", EXISTS (SELECT 1 FROM go) AS "go",
  (SELECT "state" FROM go LIMIT 1) AS "state", (SELECT "version" FROM go LIMIT 1) AS "version",
  a."id" AS "accountId", a."customerId", a."handoffCaseId",
  EXISTS (SELECT 1 FROM "Case" c WHERE c."customerId" = a."customerId") AS "hasCases"
FROM (SELECT 1) one LEFT JOIN acct a ON true`;

interface OpenRow {
  duplicate: boolean;
  go: boolean;
  state: string | null;
  version: number | null;
  accountId: string | null;
  customerId: string | null;
  handoffCaseId: string | null;
  hasCases: boolean;
}

/**
 * `close` as ONE statement: the new dialog state (optimistic version; on a first turn without a
 * lease row, inserted), the lease given back with it, the update marked handled, orphan files
 * attached to the case just filed, the replies, and the page's copy of the turn (TurnClosing.page:
 * $19 session, $20 the message's id, $21/$22 times and payloads; empty arrays without one), in
 * order: their sequence numbers are taken in the order of `n`.
 */
function closeSql(withState: boolean): string {
  const state = withState
    ? `st AS (
  UPDATE "DialogState" SET "state" = $3::text, "version" = "version" + 1, "updatedAt" = $6::timestamp,
    "lockedUntil" = CASE WHEN "lockedBy" = $5::text THEN NULL ELSE "lockedUntil" END,
    "lockedBy" = CASE WHEN "lockedBy" = $5::text THEN NULL ELSE "lockedBy" END
  WHERE "conversationKey" = $1 AND "version" = $4::int
  RETURNING 1
),
ins AS (
  INSERT INTO "DialogState" ("conversationKey", "state", "version", "updatedAt")
  SELECT $1, $3::text, 1, $6::timestamp WHERE $4::int = 0 AND NOT EXISTS (SELECT 1 FROM st)
  ON CONFLICT DO NOTHING
  RETURNING 1
)`
    : `st AS (
  UPDATE "DialogState" SET "lockedUntil" = NULL, "lockedBy" = NULL, "updatedAt" = $6::timestamp
  WHERE "conversationKey" = $1 AND "lockedBy" = $5::text AND $3::text IS NULL AND $4::int IS NULL
  RETURNING 1
),
ins AS (SELECT 1 WHERE false)`;
  return `
WITH ${state},
handled AS (
  INSERT INTO "ProcessedUpdate" ("key", "createdAt") SELECT $2::text, $7::timestamp WHERE $2::text IS NOT NULL
  ON CONFLICT DO NOTHING
  RETURNING 1
),
orphans AS (
  UPDATE "Evidence" e SET "caseId" = c."id" FROM "Case" c
  WHERE c."reference" = $8::text AND e."conversationKey" = $1 AND e."caseId" IS NULL
  RETURNING 1
),
replies AS (
  INSERT INTO "TranscriptMessage" ("id", "createdAt", "conversationKey", "caseId", "direction", "author", "staffUserId", "text", "meta", "channelMessageId")
  SELECT r.id, r.created_at, r.conversation_key, r.case_id, r.direction, r.author, r.staff_user_id, r.text, r.meta, r.channel_message_id
  FROM unnest($9::text[], $10::timestamp[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[])
    AS r(id, created_at, conversation_key, case_id, direction, author, staff_user_id, text, meta, channel_message_id)
  RETURNING 1
),
page AS (
  INSERT INTO "WebChatMessage" ("createdAt", "sessionId", "payload", "inReplyTo")
  SELECT p.created_at, $19::text, p.payload, $20::text
  FROM unnest($21::timestamp[], $22::text[]) WITH ORDINALITY AS p(created_at, payload, n)
  ORDER BY p.n
  RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM st) AS "updated", EXISTS (SELECT 1 FROM ins) AS "inserted"`;
}

/**
 * The replies of the turn that handled a redelivered update ($1 conversation, $2 the update's
 * id): a second round trip, made for duplicates only. `open`'s statement saw the update handled,
 * and `close` committed the mark with these rows, so this later snapshot has them.
 */
const REPLIES_SQL = `SELECT "text", "meta", "createdAt" FROM "TranscriptMessage"
WHERE "conversationKey" = $1 AND "channelMessageId" = $2 AND "direction" = 'out' AND "author" = 'bot'
ORDER BY "createdAt", "id"`;

/**
 * The conversation lease of createPrismaLease as single statements, for renewing a long turn and
 * giving back a lease `close` did not (duplicate, relayed, failed turns).
 */
function createPgLease(pool: Pool): ConversationLease {
  return {
    async acquire(conversationKey, owner, now, ttlMs) {
      const res = await queryNamed(
        pool,
        'cd_lease_acquire',
        `INSERT INTO "DialogState" AS d ("conversationKey", "state", "version", "updatedAt", "lockedUntil", "lockedBy")
         VALUES ($1, '', 0, $4::timestamp, $3::timestamp, $2)
         ON CONFLICT ("conversationKey") DO UPDATE SET "lockedUntil" = EXCLUDED."lockedUntil", "lockedBy" = EXCLUDED."lockedBy", "updatedAt" = EXCLUDED."updatedAt"
         WHERE d."lockedUntil" IS NULL OR d."lockedUntil" < $5::timestamp OR d."lockedBy" = $2
         RETURNING 1`,
        [conversationKey, owner, pgDate(new Date(now.getTime() + ttlMs)), pgDate(new Date()), pgDate(now)],
      );
      return res.rows.length === 1;
    },
    async renew(conversationKey, owner, now, ttlMs) {
      const res = await queryNamed(
        pool,
        'cd_lease_renew',
        'UPDATE "DialogState" SET "lockedUntil" = $3::timestamp, "updatedAt" = $4::timestamp WHERE "conversationKey" = $1 AND "lockedBy" = $2',
        [conversationKey, owner, pgDate(new Date(now.getTime() + ttlMs)), pgDate(new Date())],
      );
      return res.rowCount === 1;
    },
    async release(conversationKey, owner) {
      await queryNamed(
        pool,
        'cd_lease_release',
        'UPDATE "DialogState" SET "lockedUntil" = NULL, "lockedBy" = NULL, "updatedAt" = $3::timestamp WHERE "conversationKey" = $1 AND "lockedBy" = $2',
        [conversationKey, owner, pgDate(new Date())],
      );
    },
  };
}

/**
 * The turn's writes on PostgreSQL through `pg` directly: `open` and `close` are one statement
 * each (one round trip, atomic), and the conversation lease of several instances is taken in
 * `open`'s statement and given back in `close`'s — two round trips per ordinary turn, where the
 * Prisma path made about ten plus two or three for the lease. The rows are exactly those Prisma
 * writes (same columns, timestamps as UTC like Prisma's adapter, random UUIDs where Prisma would
 * use a cuid), so every other module keeps reading them through Prisma.
 */
export function createPgTurnStore(pool: Pool): TurnStore {
  const lease = createPgLease(pool);
  return {
    lease,

    async open({ dedupeKey, identity, inbound, attachments, answers = true, relay = true, replay = false, now, lease: held }) {
      const key = identity.conversationKey;
      // createdAt and updatedAt are the wall clock, as Prisma's defaults and @updatedAt set them.
      const wall = pgDate(new Date());
      const params = [
        key,
        dedupeKey,
        held?.owner ?? null,
        held ? pgDate(new Date(now.getTime() + held.ttlMs)) : null,
        pgDate(now),
        wall,
        identity.intakeChannel,
        identity.externalUserId,
        JSON.stringify(identity.conversationRef ?? {}),
        identity.language ?? 'zh',
        newRowId(),
        newRowId(),
        newRowId(),
        pgDate(inbound.at),
        inbound.direction,
        inbound.author,
        inbound.staffUserId ?? null,
        inbound.text,
        JSON.stringify(inbound.meta ?? {}),
        inbound.channelMessageId ?? null,
        attachments.map(() => newRowId()),
        attachments.map((a) => a.kind),
        attachments.map((a) => a.fileId),
        attachments.map((a) => a.fileName ?? null),
        attachments.map((a) => a.mimeType ?? null),
        attachments.map((a) => a.size ?? null),
        attachments.map((a) => a.caption ?? null),
        newRowId(),
        newRowId(),
        answers,
        relay,
      ];
      let row: OpenRow;
      try {
        row = (await queryNamed<OpenRow>(pool, 'cd_turn_open', OPEN_SQL, params)).rows[0]!;
      } catch (e) {
        // The same user's first messages in two new conversations at once: the statement wrote
        // nothing; again, it finds the account the other one created (and moves it).
        if ((e as { code?: string }).code !== UNIQUE_VIOLATION) throw e;
        row = (await queryNamed<OpenRow>(pool, 'cd_turn_open', OPEN_SQL, params)).rows[0]!;
      }
      if (row.duplicate) {
        const updateId = inbound.channelMessageId;
        if (!replay || !updateId) return { kind: 'duplicate' };
        const replies = await queryNamed<StoredReply>(pool, 'cd_turn_replies', REPLIES_SQL, [key, updateId]);
        return { kind: 'duplicate', replies: replies.rows };
      }
      if (!row.go) return { kind: 'busy' };
      if (held) held.held = true;
      const account = { accountId: row.accountId!, customerId: row.customerId!, handoffCaseId: row.handoffCaseId };
      if (account.handoffCaseId) return { kind: 'relayed', account };
      return {
        kind: 'dialog',
        account: { ...account, hasCases: row.hasCases },
        state: row.version === null ? { json: null, version: 0 } : { json: row.state || null, version: row.version },
      };
    },

    async close({ conversationKey, dedupeKey, state, attachOrphanEvidenceTo, replies, page, now, lease: held }) {
      const owner = held?.held ? held.owner : null;
      const rows = transcriptColumns(replies);
      const res = await queryNamed<{ updated: boolean; inserted: boolean }>(pool, state ? 'cd_turn_close' : 'cd_turn_close_nostate', closeSql(Boolean(state)), [
        conversationKey,
        dedupeKey,
        state?.json ?? null,
        state?.expectedVersion ?? null,
        owner,
        pgDate(new Date()),
        pgDate(now),
        attachOrphanEvidenceTo ?? null,
        ...rows,
        page?.sessionId ?? null,
        page?.inReplyTo ?? null,
        (page?.payloads ?? []).map((_, i) => pgDate(new Date(now.getTime() + i))),
        page?.payloads ?? [],
      ]);
      const { updated, inserted } = res.rows[0]!;
      // The lease went back with the state (or alone); after a refused save it is still held.
      if (held && (state ? updated : true)) held.held = false;
      return { saved: state ? updated || inserted : true };
    },
  };
}

/** A turn's transcript entries as column arrays for `unnest`, with distinct increasing times. */
function transcriptColumns(entries: TranscriptEntry[]): unknown[][] {
  return [
    entries.map(() => newRowId()),
    entries.map((e, i) => pgDate(new Date(e.at.getTime() + i))),
    entries.map((e) => e.conversationKey),
    entries.map((e) => e.caseId ?? null),
    entries.map((e) => e.direction),
    entries.map((e) => e.author),
    entries.map((e) => e.staffUserId ?? null),
    entries.map((e) => e.text),
    entries.map((e) => JSON.stringify(e.meta ?? {})),
    entries.map((e) => e.channelMessageId ?? null),
  ];
}
