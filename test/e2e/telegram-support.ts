import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { startApp, type AppOptions, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { t } from '../../src/dialogs/i18n.js';
import { shownMarkup, tgUpdate, type FakeTelegram, type FakeUser, type SentMessage } from '../support/fake-telegram.js';
import { databaseUrlIn } from '../support/db.js';

export const TOKEN = '123456789:TEST-telegram_token-abc';
export const STAFF_TOKEN = 'staff-token-for-telegram-tests';

/** A fresh temp folder per test file, so files run in parallel. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts the whole app with Telegram pointed at the fake Bot API server. */
export async function startTelegramApp(dir: string, fake: FakeTelegram, env: Record<string, string> = {}, appOpts: AppOptions = {}): Promise<RunningApp> {
  return startApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: await databaseUrlIn(dir),
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      BANK_NAME: 'Test Bank',
      BANK_HOTLINE: '95555',
      STAFF_API_TOKEN: STAFF_TOKEN,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
      PUBLIC_URL: 'https://complaints.example.test',
      ...env,
    }),
    appOpts,
  );
}

/** One Telegram user talking to the bot through the fake; every call waits for the turn to end. */
export function telegramUser(fake: FakeTelegram, user: FakeUser) {
  const mine = () => fake.sent.filter((m) => m.chat_id === String(user.id));
  async function run(update: Parameters<FakeTelegram['process']>[0]): Promise<SentMessage[]> {
    const before = mine().length;
    await fake.process(update);
    return mine().slice(before);
  }
  return {
    user,
    sent: mine,
    say: (text: string) => run(tgUpdate.text(user, text)),
    shareOwnPhone: (phone: string) => run(tgUpdate.contact(user, phone)),
    photo: (fileId: string, size: number, caption?: string) => run(tgUpdate.photo(user, fileId, size, caption)),
    sticker: () => run(tgUpdate.sticker(user)),
    /** Presses the button with this value on the latest message that shows it. */
    async press(value: string): Promise<SentMessage[]> {
      const target = [...mine()].reverse().find((m) => shownMarkup(m)?.inline_keyboard?.flat().some((b) => b.callback_data === value));
      const messageId = target?.message_id;
      expect(messageId, `a button "${value}" was shown`).toBeDefined();
      return run(tgUpdate.press(user, value, messageId));
    },
  };
}

export const texts = (messages: SentMessage[]) => messages.map((m) => m.text).join('\n');

export const REFERENCE = /C-\d{8}-\d{4}/;

export async function staffCase(app: RunningApp, reference: string) {
  const res = await fetch(`${app.url}/api/staff/cases/${reference}`, { headers: { authorization: `Bearer ${STAFF_TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    case: { reference: string; intakeChannel: string; business: string; severity: string; evidence?: unknown[] };
    transcript: { direction: string; text: string }[];
  };
}

export interface IntakeAnswers {
  business: string;
  occurredOn: string;
  /** A typed amount, or 'skip' to press the Skip button. */
  amount: string;
  resolution: string;
  name: string;
  /** Typed, or shared through the contact button. */
  phone: string | { share: string };
  /** Stop when this question is asked instead of answering it. */
  stopAt?: 'phone' | 'confirm';
}

/**
 * Answers whatever the bot asks next until it gives a case reference, pressing the buttons it
 * shows (the rules may already have filled some slots from the description, so which questions
 * come depends on them). Returns the buttons pressed and the last replies.
 */
export async function completeIntake(u: ReturnType<typeof telegramUser>, first: SentMessage[], a: IntakeAnswers) {
  let out = first;
  const pressed: string[] = [];
  const press = async (value: string) => {
    pressed.push(value);
    return u.press(value);
  };
  for (let i = 0; i < 12; i++) {
    const joined = texts(out);
    const reference = REFERENCE.exec(joined)?.[0];
    if (reference) return { reference, pressed, out };
    const last = out.at(-1);
    if (!last) throw new Error('the bot said nothing');
    const buttons = shownMarkup(last)?.inline_keyboard?.flat().map((b) => b.callback_data) ?? [];
    const asks = (key: 'ask_occurredOn' | 'ask_name') => (['en', 'zh'] as const).some((l) => last.text.includes(t(l, key)));
    if (buttons.includes('confirm')) {
      if (a.stopAt === 'confirm') return { reference: undefined, pressed, out };
      out = await press('confirm');
    } else if (buttons.some((b) => b.startsWith('resolution:'))) out = await press(`resolution:${a.resolution}`);
    else if (buttons.some((b) => b.startsWith('business:'))) out = await press(`business:${a.business}`);
    else if (buttons.includes('skip')) out = a.amount === 'skip' ? await press('skip') : await u.say(a.amount);
    else if (last.reply_markup?.keyboard?.[0]?.[0]?.request_contact) {
      if (a.stopAt === 'phone') return { reference: undefined, pressed, out };
      out = typeof a.phone === 'string' ? await u.say(a.phone) : await u.shareOwnPhone(a.phone.share);
    } else if (asks('ask_occurredOn')) out = await u.say(a.occurredOn);
    else if (asks('ask_name')) out = await u.say(a.name);
    else throw new Error(`unexpected question: ${last.text}`);
  }
  throw new Error('the intake did not end');
}
