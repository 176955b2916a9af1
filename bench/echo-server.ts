/**
 * The yardstick: a bare echo bot on the same stack as the product's Bot Framework channel
 * (express 5 + express.json + botbuilder CloudAdapter without an app id), answering each message
 * with its text. `npm run bench` runs it in its own process and compares turns per second.
 * Env: PORT, HOST; ECHO_REUSE_CLIENTS=1 gives it the product's reuse of botbuilder's connector
 * clients (src/bot/reuse-connector-clients.ts), for a like-for-like second yardstick.
 */
import express from 'express';
import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
} from 'botbuilder';
import { reuseConnectorClients } from '../src/bot/reuse-connector-clients.js';

const settings = { MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: '', MicrosoftAppTenantId: '' };
const auth = new ConfigurationBotFrameworkAuthentication(settings, new ConfigurationServiceClientCredentialFactory(settings));
if (process.env.ECHO_REUSE_CLIENTS === '1') reuseConnectorClients(auth);
const adapter = new CloudAdapter(auth);
const app = express();
app.disable('x-powered-by');
app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
app.post('/api/messages', express.json({ limit: '256kb' }), (req, res) =>
  adapter.process(req, res, async (context) => {
    if (context.activity.type !== ActivityTypes.Message) return;
    // The product sends a typing indicator and then its replies; do the same amount of sending.
    await context.sendActivity({ type: ActivityTypes.Typing });
    await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
  }),
);
const server = app.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : ''}\n`);
});
server.keepAliveTimeout = 65_000; // as the product's default HTTP_KEEP_ALIVE_SECONDS
process.once('SIGTERM', () => server.close(() => process.exit(0)));
