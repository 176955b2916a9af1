import Database from 'better-sqlite3';
import pg from 'pg';
import { BUSINESSES, CAUSES, CHANNELS } from '../src/cases/taxonomy.js';

/**
 * Fills the Case table fast for the queue benchmark: raw multi-row INSERTs inside transactions
 * (Prisma's createMany is an order of magnitude slower at a million rows). Only columns without
 * a default are written, so later migrations that add defaulted columns do not break it.
 */

const SEVERITIES = ['P1', 'P2', 'P3', 'P4'];
const STATUSES = ['new', 'acknowledged', 'in_progress', 'awaiting_customer', 'resolved', 'closed', 'reopened'];
const INTAKE = ['telegram', 'webchat', 'msteams', 'emulator'];
const COLUMNS = [
  'id', 'reference', 'createdAt', 'updatedAt', 'receivedAt', 'customerId', 'intakeChannel', 'language', 'status', 'severity',
  'business', 'cause', 'channel', 'flags', 'amount', 'description', 'firstResponseDueAt', 'regulatoryProfile', 'regulatoryDueAt',
  'nextDueAt',
];
const CUSTOMERS = 5000;

/** Deterministic pseudo-random numbers so every run seeds the same queue. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function row(i: number, rand: () => number, iso: (d: Date) => string | Date, closedOnly = false): unknown[] {
  const pick = <T>(a: readonly T[]) => a[Math.floor(rand() * a.length)]!;
  // Cases spread over the last two years, newest last.
  const created = new Date(Date.UTC(2024, 10, 27) + Math.floor((i / 1_000_000) * 730 * 86_400_000) + Math.floor(rand() * 3_600_000));
  const day = created.toISOString().slice(0, 10).replace(/-/g, '');
  const severity = pick(SEVERITIES);
  const firstDue = new Date(created.getTime() + (severity === 'P1' ? 1 : severity === 'P2' ? 4 : 24) * 3_600_000);
  const regDue = new Date(created.getTime() + 15 * 86_400_000);
  return [
    `bench${i.toString(36).padStart(8, '0')}`,
    `C-${day}-B${String(i).padStart(7, '0')}`,
    iso(created),
    iso(created),
    iso(created),
    `benchcust${i % CUSTOMERS}`,
    pick(INTAKE),
    rand() < 0.5 ? 'zh' : 'en',
    // Most of a long-running queue is closed; the open part stays small.
    rand() < 0.9 || closedOnly ? pick(['resolved', 'closed']) : pick(STATUSES),
    severity,
    pick(BUSINESSES),
    pick(CAUSES),
    pick(CHANNELS),
    '[]',
    rand() < 0.6 ? Math.floor(rand() * 50_000) : null,
    'Seeded benchmark case',
    iso(firstDue),
    'cn',
    iso(regDue),
    // No first response is seeded, so the next deadline is the first response's.
    iso(firstDue),
  ];
}

const sqliteIso = (d: Date) => d.toISOString().replace('Z', '+00:00');

/** Adds cases numbered [from, to) to a migrated SQLite file. */
export function seedSqlite(file: string, from: number, to: number): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  try {
    const now = sqliteIso(new Date());
    const insCust = db.prepare('INSERT OR IGNORE INTO "Customer" ("id", "createdAt", "updatedAt", "language") VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (let c = 0; c < CUSTOMERS; c++) insCust.run(`benchcust${c}`, now, now, 'zh');
    })();
    const per = 500; // rows per INSERT: 500 × 20 parameters stays under SQLite's 32 766 limit
    const one = `(${COLUMNS.map(() => '?').join(',')})`;
    const full = db.prepare(`INSERT INTO "Case" (${COLUMNS.map((c) => `"${c}"`).join(',')}) VALUES ${Array(per).fill(one).join(',')}`);
    const rand = rng(from + 1);
    const batch = db.transaction((start: number, end: number) => {
      for (let i = start; i < end; i += per) {
        const n = Math.min(per, end - i);
        const params = Array.from({ length: n }, (_, k) => row(i + k, rand, sqliteIso)).flat();
        if (n === per) full.run(params);
        else db.prepare(`INSERT INTO "Case" (${COLUMNS.map((c) => `"${c}"`).join(',')}) VALUES ${Array(n).fill(one).join(',')}`).run(params);
      }
    });
    for (let i = from; i < to; i += 50_000) batch(i, Math.min(to, i + 50_000));
    db.exec('ANALYZE');
  } finally {
    db.close();
  }
}

