import pg, { type Pool, type QueryResult } from 'pg';

/** Connections per instance (`?connection_limit=` in the URL overrides it), as for Prisma in client.ts. */
const DEFAULT_PG_POOL = 10;

/**
 * The turn path's own connections to PostgreSQL (src/db/pg-turn-store.ts, pg-case-writer.ts):
 * `pg` directly, without Prisma's query compiler and driver adapter on every statement. Sized
 * like Prisma's pool from the URL's `connection_limit`, which `pg` itself would not understand.
 */
export function openPgPool(databaseUrl: string): Pool {
  const url = new URL(databaseUrl);
  const limit = Number(url.searchParams.get('connection_limit') ?? DEFAULT_PG_POOL);
  url.searchParams.delete('connection_limit');
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: Number.isFinite(limit) && limit > 0 ? limit : DEFAULT_PG_POOL,
    application_name: 'complaint-desk-turns',
  });
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
