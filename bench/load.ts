import http from 'node:http';
import { summarise, type LatencySummary } from './stats.js';

/**
 * Simulated customers for `npm run bench`. Each one talks to `/api/messages` with
 * `deliveryMode: "expectReplies"`, so the bot's replies come back in the HTTP response and a
 * turn's latency is simply the request's round trip (no connector in the measurement).
 */

import { en } from '../src/dialogs/locales/en.js';
import { zh } from '../src/dialogs/locales/zh.js';

type Answer = { text: string } | { action: string };

/** What a bot reply asked for, by the dialog's own prompt texts (both languages). */
const promptOf = (key: keyof typeof en) => [en[key], zh[key]].map((t) => t.split('{{')[0]!.slice(0, 24));

/** A customer's complaint and answers; `lang` picks the language of the first message. */
export function customerProfile(i: number) {
  const letters = (n: number) => n.toString(26).split('').map((d) => String.fromCharCode(97 + parseInt(d, 26))).join('');
  const english = i % 2 === 0;
  return english
    ? {
        first: `My credit card was charged a ${100 + (i % 900)} dollar annual fee that nobody told me about`,
        date: 'yesterday',
        amount: String(100 + (i % 900)),
        name: `Jane ${letters(i)}`.replace(/ (.)/, (_, c: string) => ` ${c.toUpperCase()}`),
        phone: `+1 415 555 ${String(1000 + (i % 8999))}`,
      }
    : {
        first: `我的借记卡昨天被盗刷了${2 + (i % 7)}万元，不是我本人操作的`,
        date: '昨天',
        amount: `${2 + (i % 7)}万元`,
        name: '李雷',
        phone: `139${String(10_000_000 + (i % 89_999_999)).slice(0, 8)}`,
      };
}

/**
 * The customer's next message, given the bot's last replies: answers the question asked (as a
 * real customer would), presses Confirm on the summary, and otherwise takes the first button.
 */
export function nextAnswer(profile: ReturnType<typeof customerProfile>, replies: Reply[]): Answer | null {
  const text = replies.map((r) => r.text ?? '').join('\n');
  const has = (key: keyof typeof en) => promptOf(key).some((p) => text.includes(p));
  const buttons = replies.flatMap((r) => r.suggestedActions?.actions ?? []).map((a) => (typeof a.value === 'object' && a.value ? a.value.action : String(a.value ?? '')));
  if (has('ask_occurredOn')) return { text: profile.date };
  if (has('ask_amount')) return { text: profile.amount };
  if (has('ask_name')) return { text: profile.name };
  if (has('ask_phone')) return { text: profile.phone };
  if (has('ask_describe')) return { text: profile.first };
  const pick = buttons.find((b) => b === 'confirm') ?? buttons.find((b) => b.startsWith('resolution:')) ?? buttons[0];
  return pick ? { action: pick } : null;
}

