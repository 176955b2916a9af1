import type { InboundMessage } from './types.js';

export const INTERRUPTIONS = ['help', 'cancel', 'restart', 'human', 'language', 'status', 'start'] as const;
/** A slash command the bot does not have (`/foo`): answered with help, never taken as a complaint. */
export type Interruption = (typeof INTERRUPTIONS)[number] | 'unknown_command';

// Whole-message keywords only: "I want to cancel my card" is a complaint, not a command.
const KEYWORDS: Record<(typeof INTERRUPTIONS)[number], RegExp> = {
  help: /^(help|\?|帮助|求助|怎么用)$/i,
  cancel: /^(cancel|stop filing|quit|取消|不投诉了|算了)$/i,
  restart: /^(restart|start over|重新开始|重来)$/i,
  human: /^(human|agent|person|operator|talk to (a )?(human|person|agent)|人工|转人工|人工服务|客服|真人)$/i,
  language: /^(language|english|中文|汉语|切换语言|switch language|说中文|speak english)$/i,
  status: /^(status|my cases|progress|查询进度|进度|查询|我的投诉)$/i,
  start: /^(start|hi|hello|hey|你好|您好|在吗)$/i,
};

/**
 * Recognises a command from a button (`cmd:help`), a slash command (`/help`, `/help@bot`; any
 * other `/name` is `unknown_command`) or a whole-message keyword in either language. Checked before any dialog step
 * (CONVENTIONS.md §4).
 */
export function detectInterruption(input: InboundMessage): Interruption | null {
  if (input.action?.startsWith('cmd:')) {
    const cmd = input.action.slice(4);
    return (INTERRUPTIONS as readonly string[]).includes(cmd) ? (cmd as Interruption) : null;
  }
  const text = (input.text ?? '').trim().replace(/[!！。.？]+$/, '');
  if (!text || text.length > 40) return null;
  // Telegram command names are letters, digits and underscores.
  const slash = /^\/(\w+)(@\w+)?$/.exec(text);
  if (slash) {
    const cmd = slash[1]!.toLowerCase();
    return (INTERRUPTIONS as readonly string[]).includes(cmd) ? (cmd as Interruption) : 'unknown_command';
  }
  for (const name of INTERRUPTIONS) if (KEYWORDS[name].test(text)) return name;
  return null;
}

/** The language a switch request asks for, when it names one. */
export function requestedLanguage(input: InboundMessage): 'zh' | 'en' | null {
  const text = (input.text ?? '').trim().toLowerCase();
  if (/english|speak english/.test(text)) return 'en';
  if (/中文|汉语|说中文/.test(text)) return 'zh';
  return null;
}
