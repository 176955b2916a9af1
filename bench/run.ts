/**
 * `npm run bench`: the load, latency and memory figures of issue 7, measured against the real
 * program, compiled and started as `npm start` starts it, in child processes (so the server's
 * RSS is its own), next to a bare echo bot on the same stack. Prints a report and appends it,
 * dated, to docs/benchmarks.md.
 *
 * Options (environment): BENCH_SECONDS (per throughput phase, default 20), BENCH_CONCURRENCY
 * (closed-loop customers, default 50), BENCH_CONVERSATIONS (the latency phase, default 200),
 * BENCH_IDLE (idle conversations, default 10000), BENCH_LARGE (cases in the big queue, default
 * 1000000), BENCH_PG_URL or TEST_DATABASE_URL (a PostgreSQL role with CREATEDB: adds the
 * one-vs-two-instances phase), BENCH_PG_INSTANCE_CORES (the CPU share each instance is held to in
 * that phase's second part, default 0.3), BENCH_PG_CAPPED_PAIRS (alternated one/two runs there,
 * default 3), BENCH_PG_HISTORY (closed cases in each of its databases beforehand, default 10000),
 * BENCH_RATIO_PAIRS (alternated echo-bot/product closed-loop runs behind the ratio, default 3),
 * BENCH_QUICK=1 (small numbers, for trying it out),
 * BENCH_NO_WRITE=1 (print only).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createRuleClassifier } from '../src/cases/classification/rules.js';
import { migrateSqlite } from '../src/db/migrate.js';
import { migratePostgres } from '../src/db/migrate-postgres.js';
import { freePort } from '../test/support/server-process.js';
import { createPostgresDatabase } from '../test/support/db.js';
import { firstIntakes, runLoad, sendTurn, sleep, type LoadResult } from './load.js';
import { cpuCap, type CpuCap } from './cpu-cap.js';
import { seedPostgres, seedSqlite } from './seed.js';
import { ms, percentile, processCpuMs, processMemory } from './stats.js';

const root = path.resolve(import.meta.dirname, '..');
const quick = process.env.BENCH_QUICK === '1';
const num = (name: string, dflt: number, quickValue: number) => Number(process.env[name] ?? (quick ? quickValue : dflt));
const SECONDS = num('BENCH_SECONDS', 20, 5);
const CONCURRENCY = num('BENCH_CONCURRENCY', 50, 20);
const CONVERSATIONS = num('BENCH_CONVERSATIONS', 200, 50);
const IDLE = num('BENCH_IDLE', 10_000, 1000);
const LARGE = num('BENCH_LARGE', 1_000_000, 50_000);
const SMALL = 10_000;
/** The CPU share each PostgreSQL instance is held to in the capped runs (cores). */
const PG_INSTANCE_CORES = num('BENCH_PG_INSTANCE_CORES', 0.3, 0.3);
const CAPPED_PAIRS = num('BENCH_PG_CAPPED_PAIRS', 3, 1);
/** Alternated echo/product closed-loop pairs behind the ratio. */
const RATIO_PAIRS = num('BENCH_RATIO_PAIRS', 3, 1);
/** Intakes, one at a time, on a server just started. */
const FIRST_INTAKES = 4;
/** Closed cases already in each PostgreSQL database before its run. */
const PG_HISTORY = num('BENCH_PG_HISTORY', 10_000, 2_000);
const TOKEN = 'bench-staff-token-0123456789';
const pgAdmin = [process.env.BENCH_PG_URL, process.env.TEST_DATABASE_URL].find((u) => u && /^postgres(ql)?:\/\//.test(u));

const lines: string[] = [];
function out(line = '') {
  lines.push(line);
  process.stdout.write(`${line}\n`);
}

interface Server {
  url: string;
  pid: number;
  memory(): { rssMb: number; peakRssMb: number };
  /** CPU time used so far (ms). */
  cpuMs(): number;
  stop(): Promise<void>;
}

/**
 * What `npm start` runs once dist/ is built: `node <V8 flags> dist/main.js`, read from
 * package.json so the bench measures the program as production starts it.
 */
function productionArgs(): string[] {
  const start = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  const m = /\bnode((?:\s+--\S+)*)\s+dist\/main\.js\b/.exec(start);
  if (!m) throw new Error(`package.json "start" no longer ends in \`node … dist/main.js\`; update bench/run.ts: ${start}`);
  return [...(m[1] ?? '').split(/\s+/).filter(Boolean), path.join(root, 'dist/main.js')];
}

/**
 * Starts the program (as `npm start` does, compiled) or the echo bot (through tsx) in a child
 * process and waits until it answers.
 */
async function startServer(kind: 'desk' | 'echo', env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const program = kind === 'desk' ? productionArgs() : ['--import', 'tsx', path.join(root, 'bench/echo-server.ts')];
  const child: ChildProcess = spawn(process.execPath, [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), ...program], {
    cwd: root,
    // Every simulated customer comes from 127.0.0.1: the per-address limit is off, as behind a
    // proxy that limits; the per-conversation turn limit stays (customers pause between turns).
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', STAFF_API_TOKEN: TOKEN, REQUESTS_PER_IP_PER_MINUTE: '0', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (d) => (errors = (errors + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${kind} exited early:\n${errors}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error(`${kind} did not start:\n${errors}`);
    await sleep(100);
  }
  return {
    url,
    pid: child.pid!,
    memory: () => processMemory(child.pid!),
    cpuMs: () => processCpuMs(child.pid!),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
    },
  };
}

