import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { deleteWebChatMessages, HISTORY_MAX_MESSAGES, pruneWebChatMessages } from '../../src/bot/webchat-outbox.js';
import { loadConfig } from '../../src/config.js';
import { en } from '../../src/dialogs/locales/en.js';
import { databaseUrlIn, onPostgres } from '../support/db.js';

let app: RunningApp;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-webchat-api-'));
  app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await databaseUrlIn(dir), LOG_LEVEL: 'silent' }));
});
afterAll(async () => {
  await app?.stop();
});

const newSession = () => randomBytes(24).toString('base64url');

/** A whole intake on the web chat page, as the customer answers it (`[value]`: a button pressed). */
const INTAKE = ['The ATM at the station charged me a 15 yuan fee twice for one withdrawal', '[business:debit_card]', 'yesterday', '[resolution:refund]', 'Pat Kim', '13600001111', '[confirm]'];

/** Makes the database refuse the session's web chat messages, as a failing write would. */
async function failPageWrites(sessionId: string) {
  const name = `fail_page_${sessionId.replace(/\W/g, '_')}`;
  if (onPostgres) {
    await app.db.$executeRawUnsafe(`CREATE FUNCTION "${name}"() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected page write failure'; END $$ LANGUAGE plpgsql`);
    await app.db.$executeRawUnsafe(`CREATE TRIGGER "${name}" BEFORE INSERT ON "WebChatMessage" FOR EACH ROW WHEN (NEW."sessionId" = '${sessionId}') EXECUTE FUNCTION "${name}"()`);
  } else {
    await app.db.$executeRawUnsafe(`CREATE TRIGGER "${name}" BEFORE INSERT ON "WebChatMessage" WHEN NEW."sessionId" = '${sessionId}' BEGIN SELECT RAISE(ABORT, 'injected page write failure'); END`);
  }
}

async function allowPageWrites(sessionId: string) {
  const name = `fail_page_${sessionId.replace(/\W/g, '_')}`;
  if (onPostgres) {
    await app.db.$executeRawUnsafe(`DROP TRIGGER "${name}" ON "WebChatMessage"`);
    await app.db.$executeRawUnsafe(`DROP FUNCTION "${name}"()`);
  } else {
    await app.db.$executeRawUnsafe(`DROP TRIGGER "${name}"`);
  }
}
const newMessageId = () => randomBytes(9).toString('base64url');

