import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteWriter, sqlDate, type SqliteWriter } from '../../src/db/sqlite-writer.js';
import { onPostgres, openTestDatabase } from '../support/db.js';

// Under load the writer batches: every write asked for in one turn of the event loop commits in
// one transaction (src/db/sqlite-writer.ts). These pin what callers rely on: each write still
// succeeds or fails alone, writes land in the order asked, and nothing queued is dropped.

const now = new Date('2026-11-28T03:00:00Z');
const opened: { writer: SqliteWriter; close(): Promise<void> }[] = [];

async function openWriter() {
  const t = await openTestDatabase('cd-writer-');
  // Prisma's connection stays open (as in the app) but is not used here.
  const writer = openSqliteWriter(t.file);
  const entry = { writer, file: t.file, prisma: t.db, close: async () => (await writer.close(), await t.db.$disconnect()) };
  opened.push(entry);
  return entry;
}
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

const insert = (w: SqliteWriter, key: string) => () => {
  w.db.prepare('INSERT INTO ProcessedUpdate (key, createdAt) VALUES (?, ?)').run(key, sqlDate(now));
  return key;
};
/** Keeps the event loop busy long enough for the writer to see it and start batching. */
async function underLoad() {
  const until = Date.now() + 250;
  while (Date.now() < until); // (blocks on purpose)
  await new Promise((r) => setTimeout(r, 5));
}
const keys = (db: Database.Database) => (db.prepare('SELECT key FROM ProcessedUpdate ORDER BY key').all() as { key: string }[]).map((r) => r.key);

describe.skipIf(onPostgres)('the SQLite writer', () => {
  it('commits at once while the process is idle', async () => {
    const { writer, file } = await openWriter();
    const reader = new Database(file, { readonly: true });
    try {
      await new Promise((r) => setTimeout(r, 250)); // opening and migrating the database kept it busy
      const written = writer.write(insert(writer, 'now'));
      expect(keys(reader)).toEqual(['now']); // committed before `write` returned
      await expect(written).resolves.toBe('now');
    } finally {
      reader.close();
    }
  });

  it('under load, commits the writes asked for in one turn of the event loop together', async () => {
    const { writer, file } = await openWriter();
    const reader = new Database(file, { readonly: true });
    try {
      await underLoad();
      const seenByOthers: string[][] = [];
      const results = await Promise.all(
        ['a', 'b', 'c'].map((key) =>
          writer.write(() => {
            // Another connection sees none of the batch before its one commit.
            seenByOthers.push(keys(reader));
            return insert(writer, key)();
          }),
        ),
      );
      expect(results).toEqual(['a', 'b', 'c']);
      expect(seenByOthers).toEqual([[], [], []]);
      expect(keys(reader)).toEqual(['a', 'b', 'c']);
    } finally {
      reader.close();
    }
  });

  it('undoes and rejects a failing write alone; the rest of its batch commits', async () => {
    const { writer } = await openWriter();
    await underLoad();
    const results = await Promise.allSettled([
      writer.write(insert(writer, 'a')),
      writer.write(() => {
        insert(writer, 'half-done')();
        throw new Error('refused');
      }),
      writer.write(insert(writer, 'a')), // violates the primary key
      writer.write(insert(writer, 'b'), { durable: true }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('refused'));
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(keys(writer.db)).toEqual(['a', 'b']);
  });

  it('fails the whole batch, running nothing outside it, when SQLite rolled its transaction back', async () => {
    const { writer } = await openWriter();
    await underLoad();
    const results = await Promise.allSettled([
      writer.write(insert(writer, 'before')),
      writer.write(() => {
        // What SQLite does itself on some errors (a full disk, an I/O error).
        writer.db.exec('ROLLBACK');
        throw new Error('disk full');
      }),
      writer.write(insert(writer, 'after')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(keys(writer.db)).toEqual([]);
    await expect(writer.write(insert(writer, 'next'))).resolves.toBe('next');
  });

  it('rejects a write failing alone in its batch without harming the next', async () => {
    const { writer } = await openWriter();
    await expect(writer.write(() => (insert(writer, 'x')(), JSON.parse('{')))).rejects.toThrow(SyntaxError);
    await expect(writer.write(insert(writer, 'y'))).resolves.toBe('y');
    expect(keys(writer.db)).toEqual(['y']);
  });

  it('keeps the order asked for while a batch waits for another connection to release the lock', async () => {
    const { writer, file } = await openWriter();
    const other = new Database(file);
    const order: string[] = [];
    try {
      other.exec('BEGIN IMMEDIATE');
      const first = writer.write(() => (order.push('first'), insert(writer, 'first')()));
      // A later batch, asked for while the first keeps retrying.
      await new Promise((r) => setTimeout(r, 50));
      const second = writer.write(() => (order.push('second'), insert(writer, 'second')()));
      await new Promise((r) => setTimeout(r, 3));
      expect(order).toEqual([]);
      other.exec('COMMIT');
      await Promise.all([first, second]);
      expect(order).toEqual(['first', 'second']);
    } finally {
      other.close();
    }
  });

  it('finishes every queued write before closing', async () => {
    const { writer, file, prisma } = await openWriter();
    opened.pop(); // closed here
    await underLoad();
    const pending = [writer.write(insert(writer, 'p1')), writer.write(insert(writer, 'p2'), { durable: true })];
    await writer.close();
    await expect(Promise.all(pending)).resolves.toEqual(['p1', 'p2']);
    const reader = new Database(file, { readonly: true });
    expect(keys(reader)).toEqual(['p1', 'p2']);
    reader.close();
    await prisma.$disconnect();
  });
});
