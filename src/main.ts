import { ConfigError, loadConfig } from './config.js';
import { startApp } from './app.js';

/**
 * The last resort when stopping hangs. Past the 15 s that turns in flight may take
 * (src/http/graceful-close.ts) with room for closing the database after them: at 10 s it cut
 * such a turn short, and its customer got no answer.
 */
const FORCED_EXIT_MS = 25_000;

/** `npm start`: configuration from the environment, then serve until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const app = await startApp(config);
  const shutdown = (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), FORCED_EXIT_MS);
    force.unref();
    void app.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error('Complaint Desk failed to start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
