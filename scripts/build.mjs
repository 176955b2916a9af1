#!/usr/bin/env node
/* global console, process */
// `npm run build`: compiles src/ into dist/ (tsconfig.build.json) and copies the files the
// program needs at run time that are not TypeScript (the generated PostgreSQL Prisma client, the
// holiday calendars) next to their compiled importers, so dist/ runs with plain `node`.
// `--if-stale` (what `npm start` runs first) does nothing when dist/ is newer than every file
// under src/ and both tsconfigs, so a start after an edit always runs the edited code.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.built');

function newestMtime(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted or renamed file changes its folder
  for (const name of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

if (process.argv.includes('--if-stale') && fs.existsSync(stamp)) {
  const inputs = Math.max(newestMtime(src), ...['tsconfig.json', 'tsconfig.build.json'].map((f) => newestMtime(path.join(root, f))));
  if (fs.statSync(stamp).mtimeMs > inputs) process.exit(0);
}

fs.rmSync(stamp, { force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
} catch {
  console.error('build failed: dist/ was not updated (see the errors above)');
  process.exit(1);
}
fs.cpSync(src, dist, { recursive: true, filter: (from) => fs.statSync(from).isDirectory() || !from.endsWith('.ts') });
fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
