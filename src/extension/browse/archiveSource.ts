// Where the bytes of a backup come from when a person looks inside it: the Supervisor's backup
// folder when this machine can read it (the add-on maps /backup; a desktop may mount the Samba
// share); else, where the server honours Range (rangedTarget.ts), only the tar headers and the parts
// opened, each part kept once fetched (SegmentCachingSource); otherwise a copy downloaded once into a
// size-capped cache in the extension's storage.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cacheFileOf, cachedArchives, CacheTooSmallError, makeRoom, touchArchive } from '../../core/browse';
import { downloadBackupToFile, exactSizeOf } from '../../core/download';
import { identityOf } from '../../core/browse/identity';
import { formatSize } from '../../core/format/size';
import type { RandomAccessSource } from '../../core/archive/randomAccess';
import { openHttpRanged } from '../../core/ranged/httpRanged';
import { SegmentCachingSource } from '../../core/ranged/segmentCache';
import { undiciRangedOpener } from '../../core/ranged/undiciOpener';
import type { Backup, Location } from '../../core/supervisor';
import { describeError } from '../errors';
import { loadArchive } from '../lazy/archive';
import type { EventLog } from '../log';
import { byteProgress } from '../progress';
import { rangedTarget } from './rangedTarget';
import type { BackupStore } from '../store/backupStore';

const MB = 1024 * 1024;
/** Backups smaller than this are fetched whole rather than read with Range requests. */
const WHOLE_BELOW_BYTES = 1 * MB;

/** A local archive file, or a remote one read with Range requests. */
export type ArchiveReader = { file: string } | { source: RandomAccessSource };

export class ArchiveSource {
  /** One download per backup at a time, shared by everyone who asks. */
  private readonly downloading = new Map<string, Promise<string>>();
  /** Opened remote archives, by backup identity. */
  private readonly remote = new Map<string, Promise<RandomAccessSource | undefined>>();
  /** Connections (URLs) where a server answered a Range request in full: not asked again. */
  private readonly noRange = new Set<string>();
  /** Notes already logged (why a whole archive is fetched), once each. */
  private readonly noted = new Set<string>();

  constructor(
    private readonly storage: vscode.Uri,
    private readonly store: BackupStore,
    private readonly log: EventLog,
  ) {}

  /** One cache folder per Home Assistant (by URL): slugs are only unique within one. */
  get cacheDir(): string {
    const url = this.store.connection?.url ?? 'none';
    return path.join(this.storage.fsPath, 'archives', createHash('sha256').update(url).digest('hex').slice(0, 16));
  }

  /**
   * The local archive file of `backup`; downloads it into the cache when needed. `fresh`: never a
   * copy fetched earlier (Verify checks what the Supervisor stores now).
   */
  async fileFor(backup: Backup, options: { fresh?: boolean } = {}): Promise<string> {
    return (await this.localFile(backup, options)) ?? this.fetched(backup);
  }

  /** How to read `backup`: its local file if there is one, else ranged reads where they work, else the fetched copy. */
  async readerFor(backup: Backup): Promise<ArchiveReader> {
    const file = await this.localFile(backup);
    if (file) return { file };
    const source = await this.rangedSource(backup);
    return source ? { source } : { file: await this.fetched(backup) };
  }

  /**
   * For Verify: what the Supervisor stores now. The backup folder's file; else, where Range works, the
   * remote archive itself (no part kept from before, nothing kept after); else a fresh fetch.
   */
  async freshReader(backup: Backup): Promise<ArchiveReader> {
    const local = await this.inBackupFolder(backup);
    if (local) return { file: local };
    const source = await this.rangedSource(backup, { keep: false });
    return source ? { source } : { file: await this.fileFor(backup, { fresh: true }) };
  }

  /** Whether reading `backup` needs nothing from the network: it is in the backup folder, or a copy was fetched earlier. */
  async isLocal(backup: Backup): Promise<boolean> {
    return (await this.localFile(backup)) !== undefined;
  }

