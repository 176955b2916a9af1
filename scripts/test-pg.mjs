#!/usr/bin/env node
/* global console, process */
// `npm run test:pg`: the integration and end-to-end tests against PostgreSQL. TEST_DATABASE_URL
// names a role that may create databases (scripts/ci-postgres.sh prints one); every test
// database is a fresh `cdt_…` database on that server.
import { spawnSync } from 'node:child_process';

const url = process.env.TEST_DATABASE_URL;
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  console.error('TEST_DATABASE_URL must be a postgresql:// URL of a role with CREATEDB (run scripts/ci-postgres.sh to get one)');
  process.exit(2);
}
const check = spawnSync(process.execPath, ['scripts/sync-postgres-schema.mjs', '--check'], { stdio: 'inherit' });
if (check.status !== 0) process.exit(check.status ?? 1);
const res = spawnSync('npx', ['vitest', 'run', '--project', 'integration', ...process.argv.slice(2)], { stdio: 'inherit', env: process.env });
process.exit(res.status ?? 1);
