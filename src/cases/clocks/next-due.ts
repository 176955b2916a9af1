/**
 * The deadline of a case that matters next (DESIGN.md "Clocks"), which orders the staff queue:
 * while the first response is not given, the earlier of its target and the regulatory deadline;
 * once it is given, the regulatory deadline. A case answered at once but close to its
 * regulatory deadline is then as urgent as that deadline, not as its long-met first response.
 *
 * Stored as `Case.nextDueAt` so the queue indexes can end in it: every writer of the three
 * columns it depends on sets it, from `nextDueAt` on a new case and with `NEXT_DUE_SQL` (the
 * same rule in SQL, see src/cases/refresh-next-due.ts) on a change. Status does not enter:
 * resolving and reopening leave it as it was, and "overdue" is an open case whose `nextDueAt`
 * has passed.
 */
export function nextDueAt(c: { firstResponseAt: Date | null; firstResponseDueAt: Date; regulatoryDueAt: Date }): Date {
  if (c.firstResponseAt === null && c.firstResponseDueAt < c.regulatoryDueAt) return c.firstResponseDueAt;
  return c.regulatoryDueAt;
}

/**
 * `nextDueAt` as an SQL expression over the row's own columns, valid on SQLite (dates as ISO
 * text of one format, which compare in time order) and PostgreSQL. Used by the migration that
 * filled the column and by `refreshNextDue`.
 */
export const NEXT_DUE_SQL =
  'CASE WHEN "firstResponseAt" IS NULL AND "firstResponseDueAt" < "regulatoryDueAt" THEN "firstResponseDueAt" ELSE "regulatoryDueAt" END';
