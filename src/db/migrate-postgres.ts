import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { readMigrations } from './migrate.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * Committed PostgreSQL migrations: SQL generated from prisma/postgres/schema.prisma (itself
 * generated from prisma/schema.prisma) with `npm run db:diff:pg`.
 */
export const POSTGRES_MIGRATIONS_DIR = path.resolve(here, '../../prisma/postgres/migrations');

/**
 * Any fixed 64-bit number: every instance takes the same transaction-scoped advisory lock, so
 * when several instances start together exactly one applies the migrations and the others wait,
 * then see them recorded and apply nothing.
 */
const MIGRATION_LOCK_KEY = 7_263_551_904_118_000_001n;

/**
 * Applies the PostgreSQL migrations the database has not seen yet, in name order, all in one
 * transaction under an advisory lock (PostgreSQL DDL is transactional: a failing migration
 * leaves nothing half-applied). Records them in `_app_migrations` like the SQLite runner. The
 * Prisma CLI's migrate commands cannot be used here (prisma/orm#27403, ../shared/NOTES.md).
 * Returns the names applied by this call.
 */
export async function migratePostgres(connectionString: string, dir = POSTGRES_MIGRATIONS_DIR): Promise<string[]> {
  const client = new pg.Client({ connectionString, application_name: 'complaint-desk-migrate', connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined); // a dropped connection surfaces as a failed query below
  await client.connect();
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
      await client.query('CREATE TABLE IF NOT EXISTS "_app_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TIMESTAMPTZ NOT NULL)');
      const done = new Set((await client.query<{ name: string }>('SELECT "name" FROM "_app_migrations"')).rows.map((r) => r.name));
      const applied: string[] = [];
      for (const m of readMigrations(dir)) {
        if (done.has(m.name)) continue;
        // No parameters: pg sends the file as one simple query, which may hold many statements.
        await client.query(m.sql);
        await client.query('INSERT INTO "_app_migrations" ("name", "appliedAt") VALUES ($1, now())', [m.name]);
        applied.push(m.name);
      }
      await client.query('COMMIT');
      return applied;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