/**
 * Adds cases numbered [from, to) to a migrated PostgreSQL database, then has PostgreSQL gather
 * its statistics. `history`: a running bank's past instead of a queue, every case resolved or
 * closed (the clock sweep has nothing to do; the load phases measure turns, not a backlog of
 * breached deadlines), with the customers' channel accounts, dialog states, transcripts and
 * handled updates.
 */
export async function seedPostgres(url: string, from: number, to: number, { history = false } = {}): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO "Customer" ("id", "createdAt", "updatedAt", "language") SELECT 'benchcust' || g, now(), now(), 'zh' FROM generate_series(0, ${CUSTOMERS - 1}) g ON CONFLICT DO NOTHING`,
    );
    await client.query('COMMIT');
    const per = 1000;
    const rand = rng(from + 1);
    for (let i = from; i < to; i += per) {
      const n = Math.min(per, to - i);
      const params = Array.from({ length: n }, (_, k) => row(i + k, rand, (d) => d.toISOString(), history)).flat();
      const values = Array.from({ length: n }, (_, r) => `(${COLUMNS.map((_, c) => `$${r * COLUMNS.length + c + 1}`).join(',')})`).join(',');
      await client.query(`INSERT INTO "Case" (${COLUMNS.map((c) => `"${c}"`).join(',')}) VALUES ${values}`, params);
    }
    if (history) {
      // The rest of a running bank's history that turns look up or write next to: each
      // customer's channel account and dialog state, transcripts, and a day of handled channel
      // updates. A plan the turn path prepares against tables empty or never analysed scans them
      // whole, turn after turn, until autovacuum analyses them.
      await client.query(
        `INSERT INTO "ChannelAccount" ("id", "createdAt", "updatedAt", "customerId", "channel", "externalUserId", "conversationKey", "conversationRef", "lastSeenAt")
         SELECT 'benchacct' || g, now(), now(), 'benchcust' || g, 'emulator', 'benchuser' || g, 'emulator:bench' || g, '{}', now() - interval '1 day'
         FROM generate_series(0, ${CUSTOMERS - 1}) g ON CONFLICT DO NOTHING`,
      );
      await client.query(
        `INSERT INTO "DialogState" ("conversationKey", "state", "version", "updatedAt") SELECT 'emulator:bench' || g, '', 1, now() FROM generate_series(0, ${CUSTOMERS - 1}) g ON CONFLICT DO NOTHING`,
      );
      // Each case's conversation (the customer's message and the bot's answer, attached to it),
      // and a conversation per customer that never became a case (a greeting, an abandoned
      // intake), whose messages stay unattached.
      await client.query(
        `INSERT INTO "TranscriptMessage" ("id", "createdAt", "conversationKey", "caseId", "direction", "author", "text")
         SELECT c."id" || '-' || d.dir, c."createdAt", 'emulator:bench' || substr(c."customerId", 10), c."id", d.dir, d.author, 'Seeded benchmark message'
         FROM "Case" c CROSS JOIN (VALUES ('in', 'customer'), ('out', 'bot')) AS d(dir, author) WHERE c."id" LIKE 'bench%'
         ON CONFLICT DO NOTHING`,
      );
      await client.query(
        `INSERT INTO "TranscriptMessage" ("id", "createdAt", "conversationKey", "direction", "author", "text")
         SELECT 'benchmsg' || g, now() - interval '1 day', 'emulator:benchquiet' || g, 'in', 'customer', 'Seeded benchmark message'
         FROM generate_series(0, ${CUSTOMERS - 1}) g ON CONFLICT DO NOTHING`,
      );
      await client.query(
        `INSERT INTO "ProcessedUpdate" ("key", "createdAt") SELECT 'emulator:bench-update-' || g, now() - interval '1 day' FROM generate_series(${from}, ${to - 1}) g ON CONFLICT DO NOTHING`,
      );
    }
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}
