import { randomUUID } from 'node:crypto';

/**
 * A new row id for the fast paths (src/db/sqlite-*.ts, pg-*.ts): a UUIDv7 (RFC 9562), ordered by
 * creation time like the cuid() ids Prisma generates. A random id put each new row on a random
 * page of its table's primary-key index: one more page written per row and commit, and one more
 * distinct page for every checkpoint (SQLite) or first write after a checkpoint (PostgreSQL) to
 * copy. Ordered, a turn's rows share the index's last page.
 *
 * Built from Node's randomUUID, which draws its entropy from a cached batch: the uuid library's
 * v7 asked the system for 16 fresh random bytes per id, 4 % of a turn's CPU. The 48-bit
 * millisecond timestamp replaces the first 12 hex digits and the version digit becomes 7; the
 * variant bits are the same in both versions.
 */
export function newRowId(): string {
  const time = Date.now().toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
}
