import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { InboundAttachment } from '../dialogs/types.js';
import { extFor, writeEvidenceFile } from './telegram-evidence.js';

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

function kindOf(contentType: string | undefined): InboundAttachment['kind'] {
  if (contentType?.startsWith('image/')) return 'photo';
  if (contentType?.startsWith('video/')) return 'video';
  if (contentType?.startsWith('audio/')) return 'audio';
  return 'document';
}
