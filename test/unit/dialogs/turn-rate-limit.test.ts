import { describe, expect, it } from 'vitest';
import { limitTurnRate } from '../../../src/dialogs/turn-rate-limit.js';
import type { InboundMessage } from '../../../src/dialogs/types.js';

const input = (key: string, text = 'hello'): InboundMessage => ({
  conversationKey: key,
  intakeChannel: 'test',
  externalUserId: key,
  conversationRef: {},
  receivedAt: new Date(0),
  text,
});

describe('limitTurnRate', () => {
  it('lets a conversation through up to the limit, then asks it to slow down, per conversation', async () => {
    let now = 0;
    let handled = 0;
    const runner = limitTurnRate({ handle: async () => (handled++, { replies: [{ text: 'ok' }] }) }, { perMinute: 3, clock: () => new Date(now) });
    for (let i = 0; i < 3; i++) expect((await runner.handle(input('a'))).replies[0]!.text).toBe('ok');
    expect((await runner.handle(input('a', '太快了'))).replies[0]!.text).toContain('请稍等一分钟');
    expect((await runner.handle(input('b'))).replies[0]!.text).toBe('ok');
    now += 61_000;
    expect((await runner.handle(input('a'))).replies[0]!.text).toBe('ok');
    expect(handled).toBe(5);
  });
});
