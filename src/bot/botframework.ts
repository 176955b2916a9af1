import { createHash } from 'node:crypto';
import { compile } from 'html-to-text';
import type { Request, Response } from 'express';
import {
  ActivityTypes,
  CardFactory,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  TurnContext,
  type Activity,
  type CardAction,
  type ChannelAccount,
  type ConversationReference,
} from 'botbuilder';
import type { PrismaClient } from '@prisma/client';
import { AppCredentials, AuthenticationConstants } from 'botframework-connector';
import type { Logger } from 'pino';
import type { ChannelSender, CustomerMessage, DeliveryResult } from '../cases/messenger.js';
import { scheduleJob, type JobContext, type JobHandler } from '../cases/scheduler/index.js';
import { detectLanguage, t } from '../dialogs/i18n.js';
import type { TurnRunner } from '../dialogs/run-turn.js';
import { ZInboundActivity } from './botframework-activity.js';
import {
  BOTFRAMEWORK_EVIDENCE_JOB,
  FileRefused,
  ZEvidenceJob,
  extensionOf,
  fetchFile,
  keepCarriedFile,
  readAttachments,
  tokenAllowedFor,
  type BotFrameworkFile,
  type TEvidenceJob,
} from './botframework-evidence.js';
import { writeEvidenceFile } from './telegram-evidence.js';
import { BotFrameworkHttpAdapter } from './botframework-process.js';
import { reuseConnectorClients } from './reuse-connector-clients.js';
import { recordEvidenceLocalPath } from './telegram-store.js';
import type { InboundAttachment, InboundMessage, Lang } from '../dialogs/types.js';

export const BOTFRAMEWORK_REF_KIND = 'botframework';

export interface BotFrameworkOptions {
  appId?: string;
  appPassword?: string;
  appType?: string;
  tenantId?: string;
  runner: TurnRunner;
  db: PrismaClient;
  log: Logger;
  /** Where evidence files are kept (`<dataDir>/evidence/`) and the largest kept (EVIDENCE_MAX_BYTES). */
  /**
   * `maxBytes`: the largest file kept (downloaded links); `carriedMaxBytes`: the largest carried
   * inside the activity as a `data:` URI (default `maxBytes`).
   */
  evidence: { dataDir: string; maxBytes: number; carriedMaxBytes?: number };
  /**
   * Lets file downloads reach private and loopback addresses, over http too. Tests only, where
   * the fake connector serving the files listens on 127.0.0.1; never from configuration.
   */
  allowPrivateFileHosts?: boolean;
  clock?: () => Date;
}

export interface BotFrameworkChannel {
  /** Express handler for `POST /api/messages`. */
  handle(req: Request, res: Response): Promise<void>;
  sender: ChannelSender;
  /** Scheduler job handlers: `botframework.evidence` downloads a file a customer sent as a link. */
  handlers: Record<string, JobHandler>;
}

/**
 * The Bot Framework channel (Teams, Azure Web Chat, Direct Line, the Emulator) on botbuilder's
 * CloudAdapter. Without an app id it accepts unauthenticated activities, as the Emulator does;
 * with one, the adapter verifies every request's Bot Framework token.
 */
