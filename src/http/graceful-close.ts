import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface GracefulCloser {
  /**
   * Stops accepting connections, lets the responses in progress finish (at most `graceMs`), then
   * ends every connection that is left: idle kept-alive ones and ones whose request never
   * arrived whole. Resolves once the server has closed.
   */
  close(opts?: { graceMs?: number }): Promise<void>;
}

/**
 * Tracks the responses in progress on `server` so that it can close without waiting for its
 * kept-alive connections. `server.close()` alone waits for every connection to end, and Node's
 * `closeIdleConnections()` does not end a connection whose request is still half-sent: with the
 * long keep-alive a load balancer needs (HTTP_KEEP_ALIVE_SECONDS), a stop could wait that long.
 * Call it right after `listen`.
 */
export function trackResponses(server: Server): GracefulCloser {
  let inProgress = 0;
  let closing = false;
  let drained: (() => void) | undefined;
  // Before the app's own listener, which may answer (and send its headers) synchronously.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    inProgress++;
    // A request that arrives on a kept-alive connection while the server closes is still
    // answered, and its connection ends with it, so the client opens its next one elsewhere.
    if (closing) res.setHeader('Connection', 'close');
    res.once('close', () => {
      if (--inProgress === 0) drained?.();
    });
  });
  return {
    async close({ graceMs = 15_000 } = {}) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (inProgress > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          drained = resolve;
          timer = setTimeout(resolve, graceMs);
        });
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
