// Downloads a finished backup to the download paths of its request (Auto Backup's `download_path`);
// each failure is a `download_failed` event.
import * as vscode from 'vscode';
import type { Downloads } from '../downloads';
import type { BackupEvents } from '../events';
import type { BackupStore } from '../store/backupStore';
import type { StartedRun } from './backupRun';
import { newBackup } from './newBackup';

export async function downloadNewBackup(run: StartedRun, slug: string | undefined, store: BackupStore, downloads: Downloads, events: BackupEvents): Promise<void> {
  const directories = run.plan.downloadPaths;
  if (!directories.length) return;
  const backup = slug ? await newBackup(store, run.connection, slug) : undefined;
  for (const directory of directories) {
    if (backup) await downloads.run({ backup, directory });
    else
      events.fire(
        'download_failed',
        { name: run.name, slug, error: vscode.l10n.t('The finished backup is not in the Supervisor’s list, so it cannot be downloaded.') },
        { directory },
      );
  }
}