  /**
   * What reading one part of a remote backup fetches: that part alone where the server honours Range
   * (its size read from the archive's headers), else the whole backup.
   */
  async bytesToRead(backup: Backup, archive: string): Promise<{ bytes: number; ranged: boolean }> {
    const source = await this.rangedSource(backup).catch(() => undefined);
    if (!source) return { bytes: backup.size_bytes, ranged: false };
    const { partSizeFrom } = await loadArchive();
    const size = await partSizeFrom(source, archive).catch(() => undefined);
    return size === undefined ? { bytes: backup.size_bytes, ranged: false } : { bytes: size, ranged: true };
  }

  /** The backup folder's file, else a copy fetched earlier (none with `fresh`: it is removed). */
  private async localFile(backup: Backup, options: { fresh?: boolean } = {}): Promise<string | undefined> {
    const local = await this.inBackupFolder(backup);
    if (local) return local;
    const cached = cacheFileOf(this.cacheDir, backup.slug);
    if (!fs.existsSync(cached) || this.downloading.has(backup.slug)) return undefined;
    if (options.fresh) {
      await fs.promises.unlink(cached).catch(() => undefined);
      return undefined;
    }
    await touchArchive(cached);
    return cached;
  }

  /** Fetches the whole archive into the cache; one download per backup at a time. */
  private fetched(backup: Backup): Promise<string> {
    const running = this.downloading.get(backup.slug) ?? Promise.resolve(this.download(backup)).finally(() => this.downloading.delete(backup.slug));
    this.downloading.set(backup.slug, running);
    return running;
  }

  /** `keep: false`: the remote archive itself, opened anew, with no segment cache in between. */
  private rangedSource(backup: Backup, options: { keep?: boolean } = {}): Promise<RandomAccessSource | undefined> {
    const connection = this.store.connection;
    if (!connection || !vscode.workspace.getConfiguration('haBackups').get<boolean>('rangedReads', true)) return Promise.resolve(undefined);
    // A small archive comes in one request; reading its headers first would fetch most of it twice.
    if (this.noRange.has(connection.url) || backup.size_bytes <= WHOLE_BELOW_BYTES) return Promise.resolve(undefined);
    const target = rangedTarget(connection, backup);
    if ('note' in target) {
      this.note(`browse: the whole of ${backup.slug} is fetched: ${target.note}`);
      return Promise.resolve(undefined);
    }
    if (options.keep === false) return this.openRanged(target, backup, connection.url, false);
    const key = `${connection.url} ${identityOf(backup)}`;
    let opening = this.remote.get(key);
    if (!opening) {
      opening = this.openRanged(target, backup, connection.url).catch((e: unknown) => {
        this.remote.delete(key);
        throw e;
      });
      this.remote.set(key, opening);
    }
    return opening;
  }

  private async openRanged(target: { url: string; token: string }, backup: Backup, url: string, keep = true): Promise<RandomAccessSource | undefined> {
    const opened = await openHttpRanged(undiciRangedOpener({ url: target.url, token: target.token }), { describe: `backup ${backup.slug} at ${url}` });
    if (opened.kind === 'ranged_not_supported') {
      this.noRange.add(url);
      this.note(`browse: ${opened.note}`);
      return undefined;
    }
    this.log.info(`browse: reading ${backup.slug} with Range requests (${formatSize(opened.source.size)}; only the headers and the parts opened are fetched)`);
    if (!keep) return opened.source;
    const dir = path.join(this.cacheDir, 'parts', identityOf(backup));
    return new SegmentCachingSource(opened.source, dir, {
      onSegment: (event, offset, length) => {
        this.log.info(`browse: ${event === 'stored' ? 'kept' : 'reused'} ${formatSize(length)} of ${backup.slug} at ${offset}`);
        void touchArchive(dir);
        if (event === 'stored') void this.keepUnderCap(backup);
      },
    });
  }

  /** Kept parts count against `haBackups.browseCacheSizeMB` like fetched archives: the least recently used go first. */
  private async keepUnderCap(backup: Backup): Promise<void> {
    const capMb = vscode.workspace.getConfiguration('haBackups').get<number>('browseCacheSizeMB', 4096);
    try {
      for (const file of await makeRoom(this.cacheDir, capMb * MB, 0, new Set([backup.slug]))) this.log.info(`browse cache: removed ${path.basename(file)} to make room`);
    } catch (e) {
      if (!(e instanceof CacheTooSmallError)) throw e;
      this.log.warn(`browse cache: the parts kept of ${backup.slug} alone exceed haBackups.browseCacheSizeMB (${capMb} MB)`);
    }
  }

