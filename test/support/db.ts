import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Db } from '../../src/db/client.js';

/**
 * `TEST_DATABASE_URL` (a `postgresql://` URL of a role allowed to create databases) switches the
 * test databases from SQLite files to PostgreSQL: `npm run test:pg` sets it. Each call then gets
 * a database of its own (`cdt_<random>`), so test files still run in parallel without sharing
 * rows. scripts/ci-postgres.sh drops old `cdt_` databases.
 */
export function testPostgresUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL?.trim();
  return url && /^postgres(ql)?:\/\//.test(url) ? url : undefined;
}

/** True when the integration tests run against PostgreSQL. */
export const onPostgres = testPostgresUrl() !== undefined;

/** Creates an empty database `cdt_<prefix>_<random>` on the server of `adminUrl`; returns its URL. */
export async function createPostgresDatabase(adminUrl: string, prefix: string): Promise<string> {
  const name = `cdt_${prefix.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A DATABASE_URL for one fresh, empty database: a SQLite file in a new temp dir, or a new
 * PostgreSQL database when TEST_DATABASE_URL is set. Give it to `loadConfig` for `startApp`,
 * or to `openDatabase`; both migrate it like production. `dir` is a temp folder either way
 * (for evidence files and the like).
 */
export async function testDatabaseUrl(prefix = 'cd-db-'): Promise<{ url: string; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const admin = testPostgresUrl();
  if (admin) return { url: await createPostgresDatabase(admin, prefix), dir };
  return { url: `file:${path.join(dir, 'test.sqlite')}`, dir };
}

/**
 * A fresh database, migrated like production: a SQLite file in its own temp dir, or a new
 * PostgreSQL database when TEST_DATABASE_URL is set. `file` is the SQLite path (PostgreSQL: the
 * temp dir); `url` opens the same database again, e.g. from another process.
 */
export async function openTestDatabase(prefix = 'cd-db-'): Promise<{ db: Db; file: string; url: string }> {
  const { url, dir } = await testDatabaseUrl(prefix);
  const file = url.startsWith('file:') ? url.slice('file:'.length) : dir;
  return { db: await openDatabase(url), file, url };
}

const postgresByDir = new Map<string, Promise<string>>();

/**
 * The DATABASE_URL a test that made its own temp dir should use: `file:<dir>/db.sqlite`, or
 * under `npm run test:pg` a PostgreSQL database of its own — the same one for every call with
 * the same dir, so a test that restarts the app on its dir finds its data again.
 */
export function databaseUrlIn(dir: string): Promise<string> {
  const admin = testPostgresUrl();
  if (!admin) return Promise.resolve(`file:${path.join(dir, 'db.sqlite')}`);
  let url = postgresByDir.get(dir);
  if (!url) {
    url = createPostgresDatabase(admin, path.basename(dir));
    postgresByDir.set(dir, url);
  }
  return url;
}
