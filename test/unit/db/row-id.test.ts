import { describe, expect, it, vi } from 'vitest';
import { newRowId } from '../../../src/db/row-id.js';

describe('newRowId', () => {
  it('is a UUIDv7 (version 7, RFC variant) carrying the current millisecond', () => {
    const before = Date.now();
    const id = newRowId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = parseInt(id.replace('-', '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
  });

  it('sorts as text in the order the ids were made, millisecond by millisecond', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const ids: string[] = [];
      for (const at of [Date.UTC(2026, 10, 27), Date.UTC(2026, 10, 27, 0, 0, 0, 1), Date.UTC(2031, 0, 1), Date.UTC(2099, 0, 1)]) {
        vi.setSystemTime(at);
        ids.push(newRowId());
      }
      expect([...ids].sort()).toEqual(ids);
      expect(new Set(Array.from({ length: 1000 }, newRowId)).size).toBe(1000);
    } finally {
      vi.useRealTimers();
    }
  });
});
