import { Prisma, type PrismaClient } from '@prisma/client';
import { NEXT_DUE_SQL } from './clocks/index.js';

/**
 * Sets `Case.nextDueAt` from the row's own deadlines and first response, in the caller's
 * transaction, after it changed any of them (a first reply, an extension, a reclassification).
 * Derived in the database rather than from the case the action loaded before its transaction:
 * two actions at once (a reply while a supervisor extends the deadline) each see the other's
 * committed change, so the stored value never mixes two stale reads.
 */
export async function refreshNextDue(db: PrismaClient | Prisma.TransactionClient, caseId: string): Promise<void> {
  // Composed with Prisma.sql and passed whole: the PostgreSQL client is generated apart
  // (src/generated/pg) and would bind a nested fragment of this one as a value, not as SQL.
  await db.$executeRaw(Prisma.sql`UPDATE "Case" SET "nextDueAt" = ${Prisma.raw(NEXT_DUE_SQL)} WHERE "id" = ${caseId}`);
}
