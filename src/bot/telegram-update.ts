import { z } from 'zod';
import type { InboundAttachment, InboundMessage } from '../dialogs/types.js';

export const TELEGRAM_REF_KIND = 'telegram';
export const TELEGRAM_INTAKE_CHANNEL = 'telegram';

/** The updates the bot asks Telegram for (polling `allowed_updates` and the webhook's). */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

/**
 * The part of a Telegram update the channel reads (the channel-payload boundary,
 * CONVENTIONS.md §7). Everything else in the update is ignored; an update that does not fit
 * is ignored rather than crashing the polling loop.
 */
const ZChat = z.object({ id: z.number().int(), type: z.string() });
const ZUser = z.object({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  language_code: z.string().optional(),
});
const ZEntity = z.object({ type: z.string(), offset: z.number().int(), length: z.number().int() });
const ZFile = z.object({ file_id: z.string(), file_unique_id: z.string().optional(), file_size: z.number().int().optional() });
const ZMessage = z.object({
  message_id: z.number().int(),
  chat: ZChat,
  from: ZUser.optional(),
  // The forum topic a group message was written in (with is_topic_message; otherwise it names a
  // reply thread), or the topic of a private chat with topics (Bot API 9.x; there it names nothing else).
  message_thread_id: z.number().int().optional(),
  is_topic_message: z.boolean().optional(),
  text: z.string().optional(),
  entities: z.array(ZEntity).optional(),
  caption: z.string().optional(),
  caption_entities: z.array(ZEntity).optional(),
  // Only whose message it answers: in a group, a reply to the bot is addressed to it.
  reply_to_message: z.object({ from: ZUser.optional() }).optional(),
  photo: z.array(ZFile).optional(),
  document: ZFile.extend({ file_name: z.string().optional(), mime_type: z.string().optional() }).optional(),
  video: ZFile.extend({ file_name: z.string().optional(), mime_type: z.string().optional() }).optional(),
  audio: ZFile.extend({ file_name: z.string().optional(), mime_type: z.string().optional() }).optional(),
  voice: ZFile.extend({ mime_type: z.string().optional() }).optional(),
  contact: z.object({ phone_number: z.string(), user_id: z.number().int().optional() }).optional(),
  // Only their presence matters: the bot cannot read them, and says so.
  sticker: z.unknown().optional(),
  video_note: z.unknown().optional(),
  location: z.unknown().optional(),
  venue: z.unknown().optional(),
  poll: z.unknown().optional(),
  dice: z.unknown().optional(),
});
/** Message contents the bot cannot read or keep, in the order they are named (a venue has a location too). */
const UNREADABLE = ['sticker', 'video_note', 'venue', 'location', 'poll', 'dice'] as const;
export const ZTelegramUpdate = z.object({
  update_id: z.number().int(),
  message: ZMessage.optional(),
  edited_message: ZMessage.optional(),
  callback_query: z
    .object({
      id: z.string(),
      from: ZUser,
      message: z.object({ message_id: z.number().int(), chat: ZChat, message_thread_id: z.number().int().optional() }).optional(),
      data: z.string().optional(),
    })
    .optional(),
  my_chat_member: z
    .object({ chat: ZChat, from: ZUser, new_chat_member: z.object({ status: z.string() }) })
    .optional(),
});
export type TTelegramUpdate = z.infer<typeof ZTelegramUpdate>;
type TMessage = z.infer<typeof ZMessage>;

/**
 * Where a proactive message goes: stored as the ChannelAccount's conversationRef. `threadId` is
 * the topic of a private chat with topics the customer last wrote in: staff replies and surveys
 * go there, where the customer reads the conversation, not to the chat's General view.
 */
export const ZTelegramRef = z.object({
  kind: z.literal(TELEGRAM_REF_KIND),
  chatId: z.union([z.number().int(), z.string()]),
  threadId: z.number().int().optional(),
});
export type TTelegramRef = z.infer<typeof ZTelegramRef>;

