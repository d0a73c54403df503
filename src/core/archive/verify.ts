// Verifying a backup: every inner archive read completely, with every check the formats allow, and
// the outcome reported per part rather than thrown.
import type { BackupJson } from './backupJson';
import { recheckLinks } from './entries';
import type { ArchiveEntry } from './entries';
import { ArchiveError, messageOf } from './errors';
import type { ArchiveErrorKind } from './errors';
import type { InnerInfo } from './inner';
import { expectedArchiveNames, findArchive, openBackup, openBackupFrom, readMember } from './openedBackup';
import type { OpenedBackup, ReadOptions } from './openedBackup';
import type { OuterMember } from './outerTar';
import type { RandomAccessSource } from './randomAccess';

export interface VerifyPart {
  name: string;
  ok: boolean;
  /** What failed (message names the part). */
  error?: string;
  kind?: ArchiveErrorKind;
  encrypted?: boolean;
  version?: 1 | 2 | 3 | null;
  compressed?: boolean;
  /** Stored bytes read (the inner archive's size in the backup when complete). */
  bytes: number;
  /** Bytes of the decrypted, decompressed tar stream. */
  tarBytes: number;
  entries: number;
  /** Entries reported unsafe (absolute, `..`, links leaving the archive, devices). */
  unsafeEntries: number;
}

export interface VerifyResult {
  file: string;
  /** Every part read completely without error, backup.json present and valid, nothing missing. */
  ok: boolean;
  backup: BackupJson | null;
  /** Problems of the backup as a whole (metadata, truncated outer tar). */
  problems: string[];
  parts: VerifyPart[];
}

export interface VerifyProgress {
  /** The inner archive being read. */
  archive: string;
  /** Stored bytes read over all inner archives. */
  bytesDone: number;
  bytesTotal: number;
}

export interface VerifyOptions extends ReadOptions {
  onProgress?: (p: VerifyProgress) => void;
}

/** Reads one inner archive completely; the outcome is in the result (only `aborted` throws). */
async function verifyMember(o: OpenedBackup, m: OuterMember, opts: ReadOptions, progress: (bytes: number) => void): Promise<VerifyPart> {
  const part: VerifyPart = { name: m.name, ok: false, bytes: 0, tarBytes: 0, entries: 0, unsafeEntries: 0 };
  const links: ArchiveEntry[] = [];
  progress(0);
  const run = readMember(o, m, opts, {
    onInfo: (info: InnerInfo) => Object.assign(part, info),
    onBytes: (bytes) => {
      part.bytes = bytes;
      progress(bytes);
    },
    onEntry: (entry, stream, next) => {
      part.entries++;
      if (entry.unsafe) part.unsafeEntries++;
      else if (entry.type === 'symlink' || entry.type === 'link') links.push(entry);
      stream.on('end', next);
      stream.resume();
    },
  });
  try {
    const r = await run.done;
    part.ok = true;
    part.tarBytes = r.tarBytes;
    part.unsafeEntries += recheckLinks(links, r.symlinks);
  } catch (e) {
    if (e instanceof ArchiveError && e.kind === 'aborted') throw e;
    part.error = messageOf(e);
    part.kind = e instanceof ArchiveError ? e.kind : 'corrupt';
  }
  return part;
}

/**
 * `verifyPartFrom(source, 'share.tar.gz', opts)`: ONE inner archive read completely, with the checks of
 * verifyBackup, from any source (a remote backup read with Range requests: the outer headers,
 * backup.json and that part's bytes only). Throws `not_found` for a part the backup does not hold.
 */
export async function verifyPartFrom(source: RandomAccessSource, archiveName: string, opts: VerifyOptions = {}): Promise<VerifyPart> {
  return verifyOnePart(await openBackupFrom(source, opts.signal, { damage: 'collect', metadata: 'collect' }), archiveName, opts);
}

/** verifyPartFrom over a local file. */
export async function verifyPart(file: string, archiveName: string, opts: VerifyOptions = {}): Promise<VerifyPart> {
  return verifyOnePart(await openBackup(file, opts.signal, { damage: 'collect', metadata: 'collect' }), archiveName, opts);
}

async function verifyOnePart(o: OpenedBackup, archiveName: string, opts: VerifyOptions): Promise<VerifyPart> {
  try {
    const m = findArchive(o, archiveName);
    return await verifyMember(o, m, opts, (bytes) => opts.onProgress?.({ archive: m.name, bytesDone: bytes, bytesTotal: m.size }));
  } finally {
    await o.close();
  }
}

/**
 * `verifyBackup(file, opts)`: decrypt and decompress every inner archive completely — AES padding and
 * size (v2), secretstream authentication and final tag (v3), gzip CRC and size (v1 from its padded
 * trailer), tar structure and end-of-archive marker — and report per part. Only `aborted` (and a file
 * that cannot be opened or is not a tar) throws; everything else is in the result.
 */
export async function verifyBackup(file: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const o = await openBackup(file, opts.signal, { damage: 'collect', metadata: 'collect' });
  const problems: string[] = [];
  try {
    if (o.metadataError) problems.push(o.metadataError.message);
    if (o.damage) problems.push(o.damage.message);
    if (!o.backup && problems.length === 0) problems.push(`${file} has no backup.json: it is not a Home Assistant backup`);
    const bytesTotal = o.inner.reduce((n, m) => n + m.size, 0);
    let before = 0;
    const parts: VerifyPart[] = [];
    for (const m of o.inner) {
      parts.push(await verifyMember(o, m, opts, (bytes) => opts.onProgress?.({ archive: m.name, bytesDone: before + bytes, bytesTotal })));
      before += m.size;
    }
    opts.onProgress?.({ archive: '', bytesDone: bytesTotal, bytesTotal });
    if (o.backup) {
      const present = new Set(o.inner.map((m) => m.name));
      for (const name of expectedArchiveNames(o.backup)) {
        if (present.has(name)) continue;
        parts.push({
          name,
          ok: false,
          kind: 'not_found',
          error: `${name}: missing from the backup (backup.json lists it)`,
          bytes: 0,
          tarBytes: 0,
          entries: 0,
          unsafeEntries: 0,
        });
      }
    }
    const ok = problems.length === 0 && parts.every((p) => p.ok);
    return { file, ok, backup: o.backup ?? null, problems, parts };
  } finally {
    await o.close();
  }
}
