import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { mountRequestLog } from '../../src/http/request-log.js';

interface Line {
  level: number;
  msg: string;
  req?: { id: string; method: string; path: string };
  res?: { statusCode: number };
  err?: { message: string };
  responseTime?: number;
}

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A real express app with the request log at `level`, and the lines it wrote. */
async function start(level: string) {
  let written = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      written += chunk.toString();
      done();
    },
  });
  const log = createLogger(level, sink);
  const app = express();
  mountRequestLog(app, log, { ignore: (req) => req.url === '/healthz' });
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  const staff = express.Router();
  staff.get('/cases', (req, res) => {
    req.log.warn({ page: 1 }, 'looked at the queue');
    res.json({ items: [] });
  });
  app.use('/api/staff', staff);
  app.get('/boom', (_req, res) => void res.status(500).json({ error: 'internal' }));
  server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const lines = async () => {
    await new Promise((r) => setTimeout(r, 50));
    return written
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
  };
  return { url, lines };
}

describe('the request log', () => {
  it('gives every request an id and logs it with method, path (no query) and status', async () => {
    const { url, lines } = await start('info');
    const res = await fetch(`${url}/api/staff/cases?q=13812345678`, { headers: { 'x-request-id': 'req-1' } });
    expect(res.headers.get('x-request-id')).toBe('req-1');
    const generated = (await fetch(`${url}/boom`)).headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    await fetch(`${url}/healthz`);

    const logged = await lines();
    const req1 = { id: 'req-1', method: 'GET', path: '/api/staff/cases' };
    // A line logged through req.log inside a router carries the request, with the full path.
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'looked at the queue', req: req1 }));
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'request completed', req: req1, res: { statusCode: 200 }, responseTime: expect.any(Number) }));
    expect(logged).toContainEqual(
      expect.objectContaining({ msg: 'request errored', req: { id: generated, method: 'GET', path: '/boom' }, res: { statusCode: 500 }, err: expect.objectContaining({ message: 'failed with status code 500' }) }),
    );
    expect(logged.filter((l) => l.req?.path === '/healthz')).toEqual([]);
    expect(JSON.stringify(logged)).not.toContain('13812345678');
  });

  it('writes no access lines above info, and req.log still carries the request id', async () => {
    const { url, lines } = await start('warn');
    const res = await fetch(`${url}/api/staff/cases`, { headers: { 'x-request-id': 'req-2' } });
    expect(res.headers.get('x-request-id')).toBe('req-2');
    expect(await lines()).toEqual([expect.objectContaining({ msg: 'looked at the queue', req: { id: 'req-2', method: 'GET', path: '/api/staff/cases' } })]);
  });
});
