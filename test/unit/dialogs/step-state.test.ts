import { describe, expect, it } from 'vitest';
import { step } from '../../../src/dialogs/conversation.js';
import { parseState } from '../../../src/dialogs/state.js';
import type { InboundMessage } from '../../../src/dialogs/types.js';
import { createDialogHarness } from '../../support/dialog-harness.js';

const say = (text: string): InboundMessage => ({
  conversationKey: 'test:state',
  intakeChannel: 'test',
  externalUserId: 'u1',
  conversationRef: {},
  receivedAt: new Date('2026-11-27T02:00:00Z'),
  text,
});

describe('the state a turn works on', () => {
  it('is the one given, changed in place, not a copy made each turn', async () => {
    const h = createDialogHarness();
    // As run-turn.ts gives it: parsed from the stored JSON, this turn's own.
    const { state } = parseState(JSON.stringify({ v: 1, lang: 'en' }));
    const result = await step(state, say('My card was swallowed by the ATM yesterday'), h.deps());
    expect(result.state).toBe(state);
    expect(state.intake?.draft.description).toBe('My card was swallowed by the ATM yesterday');
    expect(state.updatedAt).toBe('2026-11-27T02:00:00.000Z');
  });

  it('gets a fresh object from each parse of the same stored state, so one turn never changes another', async () => {
    const h = createDialogHarness();
    const stored = JSON.stringify({ v: 1, lang: 'en' });
    const first = parseState(stored).state;
    await step(first, say('My card was swallowed by the ATM yesterday'), h.deps());
    expect(parseState(stored).state).toEqual({ v: 1, lang: 'en' });
  });
});
