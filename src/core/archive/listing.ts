// Listing the entries of a backup's inner archives: all of them (listBackup, listArchives), one
// (listPart), or a standalone inner archive file (listInnerArchive). An entry list needs every tar
// header, so each archive listed is decrypted and decompressed completely.
import { openBackupFile } from './backupJson';
import type { BackupJson } from './backupJson';
import { recheckLinks } from './entries';
import type { ArchiveEntry } from './entries';
import { ArchiveError } from './errors';
import type { EntryHandler } from './inner';
import { expectedArchiveNames, findArchive, openBackup, openBackupFrom, readMember } from './openedBackup';
import type { OpenedBackup, ReadOptions } from './openedBackup';
import type { OuterMember } from './outerTar';
import { FileSource } from './randomAccess';
import type { RandomAccessSource } from './randomAccess';

export interface InnerArchive {
  /** Member name in the backup, without `./` (e.g. `homeassistant.tar.gz`). */
  name: string;
  encrypted: boolean;
  /** SecureTar version; null when not encrypted. */
  version: 1 | 2 | 3 | null;
  /** gzip inside (decided from the data). */
  compressed: boolean;
  /** Bytes stored in the backup (encrypted size). */
  size: number;
  /** Bytes of the decrypted, decompressed tar stream. */
  tarBytes: number;
  entries: ArchiveEntry[];
}

export interface BackupListing {
  backup: BackupJson;
  archives: InnerArchive[];
  /** Inner archives backup.json lists that the file does not hold. */
  missing: string[];
  /** Outer members that are neither inner archives nor the metadata. */
  others: string[];
}

export interface ArchivesListing extends Omit<BackupListing, 'backup'> {
  /** null when the tar has no backup.json (e.g. securetar's own test archives). */
  backup: BackupJson | null;
}

/** Drain every entry, collecting it. */
function collecting(entries: ArchiveEntry[]): EntryHandler {
  return (entry, stream, next) => {
    entries.push(entry);
    stream.on('end', next);
    stream.resume();
  };
}

async function listOne(o: OpenedBackup, m: OuterMember, opts: ReadOptions): Promise<InnerArchive> {
  const entries: ArchiveEntry[] = [];
  const run = readMember(o, m, opts, { onEntry: collecting(entries) });
  const { info, tarBytes, symlinks } = await run.done;
  recheckLinks(entries, symlinks);
  return { name: m.name, ...info, size: m.size, tarBytes, entries };
}

/**
 * List a tar of inner archives, with or without backup.json. Every inner archive is decrypted and
 * decompressed completely (an entry list needs every header), so damage anywhere is reported.
 */
export async function listArchives(file: string, opts: ReadOptions = {}): Promise<ArchivesListing> {
  const o = await openBackup(file, opts.signal, { damage: 'throw', metadata: 'throw' });
  try {
    const archives: InnerArchive[] = [];
    for (const m of o.inner) archives.push(await listOne(o, m, opts));
    const present = new Set(o.inner.map((m) => m.name));
    const missing = o.backup ? expectedArchiveNames(o.backup).filter((n) => !present.has(n)) : [];
    return { backup: o.backup ?? null, archives, missing, others: o.others };
  } finally {
    await o.close();
  }
}

/**
 * `listBackup(file, { password?, key?, signal? })`: backup.json (validated) and the entries of every
 * inner archive. Throws an ArchiveError naming the inner archive on a wrong password
 * (`wrong_password`), damage (`corrupt`), …; `not_a_backup` when the file has no backup.json.
 */
export async function listBackup(file: string, opts: ReadOptions = {}): Promise<BackupListing> {
  const listing = await listArchives(file, opts);
  if (!listing.backup) throw new ArchiveError('not_a_backup', `${file} has no backup.json: it is not a Home Assistant backup`, { file });
  return { ...listing, backup: listing.backup };
}

/**
 * `listPart(file, archiveName, opts)`: the entries of ONE inner archive of a backup (what browsing a
 * part needs), reading only that archive's bytes. Throws like listBackup, plus `not_found`.
 */
export async function listPart(file: string, archiveName: string, opts: ReadOptions = {}): Promise<InnerArchive> {
  const o = await openBackup(file, opts.signal, { damage: 'collect', metadata: 'throw' });
  try {
    return await listOne(o, findArchive(o, archiveName), opts);
  } finally {
    await o.close();
  }
}

/**
 * listPart over any source holding a backup (e.g. a remote one read with Range requests): only the
 * outer headers, backup.json and that inner archive's bytes are read.
 */
export async function listPartFrom(source: RandomAccessSource, archiveName: string, opts: ReadOptions = {}): Promise<InnerArchive> {
  const o = await openBackupFrom(source, opts.signal, { damage: 'collect', metadata: 'throw' });
  try {
    return await listOne(o, findArchive(o, archiveName), opts);
  } finally {
    await o.close();
  }
}

/**
 * List a standalone inner archive file (`homeassistant.tar.gz` taken out of a backup, plain or
 * SecureTar). With no backup.json to say "not protected", data that is neither gzip, tar nor
 * SecureTar v2/v3 is taken as SecureTar v1 (which has no header).
 */
export async function listInnerArchive(file: string, opts: ReadOptions = {}): Promise<InnerArchive> {
  const { fh, size } = await openBackupFile(file);
  try {
    const name = file.split(/[\\/]/).pop() ?? file;
    const m: OuterMember = { name, rawName: name, typeflag: '0', size, dataOffset: 0, mtime: 0 };
    const source = new FileSource(fh, size, file);
    const close = (): Promise<void> => fh.close();
    const o: OpenedBackup = { source, close, file, backup: undefined, metadataError: undefined, inner: [m], others: [], damage: undefined };
    return await listOne(o, m, opts);
  } finally {
    await fh.close();
  }
}
