import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '@prisma/client';
import { migrateSqlite } from './migrate.js';

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

/**
 * Opens the database named by DATABASE_URL, applying pending migrations first: a `file:` URL is
 * the embedded SQLite default, a `postgresql://` URL is PostgreSQL for several instances (each
 * instance migrates at start under an advisory lock, so starting them together is safe).
 */
export async function openDatabase(databaseUrl: string): Promise<Db> {
  // PostgreSQL's client, adapter and `pg` are loaded only when used: memory (a few MB of heap)
  // and start-up time that an instance on the embedded SQLite file need not spend.
  if (databaseKind(databaseUrl) === 'postgresql') return (await import('./open-postgres.js')).openPostgres(databaseUrl, TRANSACTION_OPTIONS);
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
