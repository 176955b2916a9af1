/**
 * `npm run chat`: talk to the bot in a terminal, through the same dialogs, turn runner and
 * database as the server (intakeChannel `console`). Buttons are shown as numbered choices;
 * typing the number presses the button. No token is needed.
 *
 *   npm run chat              continue this computer user's conversation (or start one)
 *   npm run chat -- --new     start a separate, new conversation
 *
 * Type /quit (or press Ctrl+D) to leave. Logs go to stderr at LOG_LEVEL (default warn).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import readline from 'node:readline';
import { startApp, type RunningApp } from '../app.js';
import type { CustomerMessage } from '../cases/messenger.js';
import { ConfigError, loadConfig } from '../config.js';
import { detectLanguage, t } from '../dialogs/i18n.js';
import type { Button } from '../dialogs/types.js';
import { createLogger } from '../logger.js';

export const CONSOLE_REF_KIND = 'console';
const write = (s: string) => process.stdout.write(`${s}\n`);

/** Prints bot messages; numbers the buttons of the last one so the user can type a number. */
function render(messages: CustomerMessage[]): Button[] {
  let choices: Button[] = [];
  for (const m of messages) {
    write(`\nbot> ${m.text.replace(/\n/g, '\n     ')}`);
    if (m.buttons?.length) {
      choices = m.buttons;
      write(m.buttons.map((b, i) => `     [${i + 1}] ${b.label}`).join('\n'));
    }
  }
  return choices;
}

async function main(): Promise<void> {
  const fresh = process.argv.includes('--new');
  let config;
  try {
    // The server's own configuration, minus what would clash with a running server: a random
    // local port, and no Telegram polling (Telegram allows one poller per bot token).
    config = loadConfig({
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
      TELEGRAM_BOT_TOKEN: '',
      TELEGRAM_WEBHOOK_URL: '',
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const log = createLogger(config.LOG_LEVEL, process.stderr);
  // The scheduler only runs when woken here: the server's worker does the periodic jobs.
  const app: RunningApp = await startApp(config, { log, schedulerPollMs: 0 });

  const user = (os.userInfo().username || 'user').replace(/[^\w.-]/g, '_').slice(0, 40);
  const id = fresh ? `${user}-${randomBytes(6).toString('hex')}` : user;
  const conversationRef = { kind: CONSOLE_REF_KIND, id };
  let choices: Button[] = [];

  // Messages sent later within this process (a survey woken here) are printed as they come.
  app.messenger.register({
    kind: CONSOLE_REF_KIND,
    async send(ref, messages) {
      if ((ref as { id?: unknown } | null)?.id !== id) return { ok: false, unreachable: true, reason: 'another console conversation' };
      choices = render(messages);
      return { ok: true };
    },
  });

  write(`Complaint Desk — terminal chat (${fresh ? 'new conversation' : `conversation of ${user}`}). Type /quit to leave.`);
  write('Write in English or Chinese. 请用中文或英文描述您的问题。');

  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const prompt = () => {
    if (process.stdin.isTTY) rl.prompt();
  };
  rl.setPrompt('\nyou> ');
  prompt();
  let seq = 0;
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit') break;
    if (!line) {
      prompt();
      continue;
    }
    const n = /^\d{1,2}$/.test(line) ? Number(line) : NaN;
    const pressed = n >= 1 && n <= choices.length ? choices[n - 1] : undefined;
    if (!process.stdin.isTTY) write(`\nyou> ${pressed ? `[${pressed.label}]` : line}`);
    try {
      const result = await app.runner.handle({
        conversationKey: `console:${id}`,
        intakeChannel: 'console',
        externalUserId: id,
        displayName: user,
        ...(pressed ? { action: pressed.value } : { text: line }),
        locale: /^[a-z]{2}(_[A-Z]{2})?\b/.exec(process.env.LANG ?? '')?.[0].replace('_', '-'),
        conversationRef,
        updateId: `${id}:${process.pid}:${Date.now()}:${++seq}`,
        receivedAt: new Date(),
      });
      const next = render(result.replies);
      // Buttons stay valid until the bot offers new ones.
      if (next.length || result.replies.length) choices = next;
      if (result.relayed) write('\n     (passed to the complaints team)');
    } catch (e) {
      log.error({ err: { message: (e as Error).message, code: (e as { code?: string }).code } }, 'console turn failed');
      write(`\nbot> ${t(detectLanguage(line), 'error_apology')}`);
    }
    prompt();
  }
  rl.close();
  await app.stop();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
