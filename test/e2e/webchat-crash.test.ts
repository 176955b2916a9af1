import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseUrlIn, onPostgres } from '../support/db.js';
import { startServerProcess } from '../support/server-process.js';

const newSession = () => randomBytes(24).toString('base64url');
const newMessageId = () => randomBytes(9).toString('base64url');

/**
 * Runs SQL on the test's database from outside the server (which may be dead): the SQLite file,
 * or the PostgreSQL database under `npm run test:pg`.
 */
async function onDatabase(url: string, statements: string[]) {
  if (!onPostgres) {
    const db = new Database(url.slice('file:'.length));
    try {
      for (const sql of statements) db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Makes storing the session's web chat messages take a long time, so the server can be killed
 * exactly while it stores them: after the turn ran, between it and its replies as they were
 * written before. SQLite has no sleep: the trigger counts a cross join that never ends in time.
 */
function slowPageWrites(sessionId: string): string[] {
  if (onPostgres) {
    return [
      `CREATE FUNCTION "slow_page"() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(3); RETURN NEW; END $$ LANGUAGE plpgsql`,
      `CREATE TRIGGER "slow_page" BEFORE INSERT ON "WebChatMessage" FOR EACH ROW WHEN (NEW."sessionId" = '${sessionId}') EXECUTE FUNCTION "slow_page"()`,
    ];
  }
  return [
    'CREATE TABLE "SlowRows" ("n" INTEGER)',
    'WITH RECURSIVE r("n") AS (SELECT 1 UNION ALL SELECT "n" + 1 FROM r WHERE "n" < 4000) INSERT INTO "SlowRows" SELECT "n" FROM r',
    `CREATE TRIGGER "slow_page" BEFORE INSERT ON "WebChatMessage" WHEN NEW."sessionId" = '${sessionId}' BEGIN SELECT count(*) FROM "SlowRows" a, "SlowRows" b, "SlowRows" c; END`,
  ];
}

const normalPageWrites = onPostgres
  ? ['DROP TRIGGER "slow_page" ON "WebChatMessage"', 'DROP FUNCTION "slow_page"()']
  : ['DROP TRIGGER "slow_page"', 'DROP TABLE "SlowRows"'];

describe('web chat crash recovery', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-webchat-crash-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('answers the retry of a message whose server was killed while storing its replies', { timeout: 120_000 }, async () => {
    const url = await databaseUrlIn(dir);
    let server = await startServerProcess({ DATABASE_URL: url });
    cleanups.push(() => server.stop('SIGKILL'));
    const port = String(server.port);
    const post = (body: unknown) =>
      fetch(`${server.url}/api/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    // A warm server: the turn under test reaches its replies within moments.
    expect((await post({ sessionId: newSession(), clientMessageId: newMessageId(), text: 'hello', locale: 'en-GB' })).status).toBe(200);

    const sessionId = newSession();
    const message = { sessionId, clientMessageId: newMessageId(), text: 'Someone took 5000 yuan from my debit card last night, it was not me', locale: 'en-GB' };
    await onDatabase(url, slowPageWrites(sessionId));
    const first = post(message).then(
      (res) => res.status,
      () => 'no answer' as const,
    );
    await new Promise((r) => setTimeout(r, 1500));
    await server.stop('SIGKILL');
    expect(await first).toBe('no answer');

    await onDatabase(url, normalPageWrites);
    server = await startServerProcess({ DATABASE_URL: url, PORT: port });
    // The page's Retry: the same message id. It is answered with the turn's replies (the freeze
    // guidance among them), whichever side of the crash the turn ended on.
    const retried = await post(message);
    expect(retried.status).toBe(200);
    const answer = await retried.json();
    const texts = answer.replies.map((r: { text: string }) => r.text).join('\n');
    expect(texts).toContain('Freeze your card or account at once');
    const again = await (await post(message)).json();
    expect(again.duplicate).toBe(true);
    expect(again.replies).toEqual(answer.replies);

    // A page opened again shows the message once, followed by those replies.
    const controller = new AbortController();
    const events = await fetch(`${server.url}/api/webchat/events?session=${sessionId}&history=1`, { signal: controller.signal });
    const reader = events.body!.getReader();
    let buffer = '';
    const decoder = new TextDecoder();
    while ((buffer.match(/^data: /gm)?.length ?? 0) < answer.replies.length + 1) buffer += decoder.decode((await reader.read()).value, { stream: true });
    controller.abort();
    const shown = [...buffer.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!) as { from: string; seq: number; clientMessageId?: string });
    expect(shown.filter((m) => m.from === 'customer').map((m) => m.clientMessageId)).toEqual([message.clientMessageId]);
    expect(shown.filter((m) => m.from === 'bot').map((m) => m.seq)).toEqual(answer.replies.map((r: { seq: number }) => r.seq));
  });
});
