// The content index of one inner archive: path, size, modification time and SHA-256 of every regular
// file, read by streaming the archive once (what a file's history across backups needs, so that a
// second look reads no archive at all). Links and unsafe entries are left out: they are never opened.
import { createHash } from 'node:crypto';
import type { EntryHandler } from './inner';
import { findArchive, openBackup, openBackupFrom, readMember } from './openedBackup';
import type { OpenedBackup, ReadOptions } from './openedBackup';
import type { RandomAccessSource } from './randomAccess';

export interface IndexedFile {
  path: string;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** SHA-256 of the content, hex. */
  sha256: string;
}

export interface ContentIndex {
  /** The inner archive, e.g. `homeassistant.tar.gz`. */
  archive: string;
  files: IndexedFile[];
}

function hashing(files: IndexedFile[]): EntryHandler {
  return (entry, stream, next) => {
    if (entry.unsafe || (entry.type !== 'file' && entry.type !== 'contiguous-file')) {
      stream.on('end', next);
      stream.resume();
      return;
    }
    const hash = createHash('sha256');
    stream.on('data', (chunk: unknown) => hash.update(chunk as Buffer));
    stream.on('end', () => {
      files.push({ path: entry.path, size: entry.size, mtime: Math.floor(entry.mtime.getTime() / 1000), sha256: hash.digest('hex') });
      next();
    });
  };
}

async function indexOne(o: OpenedBackup, archiveName: string, opts: ReadOptions): Promise<ContentIndex> {
  try {
    const m = findArchive(o, archiveName);
    const files: IndexedFile[] = [];
    await readMember(o, m, opts, { onEntry: hashing(files) }).done;
    return { archive: m.name, files };
  } finally {
    await o.close();
  }
}

/** `indexPart(file, 'homeassistant.tar.gz', { password })`: throws like listPart (wrong_password, corrupt, not_found…). */
export async function indexPart(file: string, archiveName: string, opts: ReadOptions = {}): Promise<ContentIndex> {
  return indexOne(await openBackup(file, opts.signal, { damage: 'collect', metadata: 'throw' }), archiveName, opts);
}

/** indexPart over any source (a remote backup read with Range requests: only that part's bytes are fetched). */
export async function indexPartFrom(source: RandomAccessSource, archiveName: string, opts: ReadOptions = {}): Promise<ContentIndex> {
  return indexOne(await openBackupFrom(source, opts.signal, { damage: 'collect', metadata: 'throw' }), archiveName, opts);
}

/** The stored size of one inner archive, from the outer tar's headers alone (what a ranged read of it fetches). */
export async function partSizeFrom(source: RandomAccessSource, archiveName: string, signal?: AbortSignal): Promise<number> {
  const o = await openBackupFrom(source, signal, { damage: 'collect', metadata: 'throw' });
  try {
    return findArchive(o, archiveName).size;
  } finally {
    await o.close();
  }
}
