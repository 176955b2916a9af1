import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/db/client.js';

/** A fresh SQLite file in its own temp dir, migrated like production. */
export async function openTestDatabase(prefix = 'cd-db-'): Promise<{ db: Db; file: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = path.join(dir, 'test.sqlite');
  return { db: await openDatabase(`file:${file}`), file };
}