/** What the channel should do with one update. */
export type TelegramAction =
  | {
      kind: 'turn';
      chatId: number;
      /** The topic of a private chat with topics the message came from: the replies go there. */
      threadId?: number;
      input: InboundMessage;
      /** A button press: the query to answer and the message whose buttons were pressed. */
      callback?: { id: string; messageId?: number };
      /** The update was an edit of an earlier message. */
      edited: boolean;
    }
  /**
   * A group or channel chat: answered with a polite "message me privately", no case; as a reply
   * to `messageId`, in the forum topic `threadId` it was written in.
   */
  | { kind: 'group'; chatId: number; locale?: string; text?: string; callbackId?: string; messageId?: number; threadId?: number }
  /** The user blocked (or unblocked) the bot. */
  | { kind: 'membership'; chatId: number; blocked: boolean }
  | { kind: 'ignore'; callbackId?: string };

/** The bot itself (getMe): in a group, only a message addressed to it is answered. */
export interface TelegramBotIdentity {
  id: number;
  username?: string;
}

export const telegramConversationKey = (chatId: number | string) => `telegram:${chatId}`;

/**
 * Translates one Telegram update into what the dialogs understand (`InboundMessage`), or says
 * why it is not a turn. Pure: no I/O, time passed in; `me` is the bot, as getMe answered.
 */
export function translateUpdate(raw: unknown, receivedAt: Date, me?: TelegramBotIdentity): TelegramAction {
  const parsed = ZTelegramUpdate.safeParse(raw);
  if (!parsed.success) return { kind: 'ignore' };
  const update = parsed.data;
  const updateId = String(update.update_id);

  if (update.my_chat_member) {
    const m = update.my_chat_member;
    if (m.chat.type !== 'private') return { kind: 'ignore' };
    return { kind: 'membership', chatId: m.chat.id, blocked: m.new_chat_member.status === 'kicked' };
  }

  if (update.callback_query) {
    const q = update.callback_query;
    const chat = q.message?.chat;
    if (!chat || q.data === undefined) return { kind: 'ignore', callbackId: q.id };
    if (chat.type !== 'private') return { kind: 'group', chatId: chat.id, locale: q.from.language_code, callbackId: q.id, messageId: q.message?.message_id };
    const threadId = q.message?.message_thread_id;
    return {
      kind: 'turn',
      chatId: chat.id,
      ...(threadId === undefined ? {} : { threadId }),
      callback: { id: q.id, messageId: q.message?.message_id },
      edited: false,
      input: {
        ...identity(chat.id, q.from, updateId, receivedAt, threadId),
        action: q.data,
      },
    };
  }

  const edited = update.edited_message !== undefined;
  const message = update.message ?? update.edited_message;
  if (!message) return { kind: 'ignore' };
  const chat = message.chat;
  if (chat.type !== 'private') {
    // Only a message addressed to the bot gets the "message me privately" answer: members
    // joining, a pinned message, a group becoming a supergroup, chatter among members (all of
    // which reach a bot with privacy mode off, or an admin) and edits stay silent.
    if (edited || !addressedToBot(message, me)) return { kind: 'ignore' };
    return {
      kind: 'group',
      chatId: chat.id,
      locale: message.from?.language_code,
      text: message.text,
      messageId: message.message_id,
      ...(message.is_topic_message && message.message_thread_id !== undefined ? { threadId: message.message_thread_id } : {}),
    };
  }
  const from: z.infer<typeof ZUser> = message.from ?? { id: chat.id };
  // A private chat has no reply threads: a thread id there is the topic the customer wrote in,
  // and an answer sent without it lands outside that topic, where the customer is not reading.
  const threadId = message.message_thread_id;
  const inThread = threadId === undefined ? {} : { threadId };
  const contact = message.contact;
  // A contact is a phone number the channel vouches for only when it is the sender's own.
  const ownPhone = contact && contact.user_id === from.id ? contact.phone_number : undefined;
  const foreignPhone = contact && !ownPhone ? contact.phone_number : undefined;
  // An edit re-sends the text or caption only: its file was kept the first time.
  const attachments = edited ? [] : attachmentsOf(message);
  const text = normaliseText(message.text ?? foreignPhone ?? (edited ? message.caption : undefined));
  if (!text && !ownPhone && attachments.length === 0) {
    // A sticker or a location gets an answer; an edit of one (a live location moving) does not.
    const unsupported = edited ? undefined : UNREADABLE.find((k) => message[k] !== undefined);
    if (!unsupported) return { kind: 'ignore' };
    return { kind: 'turn', chatId: chat.id, ...inThread, edited, input: { ...identity(chat.id, from, updateId, receivedAt, threadId), unsupported } };
  }
  return {
    kind: 'turn',
    chatId: chat.id,
    ...inThread,
    edited,
    input: {
      ...identity(chat.id, from, updateId, receivedAt, threadId),
      text,
      sharedPhone: ownPhone,
      attachments: attachments.length ? attachments : undefined,
    },
  };
}

