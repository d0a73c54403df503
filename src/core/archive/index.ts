// Reading Home Assistant backup archives (written by home-assistant/supervisor
// supervisor/backups/backup.py with home-assistant-libs/securetar), streaming end to end: the outer
// tar is walked by its headers (random access), backup.json is read on its own, and every inner
// archive is streamed from its byte range through SecureTar decryption (v1, v2, v3), gunzip and a
// tar parser. No archive is ever held in memory. No vscode import: this is core.
import type { FileHandle } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { openBackupFile, readMetadata, METADATA_NAMES } from './backupJson';
import type { BackupJson } from './backupJson';
import { normalizeEntryPath, recheckLinks, unsafeReason } from './entries';
import type { ArchiveEntry } from './entries';
import { ArchiveError, messageOf } from './errors';
import type { ArchiveErrorKind } from './errors';
import { runInner } from './inner';
import type { EntryHandler, InnerInfo, InnerSource } from './inner';
import { scanOuterTar, stripDotSlash } from './outerTar';
import type { OuterMember } from './outerTar';
import type { Credentials } from './secureTar';

export { ArchiveError, isArchiveError } from './errors';
export type { ArchiveErrorKind } from './errors';
export { backupJsonSchema, parseBackupJson, readBackupJson } from './backupJson';
export type { BackupJson, BackupJsonAddon } from './backupJson';
export { normalizeEntryPath } from './entries';
export { findBackupFile } from './findBackupFile';
export type { ArchiveEntry, EntryType } from './entries';

export interface ReadOptions {
  /** The backup's password (SecureTar v1/v2/v3). */
  password?: string;
  /** A raw 16-byte AES-128 key (SecureTar v1/v2; Home Assistant never shows one, tests and tools do). */
  key?: Uint8Array;
  signal?: AbortSignal;
}

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

function credsOf(o: ReadOptions): Credentials {
  const creds: Credentials = {};
  if (o.password !== undefined) creds.password = o.password;
  if (o.key !== undefined) creds.key = o.key;
  return creds;
}

const INNER_NAME = /\.tar(\.gz)?$/;

function isInnerArchive(m: OuterMember): boolean {
  return (m.typeflag === '0' || m.typeflag === '7') && INNER_NAME.test(m.name) && !(METADATA_NAMES as readonly string[]).includes(m.name);
}

/** The inner archive names backup.json promises (Supervisor naming: `<id>.tar[.gz]`, `/` → `_`). */
export function expectedArchiveNames(backup: BackupJson): string[] {
  const ext = backup.compressed ? '.tar.gz' : '.tar';
  const ids = [...(backup.homeassistant ? ['homeassistant'] : []), ...backup.addons.map((a) => a.slug), ...backup.folders];
  return ids.map((id) => `${id.replace(/\//g, '_')}${ext}`);
}

interface Opened {
  fh: FileHandle;
  file: string;
  backup: BackupJson | undefined;
  /** Why backup.json could not be used (only with `metadata: 'collect'`). */
  metadataError: ArchiveError | undefined;
  inner: OuterMember[];
  others: string[];
  /** Damage of the outer tar after `inner` (only with `damage: 'collect'`). */
  damage: ArchiveError | undefined;
}

interface OpenMode {
  /** 'throw': a damaged outer tar throws; 'collect': the members before the damage are used. */
  damage: 'throw' | 'collect';
  /** 'throw': an invalid backup.json throws; 'collect': it is reported in `metadataError`. */
  metadata: 'throw' | 'collect';
}

