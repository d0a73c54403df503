// Where the bytes of a backup come from when a person looks inside it: the Supervisor's backup
// folder when this machine can read it (the add-on maps /backup; a desktop may mount the Samba
// share), otherwise a copy downloaded once into a size-capped cache in the extension's storage.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cacheFileOf, cachedArchives, CacheTooSmallError, makeRoom, touchArchive } from '../../core/browse';
import { downloadBackupToFile } from '../../core/download';
import { formatSize } from '../../core/format/size';
import type { Backup, Location } from '../../core/supervisor';
import { describeError } from '../errors';
import { loadArchive } from '../lazy/archive';
import type { EventLog } from '../log';
import type { BackupStore } from '../store/backupStore';

const MB = 1024 * 1024;

export class ArchiveSource {
  /** One download per backup at a time, shared by everyone who asks. */
  private readonly downloading = new Map<string, Promise<string>>();

  constructor(
    private readonly storage: vscode.Uri,
    private readonly store: BackupStore,
    private readonly log: EventLog,
  ) {}

  get cacheDir(): string {
    return path.join(this.storage.fsPath, 'archives');
  }

  /** The local archive file of `backup`; downloads it into the cache when needed. */
  async fileFor(backup: Backup): Promise<string> {
    const local = await this.inBackupFolder(backup);
    if (local) return local;
    const cached = cacheFileOf(this.cacheDir, backup.slug);
    if (fs.existsSync(cached)) {
      await touchArchive(cached);
      return cached;
    }
    const running = this.downloading.get(backup.slug) ?? Promise.resolve(this.download(backup)).finally(() => this.downloading.delete(backup.slug));
    this.downloading.set(backup.slug, running);
    return running;
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
    const size = backup.location_attributes?.[location ?? '.local']?.size_bytes ?? backup.size_bytes;
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
          throw new Error(
            vscode.l10n.t('"{0}" ({1}) does not fit in the browse cache ({2} MB, setting haBackups.browseCacheSizeMB).', name, formatSize(size), capMb),
            { cause: e },
          );
        }
        const abort = new AbortController();
        const cancelled = token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        try {
          const result = await downloadBackupToFile(connection.client, backup.slug, dir, {
            fileName: path.basename(cacheFileOf(dir, backup.slug)),
            location,
            expectedBytes: size,
            signal: abort.signal,
            onProgress: (received, total) => {
              const percent = total ? (received / total) * 100 : 0;
              if (total && percent - reported < 1 && received !== total) return;
              progress.report({ increment: total ? percent - reported : undefined, message: total ? `${formatSize(received)} / ${formatSize(total)}` : formatSize(received) });
              reported = percent;
            },
          });
          this.log.info(`browse cache: fetched ${backup.slug} (${formatSize(result.bytes)})`);
          return result.path;
        } catch (e) {
          if (token.isCancellationRequested) throw new vscode.CancellationError();
          throw new Error(vscode.l10n.t('"{0}" could not be fetched: {1}', name, describeError(e, connection.url)), { cause: e });
        } finally {
          cancelled.dispose();
        }
      },
    );
  }

  /** Forgets cached copies of backups that are gone from the Supervisor. */
  async prune(present: ReadonlySet<string>): Promise<void> {
    for (const a of await cachedArchives(this.cacheDir)) {
      if (!present.has(a.slug)) await fs.promises.unlink(a.file).catch(() => undefined);
    }
  }
}
