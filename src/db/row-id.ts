import { v7 } from 'uuid';

/**
 * A new row id for the fast paths (src/db/sqlite-*.ts, pg-*.ts): a UUIDv7, ordered by creation
 * time like the cuid() ids Prisma generates. A random id put each new row on a random page of its
 * table's primary-key index: one more page written per row and commit, and one more distinct page
 * for every checkpoint (SQLite) or first write after a checkpoint (PostgreSQL) to copy. Ordered,
 * a turn's rows share the index's last page.
 */
export function newRowId(): string {
  return v7();
}
