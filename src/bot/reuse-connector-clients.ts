import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

type Auth = ConfigurationBotFrameworkAuthentication;
type AuthenticateResult = Awaited<ReturnType<Auth['authenticateRequest']>>;
type ConnectorFactory = NonNullable<AuthenticateResult['connectorFactory']>;
type ClaimsIdentity = AuthenticateResult['claimsIdentity'];

/** Clients kept at most, of each kind: a bank's bot talks to a handful of channel services. */
const MAX_CLIENTS = 100;

/**
 * Makes botbuilder's CloudAdapter reuse its clients across turns. For every incoming activity it
 * builds a ConnectorClient and a UserTokenClient, each with credentials and a whole Azure request
 * pipeline: about a tenth of a turn's CPU (docs/benchmarks.md). Neither keeps state between
 * requests (access tokens live in botframework-connector's own process-wide cache), so one per
 * bot app id, service URL and audience serves every turn, as the older BotFrameworkAdapter did
 * with its connector clients.
 *
 * Least recently used clients are dropped beyond MAX_CLIENTS: without an app id the service URL
 * is whatever the caller sent, and must not grow memory without bound.
 */
export function reuseConnectorClients(auth: Auth): void {
  const connectors = recentlyUsed<ReturnType<ConnectorFactory['create']>>();
  const userTokens = recentlyUsed<ReturnType<Auth['createUserTokenClient']>>();

  const reusing = (factory: ConnectorFactory, appId: string): ConnectorFactory => ({
    create: (serviceUrl: string, audience?: string) => connectors(`${appId}\n${serviceUrl}\n${audience ?? ''}`, () => factory.create(serviceUrl, audience)),
  });

  const authenticate = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    const result = await authenticate(activity, authHeader);
    return result.connectorFactory ? { ...result, connectorFactory: reusing(result.connectorFactory, appIdOf(result.claimsIdentity)) } : result;
  };
  const createUserTokenClient = auth.createUserTokenClient.bind(auth);
  auth.createUserTokenClient = (claimsIdentity) => userTokens(appIdOf(claimsIdentity), () => createUserTokenClient(claimsIdentity));
}

/**
 * The bot's app id as botbuilder's own factories take it: the audience claim for a channel's
 * request, the appid claim for the Emulator's.
 */
const appIdOf = (claims: ClaimsIdentity) => claims.getClaimValue('aud') ?? claims.getClaimValue('appid') ?? '';

/** A map of at most MAX_CLIENTS created promises, by key; one that rejects is forgotten. */
function recentlyUsed<T extends Promise<unknown>>(): (key: string, create: () => T) => T {
  const kept = new Map<string, T>();
  return (key, create) => {
    let value = kept.get(key);
    if (value) {
      kept.delete(key); // most recently used last
    } else {
      const created = create();
      // A failed creation is tried again next turn (unless a newer one took its place).
      created.catch(() => kept.get(key) === created && kept.delete(key));
      value = created;
    }
    kept.set(key, value);
    if (kept.size > MAX_CLIENTS) kept.delete(kept.keys().next().value!);
    return value;
  };
}
