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
  );
});
afterAll(async () => {
  await app?.stop();
  await connector?.close();
});

const customer = (conversationId: string) => botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId, locale: 'en-US' });
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