/** A command (for this bot, or for no bot in particular), a mention of the bot, or a reply to it. */
function addressedToBot(m: TMessage, me: TelegramBotIdentity | undefined): boolean {
  const text = m.text ?? m.caption;
  if (!text) return false;
  if (me && m.reply_to_message?.from?.id === me.id) return true;
  const command = /^\/\w+(?:@(\w+))?/.exec(text);
  if (command) return !command[1] || command[1].toLowerCase() === me?.username?.toLowerCase();
  if (!me?.username) return false;
  const mention = `@${me.username.toLowerCase()}`;
  return (m.entities ?? m.caption_entities ?? []).some((e) => e.type === 'mention' && text.slice(e.offset, e.offset + e.length).toLowerCase() === mention);
}

function identity(chatId: number, from: z.infer<typeof ZUser>, updateId: string, receivedAt: Date, threadId?: number) {
  const displayName = [from.first_name, from.last_name].filter(Boolean).join(' ') || undefined;
  return {
    conversationKey: telegramConversationKey(chatId),
    intakeChannel: TELEGRAM_INTAKE_CHANNEL,
    externalUserId: String(from.id),
    displayName,
    locale: from.language_code,
    conversationRef: { kind: TELEGRAM_REF_KIND, chatId, ...(threadId === undefined ? {} : { threadId }) } satisfies TTelegramRef,
    updateId,
    receivedAt,
  };
}

/**
 * Slash commands pass through as text for the dialog's interruption handling; a deep-link
 * payload (`/start campaign42`) is dropped so `/start` is still recognised as a command.
 */
function normaliseText(text: string | undefined): string | undefined {
  const s = text?.trim();
  if (!s) return undefined;
  const start = /^\/start(@\w+)?\s+\S+$/.exec(s);
  return start ? '/start' : s;
}

function attachmentsOf(m: TMessage): InboundAttachment[] {
  const caption = m.caption?.trim() || undefined;
  const out: InboundAttachment[] = [];
  if (m.photo?.length) {
    // Telegram sends every size of one photo; the largest is the evidence.
    const largest = m.photo.reduce((a, b) => ((b.file_size ?? 0) >= (a.file_size ?? 0) ? b : a));
    out.push({ kind: 'photo', fileId: largest.file_id, mimeType: 'image/jpeg', size: largest.file_size, caption });
  }
  if (m.document) {
    const d = m.document;
    out.push({ kind: 'document', fileId: d.file_id, fileName: d.file_name, mimeType: d.mime_type, size: d.file_size, caption });
  }
  if (m.video) out.push({ kind: 'video', fileId: m.video.file_id, fileName: m.video.file_name, mimeType: m.video.mime_type, size: m.video.file_size, caption });
  if (m.audio) out.push({ kind: 'audio', fileId: m.audio.file_id, fileName: m.audio.file_name, mimeType: m.audio.mime_type, size: m.audio.file_size, caption });
  if (m.voice) out.push({ kind: 'audio', fileId: m.voice.file_id, mimeType: m.voice.mime_type, size: m.voice.file_size, caption });
  return out;
}
