import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMigrations } from '../../../src/db/migrate.js';
import { POSTGRES_MIGRATIONS_DIR } from '../../../src/db/migrate-postgres.js';

const root = path.resolve(import.meta.dirname, '../../..');

describe('the PostgreSQL schema', () => {
  it('is the current translation of prisma/schema.prisma', () => {
    const res = spawnSync(process.execPath, [path.join(root, 'scripts/sync-postgres-schema.mjs'), '--check'], { encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  });

  it('has a PostgreSQL migration for every model and field', () => {
    // A cheap guard against a SQLite migration without its PostgreSQL twin: every table and
    // column of the models must be named somewhere in prisma/postgres/migrations.
    const sql = readMigrations(POSTGRES_MIGRATIONS_DIR).map((m) => m.sql).join('\n');
    const schema = fs.readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8');
    const missing: string[] = [];
    for (const [, model, body] of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
      if (!sql.includes(`CREATE TABLE "${model}"`)) missing.push(model!);
      const scalars = ['String', 'Int', 'Boolean', 'DateTime', 'Decimal', 'Float', 'BigInt', 'Json', 'Bytes'];
      for (const [, field, type] of body!.matchAll(/^\s+(\w+)\s+(\w+)[?[\]]*/gm)) {
        if (scalars.includes(type!) && !new RegExp(`"${field}" `).test(sql)) missing.push(`${model}.${field}`);
      }
    }
    expect(missing, 'run `npm run db:diff:pg` and add a PostgreSQL migration').toEqual([]);
  });
});
