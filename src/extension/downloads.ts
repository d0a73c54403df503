// Downloading a backup with a cancellable progress notification and download_* events. Used by the
// Download command and after a backup that has download paths.
import * as vscode from 'vscode';
import { downloadBackupToFile, exactSizeOf, type DownloadResult } from '../core/download';
import { downloadFileName } from '../core/options/fileName';
import type { Backup, Location } from '../core/supervisor';
import { describeError } from './errors';
import type { BackupEvents } from './events';
import type { EventLog } from './log';
import { byteProgress } from './progress';
import type { BackupStore } from './store/backupStore';

export interface DownloadRequest {
  backup: Backup;
  directory: string;
  /** Which copy to read; undefined = the primary location. */
  location?: Location;
  /** Decrypted by Home Assistant with this password or key (Core installs; see can_decrypt_on_download). */
  password?: string;
}

export class Downloads implements vscode.Disposable {
  /** Running downloads, aborted when VS Code closes so their temporary files are removed. */
  private readonly active = new Set<AbortController>();

  constructor(
    private readonly store: BackupStore,
    private readonly events: BackupEvents,
    private readonly log: EventLog,
  ) {}

  /** Downloads one backup; resolves with the result, or undefined when it failed or was cancelled. */
  run(req: DownloadRequest): Thenable<DownloadResult | undefined> {
    const { backup, directory, location } = req;
    const name = backup.name || backup.slug;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Downloading "{0}"', name), cancellable: true },
      async (progress, token) => {
        const connection = this.store.connection;
        if (!connection) throw new Error(vscode.l10n.t('Not connected to a Home Assistant Supervisor.'));
        const abort = new AbortController();
        this.active.add(abort);
        const cancelled = token.onCancellationRequested(() => abort.abort());
        const started = Date.now();
        try {
          const result = await downloadBackupToFile(connection.client, backup.slug, directory, {
            fileName: downloadFileName(backup.name, backup.slug),
            location,
            // A decrypted archive has another size than the stored copy the list reports.
            ...(req.password !== undefined ? { password: req.password } : { expectedBytes: exactSizeOf(backup, location) }),
            signal: abort.signal,
            onProgress: byteProgress(progress),
          });
          this.events.fire('download_successful', {
            name,
            slug: backup.slug,
            path: result.path,
            bytes: result.bytes,
            durationSeconds: (Date.now() - started) / 1000,
          });
          return result;
        } catch (e) {
          if (token.isCancellationRequested || abort.signal.aborted) {
            this.log.info(`download of ${backup.slug} cancelled; nothing was left in ${directory}`);
            return undefined;
          }
          this.events.fire('download_failed', { name, slug: backup.slug, error: describeError(e, connection.url) }, { directory });
          return undefined;
        } finally {
          cancelled.dispose();
          this.active.delete(abort);
        }
      },
    );
  }

  dispose(): void {
    for (const abort of this.active) abort.abort();
  }
}
