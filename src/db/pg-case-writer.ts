import type { Pool } from 'pg';
import type { CaseWriter, NewCaseRecord } from '../cases/create-case.js';
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
 */
function insertSql(columns: string[]): string {
  const n = 11; // parameters before the case columns
  const values = columns.map((c, i) => `$${n + i + 1}::${CASE_COLUMN_TYPES[c] ?? 'text'}`);
  return `
WITH ref AS (
  INSERT INTO "ReferenceCounter" ("day", "last") VALUES ($2::text, 1)
  ON CONFLICT ("day") DO UPDATE SET "last" = "ReferenceCounter"."last" + 1
  RETURNING "last"
),
c AS (
  INSERT INTO "Case" ("id", "reference", ${columns.map((c) => `"${c}"`).join(', ')})
  SELECT $1::text, 'C-' || $2::text || '-' || lpad(ref."last"::text, greatest(4, length(ref."last"::text)), '0'), ${values.join(', ')} FROM ref
  RETURNING "id", "reference"
),
events AS (
  INSERT INTO "CaseEvent" ("id", "caseId", "createdAt", "type", "actorType", "actorId", "note", "data")
  SELECT e.id, c."id", $3::timestamp, e.type, 'customer', NULL, NULL, e.data FROM c, unnest($4::text[], $5::text[], $6::text[]) AS e(id, type, data)
  RETURNING 1
),
customer AS (
  UPDATE "Customer" SET "name" = COALESCE($8::text, "name"), "phone" = COALESCE($9::text, "phone"), "updatedAt" = $11::timestamp
  WHERE "id" = $10::text AND ($8::text IS NOT NULL OR $9::text IS NOT NULL)
  RETURNING 1
),
transcript AS (
  UPDATE "TranscriptMessage" SET "caseId" = c."id" FROM c WHERE "TranscriptMessage"."conversationKey" = $7::text AND "TranscriptMessage"."caseId" IS NULL
  RETURNING 1
),
evidence AS (
  UPDATE "Evidence" SET "caseId" = c."id" FROM c WHERE "Evidence"."conversationKey" = $7::text AND "Evidence"."caseId" IS NULL
  RETURNING 1
)
SELECT "id", "reference" FROM c`;
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
    async insert(rec: NewCaseRecord) {
      // updatedAt is the wall clock, as Prisma's @updatedAt sets it.
      const row: Record<string, unknown> = { ...rec.data, updatedAt: new Date() };
      const columns = Object.keys(row).filter((c) => row[c] !== undefined);
      const { name, text } = statementFor(columns);
      const res = await queryNamed<{ id: string; reference: string }>(pool, name, text, [
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
        ...columns.map((c) => pgValue(row[c])),
      ]);
      return res.rows[0]!;
    },
  };
}
