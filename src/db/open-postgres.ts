import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as PgPrismaClient } from '../generated/pg/index.js';
import type { Db } from './client.js';
import { migratePostgres } from './migrate-postgres.js';
import { pgConnection } from './pg-pool.js';

/**
 * Opens PostgreSQL for `openDatabase` (src/db/client.ts), which loads this module only for a
 * `postgresql://` URL: migrations first (under an advisory lock), then Prisma's PostgreSQL client.
 */
export async function openPostgres(databaseUrl: string, transactionOptions: { maxWait: number; timeout: number }): Promise<Db> {
  const connection = pgConnection(databaseUrl);
  await migratePostgres(connection.connectionString);
  const adapter = new PrismaPg({ ...connection, application_name: 'complaint-desk' });
  const db = new PgPrismaClient({ adapter, transactionOptions });
  await db.$connect();
  // The one cast between the two clients. Both are generated from the same models
  // (prisma/postgres/schema.prisma is written from prisma/schema.prisma by
  // scripts/sync-postgres-schema.mjs, and a test checks it is current), so their model APIs are
  // identical; only the nominal types differ, because each generated client declares its own.
  return db as unknown as Db;
}