export function createBotFrameworkChannel(opts: BotFrameworkOptions): BotFrameworkChannel {
  const { runner, log } = opts;
  const clock = opts.clock ?? (() => new Date());
  const settings = {
    MicrosoftAppId: opts.appId ?? '',
    MicrosoftAppPassword: opts.appPassword ?? '',
    MicrosoftAppType: opts.appType ?? (opts.appId ? 'MultiTenant' : ''),
    MicrosoftAppTenantId: opts.tenantId ?? '',
  };
  const credentials = new ConfigurationServiceClientCredentialFactory(settings);
  const auth = new ConfigurationBotFrameworkAuthentication(settings, credentials);
  reuseConnectorClients(auth);
  const adapter = new BotFrameworkHttpAdapter(auth);

  // One error boundary for the channel (CONVENTIONS.md §9): log with the activity id, apologise
  // in the customer's language, never show the error itself.
  adapter.onTurnError = async (context, error) => {
    log.error({ err: { message: error.message, code: (error as { code?: string }).code }, activityId: context.activity.id }, 'bot framework turn failed');
    const { text, locale } = context.activity;
    const lang = detectLanguage(typeof text === 'string' ? text : undefined, typeof locale === 'string' ? locale : undefined);
    await context.sendActivity(t(lang, 'error_apology')).catch(() => undefined);
  };

  async function onTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (activity.type === ActivityTypes.ConversationUpdate) return welcome(context);
    const edited = isEdit(activity);
    if (activity.type !== ActivityTypes.Message && !edited) return;
    // A group chat or a Teams channel is read by everyone in it, and its members would share
    // one conversation's intake: a complaint is taken in a personal chat only. An edit there
    // was answered already, if it was addressed to the bot.
    if (activity.conversation?.isGroup) {
      if (edited || (!toInbound(activity, edited, []) && !activity.attachments?.length)) return;
      await context.sendActivity(t(detectLanguage(activity.text, activity.locale), 'group_chat'));
      return;
    }
    // An edit re-sends the words only: a button is not edited, and its files were kept the first time.
    const carriedMax = opts.evidence.carriedMaxBytes ?? opts.evidence.maxBytes;
    const { files, tooLarge } = edited ? { files: [], tooLarge: [] } : await readAttachments(activity.attachments ?? [], carriedMax);
    const input = toInbound(activity, edited, files);
    // A file refused for its size is answered with the limit, before the dialog's own answer
    // (which ends with its question); refused silently, the customer would think it kept.
    const lang = detectLanguage(input?.text, activity.locale);
    const refusals = tooLarge.map((name) => ({ type: ActivityTypes.Message, text: t(lang, 'file_too_large', { name, limit: megabytes(carriedMax) }) }));
    if (!input) {
      if (refusals.length) await context.sendActivities(refusals);
      return;
    }
    await context.sendActivity({ type: ActivityTypes.Typing });
    const result = await runner.handle(input);
    // A redelivered activity was answered the first time, its refusals with it.
    const replies = [...(result.duplicate ? [] : refusals), ...result.replies.map((r) => toActivity(r, activity.channelId))];
    if (replies.length) await context.sendActivities(replies);
    if (!result.duplicate) {
      await keepFiles(input.conversationKey, files);
      await scheduleDownloads(input, files, lang, storedReference(activity));
    }
  }

  /**
   * Files sent as links (Teams images and files, Direct Line uploads) are downloaded by a
   * scheduler job, not in the turn: a large or slow file would hold the channel's request past
   * its timeout, and a job survives a restart and is retried when the host fails. Teams' links
   * stay valid for about an hour, which the retries fit in.
   */
  async function scheduleDownloads(input: InboundMessage, files: BotFrameworkFile[], lang: Lang, reference: Partial<ConversationReference>): Promise<void> {
    if (opts.evidence.maxBytes <= 0) return;
    const { conversationKey } = input;
    for (const f of files) {
      if (!('url' in f.source)) continue;
      const a = f.attachment;
      const payload: TEvidenceJob = { conversationKey, fileId: a.fileId, url: f.source.url, fileName: a.fileName, mimeType: a.mimeType, lang, reference: { ...reference } };
      // Once per message and file: the same file sent again later gets its own download.
      const dedupeKey = `bf:evidence:${createHash('sha256').update(`${conversationKey}\n${input.updateId ?? ''}\n${a.fileId}`).digest('hex').slice(0, 32)}`;
      await scheduleJob(opts.db, { type: BOTFRAMEWORK_EVIDENCE_JOB, payload, runAt: clock(), dedupeKey, maxAttempts: 5 }).catch((e: unknown) =>
        log.error({ conversationKey, err: { message: (e as Error).message } }, 'evidence download not scheduled'),
      );
    }
  }

  /** The bot's token, for a URL on a Bot Framework or Teams host only (tokenAllowedFor). */
  async function botToken(url: URL): Promise<string | undefined> {
    if (!settings.MicrosoftAppId || !tokenAllowedFor(url)) return undefined;
    const c = await credentials.createCredentials(settings.MicrosoftAppId, AuthenticationConstants.ToChannelFromBotOAuthScope, AuthenticationConstants.ToChannelFromBotLoginUrl, true);
    return c instanceof AppCredentials ? c.getToken() : undefined;
  }

  /**
   * Downloads one linked file into the evidence folder, with Telegram's limit (EVIDENCE_MAX_BYTES):
   * a larger one is not kept and the customer is told, with the limit. A link the bot must not
   * follow (a private address, not https) or a file the host refuses (4xx) is logged and left a
   * link; a network error or a 5xx is retried by the scheduler.
   */
  async function downloadJob(job: JobContext): Promise<void> {
    const parsed = ZEvidenceJob.safeParse(job.payload);
    if (!parsed.success) throw Object.assign(new Error('evidence job payload is not valid'), { permanent: true });
    const p = parsed.data;
    const { conversationKey } = p;
    let file;
    try {
      file = await fetchFile(p.url, { allowPrivate: opts.allowPrivateFileHosts === true, token: botToken });
    } catch (e) {
      if (!(e instanceof FileRefused)) throw e;
      log.warn({ conversationKey, reason: e.message }, 'evidence link not followed');
      return;
    }
    if (file.status !== 200) {
      file.discard();
      if (file.status >= 400 && file.status < 500) {
        log.warn({ conversationKey, status: file.status }, 'evidence download refused by its host');
        return;
      }
      throw new Error(`file download answered ${file.status}`);
    }
    const max = opts.evidence.maxBytes;
    const declaredTooLarge = file.contentLength !== undefined && file.contentLength > max;
    if (declaredTooLarge) file.discard();
    const relative = declaredTooLarge ? null : await writeEvidenceFile(opts.evidence, conversationKey, p.fileId, extensionOf(p.fileName, p.mimeType ?? file.contentType), file.body);
    if (relative) {
      await recordEvidenceLocalPath(opts.db, { conversationKey, fileId: p.fileId }, relative);
      return;
    }
    log.info({ conversationKey, maxBytes: max }, 'evidence file over the size limit, not kept');
    const text = t(p.lang, 'file_too_large', { name: p.fileName ?? p.mimeType ?? file.contentType ?? 'file', limit: megabytes(max) });
    const sent = await sender.send({ kind: BOTFRAMEWORK_REF_KIND, reference: p.reference }, [{ text }]);
    if (!sent.ok) log.warn({ conversationKey, reason: sent.reason }, 'file size note not delivered');
  }

  /**
   * Keeps the files a message carried (`data:` URIs) on disk, and records where on their
   * Evidence rows, which the turn wrote. A disk failure costs the copy, never the turn.
   */
  async function keepFiles(conversationKey: string, files: BotFrameworkFile[]): Promise<void> {
    for (const f of files) {
      if (!('bytes' in f.source)) continue;
      try {
        const relative = await keepCarriedFile(opts.evidence, conversationKey, { attachment: f.attachment, bytes: f.source.bytes });
        if (relative) await recordEvidenceLocalPath(opts.db, { conversationKey, fileId: f.attachment.fileId }, relative);
      } catch (e) {
        log.warn({ conversationKey, kind: f.attachment.kind, err: { message: (e as Error).message } }, 'evidence file not kept');
      }
    }
  }

  /**
   * Teams and Web Chat show an empty chat until the customer types: when the customer joins a
   * personal conversation the bot greets them, as it greets a first "hi". The dialog greets a
   * conversation without state only, so Direct Line's update after the first message, a second
   * update for the same join or a Teams reinstall get nothing. The bot alone being added says
   * nothing about a customer. In a group (conversation.isGroup) no complaint is taken: the bot
   * joining says so once; members joining later hear nothing, as on Telegram.
   */
  async function welcome(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const botId = activity.recipient?.id;
    const added = activity.membersAdded ?? [];
    if (activity.conversation?.isGroup) {
      if (added.some((m) => m.id === botId)) await context.sendActivity(t(detectLanguage(undefined, activity.locale), 'group_chat'));
      return;
    }
    // Teams, installing the bot in a personal chat, adds only the bot: the customer is who
    // installed it. Elsewhere (Web Chat, Direct Line) the customer is added with the bot.
    const customer = added.find((m) => m.id !== botId) ?? (activity.channelId === 'msteams' && added.some((m) => m.id === botId) ? activity.from : undefined);
    if (!customer) return;
    const input = openedInbound(activity, customer);
    if (!input) return;
    const result = await runner.handle(input);
    if (result.replies.length) await context.sendActivities(result.replies.map((r) => toActivity(r, activity.channelId)));
  }

  const sender: ChannelSender = {
    kind: BOTFRAMEWORK_REF_KIND,
    async send(ref, messages): Promise<DeliveryResult> {
      const reference = (ref as { reference?: Partial<ConversationReference> }).reference;
      if (!reference?.serviceUrl || !reference.conversation?.id) return { ok: false, unreachable: true, reason: 'incomplete conversation reference' };
      // The failure is caught inside the turn: thrown from there it would reach onTurnError,
      // which apologises and swallows it, and a blocked chat would look delivered.
      let failure: unknown;
      try {
        await adapter.continueConversationAsync(settings.MicrosoftAppId, reference, async (ctx) => {
          try {
            await ctx.sendActivities(messages.map((m) => toActivity(m, reference.channelId ?? '')));
          } catch (e) {
            failure = e;
          }
        });
      } catch (e) {
        failure = e;
      }
      if (failure === undefined) return { ok: true };
      const status = (failure as { statusCode?: number }).statusCode;
      return { ok: false, unreachable: status === 403 || status === 404, reason: `bot framework send failed (${status ?? 'network'})` };
    },
  };

  return {
    sender,
    handlers: { [BOTFRAMEWORK_EVIDENCE_JOB]: downloadJob },
    async handle(req, res) {
      const parsed = ZInboundActivity.safeParse(req.body);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        res.status(400).json({ error: 'bad_request', message: `Not a valid activity: ${first?.path.join('.') || 'body'} ${first?.message ?? ''}`.trim() });
        return;
      }
      await adapter.processPost(req, res, onTurn);
    },
  };
}

