import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedActivity {
  conversationId: string;
  replyToId?: string;
  activity: { type: string; text?: string; suggestedActions?: { actions: { title: string; value: { action: string } }[] }; [k: string]: unknown };
}

/**
 * A stand-in for the Bot Framework connector service: the bot posts its replies and proactive
 * messages to `{serviceUrl}/v3/conversations/{id}/activities[/{replyToId}]`; this records them.
 * Conversations listed in `blocked` answer 403, as a channel does for a user who left; messages
 * to those in `hung` are never answered nor recorded (counted in `hungMessages`): the bot's
 * process is to die waiting. Files put in `files` are served at `GET {url}{path}` (as Teams
 * serves attachments and download links), each request recorded in `fileRequests`.
 */
export async function startFakeConnector() {
  const received: RecordedActivity[] = [];
  const blocked = new Set<string>();
  const hung = new Set<string>();
  let hungMessages = 0;
  const waiters: (() => void)[] = [];
  const files = new Map<string, { bytes: Buffer; contentType: string }>();
  const fileRequests: { path: string; authorization?: string }[] = [];
  let seq = 0;
  const server = http.createServer((req, res) => {
    const file = req.method === 'GET' ? files.get(req.url ?? '') : undefined;
    if (file) {
      fileRequests.push({ path: req.url ?? '', authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length }).end(file.bytes);
      return;
    }
    const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method !== 'POST' || !m) {
        res.writeHead(404).end();
        return;
      }
      const conversationId = decodeURIComponent(m[1]!);
      if (blocked.has(conversationId)) {
        res.writeHead(403, { 'content-type': 'application/json' }).end('{"error":{"code":"BotNotInConversationRoster"}}');
        return;
      }
      const activity = JSON.parse(body) as RecordedActivity['activity'];
      if (hung.has(conversationId) && activity.type === 'message') {
        hungMessages += 1;
        return;
      }
      received.push({ conversationId, replyToId: m[2], activity });
      waiters.splice(0).forEach((w) => w());
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `act-${++seq}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    blocked,
    hung,
    get hungMessages() {
      return hungMessages;
    },
    files,
    fileRequests,
    /** Messages (not typing indicators) sent to one conversation. */
    messages(conversationId: string) {
      return received.filter((r) => r.conversationId === conversationId && r.activity.type === 'message').map((r) => r.activity);
    },
    /** Resolves when `predicate` holds, checking after every received activity. */
    async waitFor(predicate: () => boolean, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > until) throw new Error('timed out waiting for the connector');
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** A Bot Framework customer talking to `/api/messages`, replies delivered to the fake connector. */
export function botFrameworkCustomer(opts: {
  botUrl: string;
  serviceUrl: string;
  conversationId: string;
  channelId?: string;
  locale?: string;
  userId?: string;
  /** More of `conversation` (Teams: `isGroup`, `conversationType` personal / groupChat / channel). */
  conversation?: Record<string, unknown>;
}) {
  let n = 0;
  // Activity ids are unique per customer object: the bot ignores an id it has seen before.
  const prefix = `${opts.conversationId}-${Math.random().toString(36).slice(2, 8)}`;
  const channelId = opts.channelId ?? 'emulator';
  return {
    /** Sends a message; `activity` adds or overrides fields (entities, attachments, textFormat, type…). */
    async send(what: { text?: string; action?: string; id?: string; activity?: Record<string, unknown> }): Promise<number> {
      const activity = {
        type: 'message',
        id: what.id ?? `${prefix}-m${++n}`,
        channelId,
        serviceUrl: opts.serviceUrl,
        timestamp: new Date().toISOString(),
        locale: opts.locale,
        conversation: { ...opts.conversation, id: opts.conversationId },
        from: { id: opts.userId ?? `user-${opts.conversationId}`, name: 'Customer' },
        recipient: { id: 'bot', name: 'Complaint Desk' },
        text: what.text ?? (what.action ? what.action : undefined),
        value: what.action ? { action: what.action } : undefined,
        ...what.activity,
      };
      const res = await fetch(`${opts.botUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      return res.status;
    },
  };
}