export interface Reply {
  type?: string;
  text?: string;
  suggestedActions?: { actions: { value?: { action?: string } | string }[] };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
const REFERENCE = /C-\d{8}-\d{4,}/;

export interface TurnOutcome {
  status: number;
  ms: number;
  texts: string[];
  replies: Reply[];
}

/** Sends one message activity and waits for the replies of its turn. */
export function sendTurn(baseUrl: string, conversationId: string, activityId: string, answer: Answer): Promise<TurnOutcome> {
  const body = JSON.stringify({
    type: 'message',
    id: activityId,
    channelId: 'emulator',
    deliveryMode: 'expectReplies',
    serviceUrl: 'http://127.0.0.1:9/',
    timestamp: new Date().toISOString(),
    conversation: { id: conversationId },
    from: { id: `u-${conversationId}`, name: 'Customer' },
    recipient: { id: 'bot', name: 'Bot' },
    text: 'text' in answer ? answer.text : answer.action,
    value: 'action' in answer ? { action: answer.action } : undefined,
  });
  const url = new URL('/api/messages', baseUrl);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (data += c));
        res.on('end', () => {
          const elapsed = performance.now() - started;
          let replies: Reply[] = [];
          try {
            replies = ((JSON.parse(data) as { activities?: Reply[] }).activities ?? []).filter((a) => a.type === 'message');
          } catch {
            // not JSON: counted by status
          }
          resolve({ status: res.statusCode ?? 0, ms: elapsed, texts: replies.map((a) => a.text ?? '').filter(Boolean), replies });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface LoadResult {
  seconds: number;
  turns: number;
  /** Turns answered with 200 over the whole run, warm-up included (for CPU per turn). */
  allTurns: number;
  errors: number;
  intakes: number;
  cases: number;
  references: Set<string>;
  turnsPerSecond: number;
  casesPerSecond: number;
  latency: LatencySummary;
  /** The same, split: turns whose reply told a new reference (they wait for the case's fsync), and the rest. */
  filingLatency: LatencySummary;
  otherLatency: LatencySummary;
}

export interface LoadOptions {
  /** One URL per instance; conversations alternate between them turn by turn. */
  urls: string[];
  /** Customers talking at the same time. */
  concurrency: number;
  durationMs: number;
  /** Pause between a customer's messages (ms, uniform in [min, max]); 0 = closed loop. */
  thinkMs?: [number, number];
  /** Turns before the clock starts (JIT, connection pools). */
  warmupMs?: number;
  /** Replace the intake with a one-message echo script. */
  echo?: boolean;
  label: string;
}

/**
 * Runs `concurrency` customers for `durationMs`; each does whole intakes back to back (a new
 * conversation each time). Turns finishing during the warm-up are not counted.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const warmup = opts.warmupMs ?? 2000;
  const samples: number[] = [];
  const filingSamples: number[] = [];
  const otherSamples: number[] = [];
  const references = new Set<string>();
  let turns = 0;
  let allTurns = 0;
  let errors = 0;
  let intakes = 0;
  let cases = 0;
  const t0 = performance.now();
  const measureFrom = t0 + warmup;
  const stopAt = measureFrom + opts.durationMs;
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let seq = 0;

  async function customer(c: number) {
    if (opts.thinkMs) await sleep(Math.random() * opts.thinkMs[1]); // spread the starts
    while (performance.now() < stopAt) {
      const n = seq++;
      const conversationId = `${opts.label}-${run}-${c}-${n}`;
      const profile = customerProfile(n);
      let answer: Answer | null = opts.echo ? { text: `hello ${n}` } : { text: profile.first };
      let gotReference = false;
      // An intake takes 5–8 turns; 14 is a guard against a dialog that loops.
      for (let t = 0; answer && t < 14 && performance.now() < stopAt; t++) {
        const url = opts.urls[(t + c) % opts.urls.length]!;
        let out: TurnOutcome;
        try {
          out = await sendTurn(url, conversationId, `${conversationId}-${t}`, answer);
        } catch {
          out = { status: 0, ms: 0, texts: [], replies: [] };
        }
        const end = performance.now();
        if (out.status === 200) allTurns++;
        const counted = end >= measureFrom && end <= stopAt;
        const filed = !gotReference && out.texts.some((text) => REFERENCE.test(text));
        if (counted) {
          if (out.status === 200) {
            turns++;
            samples.push(out.ms);
            (filed ? filingSamples : otherSamples).push(out.ms);
          } else errors++;
        }
        for (const text of out.texts) {
          const ref = REFERENCE.exec(text)?.[0];
          if (ref && !gotReference) {
            gotReference = true;
            if (counted) cases++;
            references.add(ref);
          }
        }
        if (opts.echo || gotReference || out.status !== 200) break;
        answer = nextAnswer(profile, out.replies);
        if (opts.thinkMs && answer) await sleep(opts.thinkMs[0] + Math.random() * (opts.thinkMs[1] - opts.thinkMs[0]));
      }
      if (performance.now() <= stopAt) intakes++;
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, (_, c) => customer(c)));
  const seconds = opts.durationMs / 1000;
  return {
    seconds,
    turns,
    allTurns,
    errors,
    intakes,
    cases,
    references,
    turnsPerSecond: turns / seconds,
    casesPerSecond: cases / seconds,
    latency: summarise(samples),
    filingLatency: summarise(filingSamples),
    otherLatency: summarise(otherSamples),
  };
}

/**
 * `count` customers one after another, each a whole intake, on a server nobody has talked to
 * yet: what the first customers after a start or a deploy wait. Returns each intake's turn
 * latencies (ms), in order.
 */
export async function firstIntakes(url: string, count: number): Promise<number[][]> {
  const intakes: number[][] = [];
  for (let n = 0; n < count; n++) {
    const profile = customerProfile(n);
    let answer: Answer | null = { text: profile.first };
    const turns: number[] = [];
    for (let t = 0; answer && t < 14; t++) {
      const out = await sendTurn(url, `first-${n}`, `first-${n}-${t}`, answer);
      if (out.status !== 200) throw new Error(`first intakes: turn answered ${out.status}`);
      turns.push(out.ms);
      answer = out.texts.some((text) => REFERENCE.test(text)) ? null : nextAnswer(profile, out.replies);
    }
    intakes.push(turns);
  }
  return intakes;
}

export const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));
