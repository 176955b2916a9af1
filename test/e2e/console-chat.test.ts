import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseUrlIn } from '../support/db.js';

/** Runs `npm run chat`'s program with the given lines as the keyboard; returns what it printed. */
function chat(lines: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/bot/console-chat.ts'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}

describe('npm run chat', () => {
  // Spawns the program twice (tsx compiles it each time): generous on a busy machine.
  it('files a complaint in the terminal, buttons as numbered choices, against the configured database', { timeout: 180_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-console-'));
    const env = { DATABASE_URL: await databaseUrlIn(dir), LOG_LEVEL: 'silent', BANK_NAME: 'Console Bank' };
    const { code, out } = await chat(
      ['My credit card was charged a 200 dollar annual fee that nobody told me about', 'yesterday', '1', 'Jane Doe', '+1 415 555 0100', '1'],
      env,
    );
    expect(code).toBe(0);
    expect(out).toMatch(/\[1\] Refund/);
    expect(out).toMatch(/you> \[Refund\]/);
    const reference = /Reference: (C-\d{8}-\d{4})/.exec(out)?.[1];
    expect(reference).toBeDefined();

    // The same conversation continues on the next run (state lives in the database).
    const again = await chat(['status'], env);
    expect(again.out).toContain(reference);
  });

  it('stops with a message naming a bad variable', { timeout: 120_000 }, async () => {
    const { code, err } = await chat([], { DATABASE_URL: 'mysql://nope' });
    expect(code).toBe(2);
    expect(err).toMatch(/DATABASE_URL/);
  });
});
