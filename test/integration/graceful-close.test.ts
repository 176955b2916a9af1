import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { trackResponses, type GracefulCloser } from '../../src/http/graceful-close.js';

/** A server that keeps idle connections for a minute, as behind a load balancer. */
async function startServer(handler: http.RequestListener): Promise<{ server: http.Server; closer: GracefulCloser; port: number }> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, closer: trackResponses(server), port: (server.address() as AddressInfo).port };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
    s.resume(); // read whatever arrives, so that the end of the connection is seen
  });
}

const ended = (s: net.Socket) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));

/** Fails when `p` has not settled within `ms`: server.close() alone would wait a minute here. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} still pending after ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

describe('closing the HTTP server', () => {
  let server: http.Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  it('ends idle kept-alive connections and half-sent requests instead of waiting for them', async () => {
    const started = await startServer((_req, res) => res.end('ok'));
    server = started.server;
    // An idle kept-alive connection: one whole request answered, then nothing.
    const idle = await connect(started.port);
    const answered = new Promise<string>((resolve) => idle.once('data', (d) => resolve(d.toString())));
    idle.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await answered).toMatch(/^HTTP\/1\.1 200[\s\S]*keep-alive/i);
    // A request whose headers never arrive whole: Node's closeIdleConnections() leaves it open.
    const halfSent = await connect(started.port);
    halfSent.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Len');
    await new Promise((r) => setTimeout(r, 50));

    await within(started.closer.close(), 5_000, 'close()');
    await within(Promise.all([ended(idle), ended(halfSent)]), 1_000, 'connections');
  });

  it('lets a response in progress finish, then ends its connection', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const started = await startServer((_req, res) => void held.then(() => res.end('the reply')));
    server = started.server;
    const response = new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
      http
        .get({ port: started.port, host: '127.0.0.1', agent: new http.Agent({ keepAlive: true }) }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
        })
        .on('error', reject);
    });
    await new Promise((r) => setTimeout(r, 50));

    let closed = false;
    const closing = started.closer.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(false); // still waiting for the reply in progress
    release();
    expect(await response).toMatchObject({ status: 200, body: 'the reply' });
    await within(closing, 5_000, 'close()');
  });

  it('answers a request that arrives while closing, with Connection: close', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let calls = 0;
    const started = await startServer((_req, res) => {
      calls++;
      if (calls === 1) void held.then(() => res.end('first'));
      else res.end('second');
    });
    server = started.server;
    const first = await connect(started.port);
    first.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const other = await connect(started.port);
    await new Promise((r) => setTimeout(r, 50));
    const closing = started.closer.close();
    // A client that had its connection open before the close sends a request now.
    const reply = new Promise<string>((resolve) => {
      let text = '';
      other.on('data', (d) => (text += d.toString()));
      other.once('close', () => resolve(text));
    });
    other.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 50));
    release();
    await within(closing, 5_000, 'close()');
    const text = await within(reply, 1_000, 'reply');
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(text).toMatch(/connection: close/i);
    expect(text).toContain('second');
    first.destroy();
  });
});