function post(body: unknown, raw?: string) {
  return fetch(`${app.url}/api/webchat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ?? JSON.stringify(body),
  });
}

interface WireMessage {
  seq: number;
  from: 'bot' | 'customer';
  text: string;
  clientMessageId?: string;
  buttons?: { label: string; value: string }[];
  at: string;
}

/** An open event stream, parsed into messages as they arrive. */
async function openEvents(query: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(`${app.url}/api/webchat/events?${query}`, { headers, signal: controller.signal });
  const received: { id: string; data: WireMessage }[] = [];
  let buffer = '';
  const pump = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (id && data) received.push({ id, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    res,
    received,
    async waitFor(count: number) {
      await expect.poll(() => received.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
      return received;
    },
    async close() {
      controller.abort();
      await pump;
    },
  };
}

describe('POST /api/webchat/messages', () => {
  it('runs a turn and answers with the replies, in order, each with a sequence number', async () => {
    const res = await post({ sessionId: newSession(), clientMessageId: newMessageId(), text: 'The ATM kept my debit card', locale: 'en-GB' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.duplicate).toBe(false);
    expect(body.replies.length).toBeGreaterThan(0);
    const seqs = body.replies.map((r: WireMessage) => r.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(body.replies[0].text).toMatch(/complaints assistant/);
  });

  it('refuses bad bodies with 400 and a reason naming the field', async () => {
    const sessionId = newSession();
    const clientMessageId = newMessageId();
    const cases: [unknown, RegExp][] = [
      [{ clientMessageId, text: 'hi' }, /sessionId/],
      [{ sessionId: 'short', clientMessageId, text: 'hi' }, /sessionId: must be 20–64 characters/],
      [{ sessionId: 'x'.repeat(20) + '<script>', clientMessageId, text: 'hi' }, /sessionId/],
      [{ sessionId, text: 'hi' }, /clientMessageId/],
      [{ sessionId, clientMessageId }, /either text or action/],
      [{ sessionId, clientMessageId, text: 'hi', action: 'confirm' }, /either text or action/],
      [{ sessionId, clientMessageId, text: '   ' }, /text: must not be empty/],
      [{ sessionId, clientMessageId, text: 'x'.repeat(16_001) }, /text: must be at most 16000/],
      [{ sessionId, clientMessageId, action: 'drop table; --' }, /action: must be a button value/],
      [{ sessionId, clientMessageId, text: 'hi', locale: 'en_US<>' }, /locale/],
      [['not', 'an', 'object'], /body/],
    ];
    for (const [body, reason] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const answer = await res.json();
      expect(answer.error).toBe('bad_request');
      expect(answer.message).toMatch(reason);
    }
    const notJson = await post(undefined, '{not json');
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error).toBe('bad_request');
    const tooBig = await post({ sessionId, clientMessageId, text: 'x'.repeat(70_000) });
    expect(tooBig.status).toBe(413);
  });

  it('takes a long complaint, and answers one over the limit with how long it may be', async () => {
    const story = 'The branch refused to return the deposit I paid for the safe box and nobody explains why. ';
    const long = story.repeat(Math.ceil(4100 / story.length)).slice(0, 4100);
    const taken = await post({ sessionId: newSession(), clientMessageId: newMessageId(), text: long, locale: 'en-GB' });
    expect(taken.status).toBe(200);
    const takenTexts = (await taken.json()).replies.map((r: WireMessage) => r.text).join('\n');
    expect(takenTexts).not.toContain('in your own words');

    const tooLong = '我的信用卡被多扣了年费，客服一直推脱不给处理。'.repeat(400).slice(0, 9000);
    const refused = await post({ sessionId: newSession(), clientMessageId: newMessageId(), text: tooLong });
    expect(refused.status).toBe(200);
    const refusedTexts = (await refused.json()).replies.map((r: WireMessage) => r.text).join('\n');
    expect(refusedTexts).toContain('共 9000 个字符，一条最多 8000 个字符');
    expect(refusedTexts).toContain('请用您自己的话');
  });

  it("shows the page with the limit of a message, and its counter's texts in both languages", async () => {
    const page = await (await fetch(`${app.url}/`)).text();
    expect(page).toContain('in up to 8000 characters');
    expect(page).toContain('data-max-length="8000"');
    expect(page).toContain('data-left-en="{{left}} characters left of {{max}}"');
    expect(page).toContain('data-not-sent-zh="未发送：');
    expect(page).not.toMatch(/%\w+(:\w+)*%/);
  });

  it('handles a retried client message id once and answers the retry with the same replies', async () => {
    const sessionId = newSession();
    const message = { sessionId, clientMessageId: newMessageId(), text: 'I was charged a 50 yuan fee on my credit card I never agreed to' };
    const [first, second] = await Promise.all([post(message), post(message)]);
    const a = await first.json();
    const b = await second.json();
    const third = await (await post(message)).json();
    const handled = [a, b].filter((x) => !x.duplicate);
    expect(handled).toHaveLength(1);
    expect(third.duplicate).toBe(true);
    const seqs = (x: { replies: WireMessage[] }) => x.replies.map((r) => r.seq);
    expect(seqs(b)).toEqual(seqs(a));
    expect(seqs(third)).toEqual(seqs(a));

    const inbound = await app.db.transcriptMessage.count({ where: { conversationKey: `web:${sessionId}`, direction: 'in' } });
    expect(inbound).toBe(1);
    // The customer's message once, with the replies.
    const stored = await app.db.webChatMessage.count({ where: { sessionId } });
    expect(stored).toBe(a.replies.length + 1);
    expect(a.replies.every((r: WireMessage) => r.from === 'bot')).toBe(true);
  });

  it('rolls back a turn whose replies could not be stored, and answers its retry once', async () => {
    const sessionId = newSession();
    const message = { sessionId, clientMessageId: newMessageId(), text: 'I was charged a 50 yuan fee on my credit card I never agreed to', locale: 'en-GB' };
    // The turn runs, then storing its page copy fails (a database error between the two writes,
    // as the last part of the turn's commit).
    await failPageWrites(sessionId);
    const failed = await post(message);
    expect(failed.status).toBe(503);
    expect((await failed.json()).error).toBe('turn_failed');
    // Nothing of the turn is there: not marked handled, no reply, the dialog not advanced.
    expect(await app.db.processedUpdate.count({ where: { key: `webchat:${sessionId}:${message.clientMessageId}` } })).toBe(0);
    expect(await app.db.transcriptMessage.count({ where: { conversationKey: `web:${sessionId}`, direction: 'out' } })).toBe(0);
    expect((await app.db.dialogState.findUnique({ where: { conversationKey: `web:${sessionId}` } }))?.version ?? 0).toBe(0);

    await allowPageWrites(sessionId);
    const retried = await post(message);
    expect(retried.status).toBe(200);
    const answer = await retried.json();
    expect(answer.duplicate).toBe(false);
    expect(answer.replies.length).toBeGreaterThan(0);
    const again = await (await post(message)).json();
    expect(again.duplicate).toBe(true);
    expect(again.replies).toEqual(answer.replies);
    // Answered once: one set of replies in the transcript and on the page.
    expect(await app.db.transcriptMessage.count({ where: { conversationKey: `web:${sessionId}`, direction: 'out' } })).toBe(answer.replies.length);
    expect(await app.db.webChatMessage.count({ where: { sessionId } })).toBe(answer.replies.length + 1);
  });

  it('answers a retry of a finished turn with exactly its stored replies, and files no second case', async () => {
    const sessionId = newSession();
    const send = async (step: string, clientMessageId = newMessageId()) => {
      const button = /^\[(.+)\]$/.exec(step);
      const res = await post({ sessionId, clientMessageId, locale: 'en-GB', ...(button ? { action: button[1] } : { text: step }) });
      expect(res.status).toBe(200);
      return { clientMessageId, answer: await res.json() };
    };
    for (const step of INTAKE.slice(0, -1)) await send(step);
    const filed = await send(INTAKE.at(-1)!);
    const reference = /C-\d{8}-\d{4}/.exec(filed.answer.replies.map((r: WireMessage) => r.text).join('\n'))?.[0];
    expect(reference).toBeDefined();

    const retry = await (await post({ sessionId, clientMessageId: filed.clientMessageId, action: 'confirm', locale: 'en-GB' })).json();
    expect(retry.duplicate).toBe(true);
    expect(retry.replies).toEqual(filed.answer.replies);
    const account = await app.db.channelAccount.findUniqueOrThrow({ where: { conversationKey: `web:${sessionId}` } });
    expect(await app.db.case.findMany({ where: { customerId: account.customerId }, select: { reference: true } })).toEqual([{ reference }]);
  });

  it('answers a message over the conversation\'s rate limit, which no turn took in', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-webchat-limit-'));
    const limited = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await databaseUrlIn(dir), LOG_LEVEL: 'silent', TURNS_PER_MINUTE: '1' }));
    try {
      const sessionId = newSession();
      const send = async (text: string) => {
        const res = await fetch(`${limited.url}/api/webchat/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sessionId, clientMessageId: newMessageId(), text, locale: 'en-GB' }),
        });
        expect(res.status).toBe(200);
        return res.json();
      };
      const first = await send('The ATM kept my debit card');
      const second = await send('Hello? Anyone there?');
      expect(second.duplicate).toBe(false);
      expect(second.replies.map((r: WireMessage) => r.text)).toEqual([en.rate_limited]);
      expect(second.replies[0].seq).toBeGreaterThan(first.replies.at(-1).seq);
      // The page shows it again when opened; the message that was not taken in is not kept.
      expect(await limited.db.webChatMessage.count({ where: { sessionId } })).toBe(first.replies.length + 2);
    } finally {
      await limited.stop();
    }
  });

  it('stores the conversation reference the messenger needs to reach the page later', async () => {
    const sessionId = newSession();
    await post({ sessionId, clientMessageId: newMessageId(), text: 'hello' });
    const account = await app.db.channelAccount.findUnique({ where: { conversationKey: `web:${sessionId}` } });
    expect(account?.channel).toBe('webchat');
    expect(JSON.parse(account!.conversationRef)).toEqual({ kind: 'webpage', sessionId });
  });
});

