import { z } from 'zod';

export const LANGS = ['zh', 'en'] as const;
export const ZLang = z.enum(LANGS);
export type Lang = z.infer<typeof ZLang>;

/** A button the customer can press; `value` comes back as `InboundMessage.action`. */
export interface Button {
  label: string;
  value: string;
}

/** What the dialog says. Channels render it (Telegram inline keyboard, Bot Framework actions…). */
export interface OutboundMessage {
  text: string;
  buttons?: Button[];
  /** Ask the channel to offer a "share my phone number" button where it can. */
  requestPhone?: boolean;
}

export const ATTACHMENT_KINDS = ['photo', 'document', 'audio', 'video', 'other'] as const;

export interface InboundAttachment {
  kind: (typeof ATTACHMENT_KINDS)[number];
  /** Channel file id (Telegram file_id) or URL (Bot Framework contentUrl). */
  fileId: string;
  fileName?: string;
  mimeType?: string;
  size?: number;
  caption?: string;
}

/** One thing the customer did, in channel-neutral form. Adapters in src/bot build these. */
export interface InboundMessage {
  /** Stable key of this conversation, e.g. `telegram:12345` or `webchat:<session>`. */
  conversationKey: string;
  /** The chat channel it came in on: telegram, webchat, msteams, emulator, directline, console… */
  intakeChannel: string;
  externalUserId: string;
  displayName?: string;
  text?: string;
  /** Value of a pressed button. */
  action?: string;
  /** A phone number the channel vouches for (Telegram contact sharing): international, "+" optional. */
  sharedPhone?: string;
  attachments?: InboundAttachment[];
  /**
   * Something the customer sent that the bot cannot read or keep (a sticker, a location, a round
   * video…), named by the channel. The dialog says what it can read and asks its question again.
   */
  unsupported?: string;
  /**
   * The customer opened the conversation and said nothing yet (a Bot Framework
   * `conversationUpdate` adding them): greeted as a first "hi" is, but only in a conversation
   * without dialog state; in one with state it changes nothing and gets no reply.
   */
  opened?: boolean;
  /** Language hint from the channel (Bot Framework `locale`, Telegram `language_code`). */
  locale?: string;
  /** What the channel needs to message this conversation later; stored as JSON. */
  conversationRef: unknown;
  /** Channel-unique id of this update: a redelivered update with the same id is ignored. */
  updateId?: string;
  /** When the channel received it. */
  receivedAt: Date;
  /** The channel's own copy of the conversation, written with the turn (see PageCopyRequest). */
  pageCopy?: PageCopyRequest;
}

/**
 * A channel that keeps its own copy of the conversation for a page to read (the web chat page:
 * src/bot/webchat-outbox.ts) has the customer's message and the replies written in the turn's
 * own commit (TurnClosing.page): a message marked handled always has its replies stored, so a
 * retry of it is answered with them, and a turn that did not commit stored none and runs again.
 */
export interface PageCopyRequest {
  sessionId: string;
  /** The page's id of the customer's message; its replies carry it too. */
  messageId: string;
  /** The customer's message as the channel stores it. */
  said: string;
  /** A reply as the channel stores it. */
  reply(m: OutboundMessage): string;
}

/** Result of one turn as the channel sees it. */
export interface TurnResult {
  replies: OutboundMessage[];
  /** True when the update was a redelivery and nothing was done. */
  duplicate?: boolean;
  /** True when a staff member holds the conversation and the bot stayed quiet. */
  relayed?: boolean;
}
