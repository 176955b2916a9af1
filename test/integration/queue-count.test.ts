import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNT_CAP, countCases, listCases, ZCaseFilter } from '../../src/cases/staff/case-queries.js';
import type { Db } from '../../src/db/client.js';
import { openTestDatabase } from '../support/db.js';

let db: Db;
const N = COUNT_CAP + 5;

beforeAll(async () => {
  ({ db } = await openTestDatabase('cd-count-'));
  const customer = await db.customer.create({ data: {} });
  const at = new Date('2026-11-27T00:00:00Z');
  const rows = Array.from({ length: N }, (_, i) => ({
    reference: `C-20261127-${String(i + 1).padStart(5, '0')}`,
    receivedAt: at,
    customerId: customer.id,
    intakeChannel: 'test',
    language: 'en',
    severity: i % 7 === 0 ? 'P1' : 'P3',
    business: 'deposit',
    cause: 'fees',
    channel: 'branch',
    description: 'seeded',
    firstResponseDueAt: new Date(at.getTime() + (i % 100) * 60_000),
    regulatoryProfile: 'cn',
    regulatoryDueAt: at,
    nextDueAt: at,
  }));
  for (let i = 0; i < rows.length; i += 2000) await db.case.createMany({ data: rows.slice(i, i + 2000) });
}, 120_000);
afterAll(async () => db?.$disconnect());

describe('the queue count', () => {
  it('stops at the cap and says the total is a lower bound', async () => {
    expect(await countCases(db, ZCaseFilter.parse({}), new Date())).toEqual({ total: COUNT_CAP, totalExact: false });
  });

  it('counts far enough for the page asked for', async () => {
    const last = Math.ceil(N / 50);
    expect(await countCases(db, ZCaseFilter.parse({ page: last }), new Date())).toEqual({ total: N, totalExact: true });
  });

  it('is exact for a filter below the cap, with P1 first in the page', async () => {
    const page = await listCases(db, ZCaseFilter.parse({ severity: 'P1' }), new Date());
    expect(page).toMatchObject({ total: Math.ceil(N / 7), totalExact: true });
    const all = await listCases(db, ZCaseFilter.parse({}), new Date());
    expect(all.items[0]!.severity).toBe('P1');
  });
});
