// Streams a backup archive to a folder without ever leaving a partial file under a final name:
// the bytes go to a hidden temporary file next to the target, are size-checked, and only then get
// their final name. An existing file is never overwritten ("name (1).tar" instead).
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, readdir, rename, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BackupClient } from '../backups/client';
import type { Location } from '../supervisor/client';
import { networkError } from '../supervisor/errors';

export type DownloadErrorKind = 'folder_missing' | 'incomplete' | 'write_failed';

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly kind: DownloadErrorKind,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DownloadError';
  }
}

export interface DownloadOptions {
  /** The file name wanted in `directory` (a suffix is added when it exists). */
  fileName: string;
  /** Which copy to read when the backup is in several locations (default: the primary). */
  location?: Location;
  /** Home Assistant decrypts the copy on the way (Core installs): its size is then not known beforehand. */
  password?: string;
  /** Size the backup list reports for that copy; checked in addition to Content-Length. */
  expectedBytes?: number;
  signal?: AbortSignal;
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
}

export interface DownloadResult {
  path: string;
  bytes: number;
}

export async function downloadBackupToFile(
  client: Pick<BackupClient, 'download' | 'transport'>,
  slug: string,
  directory: string,
  opts: DownloadOptions,
): Promise<DownloadResult> {
  await requireDirectory(directory);
  await removeStaleTempFiles(directory, opts.fileName);
  const response = await client.download(slug, { location: opts.location, signal: opts.signal, ...(opts.password !== undefined ? { password: opts.password } : {}) });
  const header = Number(response.headers['content-length']);
  const total = Number.isFinite(header) && header >= 0 ? header : opts.expectedBytes;
  const temp = path.join(directory, `.${opts.fileName}.${randomBytes(4).toString('hex')}.partial`);
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      opts.onProgress?.(received, total);
      done(null, chunk);
    },
  });
  try {
    try {
      await pipeline(response.body, counter, createWriteStream(temp, { flags: 'wx' }), { signal: opts.signal });
    } catch (e) {
      // A file-system error is about the target; anything else broke the transfer (reset, abort).
      throw isFileSystemError(e) ? wrapWriteError(e, temp) : networkError(e, 'GET', `/backups/${slug}/download`, client.transport.target);
    }
    for (const expected of [total, opts.expectedBytes]) {
      if (expected !== undefined && received !== expected) {
        throw new DownloadError(`The download of ${slug} is incomplete: ${received} of ${expected} bytes arrived`, 'incomplete');
      }
    }
    const final = await moveToFreeName(temp, directory, opts.fileName);
    return { path: final, bytes: received };
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}

async function requireDirectory(directory: string): Promise<void> {
  const info = await stat(directory).catch(() => undefined);
  if (!info?.isDirectory()) throw new DownloadError(`The download folder ${directory} does not exist or is not a folder`, 'folder_missing');
}

/** Gives `temp` the first free name of `name`, `name (1)`, `name (2)`…; never replaces a file. */
async function moveToFreeName(temp: string, directory: string, fileName: string): Promise<string> {
  const ext = path.extname(fileName);
  const base = fileName.slice(0, fileName.length - ext.length);
  for (let n = 0; n < 1000; n++) {
    const candidate = path.join(directory, n === 0 ? fileName : `${base} (${n})${ext}`);
    try {
      // link() fails when the name exists, so two downloads cannot take the same name.
      await link(temp, candidate);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'ENOSYS') {
        // File systems without hard links: check, then rename (a tiny race, but never a partial file).
        if (
          await stat(candidate).then(
            () => true,
            () => false,
          )
        )
          continue;
        await rename(temp, candidate);
        return candidate;
      }
      throw wrapWriteError(e, candidate);
    }
    // The complete file has its final name; a temp name that cannot be removed is left, not fatal.
    await unlink(temp).catch(() => undefined);
    return candidate;
  }
  throw new DownloadError(`No free file name for ${fileName} in ${directory}`, 'write_failed');
}

/**
 * Removes temporary files that earlier downloads of `fileName` left in `directory` (a crash or a
 * killed VS Code cannot clean up after itself), when older than a day so a running download is safe.
 */
export async function removeStaleTempFiles(directory: string, fileName: string, now = Date.now()): Promise<string[]> {
  const prefix = `.${fileName}.`;
  const removed: string[] = [];
  for (const entry of await readdir(directory).catch(() => [] as string[])) {
    if (!entry.startsWith(prefix) || !/\.[0-9a-f]{8}\.partial$/.test(entry)) continue;
    const file = path.join(directory, entry);
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile() && now - info.mtimeMs > 86_400_000) {
      await unlink(file).catch(() => undefined);
      removed.push(file);
    }
  }
  return removed;
}

const FILE_SYSTEM_CODES = new Set(['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'EIO', 'EISDIR', 'ENOENT', 'ENOTDIR', 'EMFILE', 'ENAMETOOLONG', 'EFBIG']);

function isFileSystemError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && FILE_SYSTEM_CODES.has(code);
}

function wrapWriteError(e: unknown, file: string): unknown {
  if (!isFileSystemError(e)) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const reason = code === 'ENOSPC' || code === 'EDQUOT' ? 'no space left on the device' : (e as Error).message;
  return new DownloadError(`Could not write ${file}: ${reason}`, 'write_failed', { cause: e });
}
