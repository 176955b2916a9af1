// Prisma CLI configuration. The CLI only generates the client and diffs the schema into SQL
// here (`npm run db:diff`); the application applies migrations itself at start-up
// (src/db/migrate.ts). `engine: 'js'` with a driver adapter keeps the CLI on its WebAssembly
// schema engine, so nothing is downloaded (../shared/NOTES.md).
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  async adapter() {
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? 'file:./data/complaint-desk.db' });
  },
});
