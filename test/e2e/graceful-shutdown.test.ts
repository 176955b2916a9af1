import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseUrlIn } from '../support/db.js';
import { startFakeOpenAi } from '../support/fake-openai.js';
import { startServerProcess } from '../support/server-process.js';

describe('SIGTERM during a slow turn', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-shutdown-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  // README "Operations": SIGTERM lets turns in flight finish, for at most 15 s. An LLM that never
  // answers holds the turn about 12 s (two attempts of 6 s), longer than the 10 s after which
  // the process used to give up and exit mid-turn.
  it('lets the turn finish and answers the customer before the process exits', { timeout: 120_000 }, async () => {
    const llm = await startFakeOpenAi(() => ({ kind: 'hang' }));
    cleanups.push(() => llm.close());
    const server = await startServerProcess({
      DATABASE_URL: await databaseUrlIn(dir),
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: llm.baseURL,
      OPENAI_MODEL: 'fake-model',
      OPENAI_TIMEOUT_MS: '6000',
    });
    cleanups.push(() => server.stop('SIGKILL'));

    const reply = fetch(`${server.url}/api/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sessionId: randomBytes(24).toString('base64url'),
        clientMessageId: randomBytes(9).toString('base64url'),
        text: 'I was charged a 30 yuan fee on my debit card for an ATM withdrawal at my own bank',
        locale: 'en-GB',
      }),
    }).then(
      async (res) => ({ status: res.status, body: (await res.json()) as { replies: { text: string }[] } }),
      () => 'no answer' as const,
    );
    // The turn is waiting for the LLM when the signal comes.
    while (llm.requests.length === 0) await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await server.stop('SIGTERM');

    const answer = await reply;
    expect(answer).not.toBe('no answer');
    expect(answer !== 'no answer' && answer.status).toBe(200);
    expect(answer !== 'no answer' && answer.body.replies.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThan(10_000);
  });
});