interface DatabaseWork {
  commits: number;
  rollbacks: number;
  rowsWritten: number;
  rowsRead: number;
}

/**
 * What PostgreSQL counted for one database so far: if a second instance made each turn cost the
 * database more (lease conflicts retried, transactions rolled back), it shows here per turn.
 */
async function databaseWork(url: string): Promise<DatabaseWork> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const row = (
      await client.query<Record<keyof DatabaseWork, string>>(
        'SELECT xact_commit AS commits, xact_rollback AS rollbacks, tup_inserted + tup_updated + tup_deleted AS "rowsWritten", tup_returned + tup_fetched AS "rowsRead" FROM pg_stat_database WHERE datname = current_database()',
      )
    ).rows[0]!;
    return { commits: Number(row.commits), rollbacks: Number(row.rollbacks), rowsWritten: Number(row.rowsWritten), rowsRead: Number(row.rowsRead) };
  } finally {
    await client.end();
  }
}

function freshSqliteUrl(name: string): { url: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`));
  const file = path.join(dir, 'db.sqlite');
  return { url: `file:${file}`, file };
}

function machine() {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    // The results file itself does not make the code measured differ from the commit.
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!docs/benchmarks.md'], { cwd: root, encoding: 'utf8' }).trim();
    if (dirty) commit += ' (+ uncommitted changes)';
  } catch {
    // not a git checkout
  }
  return {
    date: new Date().toISOString(),
    commit,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ramGb: (os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    load: () => os.loadavg().map((l) => l.toFixed(2)).join(' / '),
  };
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const verdict = (ok: boolean) => (ok ? '**met**' : '**missed**');

function loadRow(label: string, r: LoadResult & { cpuPerTurn?: number }, peakMb?: number) {
  return `| ${label} | ${fmt(r.turnsPerSecond, 1)} | ${fmt(r.casesPerSecond, 1)} | ${ms(r.latency.p50)} | ${ms(r.latency.p95)} | ${ms(r.latency.p99)} | ${r.errors} | ${peakMb === undefined ? '' : fmt(peakMb)} | ${r.cpuPerTurn === undefined ? '' : fmt(r.cpuPerTurn, 2)} |`;
}

/**
 * Runs a load and adds the servers' CPU time per answered turn (ms): steadier than turns/s when
 * the machine is shared, and the same yardstick for the echo bot and the product.
 */
async function measuredLoad(servers: Server[], opts: Parameters<typeof runLoad>[0]): Promise<LoadResult & { cpuPerTurn: number }> {
  const before = servers.map((s) => s.cpuMs());
  const r = await runLoad(opts);
  const used = servers.reduce((sum, s, i) => sum + s.cpuMs() - before[i]!, 0);
  return { ...r, cpuPerTurn: used / Math.max(1, r.allTurns) };
}

/** Median and p95 of `n` sequential GETs (after warm-up), in ms. */
async function timeGets(url: string, n = 30): Promise<{ p50: number; p95: number; total: number }> {
  let total = 0;
  for (let i = 0; i < 5; i++) await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.arrayBuffer());
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = (await res.json()) as { total?: number };
    samples.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`GET ${url} → ${res.status}`);
    total = body.total ?? 0;
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), total };
}

const QUEUE_QUERIES = [
  ['first page', '/api/staff/cases?page=1'],
  ['page 100', '/api/staff/cases?page=100'],
  ['filtered (open P1/P2)', '/api/staff/cases?status=new,acknowledged,in_progress&severity=P1,P2&page=1'],
  ['filtered (business + cause)', '/api/staff/cases?business=credit_card&cause=fees&page=1'],
] as const;

async function main() {
  // The bench runs dist/ as `npm start` does: build it first when src/ changed since.
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
  const m = machine();
  out(`## ${m.date.slice(0, 10)} — commit ${m.commit}`);
  out();
  out(`Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, Node ${m.node}, ${m.os}. Load average at start: ${m.load()}.`);
  out(`Settings: ${SECONDS} s per throughput phase after 2 s warm-up; ${CONCURRENCY} closed-loop customers; rules only (no LLM); LOG_LEVEL=warn; replies in the HTTP response (\`deliveryMode: expectReplies\`); load generator in the same machine.${quick ? ' QUICK MODE (small numbers).' : ''}`);
  out();

  // 1. Throughput next to the echo bot, in alternated pairs (echo, product, echo, product, …):
  // the machine's speed drifts over minutes, and a drift between one echo run and one product
  // run moved the ratio by more than most changes did. Each run gets a fresh server (and the
  // product a fresh database); the ratio is the product's turns summed over the pairs against
  // the echo bot's.
  type Measured = Awaited<ReturnType<typeof measuredLoad>>;
  const pairs: { echo: Measured; echoPeak: number; desk: Measured; deskPeak: number }[] = [];
  let desk: Server | undefined;
  for (let pair = 0; pair < RATIO_PAIRS; pair++) {
    const echo = await startServer('echo');
    const echoRes = await measuredLoad([echo], { urls: [echo.url], concurrency: CONCURRENCY, durationMs: SECONDS * 1000, echo: true, label: `echo${pair}` });
    const echoPeak = echo.memory().peakRssMb;
    await echo.stop();
    const product = await startServer('desk', { DATABASE_URL: freshSqliteUrl(`sat${pair}`).url });
    const deskRes = await measuredLoad([product], { urls: [product.url], concurrency: CONCURRENCY, durationMs: SECONDS * 1000, label: `sat${pair}` });
    pairs.push({ echo: echoRes, echoPeak, desk: deskRes, deskPeak: product.memory().peakRssMb });
    // Only one server at a time: the last pair's stays up for the latency phase below.
    if (pair < RATIO_PAIRS - 1) await product.stop();
    else desk = product;
  }
  // 2. Latency with many conversations open at once, customers pausing 0.5–1.5 s between messages
  // (on the last pair's product server, warm).
  const lat = await measuredLoad([desk!], { urls: [desk!.url], concurrency: CONVERSATIONS, durationMs: SECONDS * 1000, thinkMs: [500, 1500], label: 'lat' });
  const latPeak = desk!.memory().peakRssMb;
  await desk!.stop();
  // The same bot given what the product does to botbuilder (its clients reused across turns):
  // how far the product is from the stack's own cost, not only from bare botbuilder.
  const echoReuse = await startServer('echo', { ECHO_REUSE_CLIENTS: '1' });
  const echoReuseRes = await measuredLoad([echoReuse], { urls: [echoReuse.url], concurrency: CONCURRENCY, durationMs: SECONDS * 1000, echo: true, label: 'echor' });
  const echoReuseMem = echoReuse.memory();
  await echoReuse.stop();
  const sumTps = (k: 'echo' | 'desk') => pairs.reduce((a, p) => a + p[k].turnsPerSecond, 0);
  const echoTps = sumTps('echo') / pairs.length;
  const deskTps = sumTps('desk') / pairs.length;
  const ratio = deskTps / echoTps;

  out('### Intake throughput and latency (SQLite)');
  out();
  out('| run | turns/s | cases/s | p50 | p95 | p99 | errors | server peak RSS MB | server CPU ms/turn |');
  out('|---|---|---|---|---|---|---|---|---|');
  pairs.forEach((p, i) => {
    out(loadRow(`echo bot, ${CONCURRENCY} closed-loop (pair ${i + 1})`, p.echo, p.echoPeak));
    out(loadRow(`Complaint Desk, ${CONCURRENCY} closed-loop (pair ${i + 1})`, p.desk, p.deskPeak));
  });
  out(loadRow(`echo bot reusing connector clients as the product does, ${CONCURRENCY} closed-loop`, echoReuseRes, echoReuseMem.peakRssMb));
  out(loadRow(`Complaint Desk, ${CONVERSATIONS} conversations, 0.5–1.5 s think time`, lat, latPeak));
  out();
  out(
    `Latency at ${CONVERSATIONS} conversations by kind of turn: the ${lat.filingLatency.count} turns that filed a case (they wait for the case's fsync) p50 ${ms(lat.filingLatency.p50)}, p99 ${ms(lat.filingLatency.p99)}; the other ${lat.otherLatency.count} p50 ${ms(lat.otherLatency.p50)}, p99 ${ms(lat.otherLatency.p99)}.`,
  );
  out();
  out(
    `Ratio to the echo bot, pair by pair: ${pairs.map((p) => `${fmt(p.desk.turnsPerSecond / p.echo.turnsPerSecond, 2)}×`).join(', ')}; over the ${pairs.length} pairs ${fmt(ratio, 2)}× (${fmt(deskTps, 1)} vs ${fmt(echoTps, 1)} turns/s on average).`,
  );
  out();
  out(
    `Against the echo bot reusing its clients as the product does (one run, after the pairs): ${fmt(deskTps / echoReuseRes.turnsPerSecond, 2)}× (the goal below is against the bare echo bot, as issue 7 defines it).`,
  );
  out();
  out(
    `Intakes completed in the closed-loop runs: ${pairs.map((p) => p.desk.intakes).join(', ')}; references seen: ${pairs.map((p) => p.desk.references.size).join(', ')} (all distinct by construction of the set; the database enforces uniqueness).`,
  );
  out();

  // The first customers after a start: one at a time on a fresh server, whose code V8 has yet
  // to compile (the rule path's patterns are compiled before it listens: warm-up.ts).
  const startedAt = performance.now();
  const fresh = await startServer('desk', { DATABASE_URL: freshSqliteUrl('first').url });
  const readyS = (performance.now() - startedAt) / 1000;
  const first = await firstIntakes(fresh.url, FIRST_INTAKES);
  await fresh.stop();
  out(
    `First customers after a start (a fresh server, ready ${fmt(readyS, 1)} s after it was started): ${FIRST_INTAKES} intakes one after another, their slowest turns ${first.map((turns) => ms(Math.max(...turns))).join(', ')}; every turn of the first intake: ${first[0]!.map(ms).join(', ')}.`,
  );
  out();

  // 3. Memory with idle conversations: first turns only, then nothing.
  const idleDb = freshSqliteUrl('idle');
  const idleServer = await startServer('desk', { DATABASE_URL: idleDb.url });
  const idleStart = idleServer.memory().rssMb;
  let next = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < IDLE) {
        const i = next++;
        await sendTurn(idleServer.url, `idle-${i}`, `idle-${i}-0`, { text: i % 2 ? '我的信用卡被多收了年费' : 'I was charged a fee I did not agree to' }).catch(() => undefined);
      }
    }),
  );
  await sleep(3000);
  const idleMem = idleServer.memory();
  // CPU of a server doing nothing: timers and pollers waking it. After a quiet spell, because
  // V8 shrinks the heap with a few full collections in the first seconds after the load.
  const idleCpu = { settleS: quick ? 5 : 20, windowS: quick ? 10 : 30 };
  await sleep(idleCpu.settleS * 1000);
  const idleCpuBefore = idleServer.cpuMs();
  await sleep(idleCpu.windowS * 1000);
  const idleCpuMsPerS = (idleServer.cpuMs() - idleCpuBefore) / idleCpu.windowS;
  await idleServer.stop();
  const states = (() => {
    const db = new Database(idleDb.file, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM "DialogState" WHERE "state" <> \'\'').get() as { n: number }).n;
    } finally {
      db.close();
    }
  })();
  out('### Memory with idle conversations');
  out();
  out(`${IDLE} conversations each sent a first message and then went quiet: ${states} dialog states in the database; server RSS ${fmt(idleStart)} MB after start → ${fmt(idleMem.rssMb)} MB after the first turns (peak ${fmt(idleMem.peakRssMb)} MB).`);
  out();
  out(`Then idle: ${idleCpuMsPerS.toFixed(1)} ms of CPU per second (all threads, over ${idleCpu.windowS} s after ${idleCpu.settleS + 3} s of quiet).`);
  out();

  // 4. Queue API with a small and a large queue.
  const q = freshSqliteUrl('queue');
  migrateSqlite(q.file);
  let t = performance.now();
  seedSqlite(q.file, 0, SMALL);
  const seedSmallS = (performance.now() - t) / 1000;
  let server = await startServer('desk', { DATABASE_URL: q.url });
  const small: Record<string, { p50: number; p95: number; total: number }> = {};
  for (const [label, p] of QUEUE_QUERIES) small[label] = await timeGets(server.url + p);
  await server.stop();
  t = performance.now();
  seedSqlite(q.file, SMALL, LARGE);
  const seedLargeS = (performance.now() - t) / 1000;
  server = await startServer('desk', { DATABASE_URL: q.url });
  const large: Record<string, { p50: number; p95: number; total: number }> = {};
  for (const [label, p] of QUEUE_QUERIES) large[label] = await timeGets(server.url + p);
  await server.stop();
  out(`### Staff queue API (SQLite; seeded ${SMALL.toLocaleString('en')} cases in ${fmt(seedSmallS, 1)} s, then up to ${LARGE.toLocaleString('en')} in ${fmt(seedLargeS, 1)} s more)`);
  out();
  out(`| query | p50 at ${SMALL / 1000} k | p95 at ${SMALL / 1000} k | p50 at ${LARGE / 1000} k | p95 at ${LARGE / 1000} k | ratio (p50) | matches at ${LARGE / 1000} k |`);
  out('|---|---|---|---|---|---|---|');
  for (const [label] of QUEUE_QUERIES) {
    const s = small[label]!;
    const l = large[label]!;
    out(`| ${label} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(l.p50)} | ${ms(l.p95)} | ${fmt(l.p50 / s.p50, 2)}× | ${l.total.toLocaleString('en')} |`);
  }
  out();

  // 5. classify throughput: the rule classifier in-process, and the CLI end to end.
  const texts = ['heimao-fin-complaints-zh.jsonl', 'cfpb-sample.jsonl']
    .map((f) => path.join(root, '..', 'shared', 'data', f))
    .filter((f) => fs.existsSync(f))
    .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text));
  const corpus = texts.length ? texts : ['我的信用卡被多收了年费', 'Someone took 5000 from my card'];
  const classifier = createRuleClassifier();
  const ctx = { now: new Date('2026-11-27T03:00:00Z'), timeZone: 'Asia/Shanghai' };
  for (const text of corpus.slice(0, 200)) await classifier.classify(text, ctx);
  t = performance.now();
  for (const text of corpus) await classifier.classify(text, ctx);
  const inProcess = corpus.length / ((performance.now() - t) / 1000);
  const file = path.join(os.tmpdir(), `bench-classify-${process.pid}.jsonl`);
  fs.writeFileSync(file, corpus.map((text, i) => JSON.stringify({ id: i, text })).join('\n') + '\n');
  t = performance.now();
  const cliOut = execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cases/classify-cli.ts'), file], { cwd: root, env: { ...process.env, OPENAI_API_KEY: '' }, maxBuffer: 1 << 28, encoding: 'utf8' });
  const cliS = (performance.now() - t) / 1000;
  const avgChars = corpus.reduce((a, s) => a + s.length, 0) / corpus.length;
  out('### classify (rules)');
  out();
  out(`${corpus.length} real complaint texts (Chinese and English, ${fmt(avgChars)} characters on average): ${fmt(inProcess)} texts/s in-process; \`npm run classify\` end to end ${fmt(cliS, 1)} s for ${cliOut.split('\n').filter(Boolean).length} lines (${fmt(corpus.length / cliS)} lines/s including start-up).`);
  out();

  // 6. PostgreSQL: one instance, then two behind "one address" (turns alternate); first sharing
  // the machine's cores, then each instance held to a CPU share of its own, as on machines of
  // their own (PostgreSQL and the load generator stay unlimited).
  let pgRatio: number | undefined;
  let cappedRatio: number | undefined;
  if (pgAdmin) {
    const pgRun = async (instances: number, label: string, cap?: CpuCap) => {
      const url = await createPostgresDatabase(pgAdmin, label);
      await migratePostgres(url);
      // A bank's database already holds cases, conversations and handled updates, and PostgreSQL
      // has statistics about them. On an empty database, the plans the instances prepared in
      // their first second kept scanning whole tables (Case, then ProcessedUpdate, and every
      // unattached transcript message for each case filed) until autovacuum analysed them, a
      // minute later: PostgreSQL read 2,530 rows a turn, against about 20 on this history.
      await seedPostgres(url, 0, PG_HISTORY, { history: true });
      const before = await databaseWork(url);
      const servers = await Promise.all(Array.from({ length: instances }, () => startServer('desk', { DATABASE_URL: url })));
      for (const s of servers) cap?.limit(s.pid, PG_INSTANCE_CORES);
      const r = await measuredLoad(servers, { urls: servers.map((s) => s.url), concurrency: CONCURRENCY * instances, durationMs: SECONDS * 1000, label });
      const peak = Math.max(...servers.map((s) => s.memory().peakRssMb));
      await Promise.all(servers.map((s) => s.stop()));
      cap?.release();
      // Stopped instances have closed their connections, whose statistics are then flushed.
      await sleep(1500);
      const after = await databaseWork(url);
      const perTurn = (k: keyof DatabaseWork) => (after[k] - before[k]) / Math.max(1, r.allTurns);
      return { r, peak, work: { commits: perTurn('commits'), rollbacks: perTurn('rollbacks'), rowsWritten: perTurn('rowsWritten'), rowsRead: perTurn('rowsRead') } };
    };
    const workRow = (label: string, w: { commits: number; rollbacks: number; rowsWritten: number; rowsRead: number }) =>
      `| ${label} | ${fmt(w.commits, 2)} | ${fmt(w.rollbacks, 3)} | ${fmt(w.rowsWritten, 2)} | ${fmt(w.rowsRead, 0)} |`;
    const one = await pgRun(1, 'bench1');
    const two = await pgRun(2, 'bench2');
    pgRatio = two.r.turnsPerSecond / one.r.turnsPerSecond;
    const cap = cpuCap('complaint-desk-bench');
    // Alternated pairs: the machine's noise falls on both sides.
    const capped: { one: typeof one; two: typeof two }[] = [];
    if (!('unavailable' in cap)) {
      for (let pair = 0; pair < CAPPED_PAIRS; pair++) capped.push({ one: await pgRun(1, `bench1c${pair}`, cap), two: await pgRun(2, `bench2c${pair}`, cap) });
      const sum = (k: 'one' | 'two') => capped.reduce((a, c) => a + c[k].r.turnsPerSecond, 0);
      cappedRatio = sum('two') / sum('one');
    }
    // Every run once, labelled once: the load table and the database's own count list the same runs.
    const runs: [string, typeof one][] = [
      [`1 instance, ${CONCURRENCY} closed-loop`, one],
      [`2 instances, ${CONCURRENCY * 2} closed-loop, turns alternating`, two],
      ...capped.flatMap((c, i): [string, typeof one][] => [
        [`1 instance held to ${PG_INSTANCE_CORES} cores (pair ${i + 1})`, c.one],
        [`2 instances held to ${PG_INSTANCE_CORES} cores each (pair ${i + 1})`, c.two],
      ]),
    ];
    out('### PostgreSQL: one instance and two');
    out();
    out('| run | turns/s | cases/s | p50 | p95 | p99 | errors | server peak RSS MB | server CPU ms/turn (all instances) |');
    out('|---|---|---|---|---|---|---|---|---|');
    for (const [label, run] of runs) out(loadRow(label, run.r, run.peak));
    out();
    out('PostgreSQL\'s own count of the work (`pg_stat_database`, warm-up and start-up included), per answered turn:');
    out();
    out('| run | transactions committed | rolled back | rows inserted, updated or deleted | rows read |');
    out('|---|---|---|---|---|');
    for (const [label, run] of runs) out(workRow(label, run.work));
    out();
    out(`Two instances sharing the machine: ${fmt(pgRatio, 2)}× one. PostgreSQL, both instances and the load generator share the same ${m.cores} cores.`);
    out(
      'unavailable' in cap
        ? `Not measured with a CPU share per instance: ${cap.unavailable}.`
        : `Each instance held to ${PG_INSTANCE_CORES} cores by a control group (cgroup CPU quota), as on a machine of its own, PostgreSQL and the load generator not limited: two instances ${fmt(cappedRatio, 2)}× one (turns/s summed over ${CAPPED_PAIRS} alternated pairs).`,
    );
    out();
  }

  // Goals.
  const queueRatio = large['first page']!.p50 / small['first page']!.p50;
  out('### Against the goals');
  out();
  out('| goal | measured | |');
  out('|---|---|---|');
  out(`| turns/s ≥ 0.7 × echo bot | ${fmt(ratio, 2)} × (${fmt(deskTps, 1)} vs ${fmt(echoTps, 1)}, ${pairs.length} alternated pairs) | ${verdict(ratio >= 0.7)} |`);
  out(`| p99 ≤ 25 ms at ${CONVERSATIONS} concurrent conversations | ${ms(lat.latency.p99)} (p50 ${ms(lat.latency.p50)}, ${fmt(lat.turnsPerSecond, 1)} turns/s offered) | ${verdict(lat.latency.p99 <= 25)} |`);
  out(`| queue first page at ${LARGE / 1000} k ≤ 2 × at 10 k | ${fmt(queueRatio, 2)} × (${ms(large['first page']!.p50)} vs ${ms(small['first page']!.p50)}) | ${verdict(queueRatio <= 2)} |`);
  out(`| ≤ 250 MB RSS at ${IDLE} idle conversations | ${fmt(idleMem.rssMb)} MB | ${verdict(idleMem.rssMb <= 250)} |`);
  out(`| two instances on PostgreSQL ≥ 1.7 × one, sharing ${m.cores} cores with PostgreSQL and the load generator | ${pgRatio === undefined ? 'not measured (no PostgreSQL URL)' : `${fmt(pgRatio, 2)} ×`} | ${pgRatio === undefined ? '' : verdict(pgRatio >= 1.7)} |`);
  if (cappedRatio !== undefined) out(`| two instances on PostgreSQL ≥ 1.7 × one, each held to ${PG_INSTANCE_CORES} cores | ${fmt(cappedRatio, 2)} × | ${verdict(cappedRatio >= 1.7)} |`);
  out();
  out(`Load average at the end: ${m.load()}.`);
  out();

  if (process.env.BENCH_NO_WRITE !== '1') {
    const target = path.join(root, 'docs', 'benchmarks.md');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (!fs.existsSync(target)) {
      fs.writeFileSync(target, '# Benchmarks\n\nWritten by `npm run bench` (bench/run.ts); each run appends a dated section. How to read them: bench/README.md.\n\n');
    }
    fs.appendFileSync(target, lines.join('\n') + '\n');
    process.stdout.write(`\nappended to ${path.relative(root, target)}\n`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
