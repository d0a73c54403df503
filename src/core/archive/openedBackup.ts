// A backup file opened for reading its inner archives: the outer tar walked by its headers (random
// access), backup.json read on its own, and the members sorted into inner archives and the rest. The
// listing, reading and verifying functions (listing.ts, openEntry.ts, verify.ts) all start here and
// stream each inner archive through ./inner.
import { openBackupFile, readMetadataFrom, METADATA_NAMES } from './backupJson';
import type { BackupJson } from './backupJson';
import { ArchiveError } from './errors';
import { runInnerFrom } from './inner';
import type { InnerRun, RunOptions } from './inner';
import { scanOuterTarSource, stripDotSlash } from './outerTar';
import type { OuterMember } from './outerTar';
import { FileSource } from './randomAccess';
import type { RandomAccessSource } from './randomAccess';
import type { Credentials } from './secureTar';

export interface ReadOptions {
  /** The backup's password (SecureTar v1/v2/v3). */
  password?: string;
  /** A raw 16-byte AES-128 key (SecureTar v1/v2; Home Assistant never shows one, tests and tools do). */
  key?: Uint8Array;
  signal?: AbortSignal;
}

export interface OpenedBackup {
  /** Where the bytes come from (the open file, or a remote source). */
  source: RandomAccessSource;
  /** Releases the source (closes the file); the caller calls it once it is done. */
  close(): Promise<void>;
  /** The source's `describe` (the file's path for a file). */
  file: string;
  backup: BackupJson | undefined;
  /** Why backup.json could not be used (only with `metadata: 'collect'`). */
  metadataError: ArchiveError | undefined;
  inner: OuterMember[];
  others: string[];
  /** Damage of the outer tar after `inner` (only with `damage: 'collect'`). */
  damage: ArchiveError | undefined;
}

export interface OpenMode {
  /** 'throw': a damaged outer tar throws; 'collect': the members before the damage are used. */
  damage: 'throw' | 'collect';
  /** 'throw': an invalid backup.json throws; 'collect': it is reported in `metadataError`. */
  metadata: 'throw' | 'collect';
}

const INNER_NAME = /\.tar(\.gz)?$/;

/** An inner archive (`*.tar`, `*.tar.gz`) among the outer members, not the metadata. */
export function isInnerArchive(m: OuterMember): boolean {
  return (m.typeflag === '0' || m.typeflag === '7') && INNER_NAME.test(m.name) && !(METADATA_NAMES as readonly string[]).includes(m.name);
}

/** The inner archive names backup.json promises (Supervisor naming: `<id>.tar[.gz]`, `/` → `_`). */
export function expectedArchiveNames(backup: BackupJson): string[] {
  const ext = backup.compressed ? '.tar.gz' : '.tar';
  const ids = [...(backup.homeassistant ? ['homeassistant'] : []), ...backup.addons.map((a) => a.slug), ...backup.folders];
  return ids.map((id) => `${id.replace(/\//g, '_')}${ext}`);
}

/** Opens `file` and reads its outer tar and backup.json; the caller calls `close()`. */
export async function openBackup(file: string, signal: AbortSignal | undefined, mode: OpenMode): Promise<OpenedBackup> {
  const { fh, size } = await openBackupFile(file);
  try {
    return await openBackupFrom(new FileSource(fh, size, file), signal, mode, () => fh.close());
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** openBackup over any source (e.g. a remote backup read with Range requests); `close` releases it. */
export async function openBackupFrom(
  source: RandomAccessSource,
  signal: AbortSignal | undefined,
  mode: OpenMode,
  close: () => Promise<void> = () => Promise.resolve(),
): Promise<OpenedBackup> {
  const scan = await scanOuterTarSource(source, signal);
  if (scan.damage && mode.damage === 'throw') throw scan.damage;
  let backup: BackupJson | undefined;
  let metadataError: ArchiveError | undefined;
  try {
    backup = await readMetadataFrom(source, scan.members, signal);
  } catch (e) {
    if (mode.metadata === 'throw' || !(e instanceof ArchiveError)) throw e;
    metadataError = e;
  }
  const inner = scan.members.filter(isInnerArchive);
  const others = scan.members
    .filter((m) => !isInnerArchive(m) && !(METADATA_NAMES as readonly string[]).includes(m.name) && m.name !== '' && m.typeflag !== '5')
    .map((m) => m.name);
  return { source, close, file: source.describe, backup, metadataError, inner, others, damage: scan.damage };
}

/** The inner archive named `archiveName` (a leading `./` is ignored); `not_found` names the ones there are. */
export function findArchive(o: OpenedBackup, archiveName: string): OuterMember {
  const wanted = stripDotSlash(archiveName);
  const m = o.inner.find((x) => x.name === wanted);
  if (!m) {
    const names = o.inner.map((x) => x.name).join(', ') || 'none';
    throw new ArchiveError('not_found', `${o.file} has no inner archive ${wanted} (it has: ${names})`, { file: o.file, archive: wanted });
  }
  return m;
}

function credsOf(o: ReadOptions): Credentials {
  const creds: Credentials = {};
  if (o.password !== undefined) creds.password = o.password;
  if (o.key !== undefined) creds.key = o.key;
  return creds;
}

/** Data that is neither gzip, tar nor SecureTar v2/v3 is taken as v1 (no header) unless backup.json says "not protected". */
function mayBeV1(backup: BackupJson | undefined): boolean {
  return backup ? backup.protected : true;
}

/** Streams inner archive `m` of `o` (decrypt, gunzip, tar) with the reader's credentials and signal. */
export function readMember(o: OpenedBackup, m: OuterMember, opts: ReadOptions, handlers: Pick<RunOptions, 'onEntry' | 'onBytes' | 'onInfo'>): InnerRun {
  return runInnerFrom(
    o.source,
    { file: o.file, name: m.name, offset: m.dataOffset, size: m.size },
    { creds: credsOf(opts), mayBeV1: mayBeV1(o.backup), signal: opts.signal, ...handlers },
  );
}
