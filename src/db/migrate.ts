import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Committed migrations, generated from prisma/schema.prisma with `npm run db:diff`. */
export const SQLITE_MIGRATIONS_DIR = path.resolve(here, '../../prisma/migrations');

export interface Migration {
  name: string;
  sql: string;
}

/** Reads `<dir>/<name>/migration.sql` in name order (names start with a timestamp). */
export function readMigrations(dir: string): Migration[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => ({ name, sql: fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8') }));
}

/**
 * Applies the committed migrations that a SQLite file has not seen yet, each in its own
 * transaction, and switches the file to WAL so readers never wait for the writer. The
 * application does this itself at start-up: the Prisma CLI's migrate engine is not available
 * offline (../shared/NOTES.md), and a first `npm start` must work with nothing set up.
 */
export function migrateSqlite(filePath: string, dir = SQLITE_MIGRATIONS_DIR): string[] {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  const db = new Database(filePath);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec('CREATE TABLE IF NOT EXISTS "_app_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)');
    const done = new Set(
      db
        .prepare('SELECT "name" FROM "_app_migrations"')
        .all()
        .map((r) => (r as { name: string }).name),
    );
    const applied: string[] = [];
    for (const m of readMigrations(dir)) {
      if (done.has(m.name)) continue;
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare('INSERT INTO "_app_migrations" ("name", "appliedAt") VALUES (?, ?)').run(m.name, new Date().toISOString());
      }).immediate();
      applied.push(m.name);
    }
    return applied;
  } finally {
    db.close();
  }
}
