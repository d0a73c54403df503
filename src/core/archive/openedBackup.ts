// A backup file opened for reading its inner archives: the outer tar walked by its headers (random
// access), backup.json read on its own, and the members sorted into inner archives and the rest. The
// listing, reading and verifying functions (listing.ts, openEntry.ts, verify.ts) all start here and
// stream each inner archive through ./inner.
import type { FileHandle } from 'node:fs/promises';
import { openBackupFile, readMetadata, METADATA_NAMES } from './backupJson';
import type { BackupJson } from './backupJson';
import { ArchiveError } from './errors';
import { runInner } from './inner';
import type { InnerRun, RunOptions } from './inner';
import { scanOuterTar, stripDotSlash } from './outerTar';
import type { OuterMember } from './outerTar';
import type { Credentials } from './secureTar';

export interface ReadOptions {
  /** The backup's password (SecureTar v1/v2/v3). */
  password?: string;
  /** A raw 16-byte AES-128 key (SecureTar v1/v2; Home Assistant never shows one, tests and tools do). */
  key?: Uint8Array;
  signal?: AbortSignal;
}

export interface OpenedBackup {
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

export interface OpenMode {
  /** 'throw': a damaged outer tar throws; 'collect': the members before the damage are used. */
  damage: 'throw' | 'collect';
  /** 'throw': an invalid backup.json throws; 'collect': it is reported in `metadataError`. */
  metadata: 'throw' | 'collect';
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

/** Opens `file` and reads its outer tar and backup.json; the caller closes `fh`. */
export async function openBackup(file: string, signal: AbortSignal | undefined, mode: OpenMode): Promise<OpenedBackup> {
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
  return runInner(
    o.fh,
    { file: o.file, name: m.name, offset: m.dataOffset, size: m.size },
    { creds: credsOf(opts), mayBeV1: mayBeV1(o.backup), signal: opts.signal, ...handlers },
  );
}
