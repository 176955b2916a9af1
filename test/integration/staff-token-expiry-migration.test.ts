import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { principalForToken } from '../../src/cases/staff/accounts.js';
import { sha256 } from '../../src/cases/staff/auth.js';
import { openDatabase } from '../../src/db/client.js';
import { migrateSqlite, SQLITE_MIGRATIONS_DIR } from '../../src/db/migrate.js';

const EXPIRY_MIGRATION = '20261129140000_staff_token_expiry';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-token-expiry-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the staff token expiry migration (SQLite)', () => {
  it('gives tokens made before it 90 days from the upgrade, readable by Prisma', async () => {
    // The migrations up to the one before, as a database made by the previous version.
    const before = path.join(dir, 'before');
    for (const name of fs.readdirSync(SQLITE_MIGRATIONS_DIR).filter((n) => n < EXPIRY_MIGRATION)) {
      fs.cpSync(path.join(SQLITE_MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
    }
    const file = path.join(dir, 'old.sqlite');
    migrateSqlite(file, before);
    const token = 'cdt_made-before-expiry-existed';
    const old = new Database(file);
    old.prepare(`INSERT INTO "StaffUser" ("id", "email", "displayName", "role", "passwordHash", "updatedAt") VALUES ('u1', 'old@bank.test', 'Old Timer', 'agent', '!', '2026-01-05T09:00:00.000+00:00')`).run();
    old.prepare(`INSERT INTO "StaffToken" ("id", "userId", "name", "tokenHash", "createdAt") VALUES ('t1', 'u1', 'old script', ?, '2026-01-05T09:00:00.000+00:00')`).run(sha256(token));
    old.close();

    const upgradedAt = Date.now();
    const db = await openDatabase(`file:${file}`);
    try {
      const row = await db.staffToken.findUniqueOrThrow({ where: { id: 't1' } });
      expect(row.createdAt).toEqual(new Date('2026-01-05T09:00:00.000Z'));
      expect((row.expiresAt.getTime() - upgradedAt) / 86_400_000).toBeCloseTo(90, 2);
      // It still works until then, and not after.
      expect((await principalForToken(db, token, new Date(upgradedAt))).ok).toBe(true);
      expect(await principalForToken(db, token, new Date(row.expiresAt.getTime() + 1))).toEqual({ ok: false, error: { type: 'expired', expiredAt: row.expiresAt } });
      // The redefined table keeps its unique token hash.
      await expect(db.staffToken.create({ data: { userId: 'u1', name: 'copy', tokenHash: sha256(token), expiresAt: new Date() } })).rejects.toMatchObject({ code: 'P2002' });
    } finally {
      await db.$disconnect();
    }
  });
});
