import { afterAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../support/db.js';
import { botFrameworkCustomer, startFakeConnector } from '../support/fake-connector.js';
import { startServerProcess } from '../support/server-process.js';

const TOKEN = 'restart-staff-token-0123456789';

describe('a restart in the middle of an intake', () => {
  const env = { DATABASE_URL: '', STAFF_API_TOKEN: TOKEN };
  let connectorClose: (() => Promise<void>) | undefined;
  afterAll(async () => connectorClose?.());

  it('continues the same conversation, and the case survives another restart', async () => {
    env.DATABASE_URL = (await testDatabaseUrl('cd-restart-')).url;
    const connector = await startFakeConnector();
    connectorClose = connector.close;
    let server = await startServerProcess(env);
    const port = String(server.port);
    let customer = botFrameworkCustomer({ botUrl: server.url, serviceUrl: connector.url, conversationId: 'restart-1' });
    await customer.send({ text: 'I was charged a 30 yuan fee on my debit card for an ATM withdrawal at my own bank' });
    await customer.send({ action: 'business:debit_card' });
    await customer.send({ text: 'last Friday' });
    await server.stop();

    server = await startServerProcess({ ...env, PORT: port });
    customer = botFrameworkCustomer({ botUrl: server.url, serviceUrl: connector.url, conversationId: 'restart-1' });
    const before = connector.messages('restart-1').length;
    await customer.send({ action: 'resolution:refund' });
    // The bot picks up exactly where it was: the next question is the name.
    expect(connector.messages('restart-1').slice(before).map((m) => m.text).join('\n')).toContain('What is your name');
    await customer.send({ text: 'Sam Lee' });
    await customer.send({ text: '13700001111' });
    await customer.send({ action: 'confirm' });
    const reference = connector.messages('restart-1').map((m) => m.text).join('\n').match(/C-\d{8}-\d{4}/)?.[0];
    expect(reference).toBeDefined();
    await server.stop();

    server = await startServerProcess({ ...env, PORT: port });
    const res = await fetch(`${server.url}/api/staff/cases/${reference}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.case).toMatchObject({ reference, business: 'debit_card', cause: 'fees', customerName: 'S** L**' }); // masked until revealed (issue 5)
    expect(body.transcript.filter((m: { direction: string }) => m.direction === 'in')).toHaveLength(7);
    await server.stop();
  });
});
