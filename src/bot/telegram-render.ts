import type { CustomerMessage } from '../cases/messenger.js';
import { detectLanguage, t } from '../dialogs/i18n.js';

/** Telegram's limit for one message's text. */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** Telegram's limit for an inline button's callback_data, in bytes. */
export const CALLBACK_DATA_LIMIT = 64;

export interface InlineKeyboard {
  inline_keyboard: { text: string; callback_data: string }[][];
}
export interface PhoneKeyboard {
  keyboard: { text: string; request_contact: true }[][];
  resize_keyboard: true;
  one_time_keyboard: true;
}
export interface KeyboardRemoval {
  remove_keyboard: true;
}

/** One `sendMessage` call. Text is plain (no parse mode), so nothing needs escaping. */
export interface TelegramOutgoing {
  text: string;
  reply_markup?: InlineKeyboard | PhoneKeyboard | KeyboardRemoval;
  /**
   * Buttons to add with `editMessageReplyMarkup` once the message is sent: a message carries
   * one markup, and this one had to carry the removal of the phone keyboard.
   */
  inlineAfterSend?: InlineKeyboard;
}

export interface RenderOptions {
  /** The "share my phone number" keyboard is showing and should go away. */
  removePhoneKeyboard: boolean;
  /** Told of a button whose value does not fit in callback_data (a dialog bug). */
  onDroppedButton?: (value: string) => void;
}

/**
 * Turns the dialog's replies into Telegram messages: plain text split at Telegram's limit,
 * buttons as an inline keyboard on the last part, `requestPhone` as a one-time reply keyboard
 * with a contact button, and the removal of that keyboard once the dialog stops asking.
 * Pure, so it is tested without a bot.
 */
export function renderMessages(messages: CustomerMessage[], opts: RenderOptions): { outgoing: TelegramOutgoing[]; showsPhoneKeyboard: boolean } {
  const outgoing: TelegramOutgoing[] = [];
  const showsPhoneKeyboard = messages.some((m) => m.requestPhone && !m.buttons?.length);
  for (const m of messages) {
    const parts = splitText(m.text);
    parts.forEach((text, i) => {
      const last = i === parts.length - 1;
      const out: TelegramOutgoing = { text };
      if (last && m.buttons?.length) {
        const keyboard = inlineKeyboard(m.buttons, opts.onDroppedButton);
        if (keyboard.inline_keyboard.length) out.reply_markup = keyboard;
      } else if (last && m.requestPhone) {
        out.reply_markup = phoneKeyboard(detectLanguage(m.text));
      }
      outgoing.push(out);
    });
  }
  if (opts.removePhoneKeyboard && !showsPhoneKeyboard && outgoing.length) {
    const plain = outgoing.find((o) => !o.reply_markup);
    if (plain) plain.reply_markup = { remove_keyboard: true };
    else {
      const first = outgoing[0]!;
      first.inlineAfterSend = first.reply_markup && 'inline_keyboard' in first.reply_markup ? first.reply_markup : undefined;
      first.reply_markup = { remove_keyboard: true };
    }
  }
  return { outgoing, showsPhoneKeyboard };
}

function inlineKeyboard(buttons: { label: string; value: string }[], onDropped?: (value: string) => void): InlineKeyboard {
  const usable = buttons.filter((b) => {
    const fits = Buffer.byteLength(b.value, 'utf8') <= CALLBACK_DATA_LIMIT && b.value.length > 0;
    if (!fits) onDropped?.(b.value);
    return fits;
  });
  const keys = usable.map((b) => ({ text: b.label, callback_data: b.value }));
  // Short labels two to a row; long ones (product names) one to a row so they are not cut off.
  const perRow = keys.length <= 2 ? Math.max(keys.length, 1) : keys.every((k) => k.text.length <= 14) ? 2 : 1;
  const rows: InlineKeyboard['inline_keyboard'] = [];
  for (let i = 0; i < keys.length; i += perRow) rows.push(keys.slice(i, i + perRow));
  return { inline_keyboard: rows };
}

function phoneKeyboard(lang: 'zh' | 'en'): PhoneKeyboard {
  return {
    keyboard: [[{ text: t(lang, 'btn_share_phone'), request_contact: true }]],
    resize_keyboard: true,
    one_time_keyboard: true,
  };
}

/**
 * Splits text into parts of at most `limit` UTF-16 units (how Telegram counts), preferring a
 * line break, then a space, and never cutting a surrogate pair in two.
 */
export function splitText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text.length ? text : ' ';
  while (rest.length > limit) {
    let cut = rest.lastIndexOf('\n', limit);
    if (cut < limit / 2) cut = rest.lastIndexOf(' ', limit);
    if (cut < limit / 2) cut = limit;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  parts.push(rest);
  return parts;
}
