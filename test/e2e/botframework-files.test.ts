import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { testDatabaseUrl } from '../support/db.js';
import { botFrameworkCustomer, startFakeConnector } from '../support/fake-connector.js';

const MAX_BYTES = 100_000;
let app: RunningApp;
let dir: string;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;

beforeAll(async () => {
  connector = await startFakeConnector();
  const db = await testDatabaseUrl('cd-bf-files-');
  dir = db.dir;
  app = await startApp(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: db.url, DATA_DIR: dir, LOG_LEVEL: 'silent', BANK_HOTLINE: '95555', EVIDENCE_MAX_BYTES: String(MAX_BYTES) }),
    // The fake connector serving the files listens on 127.0.0.1, which downloads otherwise refuse.
    { allowPrivateFileHosts: true, schedulerPollMs: 50 },
  );
});
afterAll(async () => {
  await app?.stop();
  await connector?.close();
});

const customer = (conversationId: string, channelId?: string) => botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId, locale: 'en-US', channelId });
const texts = (conversationId: string) => connector.messages(conversationId).map((m) => m.text ?? '');
const dataUri = (bytes: Buffer, type = 'image/png') => `data:${type};base64,${bytes.toString('base64')}`;

describe('files sent inside a Direct Line / Web Chat activity (data: URIs)', () => {
  it('keeps a data: URI file longer than 4096 characters as evidence, on disk', async () => {
    const bytes = randomBytes(60_000);
    const uri = dataUri(bytes);
    expect(uri.length).toBeGreaterThan(4096);
    const status = await customer('bf-data-ok').send({
      text: 'The ATM kept my debit card yesterday, here is the receipt',
      activity: { attachments: [{ contentType: 'image/png', contentUrl: uri, name: 'receipt.png' }] },
    });
    expect(status).toBe(200);
    expect(texts('bf-data-ok').join('\n')).not.toMatch(/could not keep/);
    const row = await app.db.evidence.findFirstOrThrow({ where: { conversationKey: 'bf:emulator:bf-data-ok' } });
    expect(row).toMatchObject({ kind: 'photo', fileName: 'receipt.png', mimeType: 'image/png', size: bytes.length });
    // The database holds the file's hash, never the megabytes of its URI.
    expect(row.fileId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(row.localPath).toMatch(/^evidence\/.+\.png$/);
    expect(fs.readFileSync(path.join(dir, row.localPath!))).toEqual(bytes);
  });

  it('tells the customer the limit when a data: URI file is over it, and still answers their words', async () => {
    const status = await customer('bf-data-big').send({
      text: 'The ATM kept my debit card yesterday',
      activity: { attachments: [{ contentType: 'application/pdf', contentUrl: dataUri(randomBytes(MAX_BYTES + 1), 'application/pdf'), name: 'statement.pdf' }] },
    });
    expect(status).toBe(200);
    const said = texts('bf-data-big');
    expect(said[0]).toBe('Sorry, I could not keep "statement.pdf": files can be at most 98 KB. Please send a smaller file, or describe it in words.');
    // The complaint itself goes on: the intake answered the description.
    expect(said.length).toBeGreaterThan(1);
    expect(await app.db.evidence.count({ where: { conversationKey: 'bf:emulator:bf-data-big' } })).toBe(0);
  });

  it('answers a message that is only a file over the limit, instead of saying nothing', async () => {
    const status = await customer('bf-data-only-big').send({
      activity: { text: undefined, attachments: [{ contentType: 'image/jpeg', contentUrl: dataUri(randomBytes(MAX_BYTES * 1.5), 'image/jpeg') }] },
    });
    expect(status).toBe(200);
    expect(texts('bf-data-only-big')).toEqual(['Sorry, I could not keep "image/jpeg": files can be at most 98 KB. Please send a smaller file, or describe it in words.']);
  });
});

/** The conversation's Evidence row once its file was downloaded. */
async function downloaded(conversationKey: string) {
  for (let i = 0; i < 100; i++) {
    const row = await app.db.evidence.findFirst({ where: { conversationKey, localPath: { not: null } } });
    if (row) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the file was not downloaded');
}

describe('files sent as links on Teams (downloaded by a scheduler job)', () => {
  it('downloads a Teams image from the connector into the evidence folder', async () => {
    const bytes = randomBytes(20_000);
    connector.files.set('/v3/attachments/img-1/views/original', { bytes, contentType: 'image/png' });
    const status = await customer('teams-image', 'msteams').send({
      text: '<p>The ATM kept my debit card yesterday, here is a photo</p>',
      activity: { attachments: [{ contentType: 'image/png', contentUrl: `${connector.url}/v3/attachments/img-1/views/original` }] },
    });
    expect(status).toBe(200);
    const row = await downloaded('bf:msteams:teams-image');
    expect(row).toMatchObject({ kind: 'photo', mimeType: 'image/png' });
    expect(fs.readFileSync(path.join(dir, row.localPath!))).toEqual(bytes);
    // No app id: no token to send (tokenAllowedFor decides where one would go).
    expect(connector.fileRequests.find((r) => r.path.includes('img-1'))?.authorization).toBeUndefined();
  });

  it('downloads a Teams file from its download link, keeping the SharePoint link as its id', async () => {
    const bytes = randomBytes(30_000);
    connector.files.set('/files/statement.pdf', { bytes, contentType: 'application/octet-stream' });
    const page = 'https://contoso-my.sharepoint.com/personal/jane/Documents/Microsoft%20Teams%20Chat%20Files/statement.pdf';
    await customer('teams-file', 'msteams').send({
      text: '<p>I was charged a fee I never agreed to, the statement is attached</p>',
      activity: {
        attachments: [
          { contentType: 'application/vnd.microsoft.teams.file.download.info', contentUrl: page, name: 'statement.pdf', content: { downloadUrl: `${connector.url}/files/statement.pdf`, uniqueId: 'u-1', fileType: 'pdf' } },
        ],
      },
    });
    const row = await downloaded('bf:msteams:teams-file');
    expect(row).toMatchObject({ kind: 'document', fileId: page, fileName: 'statement.pdf', mimeType: 'application/pdf' });
    expect(row.localPath).toMatch(/\.pdf$/);
    expect(fs.readFileSync(path.join(dir, row.localPath!))).toEqual(bytes);
  });

  it('tells the customer the limit when a linked file turns out larger than it', async () => {
    connector.files.set('/files/video.mp4', { bytes: randomBytes(MAX_BYTES + 1), contentType: 'video/mp4' });
    await customer('teams-big', 'msteams').send({
      text: '<p>The ATM kept my debit card yesterday</p>',
      activity: {
        attachments: [
          { contentType: 'application/vnd.microsoft.teams.file.download.info', contentUrl: 'https://contoso-my.sharepoint.com/personal/jane/video.mp4', name: 'video.mp4', content: { downloadUrl: `${connector.url}/files/video.mp4`, fileType: 'mp4' } },
        ],
      },
    });
    const note = 'Sorry, I could not keep "video.mp4": files can be at most 98 KB. Please send a smaller file, or describe it in words.';
    await connector.waitFor(() => texts('teams-big').includes(note));
    const row = await app.db.evidence.findFirstOrThrow({ where: { conversationKey: 'bf:msteams:teams-big' } });
    expect(row.localPath).toBeNull();
  });
});
