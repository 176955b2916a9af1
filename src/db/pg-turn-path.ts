import type { CaseWriter } from '../cases/create-case.js';
import type { TurnStore } from '../dialogs/turn-store.js';
import { createPgCaseWriter } from './pg-case-writer.js';
import { openPgPool } from './pg-pool.js';
import { createPgTurnStore } from './pg-turn-store.js';

/**
 * The customer's turn and new cases on PostgreSQL, through a `pg` pool of their own. app.ts loads
 * this module only for a `postgresql://` DATABASE_URL, so `pg` stays out of a SQLite instance.
 */
export function openPgTurnPath(databaseUrl: string): { store: TurnStore; caseWriter: CaseWriter; end: () => Promise<void> } {
  const pool = openPgPool(databaseUrl);
  return { store: createPgTurnStore(pool), caseWriter: createPgCaseWriter(pool), end: () => pool.end() };
}
