import type { Pool } from 'pg';
import type { CaseWriter, NewCaseRecord, WrittenCase } from '../cases/create-case.js';
import { bankDay } from '../cases/reference.js';
import { pgDate, queryNamed } from './pg-pool.js';
import { newRowId } from './row-id.js';

/** PostgreSQL types of the Case columns that are not text (prisma/postgres migrations). */
const CASE_COLUMN_TYPES: Record<string, string> = {
  createdAt: 'timestamp(3)',
  updatedAt: 'timestamp(3)',
  receivedAt: 'timestamp(3)',
  firstResponseDueAt: 'timestamp(3)',
  firstResponseAt: 'timestamp(3)',
  regulatoryDueAt: 'timestamp(3)',
  nextDueAt: 'timestamp(3)',
  acknowledgedAt: 'timestamp(3)',
  resolvedAt: 'timestamp(3)',
  closedAt: 'timestamp(3)',
  amount: 'numeric(65,30)',
  incomplete: 'boolean',
  humanRequested: 'boolean',
  extensionCount: 'integer',
  reopenCount: 'integer',
};

function pgValue(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return pgDate(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  throw new TypeError(`unexpected case column value of type ${typeof v}`);
}

/**
 * A new case as ONE statement (one round trip, atomic on its own): the day's counter is
 * incremented by `INSERT … ON CONFLICT … DO UPDATE … RETURNING` in the same statement that writes
 * the case, its first events, the customer's name and phone, and attaches the conversation's
 * transcript and evidence so far. The counter row lock is held only while the server runs that
 * one statement, never across round trips, so case creation on several instances is no longer
 * serialised by the interactive transaction the Prisma writer needs (eight round trips holding
 * the lock). The reference keeps formatReference's shape (four digits, wider past 9999).
 *
 * A case already filed by the same message (`prior`, by `dedupeKey` $12) turns the statement into
 * a lookup (CaseWriter.insert): no counter increment, no case, events or customer update, only the
 * conversation's transcript and evidence not yet on a case attached to that case (`filed`). Its
 * clocks come back as timestamptz (`AT TIME ZONE 'UTC'`): `pg` would read a bare timestamp in
 * the process's own zone. Two such statements racing (the conversation lease prevents it) would
 * not file twice: the second fails on the unique dedupeKey, undoing its counter increment.
 */
function insertSql(columns: string[]): string {
  const n = 12; // parameters before the case columns
  const values = columns.map((c, i) => `$${n + i + 1}::${CASE_COLUMN_TYPES[c] ?? 'text'}`);
  return `
WITH prior AS (
  SELECT "id", "reference", "severity", "business", "cause", "flags",
    "firstResponseDueAt" AT TIME ZONE 'UTC' AS "firstResponseDueAt", "regulatoryDueAt" AT TIME ZONE 'UTC' AS "regulatoryDueAt"
  FROM "Case" WHERE "dedupeKey" = $12::text
),
ref AS (
  INSERT INTO "ReferenceCounter" ("day", "last") SELECT $2::text, 1 WHERE NOT EXISTS (SELECT 1 FROM prior)
  ON CONFLICT ("day") DO UPDATE SET "last" = "ReferenceCounter"."last" + 1
  RETURNING "last"
),
c AS (
  INSERT INTO "Case" ("id", "reference", ${columns.map((c) => `"${c}"`).join(', ')})
  SELECT $1::text, 'C-' || $2::text || '-' || lpad(ref."last"::text, greatest(4, length(ref."last"::text)), '0'), ${values.join(', ')} FROM ref
  RETURNING "id", "reference"
),
filed AS (
  SELECT "id" FROM c UNION ALL SELECT "id" FROM prior
),
events AS (
  INSERT INTO "CaseEvent" ("id", "caseId", "createdAt", "type", "actorType", "actorId", "note", "data")
  SELECT e.id, c."id", $3::timestamp, e.type, 'customer', NULL, NULL, e.data FROM c, unnest($4::text[], $5::text[], $6::text[]) AS e(id, type, data)
  RETURNING 1
),
customer AS (
  UPDATE "Customer" SET "name" = COALESCE($8::text, "name"), "phone" = COALESCE($9::text, "phone"), "updatedAt" = $11::timestamp
  WHERE "id" = $10::text AND ($8::text IS NOT NULL OR $9::text IS NOT NULL) AND EXISTS (SELECT 1 FROM c)
  RETURNING 1
),
transcript AS (
  UPDATE "TranscriptMessage" SET "caseId" = filed."id" FROM filed WHERE "TranscriptMessage"."conversationKey" = $7::text AND "TranscriptMessage"."caseId" IS NULL
  RETURNING 1
),
evidence AS (
  UPDATE "Evidence" SET "caseId" = filed."id" FROM filed WHERE "Evidence"."conversationKey" = $7::text AND "Evidence"."caseId" IS NULL
  RETURNING 1
)
SELECT "id", "reference", false AS "existing", NULL::text AS "severity", NULL::text AS "business", NULL::text AS "cause", NULL::text AS "flags",
  NULL::timestamptz AS "firstResponseDueAt", NULL::timestamptz AS "regulatoryDueAt" FROM c
UNION ALL
SELECT "id", "reference", true, "severity", "business", "cause", "flags", "firstResponseDueAt", "regulatoryDueAt" FROM prior`;
}

/**
 * New cases on PostgreSQL through `pg` directly (src/cases/create-case.ts has the port and the
 * Prisma writer it replaces on the turn path). Same rows as the Prisma writer.
 */
export function createPgCaseWriter(pool: Pool): CaseWriter {
  const shapes = new Map<string, { name: string; text: string }>();
  function statementFor(columns: string[]) {
    const key = columns.join(',');
    let s = shapes.get(key);
    if (!s) shapes.set(key, (s = { name: `cd_case_insert_${shapes.size}`, text: insertSql(columns) }));
    return s;
  }

  return {
    async countRecent({ customerId, business, since }) {
      const res = await queryNamed<{ n: number }>(
        pool,
        'cd_case_count_recent',
        'SELECT count(*)::int AS "n" FROM "Case" WHERE "customerId" = $1 AND "business" = $2 AND "createdAt" >= $3::timestamp AND NOT "incomplete"',
        [customerId, business, pgDate(since)],
      );
      return res.rows[0]?.n ?? 0;
    },
    async insert(rec: NewCaseRecord): Promise<WrittenCase> {
      // updatedAt is the wall clock, as Prisma's @updatedAt sets it.
      const row: Record<string, unknown> = { ...rec.data, updatedAt: new Date() };
      const columns = Object.keys(row).filter((c) => row[c] !== undefined);
      const { name, text } = statementFor(columns);
      type Row = { id: string; reference: string; existing: boolean; severity: string; business: string; cause: string; flags: string; firstResponseDueAt: Date; regulatoryDueAt: Date };
      const res = await queryNamed<Row>(pool, name, text, [
        newRowId(),
        bankDay(rec.now, rec.timeZone),
        pgDate(rec.now),
        rec.events.map(() => newRowId()),
        rec.events.map((e) => e.type),
        rec.events.map((e) => JSON.stringify(e.data ?? {})),
        rec.conversationKey,
        rec.customerUpdate?.name || null,
        rec.customerUpdate?.phone || null,
        rec.customerUpdate?.customerId ?? null,
        pgDate(new Date()),
        rec.data.dedupeKey ?? null,
        ...columns.map((c) => pgValue(row[c])),
      ]);
      const { id, reference, existing, ...filed } = res.rows[0]!;
      return existing ? { id, reference, existing: filed } : { id, reference };
    },
  };
}
