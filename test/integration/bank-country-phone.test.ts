import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractAmount } from '../../src/cases/classification/amount.js';
import { extractOccurredOn } from '../../src/cases/classification/date.js';
import { detectFraud } from '../../src/cases/classification/fraud.js';
import { createRuleClassifier } from '../../src/cases/classification/rules.js';
import { loadPolicy } from '../../src/cases/clocks/index.js';
import type { Db } from '../../src/db/client.js';
import { createTurnRunner } from '../../src/dialogs/run-turn.js';
import { en } from '../../src/dialogs/locales/en.js';
import type { OutboundMessage } from '../../src/dialogs/types.js';
import { openTestDatabase } from '../support/db.js';

// The bank's country comes from COMPLAINT_POLICY: its customers give local numbers without the
// country code, and staff get them in a form they can dial.

let db: Db;
const now = new Date('2026-11-27T15:00:00Z');

beforeAll(async () => {
  db = (await openTestDatabase('cd-bank-country-')).db;
});
afterAll(async () => {
  await db?.$disconnect();
});

/** Files a complaint through the turn runner of a bank under `policy`, giving `phone`; returns the case's phone. */
async function fileWithPhone(policy: 'cn' | 'uk' | 'us', phone: string): Promise<{ stored: string | null | undefined; refusals: string[] }> {
  const runner = createTurnRunner({
    db,
    classifier: createRuleClassifier(),
    policy: loadPolicy(policy),
    bank: { name: 'Test Bank' },
    log: pino({ level: 'silent' }),
    clock: () => now,
    detectFraud,
    extractAmount,
    extractOccurredOn,
  });
  const key = `test:${policy}-${phone}`;
  const say = (n: number, input: { text?: string; action?: string }) =>
    runner.handle({ intakeChannel: 'test', externalUserId: key, conversationKey: key, conversationRef: {}, updateId: `${key}-${n}`, receivedAt: now, locale: 'en', ...input });
  const refusals: string[] = [];
  let replies: OutboundMessage[] = (await say(1, { text: 'The teller at the branch was rude to me yesterday and refused to help' })).replies;
  const asks = (key: keyof typeof en) => replies.some((r) => r.text.includes(en[key].split('{{')[0]!.slice(0, 20)));
  for (let n = 2; n < 14 && !replies.some((r) => /C-\d{8}-\d{4}/.test(r.text)); n++) {
    // A refused phone is not answered again: the test reads the refusal.
    if (asks('invalid_phone') || asks('invalid_phone_length')) {
      refusals.push(replies.map((r) => r.text).join('\n'));
      break;
    }
    const buttons = replies.flatMap((r) => r.buttons ?? []).map((b) => b.value);
    const text = asks('ask_phone') ? phone : asks('ask_name') ? 'Alice Wong' : asks('ask_desiredResolution') ? 'An apology' : undefined;
    replies = (await say(n, text ? { text } : { action: buttons.find((b) => b === 'confirm') ?? buttons.find((b) => b === 'skip') ?? buttons[0] })).replies;
  }
  const filed = await db.case.findFirst({ where: { conversationKey: key }, select: { customerPhone: true } });
  return { stored: filed?.customerPhone, refusals };
}

describe("phone numbers of the bank's country", () => {
  it('takes a US number without +1 at a US bank, and stores it as +1…', async () => {
    expect(await fileWithPhone('us', '(415) 555-2671')).toEqual({ stored: '+14155552671', refusals: [] });
  });

  it('takes a UK number without +44 at a UK bank, and stores it as +44…', async () => {
    expect(await fileWithPhone('uk', '07700 900123')).toEqual({ stored: '+447700900123', refusals: [] });
  });

  it('refuses a US number without +1 at a Chinese bank, saying a number from abroad needs its country code', async () => {
    const { stored, refusals } = await fileWithPhone('cn', '(415) 555-2671');
    expect(stored).toBeUndefined();
    expect(refusals[0]).toContain('starts with + and its country code');
    expect(refusals[0]).toContain('for example 13812345678');
  });
});