/**
 * What proactive messages need: the conversation, bot, user and service URL — not the id of the
 * activity being answered, which changes every turn and would make every turn rewrite the row.
 */
function storedReference(activity: Activity): Partial<ConversationReference> {
  const { activityId: _activityId, ...reference } = TurnContext.getConversationReference(activity);
  return reference;
}

/** The customer `member` joining the conversation, as the dialog's `opened` message. */
function openedInbound(activity: Activity, member: ChannelAccount): InboundMessage | null {
  const conversationId = activity.conversation?.id;
  if (!conversationId) return null;
  const channel = activity.channelId || 'botframework';
  return {
    conversationKey: `bf:${channel}:${conversationId}`,
    intakeChannel: channel,
    // The member added is the customer whose messages follow (`from` may be whoever added them).
    externalUserId: member.id,
    displayName: member.name,
    opened: true,
    locale: activity.locale,
    conversationRef: { kind: BOTFRAMEWORK_REF_KIND, reference: { ...storedReference(activity), user: member } },
    updateId: activity.id,
    receivedAt: new Date(),
  };
}

/**
 * A message the customer edited (Teams `messageUpdate`, `channelData.eventType` `editMessage`).
 * It is taken as a new message, as a Telegram edit is: the customer corrected something and
 * expects the bot to have read it. Ignored, the case would keep what they corrected (an amount,
 * a phone number) while they believe it fixed; answered, they see what became of it, and staff
 * read both versions in the conversation.
 */
