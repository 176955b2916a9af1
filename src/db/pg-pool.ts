import pg, { type Pool, type QueryResult } from 'pg';

/** Connections per pool and instance (`?connection_limit=` in the URL overrides it). */
const DEFAULT_PG_POOL = 10;

/**
 * What `pg` needs from a DATABASE_URL: the URL without Prisma-style parameters, which mean nothing
 * to `pg` (a `schema` parameter is not supported), and the pool size from `connection_limit`.
 * Prisma's pool (src/db/open-postgres.ts) and the turn path's are sized alike.
 */
export function pgConnection(databaseUrl: string): { connectionString: string; max: number } {
  const url = new URL(databaseUrl);
  const limit = Number(url.searchParams.get('connection_limit') ?? DEFAULT_PG_POOL);
  url.searchParams.delete('connection_limit');
  return { connectionString: url.toString(), max: Number.isFinite(limit) && limit > 0 ? limit : DEFAULT_PG_POOL };
}

/**
 * The turn path's own connections to PostgreSQL (src/db/pg-turn-store.ts, pg-case-writer.ts):
 * `pg` directly, without Prisma's query compiler and driver adapter on every statement. Sized
 * like Prisma's pool from the URL's `connection_limit`, which `pg` itself would not understand.
 */
export function openPgPool(databaseUrl: string): Pool {
  const pool = new pg.Pool({ ...pgConnection(databaseUrl), application_name: 'complaint-desk-turns' });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** Dates as PostgreSQL `timestamp(3)` (without time zone) holds them for Prisma: UTC wall time. */
export const pgDate = (d: Date) => d.toISOString();

/** Runs a named (per-connection prepared) statement: parsed and planned once per connection. */
export function queryNamed<R>(pool: Pool, name: string, text: string, values: unknown[]): Promise<QueryResult<R>> {
  return (pool as unknown as { query(c: { name: string; text: string; values: unknown[] }): Promise<QueryResult<R>> }).query({ name, text, values });
}
