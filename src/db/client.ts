import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '@prisma/client';
import { migrateSqlite } from './migrate.js';

export type Db = PrismaClient;

/**
 * Opens the database named by DATABASE_URL, applying pending migrations first. SQLite is the
 * embedded default (`file:` URLs); PostgreSQL support arrives with the scale work.
 */
export async function openDatabase(databaseUrl: string): Promise<Db> {
  if (!databaseUrl.startsWith('file:')) {
    throw new Error('Only SQLite (file:) DATABASE_URL is supported in this build');
  }
  const filePath = databaseUrl.slice('file:'.length);
  migrateSqlite(filePath);
  const adapter = new PrismaBetterSQLite3({ url: `file:${filePath}`, timeout: 5000 } as { url: string });
  const db = new PrismaClient({ adapter });
  await db.$connect();
  return db;
}