type Connector = Awaited<ReturnType<typeof startFakeConnector>>;

/** Plain answers to each question of the English intake, matched against the bot's last message. */
export const PLAIN_ENGLISH_ANSWERS: [RegExp, { text?: string; action?: string }][] = [
  [/C-\d{8}-\d{4}/, {}],
  [/product or service/i, { text: 'credit card' }],
  [/when did it happen/i, { text: 'yesterday' }],
  [/how much/i, { text: '200' }],
  [/would you like us to do/i, { action: 'resolution:refund' }],
  [/your name/i, { text: 'Jane Doe' }],
  [/phone number/i, { text: '+1 415 555 0100' }],
  [/check your complaint/i, { action: 'confirm' }],
];

/**
 * Files a complaint over `/api/messages` the way a customer answering plainly would: the
 * description, then whatever the bot asks next (it skips what the description already said),
 * at most 12 turns. Returns the reference the customer was told.
 */
export async function fileComplaint(opts: {
  botUrl: string;
  connector: Connector;
  conversationId: string;
  description: string;
  answers?: [RegExp, { text?: string; action?: string }][];
}): Promise<{ reference: string; customer: ReturnType<typeof botFrameworkCustomer> }> {
  const { connector, conversationId } = opts;
  const answers = opts.answers ?? PLAIN_ENGLISH_ANSWERS;
  const customer = botFrameworkCustomer({ botUrl: opts.botUrl, serviceUrl: connector.url, conversationId });
  const last = () => connector.messages(conversationId).at(-1)?.text ?? '';
  if ((await customer.send({ text: opts.description })) !== 200) throw new Error('the bot refused the description');
  for (let turn = 1; turn < 12; turn++) {
    const answer = answers.find(([question]) => question.test(last()));
    if (!answer) throw new Error(`no answer for: ${last()}`);
    if (!answer[1].text && !answer[1].action) break;
    if ((await customer.send(answer[1])) !== 200) throw new Error(`the bot refused: ${JSON.stringify(answer[1])}`);
  }
  const reference = connector.messages(conversationId).map((m) => m.text).join('\n').match(/C-\d{8}-\d{4}/)?.[0];
  if (!reference) throw new Error(`no reference after 12 turns; last: ${last()}`);
  return { reference, customer };
}

/** The values of a message's buttons (suggested actions). */
export const actionsOf = (m: { suggestedActions?: { actions: { value: { action: string } }[] } } | undefined) => m?.suggestedActions?.actions.map((a) => a.value.action) ?? [];

/**
 * Files `complaint` through `say` (text, or `[value]` for a button press; returns the bot's
 * messages in reply), answering whatever the intake asks in the complaint's language, Chinese or
 * English (the intake's own tests pin its exact questions; here only a confirmed case matters).
 * At most 12 turns. Returns the reference the customer was told.
 */
export async function answerIntake(say: (what: string) => Promise<RecordedActivity['activity'][]>, complaint: string): Promise<string> {
  const zh = /[\u4e00-\u9fff]/.test(complaint);
  let replies = await say(complaint);
  for (let turn = 0; turn < 12; turn++) {
    const reference = replies.map((m) => m.text ?? '').join('\n').match(/C-\d{8}-\d{4}/)?.[0];
    if (reference) return reference;
    const last = replies.at(-1);
    const text = last?.text ?? '';
    const buttons = actionsOf(last);
    let answer: string;
    if (buttons.includes('confirm')) answer = '[confirm]';
    else if (/When did|什么时候/.test(text)) answer = zh ? '昨天' : 'yesterday';
    else if (/How much|金额|多少钱/.test(text)) answer = '200';
    else if (/name\?|姓名|称呼/.test(text)) answer = zh ? '李雷' : 'Jane Doe';
    else if (/phone|电话|手机/.test(text)) answer = zh ? '13912345678' : '+1 415 555 0100';
    else if (buttons.length) answer = `[${buttons[0]}]`;
    else throw new Error(`unexpected intake question: ${text}`);
    replies = await say(answer);
  }
  throw new Error('intake did not finish in 12 turns');
}