describe('GET /api/webchat/events', () => {
  it('refuses a bad session id with 400', async () => {
    const res = await fetch(`${app.url}/api/webchat/events?session=nope`);
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(/session/);
  });

  it('pushes a message sent later to an open stream', async () => {
    const sessionId = newSession();
    const stream = await openEvents(`session=${sessionId}`);
    expect(stream.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const sent = await app.messenger.send({ kind: 'webpage', sessionId }, [
      { text: 'Complaints team: we have refunded the fee.' },
      { text: 'Was your problem solved?', buttons: [{ label: 'Yes', value: 'survey:yes' }] },
    ]);
    expect(sent).toEqual({ ok: true });
    const received = await stream.waitFor(2);
    expect(received.map((r) => r.data.text)).toEqual(['Complaints team: we have refunded the fee.', 'Was your problem solved?']);
    expect(received[1]!.data.buttons).toEqual([{ label: 'Yes', value: 'survey:yes' }]);
    expect(received[0]!.id).toBe(String(received[0]!.data.seq));
    await stream.close();
  });

  it('replays what was sent while nobody listened, from the cursor on', async () => {
    const sessionId = newSession();
    await app.messenger.send({ kind: 'webpage', sessionId }, [{ text: 'one' }]);
    const first = await openEvents(`session=${sessionId}&since=0`);
    const [one] = await first.waitFor(1);
    await first.close();

    await app.messenger.send({ kind: 'webpage', sessionId }, [{ text: 'two' }, { text: 'three' }]);
    // A reconnecting EventSource sends Last-Event-ID; the page's first connection sends `since`.
    const again = await openEvents(`session=${sessionId}&since=0`, { 'last-event-id': one!.id });
    await again.waitFor(2);
    await new Promise((r) => setTimeout(r, 200));
    expect(again.received.map((r) => r.data.text)).toEqual(['two', 'three']);
    await again.close();

    const fromSince = await openEvents(`session=${sessionId}&since=${one!.id}`);
    await fromSince.waitFor(2);
    expect(fromSince.received.map((r) => r.data.text)).toEqual(['two', 'three']);
    await fromSince.close();
  });

  it('also streams the turns, so a reply whose response was lost still arrives', async () => {
    const sessionId = newSession();
    const stream = await openEvents(`session=${sessionId}`);
    const clientMessageId = newMessageId();
    const res = await (await post({ sessionId, clientMessageId, text: 'my card was swallowed by the ATM' })).json();
    await stream.waitFor(res.replies.length + 1);
    // The customer's message first (other tabs show it; the page that sent it knows its id).
    const [said, ...replies] = stream.received.map((r) => r.data);
    expect(said).toMatchObject({ from: 'customer', text: 'my card was swallowed by the ATM', clientMessageId });
    expect(replies.map((r) => r.seq)).toEqual(res.replies.map((r: WireMessage) => r.seq));
    await stream.close();
  });

  it('opens a page again with the conversation so far: the customer\'s messages and the bot\'s, in order', async () => {
    const sessionId = newSession();
    const first = await (await post({ sessionId, clientMessageId: newMessageId(), text: 'My credit card was charged a 200 dollar annual fee', locale: 'en-GB' })).json();
    const asked = first.replies.at(-1) as WireMessage;
    expect(asked.text).toMatch(/When did it happen/);
    const yesterday = asked.buttons!.find((b) => b.label === 'Yesterday')!;
    const pressId = newMessageId();
    const second = await (await post({ sessionId, clientMessageId: pressId, action: yesterday.value, label: 'Yesterday' })).json();

    const stream = await openEvents(`session=${sessionId}&history=1`);
    const count = 2 + first.replies.length + second.replies.length;
    await stream.waitFor(count);
    await new Promise((r) => setTimeout(r, 200));
    const shown = stream.received.map((r) => r.data);
    expect(shown).toHaveLength(count);
    expect(shown.map((m) => [m.from, m.text])).toEqual([
      ['customer', 'My credit card was charged a 200 dollar annual fee'],
      ...first.replies.map((r: WireMessage) => ['bot', r.text]),
      // A pressed button as it was shown: its label.
      ['customer', 'Yesterday'],
      ...second.replies.map((r: WireMessage) => ['bot', r.text]),
    ]);
    expect(shown[1 + first.replies.length]!.clientMessageId).toBe(pressId);
    // The last question keeps its buttons.
    expect(shown.at(-1)!.buttons?.length).toBeGreaterThan(0);
    await stream.close();
  });

  it('bounds the conversation shown again, but never leaves out what the page has not received', async () => {
    const sessionId = newSession();
    const dayAgo = new Date(Date.now() - 25 * 3_600_000);
    const old = async (text: string) =>
      (await app.db.webChatMessage.create({ data: { sessionId, payload: JSON.stringify({ text }), createdAt: dayAgo }, select: { seq: true } })).seq;
    const seenBefore = await old('older than a day, received');
    await old('older than a day, sent while the page was closed');
    const recent = Array.from({ length: HISTORY_MAX_MESSAGES + 20 }, (_, i) => ({ text: `recent ${i}` }));
    await app.messenger.send({ kind: 'webpage', sessionId }, recent);

    // Opened with no cursor of its own: the last HISTORY_MAX_MESSAGES of the last 24 hours.
    const fresh = await openEvents(`session=${sessionId}&history=1`);
    await fresh.waitFor(HISTORY_MAX_MESSAGES);
    await new Promise((r) => setTimeout(r, 200));
    expect(fresh.received.map((r) => r.data.text)).toEqual(recent.slice(-HISTORY_MAX_MESSAGES).map((m) => m.text));
    await fresh.close();

    // Its cursor is older than that: everything after it, in order.
    const reopened = await openEvents(`session=${sessionId}&history=1&since=${seenBefore}`);
    await reopened.waitFor(recent.length + 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(reopened.received.map((r) => r.data.text)).toEqual(['older than a day, sent while the page was closed', ...recent.map((m) => m.text)]);
    await reopened.close();

    // A reconnect (Last-Event-ID) replays only what came after the last message it got.
    const last = reopened.received.at(-1)!.id;
    await app.messenger.send({ kind: 'webpage', sessionId }, [{ text: 'after the reconnect' }]);
    const reconnect = await openEvents(`session=${sessionId}&history=1`, { 'last-event-id': last });
    await reconnect.waitFor(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(reconnect.received.map((r) => r.data.text)).toEqual(['after the reconnect']);
    await reconnect.close();
    // The day-old rows would count in the pruning test below.
    await deleteWebChatMessages(app.db, sessionId);
  });
});

describe('the webpage channel sender', () => {
  it('reports a reference without a valid session id as unreachable', async () => {
    const result = await app.messenger.send({ kind: 'webpage', sessionId: '../../etc' }, [{ text: 'x' }]);
    expect(result).toMatchObject({ ok: false, unreachable: true });
  });
});

describe('the stored web chat messages', () => {
  it('can be erased per session and pruned by age', async () => {
    const [a, b] = [newSession(), newSession()];
    await app.messenger.send({ kind: 'webpage', sessionId: a }, [{ text: 'for a' }]);
    await app.messenger.send({ kind: 'webpage', sessionId: b }, [{ text: 'for b' }]);
    expect(await deleteWebChatMessages(app.db, a)).toBe(1);
    expect(await app.db.webChatMessage.count({ where: { sessionId: a } })).toBe(0);
    expect(await pruneWebChatMessages(app.db, new Date(Date.now() - 86_400_000))).toBe(0);
    expect(await app.db.webChatMessage.count({ where: { sessionId: b } })).toBe(1);
    await pruneWebChatMessages(app.db, new Date(Date.now() + 60_000));
    expect(await app.db.webChatMessage.count({ where: { sessionId: b } })).toBe(0);
  });
});
