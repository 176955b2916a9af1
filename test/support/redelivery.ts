import { CONCURRENT_DELIVERY_MS } from '../../src/dialogs/run-turn.js';
import { onPostgres } from './db.js';

/**
 * Waits until a channel's redelivery of an update just handled would be one: on PostgreSQL
 * (several instances) a duplicate within CONCURRENT_DELIVERY_MS of its turn is taken for the same
 * update delivered to two instances at once and gets no replies (src/dialogs/run-turn.ts). On
 * SQLite (one instance) there is nothing to wait for.
 * @param since when the update's turn committed (default: now)
 */
export async function waitForRedelivery(since = Date.now()): Promise<void> {
  if (!onPostgres) return;
  const left = since + CONCURRENT_DELIVERY_MS + 200 - Date.now();
  if (left > 0) await new Promise((r) => setTimeout(r, left));
}
