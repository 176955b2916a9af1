import { createHash } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { BlockList, isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import type { InboundAttachment } from '../dialogs/types.js';
import { extFor, writeEvidenceFile } from './telegram-evidence.js';

/** Teams' file attachment: `contentUrl` is the file's SharePoint page; `content.downloadUrl` the file. */
export const TEAMS_FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

const ZTeamsFileInfo = z.looseObject({ downloadUrl: z.url({ protocol: /^https?$/ }).max(4096), fileType: z.string().max(32).optional() });
const ZAttachment = z.looseObject({
  contentType: z.string(),
  contentUrl: z.string().optional(),
  name: z.string().optional(),
  content: z.unknown().optional(),
});

/** A file the customer sent, as the turn keeps it, and where its bytes come from. */
export interface BotFrameworkFile {
  attachment: InboundAttachment;
  /** The bytes, when the activity carried them (a `data:` URI); else the URL they are fetched from. */
  source: { bytes: Buffer } | { url: string };
}

/** What the bot makes of an activity's attachments. */
export interface ReadAttachments {
  files: BotFrameworkFile[];
  /** Names (or types) of files refused for their size: the customer is told, with the limit. */
  tooLarge: string[];
}

/**
 * The files among an activity's attachments. A card, or the HTML copy of a Teams message, is no
 * file and is left out. A file carried in the activity as a `data:` URI (Direct Line and Web Chat
 * clients send small files so) is decoded here, by the platform's own `data:` URL parser (fetch);
 * one over `maxBytes` is refused, so a multi-megabyte URI never reaches the database. Its file id
 * is the hash of its bytes: the URI itself is the file.
 */
export async function readAttachments(raw: unknown[], maxBytes: number): Promise<ReadAttachments> {
  const files: BotFrameworkFile[] = [];
  const tooLarge: string[] = [];
  for (const item of raw) {
    const parsed = ZAttachment.safeParse(item);
    if (!parsed.success) continue;
    const a = parsed.data;
    const name = a.name?.slice(0, 512) || undefined;
    if (a.contentType === TEAMS_FILE_DOWNLOAD_INFO) {
      // The SharePoint page is what staff can open later; the download link (pre-authorised,
      // short-lived) is where the file is fetched from now.
      const info = ZTeamsFileInfo.safeParse(a.content);
      if (!info.success || !a.contentUrl) continue;
      const attachment: InboundAttachment = { kind: 'document', fileId: a.contentUrl, fileName: name, mimeType: mimeForExtension(info.data.fileType) };
      files.push({ attachment, source: { url: info.data.downloadUrl } });
      continue;
    }
    if (!a.contentUrl) continue;
    const kind = kindOf(a.contentType);
    if (!/^data:/i.test(a.contentUrl)) {
      files.push({ attachment: { kind, fileId: a.contentUrl, fileName: name, mimeType: a.contentType }, source: { url: a.contentUrl } });
      continue;
    }
    // Base64 carries 3 bytes in 4 characters: a URI this long cannot fit the limit, decoded or not.
    if (maxBytes <= 0 || (a.contentUrl.length - a.contentUrl.indexOf(',') - 1) * 0.75 > maxBytes + 3) {
      tooLarge.push(name ?? a.contentType);
      continue;
    }
    const res = await fetch(a.contentUrl).catch(() => undefined);
    if (!res?.ok) continue;
    const bytes = Buffer.from(await res.arrayBuffer());
    if (bytes.byteLength > maxBytes) {
      tooLarge.push(name ?? a.contentType);
      continue;
    }
    const mimeType = res.headers.get('content-type')?.split(';')[0] || a.contentType;
    files.push({
      attachment: { kind: kindOf(mimeType), fileId: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, fileName: name, mimeType, size: bytes.byteLength },
      source: { bytes },
    });
  }
  return { files, tooLarge };
}

/**
 * Keeps the bytes an activity carried under `<dataDir>/evidence/`, as Telegram's downloads are.
 * Returns the path relative to dataDir.
 */
export function keepCarriedFile(deps: { dataDir: string; maxBytes: number }, conversationKey: string, file: { attachment: InboundAttachment; bytes: Buffer }): Promise<string | null> {
  const a = file.attachment;
  return writeEvidenceFile(deps, conversationKey, a.fileId, extensionOf(a.fileName, a.mimeType), [file.bytes]);
}

/** The file name's extension when it has a short one, else one for the media type. */
export function extensionOf(fileName: string | undefined, mimeType: string | undefined): string {
  const ext = fileName ? path.extname(fileName) : '';
  return ext && ext.length <= 10 ? ext : extFor(mimeType);
}

/** Teams gives a file's type as its extension (`pdf`, `png`); staff read a media type. */
function mimeForExtension(fileType: string | undefined): string | undefined {
  const types: Record<string, string> = { pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', txt: 'text/plain', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
  return fileType ? types[fileType.toLowerCase()] : undefined;
}

function kindOf(contentType: string | undefined): InboundAttachment['kind'] {
  if (contentType?.startsWith('image/')) return 'photo';
  if (contentType?.startsWith('video/')) return 'video';
  if (contentType?.startsWith('audio/')) return 'audio';
  return 'document';
}

/** The scheduler job that downloads one file a customer sent as a link (botframework.ts runs it). */
export const BOTFRAMEWORK_EVIDENCE_JOB = 'botframework.evidence';

/** What the download job needs; the conversation reference is for telling the customer. */
export const ZEvidenceJob = z.object({
  conversationKey: z.string(),
  fileId: z.string(),
  url: z.string(),
  fileName: z.string().optional(),
  mimeType: z.string().optional(),
  lang: z.enum(['zh', 'en']),
  reference: z.record(z.string(), z.unknown()),
});
export type TEvidenceJob = z.infer<typeof ZEvidenceJob>;

/**
 * Hosts that get the bot's own token with a file request: the Bot Framework connector (Teams
 * images live under `smba.trafficmanager.net/…/v3/attachments`) and Teams' media store. Nothing
 * else does, whatever the activity says: a URL in an attachment is the customer's to choose.
 */
const TOKEN_HOSTS = [/^smba\.trafficmanager\.net$/, /(^|\.)botframework\.com$/, /(^|\.)botframework\.azure\.us$/, /(^|\.)asm\.skype\.com$/];

/**
 * Whether a file request to `url` may carry the bot's token: an https URL on a Bot Framework or
 * Teams host, never one merely named by the activity (its serviceUrl included).
 */
export function tokenAllowedFor(url: URL): boolean {
  return url.protocol === 'https:' && TOKEN_HOSTS.some((h) => h.test(url.hostname.toLowerCase()));
}

/** Private, loopback, link-local and other non-public ranges a customer's link must not reach. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6');

/** True for an address a download must not connect to (IPv4-mapped IPv6 read as IPv4). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return PRIVATE.check(mapped, 'ipv4');
  return PRIVATE.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/** A refusal that no retry changes: the job ends (the scheduler reads `permanent`). */
export class FileRefused extends Error {
  readonly permanent = true;
}

/**
 * A DNS lookup for the request that refuses private addresses: checked on the addresses the
 * connection then uses, so a name that resolves to a public address when checked and a private
 * one when connecting (DNS rebinding) gets nowhere.
 */
function publicOnlyLookup(hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const refused = addresses.find((a) => isPrivateAddress(a.address));
    if (refused || addresses.length === 0) return callback(new FileRefused('the file link points to a private address'), '');
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}

export interface FetchedFile {
  status: number;
  contentLength?: number;
  contentType?: string;
  body: AsyncIterable<Uint8Array>;
  /** Ends the response when the body is not read. */
  discard(): void;
}

const MAX_REDIRECTS = 3;
const DOWNLOAD_TIMEOUT_MS = 60_000;

/**
 * GETs a file a customer linked to: https only (http too when `allowPrivate`, for a local
 * connector), never to a private or loopback address unless `allowPrivate`, following at most
 * three redirects, each checked again. `token(url)` gives the bearer token for a URL that may
 * have it (a redirect elsewhere goes without).
 */
export async function fetchFile(rawUrl: string, o: { allowPrivate: boolean; token: (url: URL) => Promise<string | undefined> }): Promise<FetchedFile> {
  let url = new URL(rawUrl);
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'https:' && !(o.allowPrivate && url.protocol === 'http:')) throw new FileRefused(`the file link is not https (${url.protocol})`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // Node skips the lookup for an address written as such: it is checked here instead.
    if (!o.allowPrivate && isIP(host) && isPrivateAddress(host)) throw new FileRefused('the file link points to a private address');
    const token = await o.token(url);
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = (url.protocol === 'https:' ? httpsGet : httpGet)(
        url,
        // The signal bounds the whole download (a host trickling bytes included); `timeout` a silence.
        {
          headers: token ? { authorization: `Bearer ${token}` } : {},
          timeout: DOWNLOAD_TIMEOUT_MS,
          signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
          ...(o.allowPrivate ? {} : { lookup: publicOnlyLookup }),
        },
        resolve,
      );
      req.on('timeout', () => req.destroy(new Error('file download timed out')));
      req.on('error', reject);
    });
    const location = res.headers.location;
    if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location) {
      res.resume();
      if (hop >= MAX_REDIRECTS) throw new FileRefused('too many redirects');
      url = new URL(location, url);
      continue;
    }
    const length = Number(res.headers['content-length']);
    return {
      status: res.statusCode ?? 0,
      contentLength: Number.isFinite(length) ? length : undefined,
      contentType: res.headers['content-type']?.split(';')[0],
      body: res,
      discard: () => void res.destroy(),
    };
  }
}