function isEdit(activity: Activity): boolean {
  const channelData = activity.channelData as { eventType?: unknown } | undefined;
  return activity.type === ActivityTypes.MessageUpdate && channelData?.eventType === 'editMessage';
}

/**
 * The update id of an activity, for handling each once. Teams sends an edit under the id of the
 * message edited, so an edit's id adds which edit it is: the time the channel stamped on it (the
 * same in a redelivery), or, from a channel that stamps none, a hash of its new text. The time
 * comes first because the id is logged and stored, and a short text's hash (a phone number's)
 * can be reversed by trying every one.
 */
function updateIdOf(activity: Activity, edited: boolean, text: string | undefined): string | undefined {
  if (!activity.id || !edited) return activity.id;
  // botbuilder has made the timestamp a Date, an invalid one when the channel sent no date.
  const at = activity.timestamp instanceof Date ? activity.timestamp.getTime() : NaN;
  const which = Number.isFinite(at) ? String(at) : createHash('sha256').update(text ?? '').digest('hex').slice(0, 16);
  return `${activity.id}:edit:${which}`;
}

function toInbound(activity: Activity, edited: boolean, files: BotFrameworkFile[]): InboundMessage | null {
  const conversationId = activity.conversation?.id;
  if (!conversationId) return null;
  const value = activity.value as { action?: unknown } | undefined;
  // An edit re-sends the words only: a button is not edited.
  const action = typeof value?.action === 'string' && !edited ? value.action : undefined;
  const attachments: InboundAttachment[] = files.map((f) => f.attachment);
  const raw = activity.text ? TurnContext.removeRecipientMention(activity) : undefined;
  const text = (raw && (activity.channelId === 'msteams' || activity.textFormat === 'xml') ? htmlToText(raw) : raw)?.trim() || undefined;
  if (!text && !action && attachments.length === 0) return null;
  const channel = activity.channelId || 'botframework';
  return {
    conversationKey: `bf:${channel}:${conversationId}`,
    intakeChannel: channel,
    externalUserId: activity.from?.id ?? conversationId,
    displayName: activity.from?.name,
    // A pressed button carries its value; the label it also sends as text is not an answer.
    text: action ? undefined : text,
    action,
    attachments,
    locale: activity.locale,
    conversationRef: { kind: BOTFRAMEWORK_REF_KIND, reference: storedReference(activity) },
    updateId: updateIdOf(activity, edited, text),
    receivedAt: new Date(),
  };
}

