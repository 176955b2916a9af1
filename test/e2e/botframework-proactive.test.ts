import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { botFrameworkCustomer, startFakeConnector } from '../support/fake-connector.js';

let app: RunningApp;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;

beforeAll(async () => {
  connector = await startFakeConnector();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bfp-'));
  app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${dir}/db.sqlite`, LOG_LEVEL: 'silent' }));
});
afterAll(async () => {
  await app?.stop();
  await connector?.close();
});

async function storedReference(conversationId: string) {
  await botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId }).send({ text: 'The mobile app logged me out and lost my transfer' });
  const account = await app.db.channelAccount.findUniqueOrThrow({ where: { conversationKey: `bf:emulator:${conversationId}` } });
  return JSON.parse(account.conversationRef) as unknown;
}

describe('proactive Bot Framework messages', () => {
  it('reach the conversation through the connector, with buttons', async () => {
    const ref = await storedReference('proactive-ok');
    const result = await app.messenger.send(ref, [{ text: 'A staff reply', buttons: [{ label: 'Yes', value: 'yes' }] }]);
    expect(result).toEqual({ ok: true });
    const last = connector.messages('proactive-ok').at(-1);
    expect(last?.text).toBe('A staff reply');
    expect(last?.suggestedActions?.actions[0]?.value).toEqual({ action: 'yes' });
  });

  it('report a conversation the channel refuses as unreachable instead of delivered', async () => {
    const ref = await storedReference('proactive-blocked');
    connector.blocked.add('proactive-blocked');
    const result = await app.messenger.send(ref, [{ text: 'Will not arrive' }]);
    expect(result).toMatchObject({ ok: false, unreachable: true });
  });
});
