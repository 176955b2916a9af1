import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { createHandledUpdatePruner, HANDLED_UPDATE_RETENTION_MS } from '../../src/dialogs/forget-handled-updates.js';
import { openTestDatabase } from '../support/db.js';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-11-28T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

let db: Db;
beforeAll(async () => {
  ({ db } = await openTestDatabase('cd-forget-'));
}, 60_000);
afterAll(async () => db?.$disconnect());

const keys = async () => (await db.processedUpdate.findMany({ select: { key: true }, orderBy: { key: 'asc' } })).map((r) => r.key);

describe('forgetting handled channel updates', () => {
  it('forgets channel keys older than a week in batches, keeps newer ones and every clock milestone', async () => {
    // More old keys than one batch holds, interleaved in time with clock milestones.
    const old = Array.from({ length: 1234 }, (_, i) => ({ key: `botframework:old-${String(i).padStart(4, '0')}`, createdAt: ago(30 * DAY - i * 60_000) }));
    const clocks = Array.from({ length: 700 }, (_, i) => ({ key: `clock:case-${i}:firstResponse:2026-10-01T00:00:00.000Z:breached`, createdAt: ago(30 * DAY - i * 60_000 - 1) }));
    const recent = [
      { key: 'telegram:1001', createdAt: ago(HANDLED_UPDATE_RETENTION_MS - 60_000) },
      { key: 'webchat:w-1', createdAt: ago(DAY) },
    ];
    for (let i = 0; i < old.length; i += 500) await db.processedUpdate.createMany({ data: old.slice(i, i + 500) });
    await db.processedUpdate.createMany({ data: [...clocks, ...recent] });

    const forget = createHandledUpdatePruner(db);
    expect(await forget(now)).toBe(1234);
    const left = await keys();
    expect(left.filter((k) => k.startsWith('botframework:old-'))).toEqual([]);
    expect(left.filter((k) => k.startsWith('clock:'))).toHaveLength(700);
    expect(left).toEqual(expect.arrayContaining(['telegram:1001', 'webchat:w-1']));

    // A run an hour later forgets only what has aged past the week since, stepping over nothing twice.
    expect(await forget(new Date(now.getTime() + 60 * 60_000))).toBe(1);
    expect(await keys()).not.toContain('telegram:1001');
    expect(await keys()).toContain('webchat:w-1');
    expect(await forget(new Date(now.getTime() + 60 * 60_000))).toBe(0);
  });

  it('a new process (fresh pruner) finds what is left, whatever the previous one saw', async () => {
    await db.processedUpdate.create({ data: { key: 'telegram:late', createdAt: ago(10 * DAY) } });
    expect(await createHandledUpdatePruner(db)(now)).toBe(1);
    expect(await keys()).not.toContain('telegram:late');
  });
});