/** A byte limit as customers read it: "10 MB", "1.5 MB", "100 KB". */
function megabytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

/**
 * Teams HTML as plain words: no line wrapping, links and images as their text only, headings as
 * written (html-to-text shouts h1 and h2 by default), a paragraph or list item one line.
 */
const teamsHtmlToText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    ...['p', 'div', 'blockquote', 'pre', 'ul', 'ol', 'table'].map((selector) => ({ selector, options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } })),
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false, leadingLineBreaks: 1, trailingLineBreaks: 1 } })),
  ],
});

/**
 * The words of a Teams message (or any `textFormat: xml` one): Teams sends the text as HTML —
 * paragraphs in `<p>`, a mention as `<at>Name</at>`, `&nbsp;` and `&amp;` for what the customer
 * typed. Stored as is, staff would read the markup and the rules would miss "a&nbsp;200 dollar
 * fee". Parsed by html-to-text: an escaped `&lt;b&gt;` the customer typed stays as text, and a
 * no-break space is a space.
 */
function htmlToText(html: string): string {
  return teamsHtmlToText(html).replace(/\u00a0/g, ' ');
}

/**
 * Buttons become suggested actions (Web Chat, Emulator, Direct Line) or, on Teams, which does
 * not show suggested actions everywhere, a hero card. Either way a press sends `value.action`.
 */
function toActivity(m: CustomerMessage, channelId: string): Partial<Activity> {
  if (!m.buttons?.length) return { type: ActivityTypes.Message, text: m.text };
  const actions: CardAction[] = m.buttons.map((b) => ({
    type: 'messageBack',
    title: b.label,
    text: b.label,
    displayText: b.label,
    value: { action: b.value },
  }));
  if (channelId === 'msteams') {
    return { type: ActivityTypes.Message, text: m.text, attachments: [CardFactory.heroCard('', undefined, actions)] };
  }
  return { type: ActivityTypes.Message, text: m.text, suggestedActions: { actions, to: [] } };
}