async function openBackup(file: string, signal: AbortSignal | undefined, mode: OpenMode): Promise<Opened> {
  const { fh, size } = await openBackupFile(file);
  try {
    const scan = await scanOuterTar(fh, size, file, signal);
    if (scan.damage && mode.damage === 'throw') throw scan.damage;
    let backup: BackupJson | undefined;
    let metadataError: ArchiveError | undefined;
    try {
      backup = await readMetadata(fh, scan.members, file);
    } catch (e) {
      if (mode.metadata === 'throw' || !(e instanceof ArchiveError)) throw e;
      metadataError = e;
    }
    const inner = scan.members.filter(isInnerArchive);
    const others = scan.members
      .filter((m) => !isInnerArchive(m) && !(METADATA_NAMES as readonly string[]).includes(m.name) && m.name !== '' && m.typeflag !== '5')
      .map((m) => m.name);
    return { fh, file, backup, metadataError, inner, others, damage: scan.damage };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

function sourceOf(o: Opened, m: OuterMember): InnerSource {
  return { file: o.file, name: m.name, offset: m.dataOffset, size: m.size };
}

/** Data that is neither gzip, tar nor SecureTar v2/v3 is taken as v1 (no header) unless backup.json says "not protected". */
function mayBeV1(backup: BackupJson | undefined): boolean {
  return backup ? backup.protected : true;
}

/** Drain every entry, collecting it. */
function collecting(entries: ArchiveEntry[]): EntryHandler {
  return (entry, stream, next) => {
    entries.push(entry);
    stream.on('end', next);
    stream.resume();
  };
}

async function listOne(o: Opened, m: OuterMember, opts: ReadOptions): Promise<InnerArchive> {
  const entries: ArchiveEntry[] = [];
  const run = runInner(o.fh, sourceOf(o, m), { creds: credsOf(opts), mayBeV1: mayBeV1(o.backup), signal: opts.signal, onEntry: collecting(entries) });
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
    await o.fh.close();
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
    await o.fh.close();
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
    const o: Opened = { fh, file, backup: undefined, metadataError: undefined, inner: [m], others: [], damage: undefined };
    return await listOne(o, m, opts);
  } finally {
    await fh.close();
  }
}

/** A stream of one entry's bytes; `entry` is its listing. */
export type EntryReadable = Readable & { readonly entry: ArchiveEntry };

function findArchive(o: Opened, archiveName: string): OuterMember {
  const wanted = stripDotSlash(archiveName);
  const m = o.inner.find((x) => x.name === wanted);
  if (!m) {
    const names = o.inner.map((x) => x.name).join(', ') || 'none';
    throw new ArchiveError('not_found', `${o.file} has no inner archive ${wanted} (it has: ${names})`, { file: o.file, archive: wanted });
  }
  return m;
}

/**
 * `openEntry(file, archiveName, entryPath, opts)`: the bytes of one regular file of an inner archive,
 * streamed (decrypt → gunzip → tar up to that entry; the rest is not read). Resolves once the entry is
 * found; rejects with `unsafe_path` for entries that leave the archive (absolute, `..`, through or as
 * a link pointing outside), `not_found`, `unsupported` (directories, links, devices),
 * `wrong_password`, `corrupt`. Damage inside the entry's data errors the stream.
 */
export async function openEntry(file: string, archiveName: string, entryPath: string, opts: ReadOptions = {}): Promise<EntryReadable> {
  const wantedPath = normalizeEntryPath(entryPath);
  const o = await openBackup(file, opts.signal, { damage: 'collect', metadata: 'throw' });
  let m: OuterMember;
  try {
    m = findArchive(o, archiveName);
    const requestReason = unsafeReason(entryPath, 'file', undefined, new Set());
    if (requestReason !== undefined) {
      throw new ArchiveError('unsafe_path', `${m.name}: ${wantedPath} is refused: ${requestReason}`, { file, archive: m.name, entry: wantedPath });
    }
  } catch (e) {
    await o.fh.close();
    throw e;
  }
  const archive = m.name;
  const problem = (kind: ArchiveErrorKind, why: string): ArchiveError => new ArchiveError(kind, `${archive}: ${wantedPath} ${why}`, { file, archive, entry: wantedPath });
  const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

  return new Promise<EntryReadable>((resolve, reject) => {
    let settled = false;
    let out: PassThrough | undefined;
    const refuse = (e: ArchiveError): void => {
      settled = true;
      reject(e);
      run.stop();
    };
    const run = runInner(o.fh, sourceOf(o, m), {
      creds: credsOf(opts),
      mayBeV1: mayBeV1(o.backup),
      signal: opts.signal,
      onEntry: (entry, stream, next) => {
        if (settled || entry.path !== wantedPath) {
          stream.on('end', next);
          stream.resume();
          return;
        }
        if (entry.unsafe) return refuse(problem('unsafe_path', `is refused: ${entry.unsafeReason ?? 'unsafe'}`));
        if (entry.type === 'directory') return refuse(problem('unsupported', 'is a directory'));
        if (entry.type === 'symlink' || entry.type === 'link') {
          return refuse(problem('unsupported', `is a ${entry.type === 'symlink' ? 'symbolic' : 'hard'} link to ${entry.linkname ?? '?'}; open its target instead`));
        }
        if (entry.type !== 'file' && entry.type !== 'contiguous-file') return refuse(problem('unsupported', `is not a regular file (${entry.type})`));
        settled = true;
        const pass = new PassThrough();
        out = pass;
        stream.on('data', (chunk: unknown) => {
          if (!pass.write(chunk)) stream.pause();
        });
        pass.on('drain', () => stream.resume());
        stream.on('end', () => {
          pass.end();
          run.stop();
        });
        // The reader gave up (or finished): stop reading the archive.
        pass.on('close', () => run.stop());
        resolve(Object.assign(pass, { entry }));
      },
    });
    run.done.then(
      (r) => {
        void o.fh.close();
        if (!settled) {
          settled = true;
          reject(problem('not_found', 'is not in this archive'));
        } else if (out && !r.stopped && !out.writableEnded) {
          out.destroy(problem('corrupt', 'is cut short: the archive ends inside it'));
        }
      },
      (e: unknown) => {
        void o.fh.close();
        if (!settled) {
          settled = true;
          reject(asError(e));
        } else if (out && !out.writableEnded) out.destroy(asError(e));
      },
    );
  });
}

// ------------------------------------------------------------------------------------- verify

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
      const part: VerifyPart = { name: m.name, ok: false, bytes: 0, tarBytes: 0, entries: 0, unsafeEntries: 0 };
      const links: ArchiveEntry[] = [];
      opts.onProgress?.({ archive: m.name, bytesDone: before, bytesTotal });
      const run = runInner(o.fh, sourceOf(o, m), {
        creds: credsOf(opts),
        mayBeV1: mayBeV1(o.backup),
        signal: opts.signal,
        onInfo: (info: InnerInfo) => Object.assign(part, info),
        onBytes: (bytes) => {
          part.bytes = bytes;
          opts.onProgress?.({ archive: m.name, bytesDone: before + bytes, bytesTotal });
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
      parts.push(part);
      before += m.size;
    }
    opts.onProgress?.({ archive: '', bytesDone: bytesTotal, bytesTotal });
    if (o.backup) {
      const present = new Set(o.inner.map((m) => m.name));
      for (const name of expectedArchiveNames(o.backup)) {
        if (present.has(name)) continue;
        parts.push({ name, ok: false, kind: 'not_found', error: `${name}: missing from the backup (backup.json lists it)`, bytes: 0, tarBytes: 0, entries: 0, unsafeEntries: 0 });
      }
    }
    const ok = problems.length === 0 && parts.every((p) => p.ok);
    return { file, ok, backup: o.backup ?? null, problems, parts };
  } finally {
    await o.fh.close();
  }
}
