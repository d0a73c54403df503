// Create Full Backup: name defaults to the Auto Backup integration's style ("Monday, Jan 06, 2025")
// in the Home Assistant time zone; the job runs in the background with a cancellable progress.
import * as vscode from 'vscode';
import { defaultBackupName } from '../../core/format/dates';
import type { RunResult } from '../backupRunner';
import type { Services } from '../services';

export interface CreateFullBackupArgs {
  /** Use this name without asking. */
  name?: string;
  /** Use the default name without asking. */
  useDefaults?: boolean;
}

export function registerCreateFullBackup(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand('haBackups.createFullBackup', async (args?: CreateFullBackupArgs): Promise<RunResult | undefined> => {
    if (!s.store.connection) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Not connected to a Home Assistant Supervisor.'));
      return undefined;
    }
    const fallback = defaultBackupName(new Date(), s.store.timeZone);
    const name =
      args?.name ??
      (args?.useDefaults
        ? fallback
        : await vscode.window.showInputBox({
            title: vscode.l10n.t('Create Full Backup'),
            prompt: vscode.l10n.t('Backup name'),
            value: fallback,
          }));
    if (name === undefined) return undefined;
    return s.runner.createFull({ name: name.trim() || fallback });
  });
}
