// Reading one file out of a backup: the inner archive is streamed (decrypt → gunzip → tar) only up to
// that entry, whose bytes are handed over as a stream; the rest of the archive is not read.
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { normalizeEntryPath, unsafeReason } from './entries';
import type { ArchiveEntry } from './entries';
import { ArchiveError } from './errors';
import type { ArchiveErrorKind } from './errors';
import { findArchive, openBackup, openBackupFrom, readMember } from './openedBackup';
import type { OpenedBackup, ReadOptions } from './openedBackup';
import type { OuterMember } from './outerTar';
import type { RandomAccessSource } from './randomAccess';

/** A stream of one entry's bytes; `entry` is its listing. */
export type EntryReadable = Readable & { readonly entry: ArchiveEntry };

/**
 * `openEntry(file, archiveName, entryPath, opts)`: the bytes of one regular file of an inner archive,
 * streamed (decrypt → gunzip → tar up to that entry; the rest is not read). Resolves once the entry is
 * found; rejects with `unsafe_path` for entries that leave the archive (absolute, `..`, through or as
 * a link pointing outside), `not_found`, `unsupported` (directories, links, devices),
 * `wrong_password`, `corrupt`. Damage inside the entry's data errors the stream.
 */
export async function openEntry(file: string, archiveName: string, entryPath: string, opts: ReadOptions = {}): Promise<EntryReadable> {
  return openEntryIn(await openBackup(file, opts.signal, { damage: 'collect', metadata: 'throw' }), archiveName, entryPath, opts);
}

/** openEntry over any source holding a backup (e.g. a remote one read with Range requests). */
export async function openEntryFrom(source: RandomAccessSource, archiveName: string, entryPath: string, opts: ReadOptions = {}): Promise<EntryReadable> {
  return openEntryIn(await openBackupFrom(source, opts.signal, { damage: 'collect', metadata: 'throw' }), archiveName, entryPath, opts);
}

/** `o` is closed once the entry is read, refused or not found. */
async function openEntryIn(o: OpenedBackup, archiveName: string, entryPath: string, opts: ReadOptions): Promise<EntryReadable> {
  const file = o.file;
  const wantedPath = normalizeEntryPath(entryPath);
  let m: OuterMember;
  try {
    m = findArchive(o, archiveName);
    const requestReason = unsafeReason(entryPath, 'file', undefined, new Set());
    if (requestReason !== undefined) {
      throw new ArchiveError('unsafe_path', `${m.name}: ${wantedPath} is refused: ${requestReason}`, { file, archive: m.name, entry: wantedPath });
    }
  } catch (e) {
    await o.close();
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
    const run = readMember(o, m, opts, {
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
        void o.close();
        if (!settled) {
          settled = true;
          reject(problem('not_found', 'is not in this archive'));
        } else if (out && !r.stopped && !out.writableEnded) {
          out.destroy(problem('corrupt', 'is cut short: the archive ends inside it'));
        }
      },
      (e: unknown) => {
        void o.close();
        if (!settled) {
          settled = true;
          reject(asError(e));
        } else if (out && !out.writableEnded) out.destroy(asError(e));
      },
    );
  });
}
