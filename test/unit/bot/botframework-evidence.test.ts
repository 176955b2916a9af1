import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileRefused, fetchFile, isPrivateAddress, tokenAllowedFor } from '../../../src/bot/botframework-evidence.js';

describe('where the bot token may go with a file request', () => {
  it.each([
    ['https://smba.trafficmanager.net/amer/v3/attachments/1/views/original', true],
    ['https://directline.botframework.com/attachments/1', true],
    ['https://us-api.asm.skype.com/v1/objects/0-x/views/imgpsh_fullsize', true],
    ['http://smba.trafficmanager.net/amer/v3/attachments/1', false],
    ['https://smba.trafficmanager.net.evil.example/v3/attachments/1', false],
    ['https://botframework.com.evil.example/a', false],
    ['https://contoso-my.sharepoint.com/personal/jane/file.pdf', false],
    ['https://customer-chosen.example/file.png', false],
  ])('%s → %s', (url, allowed) => {
    expect(tokenAllowedFor(new URL(url))).toBe(allowed);
  });
});

describe('addresses a customer link must not reach', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.9', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::ffff:127.0.0.1', 'fd00::1', 'fe80::1'])('%s is private', (a) => {
    expect(isPrivateAddress(a)).toBe(true);
  });
  it.each(['8.8.8.8', '52.114.128.1', '2001:4860:4860::8888'])('%s is public', (a) => {
    expect(isPrivateAddress(a)).toBe(false);
  });
});

describe('fetchFile against a real server on 127.0.0.1', () => {
  let server: http.Server;
  let port: number;
  const seen: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url === '/redirect') res.writeHead(302, { location: `http://127.0.0.1:${port}/file` }).end();
      else res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 5 }).end('hello');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const noToken = async () => undefined;

  it.each([
    () => `https://127.0.0.1:${port}/file`,
    () => `https://localhost:${port}/file`,
    () => `https://[::1]:${port}/file`,
    () => `http://127.0.0.1:${port}/file`,
    () => 'http://files.example.com/file',
    () => 'https://169.254.169.254/latest/meta-data/',
  ])('refuses %s without connecting', async (url) => {
    const before = seen.length;
    await expect(fetchFile(url(), { allowPrivate: false, token: noToken })).rejects.toBeInstanceOf(FileRefused);
    expect(seen.length).toBe(before);
  });

  it('fetches from the local server when private hosts are allowed (tests), following a redirect', async () => {
    const file = await fetchFile(`http://127.0.0.1:${port}/redirect`, { allowPrivate: true, token: noToken });
    expect(file).toMatchObject({ status: 200, contentLength: 5, contentType: 'text/plain' });
    const chunks: Buffer[] = [];
    for await (const c of file.body) chunks.push(Buffer.from(c));
    expect(Buffer.concat(chunks).toString()).toBe('hello');
    expect(seen.slice(-2)).toEqual(['/redirect', '/file']);
  });
});
