import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import { PrismaClient as PgPrismaClient } from '../generated/pg/index.js';
import { migrateSqlite } from './migrate.js';
import { migratePostgres } from './migrate-postgres.js';

/**
 * The database client every module receives. Its type is the SQLite client's; on PostgreSQL the
 * object is the PostgreSQL client generated from the same models (see `openDatabase`).
 */
export type Db = PrismaClient;

export type DatabaseKind = 'sqlite' | 'postgresql';

/** Which database a DATABASE_URL names. */
export function databaseKind(databaseUrl: string): DatabaseKind {
  if (databaseUrl.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return 'postgresql';
  throw new Error('DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL)');
}

/**
 * Interactive transactions (createCase and the staff actions) wait up to `maxWait` for a
 * connection and may run for `timeout`. Prisma's defaults (2 s / 5 s) fail intakes with P2028
 * when many customers file at once: every new case waits for the day's reference counter row,
 * which each transaction holds until it commits.
 */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 };

/** Connections per instance on PostgreSQL (`?connection_limit=` in the URL overrides it). */
const DEFAULT_PG_POOL = 10;

/**
 * Opens the database named by DATABASE_URL, applying pending migrations first: a `file:` URL is
 * the embedded SQLite default, a `postgresql://` URL is PostgreSQL for several instances (each
 * instance migrates at start under an advisory lock, so starting them together is safe).
 */
export async function openDatabase(databaseUrl: string): Promise<Db> {
  if (databaseKind(databaseUrl) === 'postgresql') return openPostgres(databaseUrl);
  const filePath = sqliteFilePath(databaseUrl);
  migrateSqlite(filePath);
  const adapter = new ImmediateTransactionsSQLite({ url: `file:${filePath}`, timeout: 5000 } as { url: string });
  const db = new PrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS });
  await db.$connect();
  return db;
}

/** The file a `file:` DATABASE_URL names. */
export function sqliteFilePath(databaseUrl: string): string {
  return databaseUrl.slice('file:'.length);
}

/**
 * Prisma's SQLite adapter with its transactions started `BEGIN IMMEDIATE` instead of `BEGIN`.
 * The customer's turn writes on a second connection (src/db/sqlite-turn-store.ts); a deferred
 * Prisma transaction that read before that connection committed could then not write at all
 * (SQLITE_BUSY_SNAPSHOT). Taking the write lock up front makes such a transaction wait its turn
 * instead. The adapter offers no option for it, so the one statement is rewritten on its way in.
 */
class ImmediateTransactionsSQLite extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    const client = (adapter as unknown as { client: { prepare(sql: string): unknown } }).client;
    const prepare = client.prepare.bind(client);
    client.prepare = (sql: string) => prepare(sql === 'BEGIN' ? 'BEGIN IMMEDIATE' : sql);
    return adapter;
  }
}

async function openPostgres(databaseUrl: string): Promise<Db> {
  const url = new URL(databaseUrl);
  const limit = Number(url.searchParams.get('connection_limit') ?? DEFAULT_PG_POOL);
  // Prisma-style parameters mean nothing to `pg`; a `schema` parameter is not supported.
  url.searchParams.delete('connection_limit');
  const connectionString = url.toString();
  await migratePostgres(connectionString);
  const adapter = new PrismaPg({ connectionString, max: Number.isFinite(limit) && limit > 0 ? limit : DEFAULT_PG_POOL, application_name: 'complaint-desk' });
  const db = new PgPrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS });
  await db.$connect();
  // The one cast between the two clients. Both are generated from the same models
  // (prisma/postgres/schema.prisma is written from prisma/schema.prisma by
  // scripts/sync-postgres-schema.mjs, and a test checks it is current), so their model APIs are
  // identical; only the nominal types differ, because each generated client declares its own.
  return db as unknown as Db;
}
