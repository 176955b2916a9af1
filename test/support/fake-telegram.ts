import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One Bot API call the bot made, as the fake received it. */
export interface RecordedCall {
  method: string;
  body: Record<string, unknown>;
  at: number;
}

export interface FakeUser {
  id: number;
  first_name?: string;
  language_code?: string;
}

type Update = Record<string, unknown> & { update_id: number };

/** A message the bot sent (sendMessage), with the id the fake gave it. */
export interface SentMessage {
  message_id: number;
  chat_id: string;
  text: string;
  reply_markup?: {
    inline_keyboard?: { text: string; callback_data: string }[][];
    keyboard?: { text: string; request_contact?: boolean }[][];
    remove_keyboard?: boolean;
  };
  /** The inline keyboard as later edited (editMessageReplyMarkup); null once removed. */
  edited_markup?: { inline_keyboard?: { text: string; callback_data: string }[][] } | null;
}

/** The keyboard a user sees on a message now: the latest edit, else what it was sent with. */
export function shownMarkup(m: SentMessage): SentMessage['reply_markup'] | null {
  return m.edited_markup !== undefined ? m.edited_markup : m.reply_markup;
}

interface QueuedUpdate {
  update: Update;
  delivered: boolean;
}

interface FakeFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  bytes: Buffer;
}

/** What the fake answers `getMe` with. */
export const FAKE_BOT = { id: 7000001, is_bot: true, first_name: 'Complaint Desk', username: 'complaint_desk_test_bot' } as const;

/**
 * A hand-written Telegram Bot API server on 127.0.0.1 for end-to-end tests (never the real
 * service; NOTES.md explains why not telegram-test-api). It queues updates for `getUpdates`
 * (a short long-poll honouring `offset`), records every call, keeps sent messages, serves
 * files from `/file/bot<token>/<path>`, answers 403 "bot was blocked by the user" for blocked
 * chats, and can play Telegram's side of a webhook (POST with the secret header).
 */
