import type { CaseWriter, NewCaseRecord, WrittenCase } from '../cases/create-case.js';
import { bankDay, formatReference } from '../cases/reference.js';
import { sqlDate, type SqliteWriter } from './sqlite-writer.js';
import { newRowId } from './row-id.js';

type Column = string | number | null;

/** A column value as Prisma's SQLite adapter stores it (dates as ISO text, booleans as 0/1). */
function sqlValue(v: unknown): Column {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return sqlDate(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'string') return v;
  throw new TypeError(`unexpected case column value of type ${typeof v}`);
}

/**
 * New cases on the embedded SQLite file in one durable synchronous transaction (the reference is
 * told to the customer the moment this returns): the day's counter, the case row, its first
 * events, the customer's name and phone, and the conversation's transcript and evidence so far.
 * Same rows as the Prisma writer in src/cases/create-case.ts, without its eight round trips and
 * without an interactive transaction holding the write lock across awaits, which made every
 * other customer's turn wait. A case already filed by the same message (`dedupeKey`) is returned
 * instead, in the same transaction (CaseWriter.insert).
 */
export function createSqliteCaseWriter({ db, write }: SqliteWriter): CaseWriter {
  const q = {
    countRecent: db.prepare<[string, string, string], { n: number }>(
      'SELECT count(*) AS "n" FROM "Case" WHERE "customerId" = ? AND "business" = ? AND "createdAt" >= ? AND "incomplete" = 0',
    ),
    filedBy: db.prepare<
      [string],
      { id: string; reference: string; severity: string; business: string; cause: string; flags: string; firstResponseDueAt: string; regulatoryDueAt: string }
    >('SELECT "id", "reference", "severity", "business", "cause", "flags", "firstResponseDueAt", "regulatoryDueAt" FROM "Case" WHERE "dedupeKey" = ?'),
    nextReference: db.prepare<[string], { last: number }>(
      'INSERT INTO "ReferenceCounter" ("day", "last") VALUES (?, 1) ON CONFLICT ("day") DO UPDATE SET "last" = "last" + 1 RETURNING "last"',
    ),
    insertEvent: db.prepare('INSERT INTO "CaseEvent" ("id", "caseId", "createdAt", "type", "actorType", "actorId", "note", "data") VALUES (?, ?, ?, ?, \'customer\', NULL, NULL, ?)'),
    customerName: db.prepare('UPDATE "Customer" SET "name" = ?, "updatedAt" = ? WHERE "id" = ?'),
    customerPhone: db.prepare('UPDATE "Customer" SET "phone" = ?, "updatedAt" = ? WHERE "id" = ?'),
    attachTranscript: db.prepare('UPDATE "TranscriptMessage" SET "caseId" = ? WHERE "conversationKey" = ? AND "caseId" IS NULL'),
    attachEvidence: db.prepare('UPDATE "Evidence" SET "caseId" = ? WHERE "conversationKey" = ? AND "caseId" IS NULL'),
  };
  // One prepared INSERT per set of columns (in practice one set: createCase always gives all).
  const inserts = new Map<string, ReturnType<typeof db.prepare>>();
  function insertCase(columns: string[]) {
    const key = columns.join(',');
    let stmt = inserts.get(key);
    if (!stmt) {
      stmt = db.prepare(`INSERT INTO "Case" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      inserts.set(key, stmt);
    }
    return stmt;
  }

  return {
    async countRecent({ customerId, business, since }) {
      return q.countRecent.get(customerId, business, sqlDate(since))?.n ?? 0;
    },
    insert(rec: NewCaseRecord) {
      return write(
        (): WrittenCase => {
          const filed = rec.data.dedupeKey ? q.filedBy.get(rec.data.dedupeKey) : undefined;
          if (filed) {
            const { id, reference, firstResponseDueAt, regulatoryDueAt, ...rest } = filed;
            if (rec.conversationKey) {
              q.attachTranscript.run(id, rec.conversationKey);
              q.attachEvidence.run(id, rec.conversationKey);
            }
            return { id, reference, existing: { ...rest, firstResponseDueAt: new Date(firstResponseDueAt), regulatoryDueAt: new Date(regulatoryDueAt) } };
          }
          const at = sqlDate(rec.now);
          const day = bankDay(rec.now, rec.timeZone);
          const reference = formatReference(day, q.nextReference.get(day)!.last);
          const id = newRowId();
          // updatedAt is the wall clock, as Prisma's @updatedAt sets it.
          const row: Record<string, unknown> = { ...rec.data, id, reference, updatedAt: new Date() };
          const columns = Object.keys(row).filter((c) => row[c] !== undefined);
          insertCase(columns).run(columns.map((c) => sqlValue(row[c])));
          for (const e of rec.events) q.insertEvent.run(newRowId(), id, at, e.type, JSON.stringify(e.data ?? {}));
          const wall = sqlDate(new Date());
          if (rec.customerUpdate?.name) q.customerName.run(rec.customerUpdate.name, wall, rec.customerUpdate.customerId);
          if (rec.customerUpdate?.phone) q.customerPhone.run(rec.customerUpdate.phone, wall, rec.customerUpdate.customerId);
          if (rec.conversationKey) {
            q.attachTranscript.run(id, rec.conversationKey);
            q.attachEvidence.run(id, rec.conversationKey);
          }
          return { id, reference };
        },
        { durable: true },
      );
    },
  };
}
