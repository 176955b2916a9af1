import { ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory, type Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { reuseConnectorClients } from '../../../src/bot/reuse-connector-clients.js';

// botbuilder's own authentication (no app id: requests are not authenticated, as in development),
// with the reuse of connector clients on top.
function authentication() {
  const settings = { MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: '', MicrosoftAppTenantId: '' };
  const auth = new ConfigurationBotFrameworkAuthentication(settings, new ConfigurationServiceClientCredentialFactory(settings));
  reuseConnectorClients(auth);
  return auth;
}

/** The connector client a turn from `serviceUrl` gets, as CloudAdapter asks for it. */
async function clientFor(auth: ConfigurationBotFrameworkAuthentication, serviceUrl: string) {
  const activity = { type: 'message', channelId: 'webchat', serviceUrl } as Activity;
  const result = await auth.authenticateRequest(activity, '');
  return result.connectorFactory!.create(serviceUrl, result.audience);
}

describe('connector clients', () => {
  it('are reused by later turns from the same service', async () => {
    const auth = authentication();
    const first = await clientFor(auth, 'https://smba.example/teams/');
    expect(await clientFor(auth, 'https://smba.example/teams/')).toBe(first);
    expect(await clientFor(auth, 'https://webchat.example/')).not.toBe(first);
  });

  it('for user tokens are reused too', async () => {
    const auth = authentication();
    const activity = { type: 'message', channelId: 'webchat', serviceUrl: 'https://webchat.example/' } as Activity;
    const { claimsIdentity } = await auth.authenticateRequest(activity, '');
    const first = await auth.createUserTokenClient(claimsIdentity);
    expect(await auth.createUserTokenClient(claimsIdentity)).toBe(first);
  });

  it('that failed to be created are created again next time', async () => {
    const auth = authentication();
    const activity = { type: 'message', channelId: 'webchat', serviceUrl: 'https://webchat.example/' } as Activity;
    const { claimsIdentity } = await auth.authenticateRequest(activity, '');
    // Stands in for a credentials failure inside botbuilder, under the reuse.
    let attempts = 0;
    const flaky = new ConfigurationBotFrameworkAuthentication({}, new ConfigurationServiceClientCredentialFactory({}));
    const real = flaky.createUserTokenClient.bind(flaky);
    flaky.createUserTokenClient = (claims) => (++attempts === 1 ? Promise.reject(new Error('token service down')) : real(claims));
    reuseConnectorClients(flaky);
    await expect(flaky.createUserTokenClient(claimsIdentity)).rejects.toThrow('token service down');
    const second = await flaky.createUserTokenClient(claimsIdentity);
    expect(await flaky.createUserTokenClient(claimsIdentity)).toBe(second);
    expect(attempts).toBe(2);
  });

  it('are kept for at most 100 services, the least recently used dropped first', async () => {
    const auth = authentication();
    const kept = await clientFor(auth, 'https://kept.example/');
    const dropped = await clientFor(auth, 'https://dropped.example/');
    for (let i = 0; i < 99; i++) {
      await clientFor(auth, `https://caller-${i}.example/`);
      if (i === 50) await clientFor(auth, 'https://kept.example/'); // used again: moves to the back
    }
    expect(await clientFor(auth, 'https://kept.example/')).toBe(kept);
    expect(await clientFor(auth, 'https://dropped.example/')).not.toBe(dropped);
  });
});