export async function startFakeTelegram(opts: { token: string; longPollMs?: number }) {
  const longPollMs = opts.longPollMs ?? 200;
  const calls: RecordedCall[] = [];
  const sent: SentMessage[] = [];
  const queue: QueuedUpdate[] = [];
  const waiters = new Set<() => void>();
  const files = new Map<string, FakeFile>();
  const blocked = new Set<string>();
  const flood = new Map<string, number>();
  /**
   * Per chat, failures still to answer sendMessage with: an HTTP status, 'network' (socket
   * dropped) or 'hang' (never answered: the bot's process is to die waiting).
   */
  const failures = new Map<string, { failure: number | 'network' | 'hang'; left: number }>();
  const listeners = new Set<() => void>();
  let nextUpdateId = 500_000 + Math.floor(Math.random() * 1000) * 1000;
  let nextMessageId = 1;
  let webhook: { url: string; secret?: string } | null = null;

  const notify = () => {
    for (const l of [...listeners]) l();
  };

  function fail(res: http.ServerResponse, code: number, description: string) {
    res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error_code: code, description }));
  }
  function ok(res: http.ServerResponse, result: unknown) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result }));
  }

  function takeUpdates(offset: number, limit: number): Update[] {
    // Updates below the offset were confirmed by the bot: Telegram forgets them.
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.delivered && queue[i]!.update.update_id < offset) queue.splice(i, 1);
    const out = queue.filter((q) => !q.delivered || q.update.update_id >= offset).slice(0, limit);
    for (const q of out) q.delivered = true;
    return out.map((q) => q.update);
  }

  function api(method: string, body: Record<string, unknown>, req: http.IncomingMessage, res: http.ServerResponse) {
    const chatId = body.chat_id === undefined ? undefined : String(body.chat_id);
    switch (method) {
      case 'getMe':
        return ok(res, FAKE_BOT);
      case 'getUpdates': {
        const offset = Number(body.offset ?? 0);
        const limit = Number(body.limit ?? 100);
        const ready = takeUpdates(offset, limit);
        if (ready.length || !body.timeout) return ok(res, ready);
        // A short long-poll: wake on a new update or give up after longPollMs.
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          waiters.delete(wake);
          if (!res.writableEnded && !res.destroyed) ok(res, takeUpdates(offset, limit));
        };
        const wake = () => finish();
        const timer = setTimeout(finish, Math.min(Number(body.timeout) * 1000, longPollMs));
        waiters.add(wake);
        res.on('close', () => {
          done = true;
          clearTimeout(timer);
          waiters.delete(wake);
        });
        return;
      }
      case 'sendMessage': {
        if (chatId && blocked.has(chatId)) return fail(res, 403, 'Forbidden: bot was blocked by the user');
        const retryAfter = chatId ? flood.get(chatId) : undefined;
        if (chatId && retryAfter !== undefined) {
          flood.delete(chatId);
          return void res
            .writeHead(429, { 'content-type': 'application/json' })
            .end(JSON.stringify({ ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } }));
        }
        const failing = chatId ? failures.get(chatId) : undefined;
        if (chatId && failing) {
          if (--failing.left <= 0) failures.delete(chatId);
          if (failing.failure === 'network') return void req.socket.destroy();
          if (failing.failure === 'hang') return;
          return fail(res, failing.failure, failing.failure >= 500 ? 'Internal Server Error' : 'Bad Request');
        }
        const message = {
          message_id: nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(body.chat_id), type: Number(body.chat_id) < 0 ? 'group' : 'private' },
          from: FAKE_BOT,
          text: body.text,
          ...(body.reply_markup ? { reply_markup: body.reply_markup } : {}),
        };
        sent.push({
          message_id: message.message_id,
          chat_id: String(body.chat_id),
          text: String(body.text),
          reply_markup: body.reply_markup as SentMessage['reply_markup'],
        });
        return ok(res, message);
      }
      case 'sendChatAction':
        if (chatId && blocked.has(chatId)) return fail(res, 403, 'Forbidden: bot was blocked by the user');
        return ok(res, true);
      case 'editMessageReplyMarkup': {
        const m = sent.find((x) => x.chat_id === chatId && x.message_id === Number(body.message_id));
        if (m) m.edited_markup = (body.reply_markup as SentMessage['edited_markup']) ?? null;
        return ok(res, { message_id: Number(body.message_id), date: Math.floor(Date.now() / 1000), chat: { id: Number(body.chat_id), type: 'private' } });
      }
      case 'editMessageText':
        return ok(res, { message_id: Number(body.message_id), date: Math.floor(Date.now() / 1000), chat: { id: Number(body.chat_id), type: 'private' } });
      case 'answerCallbackQuery':
      case 'setMyCommands':
      case 'deleteMyCommands':
        return ok(res, true);
      case 'setWebhook':
        webhook = { url: String(body.url), secret: typeof body.secret_token === 'string' ? body.secret_token : undefined };
        return ok(res, true);
      case 'deleteWebhook':
        webhook = null;
        return ok(res, true);
      case 'getWebhookInfo':
        return ok(res, { url: webhook?.url ?? '', has_custom_certificate: false, pending_update_count: queue.length });
      case 'getFile': {
        const f = files.get(String(body.file_id));
        if (!f) return fail(res, 400, 'Bad Request: invalid file_id');
        return ok(res, { file_id: f.file_id, file_unique_id: f.file_unique_id, file_size: f.bytes.length, file_path: f.file_path });
      }
      default:
        return fail(res, 404, 'Not Found: method not found');
    }
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (req.method === 'GET' && fileMatch) {
      if (fileMatch[1] !== opts.token) return void res.writeHead(401).end();
      const f = [...files.values()].find((x) => x.file_path === fileMatch[2]);
      if (!f) return void res.writeHead(404).end();
      calls.push({ method: 'downloadFile', body: { file_path: f.file_path }, at: Date.now() });
      return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': f.bytes.length }).end(f.bytes);
    }
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString('utf8')));
    req.on('end', () => {
      if (!m) return fail(res, 404, 'Not Found');
      if (m[1] !== opts.token) return fail(res, 401, 'Unauthorized');
      let body: Record<string, unknown>;
      try {
        body = data ? (JSON.parse(data) as Record<string, unknown>) : {};
      } catch {
        return fail(res, 400, 'Bad Request: cannot parse JSON');
      }
      const method = m[2]!;
      calls.push({ method, body, at: Date.now() });
      notify();
      api(method, body, req, res);
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  /** Resolves when `check` returns a value (checked on every call and every 20 ms). */
  function waitFor<T>(check: () => T | undefined | null | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const tryIt = () => {
        const v = check();
        if (v) {
          cleanup();
          resolve(v);
        }
      };
      const interval = setInterval(tryIt, 20);
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake telegram: timed out waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearInterval(interval);
        clearTimeout(timer);
        listeners.delete(tryIt);
      };
      listeners.add(tryIt);
      tryIt();
    });
  }

  const fake = {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    sent,
    get webhook() {
      return webhook;
    },
    /** A fresh update id, as Telegram would assign. */
    nextUpdateId: () => nextUpdateId++,

    /** Queues an update for `getUpdates` (with an update_id if it has none) and returns it. */
    push(update: Omit<Update, 'update_id'> & { update_id?: number }): Update {
      const u: Update = { ...update, update_id: update.update_id ?? nextUpdateId++ };
      queue.push({ update: u, delivered: false });
      for (const w of [...waiters]) w();
      return u;
    },

    /**
     * Queues updates and waits until the bot has confirmed them (a `getUpdates` whose offset
     * is past them): telegraf only asks again once every update of a batch is handled, so by
     * then the turn is over and its replies are sent. Returns the calls made meanwhile.
     */
    async process(...updates: (Omit<Update, 'update_id'> & { update_id?: number })[]): Promise<RecordedCall[]> {
      const from = calls.length;
      const pushed = updates.map((u) => fake.push(u));
      const last = Math.max(...pushed.map((u) => u.update_id));
      await waitFor(
        () => calls.slice(from).some((c) => c.method === 'getUpdates' && Number(c.body.offset ?? 0) > last),
        15_000,
        `the bot to confirm update ${last}`,
      );
      return calls.slice(from);
    },

    /** Plays Telegram's side of a webhook: POSTs the update to the URL set with setWebhook. */
    async deliverWebhook(update: Update, headers: Record<string, string> | 'telegram' = 'telegram'): Promise<number> {
      if (!webhook) throw new Error('fake telegram: no webhook set');
      const h = headers === 'telegram' ? (webhook.secret ? { 'x-telegram-bot-api-secret-token': webhook.secret } : {}) : headers;
      const res = await fetch(webhook.url, { method: 'POST', headers: { 'content-type': 'application/json', ...h }, body: JSON.stringify(update) });
      await res.arrayBuffer();
      return res.status;
    },

    /** Makes a file downloadable; returns its file id. */
    addFile(bytes: Buffer, filePath: string): string {
      const n = files.size + 1;
      const f: FakeFile = { file_id: `AgACfake${n}x${Math.random().toString(36).slice(2, 10)}`, file_unique_id: `uniq${n}`, file_path: filePath, bytes };
      files.set(f.file_id, f);
      return f.file_id;
    },

    /** The next sendMessage to this chat answers 429 with this retry_after (seconds). */
    floodOnce(chatId: number | string, retryAfter: number) {
      flood.set(String(chatId), retryAfter);
    },

    /**
     * The next `times` sendMessage calls to this chat fail: with this HTTP status (e.g. 502), with
     * the connection dropped before an answer ('network'), or with no answer at all ('hang').
     * `times` 0 clears it.
     */
    failSends(chatId: number | string, failure: number | 'network' | 'hang', times = 1) {
      if (times > 0) failures.set(String(chatId), { failure, left: times });
      else failures.delete(String(chatId));
    },

    /** From now on sending to this chat answers 403 "bot was blocked by the user". */
    block(chatId: number | string) {
      blocked.add(String(chatId));
    },

    waitFor,
    callsOf: (method: string, chatId?: number | string) =>
      calls.filter((c) => c.method === method && (chatId === undefined || String(c.body.chat_id) === String(chatId))),

    async close() {
      for (const w of [...waiters]) w();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

export type FakeTelegram = Awaited<ReturnType<typeof startFakeTelegram>>;

let nextMessageIdFromUser = 1;

/** Builders for the updates a Telegram user produces. */
export const tgUpdate = {
  text(user: FakeUser, text: string, o: { chat?: { id: number; type: string } } = {}) {
    const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]!.length }] : undefined;
    return { message: { ...messageBase(user, o.chat), text, ...(entities ? { entities } : {}) } };
  },
  edited(user: FakeUser, messageId: number, text: string) {
    return {
      edited_message: {
        ...messageBase(user),
        message_id: messageId,
        text,
        edit_date: Math.floor(Date.now() / 1000),
      },
    };
  },
  press(user: FakeUser, data: string, messageId = 1) {
    return {
      callback_query: {
        id: `cbq${Math.random().toString(36).slice(2, 12)}`,
        from: { ...user, is_bot: false },
        chat_instance: `ci${user.id}`,
        data,
        message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: user.id, type: 'private' } },
      },
    };
  },
  contact(user: FakeUser, phone: string, ownerId = user.id) {
    return { message: { ...messageBase(user), contact: { phone_number: phone, first_name: user.first_name ?? 'x', user_id: ownerId } } };
  },
  photo(user: FakeUser, fileId: string, size: number, caption?: string) {
    return {
      message: {
        ...messageBase(user),
        photo: [
          { file_id: `${fileId}-thumb`, file_unique_id: 'thumb', width: 90, height: 90, file_size: 100 },
          { file_id: fileId, file_unique_id: 'full', width: 1280, height: 960, file_size: size },
        ],
        ...(caption ? { caption } : {}),
      },
    };
  },
  sticker(user: FakeUser) {
    return {
      message: {
        ...messageBase(user),
        sticker: { file_id: 'CAACstickerfake', file_unique_id: 'st1', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '👍' },
      },
    };
  },
  blocked(user: FakeUser) {
    return {
      my_chat_member: {
        chat: { id: user.id, type: 'private' },
        from: { ...user, is_bot: false },
        date: Math.floor(Date.now() / 1000),
        old_chat_member: { status: 'member', user: FAKE_BOT },
        new_chat_member: { status: 'kicked', user: FAKE_BOT, until_date: 0 },
      },
    };
  },
};

function messageBase(user: FakeUser, chat?: { id: number; type: string }) {
  return {
    message_id: nextMessageIdFromUser++,
    date: Math.floor(Date.now() / 1000),
    chat: chat ?? { id: user.id, type: 'private', first_name: user.first_name },
    from: { is_bot: false, first_name: 'Test', ...user },
  };
}
