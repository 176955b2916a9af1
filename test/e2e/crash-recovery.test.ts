import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { botFrameworkCustomer, startFakeConnector } from '../support/fake-connector.js';
import { startServerProcess } from '../support/server-process.js';
import { databaseUrlIn } from '../support/db.js';

const TOKEN = 'crash-staff-token-0123456789';
const ANSWERS = ['The ATM at the station charged me a 15 yuan fee twice for one withdrawal', '[business:debit_card]', 'yesterday', '[resolution:refund]', 'Pat Kim', '13600001111', '[confirm]'];

/**
 * kill -9 at random moments while customers file complaints concurrently. After each restart:
 * every reference a customer was told exists exactly once, every message the server accepted
 * (answered 200) is in the transcript, and the dialogs carry on to a case.
 */
describe('crash recovery', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-crash-'));
  const env = { DATABASE_URL: '', STAFF_API_TOKEN: TOKEN };
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("loses nothing and duplicates no reference across kill -9 restarts", { timeout: 180_000 }, async () => {
    env.DATABASE_URL = await databaseUrlIn(dir);
    const connector = await startFakeConnector();
    cleanups.push(connector.close);
    let server = await startServerProcess(env);
    cleanups.push(() => server.stop('SIGKILL'));
    const port = String(server.port);
    const customers = Array.from({ length: 4 }, (_, i) => ({ id: `crash-${i}`, step: 0, accepted: 0 }));
    const seed = 20261127;
    let random = seed;
    const rand = () => ((random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

    for (let round = 0; round < 3 && customers.some((c) => c.step < ANSWERS.length); round++) {
      const running = customers.map(async (c) => {
        while (c.step < ANSWERS.length) {
          const a = ANSWERS[c.step]!;
          const button = /^\[(.+)\]$/.exec(a);
          const customer = botFrameworkCustomer({ botUrl: server.url, serviceUrl: connector.url, conversationId: c.id });
          let status: number;
          try {
            status = await customer.send(button ? { action: button[1] } : { text: a });
          } catch {
            return; // the server died under us: this answer was not accepted, resend after restart
          }
          if (status !== 200) return;
          c.accepted += 1;
          c.step += 1;
        }
      });
      // Kill at a random moment once turns are flowing (the first turns of a fresh process are slow).
      const flowing = customers.reduce((n, c) => n + c.accepted, 0);
      while (customers.reduce((n, c) => n + c.accepted, 0) === flowing && customers.some((c) => c.step < ANSWERS.length)) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, rand() * 800));
      await server.stop('SIGKILL');
      await Promise.all(running);
      server = await startServerProcess({ ...env, PORT: port });
    }
    // Let every customer finish on a healthy server.
    for (const c of customers) {
      const customer = botFrameworkCustomer({ botUrl: server.url, serviceUrl: connector.url, conversationId: c.id });
      while (c.step < ANSWERS.length) {
        const a = ANSWERS[c.step]!;
        const button = /^\[(.+)\]$/.exec(a);
        expect(await customer.send(button ? { action: button[1] } : { text: a })).toBe(200);
        c.accepted += 1;
        c.step += 1;
      }
    }

    const told = new Set<string>();
    for (const c of customers) {
      for (const m of connector.messages(c.id)) for (const ref of m.text?.match(/C-\d{8}-\d{4}/g) ?? []) told.add(ref);
    }
    expect(told.size).toBeGreaterThanOrEqual(customers.length);
    const staff = (p: string) => fetch(`${server.url}/api/staff${p}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const list = await (await staff('/cases?pageSize=200')).json();
    const refs: string[] = list.items.map((i: { reference: string }) => i.reference);
    expect(new Set(refs).size).toBe(refs.length);
    for (const ref of told) expect(refs).toContain(ref);

    for (const ref of told) {
      const body = await (await staff(`/cases/${ref}`)).json();
      expect(body.case.reference).toBe(ref);
    }
    // Every accepted customer message is in some transcript: count inbound messages per conversation.
    let inbound = 0;
    for (const ref of refs) {
      const body = await (await staff(`/cases/${ref}`)).json();
      inbound += body.transcript.filter((m: { direction: string }) => m.direction === 'in').length;
    }
    const accepted = customers.reduce((n, c) => n + c.accepted, 0);
    expect(inbound).toBeGreaterThanOrEqual(accepted);
  });
});
