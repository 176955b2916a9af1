#!/usr/bin/env node
/* global console, process, URL */
// `npm run eval`: scores the classifier on the public evaluation data with the shared scorer,
// dev split (for tuning) then test split (for reporting). Skips with a message when the data
// folder is not there. Record test-split numbers in docs/classifier-results.md.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const shared = path.resolve(root, '..', 'shared');
const scorer = path.join(shared, 'tools', 'score-classifier.mjs');
if (!fs.existsSync(path.join(shared, 'data')) || !fs.existsSync(scorer)) {
  console.log(`eval skipped: ${path.join(shared, 'data')} or the scorer is not there`);
  process.exit(0);
}
let failed = false;
for (const split of ['dev', 'test']) {
  console.log(`\n== ${split} ==`);
  const r = spawnSync(process.execPath, [scorer, '--split', split], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