  private note(text: string): void {
    if (this.noted.has(text)) return;
    this.noted.add(text);
    this.log.info(text);
  }

  private async inBackupFolder(backup: Backup): Promise<string | undefined> {
    const folder = vscode.workspace.getConfiguration('haBackups').get<string>('backupFolder')?.trim();
    // Only the Supervisor's own folder holds local copies; network mounts are not mapped there.
    if (!folder || !backup.locations.includes(null)) return undefined;
    const { findBackupFile } = await loadArchive();
    const found = await findBackupFile(folder, backup.slug);
    if (!found) this.log.info(`${folder} does not hold backup ${backup.slug} (or cannot be read); using a fetched copy`);
    return found;
  }

  private download(backup: Backup): Thenable<string> {
    const connection = this.store.connection;
    if (!connection) return Promise.reject(new Error(vscode.l10n.t('Not connected to a Home Assistant Supervisor.')));
    const location: Location | undefined = backup.locations.includes(null) ? null : backup.locations[0];
    // Older Supervisors give the size only in MB: then only Content-Length is checked.
    const exact = exactSizeOf(backup, location);
    const size = exact ?? backup.size_bytes;
    const capMb = vscode.workspace.getConfiguration('haBackups').get<number>('browseCacheSizeMB', 4096);
    const name = backup.name || backup.slug;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Fetching "{0}" to look inside it', name), cancellable: true },
      async (progress, token) => {
        const dir = this.cacheDir;
        await fs.promises.mkdir(dir, { recursive: true });
        try {
          const evicted = await makeRoom(dir, capMb * MB, size, new Set([backup.slug]));
          for (const file of evicted) this.log.info(`browse cache: removed ${path.basename(file)} to make room`);
        } catch (e) {
          if (!(e instanceof CacheTooSmallError)) throw e;
          throw new Error(vscode.l10n.t('"{0}" ({1}) does not fit in the browse cache ({2} MB, setting haBackups.browseCacheSizeMB).', name, formatSize(size), capMb), {
            cause: e,
          });
        }
        const abort = new AbortController();
        const cancelled = token.onCancellationRequested(() => abort.abort());
        try {
          const result = await downloadBackupToFile(connection.client, backup.slug, dir, {
            fileName: path.basename(cacheFileOf(dir, backup.slug)),
            location,
            expectedBytes: exact,
            signal: abort.signal,
            onProgress: byteProgress(progress),
          });
          this.log.info(`browse cache: fetched ${backup.slug} (${formatSize(result.bytes)})`);
          // Another window fetched it at the same time: the downloader never overwrites, so this copy
          // got a "(1)" name that the cache would never clean up. Keep one.
          const wanted = cacheFileOf(dir, backup.slug);
          if (result.path !== wanted) {
            if (fs.existsSync(wanted)) await fs.promises.unlink(result.path);
            else await fs.promises.rename(result.path, wanted);
          }
          return wanted;
        } catch (e) {
          if (token.isCancellationRequested) throw new vscode.CancellationError();
          throw new Error(vscode.l10n.t('"{0}" could not be fetched: {1}', name, describeError(e, connection.url)), { cause: e });
        } finally {
          cancelled.dispose();
        }
      },
    );
  }

  /** Forgets cached copies and parts of backups that are gone from the Supervisor (an empty list proves nothing). */
  async prune(present: ReadonlySet<string>): Promise<void> {
    if (present.size === 0) return;
    for (const a of await cachedArchives(this.cacheDir)) {
      if (!present.has(a.slug)) await fs.promises.unlink(a.file).catch(() => undefined);
    }
    const parts = path.join(this.cacheDir, 'parts');
    for (const name of await fs.promises.readdir(parts).catch(() => [] as string[])) {
      if (!present.has(name.split('~')[0] ?? '')) await fs.promises.rm(path.join(parts, name), { recursive: true, force: true });
    }
  }
}

/** A folder name per backup identity: its slug, size and date (a slug alone may come back as another backup). */
