import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import type { Logger } from 'pino';
import type { InboundAttachment } from '../dialogs/types.js';
import { recordEvidenceLocalPath } from './telegram-store.js';

export interface EvidenceDownloadDeps {
  db: PrismaClient;
  log: Logger;
  /** Folder the SQLite file lives in; files go under `<dataDir>/evidence/`. */
  dataDir: string;
  /** Files larger than this are kept as a Telegram file id only. 0 = never download. */
  maxBytes: number;
  /** Bot API `getFile`. */
  getFile(fileId: string): Promise<{ file_path?: string; file_size?: number }>;
  /** Base of the file download URL: `<apiRoot>/file/bot<token>/`. Holds the token: never log it. */
  fileBaseUrl: string;
}

const DOWNLOAD_TIMEOUT_MS = 60_000;

/**
 * Downloads the files of one turn into `<dataDir>/evidence/<conversation>/` and records the
 * path (relative to dataDir) on their Evidence rows. A file over the limit, or one that fails to
 * download, stays on the case as a file id with no local copy; nothing is thrown.
 */
export async function downloadEvidence(deps: EvidenceDownloadDeps, conversationKey: string, attachments: InboundAttachment[]): Promise<void> {
  if (deps.maxBytes <= 0) return;
  for (const a of attachments) {
    if (a.size !== undefined && a.size > deps.maxBytes) continue;
    try {
      const relative = await downloadOne(deps, conversationKey, a);
      if (relative) await recordEvidenceLocalPath(deps.db, { conversationKey, fileId: a.fileId }, relative);
    } catch (e) {
      deps.log.warn({ conversationKey, kind: a.kind, err: { message: redact((e as Error).message, deps.fileBaseUrl) } }, 'evidence download failed');
    }
  }
}

async function downloadOne(deps: EvidenceDownloadDeps, conversationKey: string, a: InboundAttachment): Promise<string | null> {
  const file = await deps.getFile(a.fileId);
  if (!file.file_path) return null;
  if (file.file_size !== undefined && file.file_size > deps.maxBytes) return null;
  const ext = path.extname(file.file_path) || extFor(a.mimeType);
  if (path.isAbsolute(file.file_path)) {
    // A self-hosted Bot API server in --local mode answers with a path on its own disk.
    if (fs.statSync(file.file_path).size > deps.maxBytes) return null;
    return writeEvidenceFile(deps, conversationKey, a.fileId, ext, fs.createReadStream(file.file_path));
  }
  const res = await fetch(`${deps.fileBaseUrl}${file.file_path}`, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (!res.ok || !res.body) throw new Error(`file download answered ${res.status}`);
  // The size Telegram reported is not trusted: writeEvidenceFile stops as soon as the limit is passed.
  return writeEvidenceFile(deps, conversationKey, a.fileId, ext, res.body);
}

/**
 * Keeps one evidence file: `body` is written to `<dataDir>/evidence/<conversation>/<name>` through
 * a temporary file, and the path relative to dataDir is returned; null, with nothing kept, once
 * more than `maxBytes` came (a size the channel reported is not trusted). The name is derived
 * from the file id, so a redelivered file lands on the same name. Used by every channel.
 */
export async function writeEvidenceFile(
  deps: { dataDir: string; maxBytes: number },
  conversationKey: string,
  fileId: string,
  ext: string,
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<string | null> {
  const name = `${createHash('sha256').update(fileId).digest('hex').slice(0, 32)}${ext.replace(/[^.\w]/g, '').slice(0, 10)}`;
  const folder = conversationKey.replace(/[^\w-]/g, '-');
  const relative = path.posix.join('evidence', folder, name);
  const target = path.join(deps.dataDir, 'evidence', folder, name);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.part`;
  try {
    let total = 0;
    const out = fs.createWriteStream(tmp);
    try {
      for await (const chunk of body) {
        total += chunk.byteLength;
        if (total > deps.maxBytes) {
          out.destroy();
          return null;
        }
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
    } finally {
      await new Promise<void>((resolve, reject) => (out.destroyed ? resolve() : out.end((e?: Error | null) => (e ? reject(e) : resolve()))));
    }
    fs.renameSync(tmp, target);
    return relative;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** A file name extension for a media type, when the channel gave no file name. */
export function extFor(mime: string | undefined): string {
  if (!mime) return '';
  if (mime === 'image/jpeg') return '.jpg';
  if (mime === 'image/png') return '.png';
  if (mime === 'application/pdf') return '.pdf';
  return '';
}

/** Error messages from fetch can carry the URL, which carries the bot token. */
function redact(message: string, secret: string): string {
  return message.split(secret).join('<file-url>');
}
