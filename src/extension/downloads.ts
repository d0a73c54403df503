// Downloading a backup with a cancellable progress notification and download_* events. Used by the
// Download command and after a backup that has download paths.
import * as vscode from 'vscode';
import { downloadBackupToFile, type DownloadResult } from '../core/download';
import { formatSize } from '../core/format/size';
import { downloadFileName } from '../core/options/fileName';
import type { Backup, Location } from '../core/supervisor';
import { describeError } from './errors';
import type { BackupEvents } from './events';
import type { EventLog } from './log';
import type { BackupStore } from './store/backupStore';

export interface DownloadRequest {
  backup: Backup;
  directory: string;
  /** Which copy to read; undefined = the primary location. */
  location?: Location;
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
        // Every copy is the same file, so the listed size checks any location; an estimate (old Supervisors) checks nothing.
        const expected = backup.location_attributes?.[location === undefined ? (backup.locations[0] ?? '.local') : (location ?? '.local')]?.size_bytes ?? (backup.size_exact === false ? undefined : backup.size_bytes);
        let reported = 0;
        try {
          const result = await downloadBackupToFile(connection.client, backup.slug, directory, {
            fileName: downloadFileName(backup.name, backup.slug),
            location,
            expectedBytes: expected,
            signal: abort.signal,
            onProgress: (received, total) => {
              // Report in steps of at least 1 % so the notification is not flooded.
              const percent = total ? (received / total) * 100 : 0;
              if (total && percent - reported < 1 && received !== total) return;
              progress.report({
                increment: total ? percent - reported : undefined,
                message: total ? `${formatSize(received)} / ${formatSize(total)}` : formatSize(received),
              });
              reported = percent;
            },
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
