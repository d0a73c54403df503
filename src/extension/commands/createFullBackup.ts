// Create Full Backup: the quick way. The name defaults to Auto Backup's "Monday, Jan 06, 2025" in
// the Home Assistant time zone (strftime codes allowed); everything else as the Supervisor defaults.
import type * as vscode from 'vscode';
import type { RunResult } from '../runner/runResult';
import { askName } from '../pickers/askBackupName';
import type { Services } from '../services';
import { registerConnectedCommand } from './command';

export interface CreateFullBackupArgs {
  /** Use this name (a template) without asking. */
  name?: string;
  /** Use the default name without asking. */
  useDefaults?: boolean;
}

export function registerCreateFullBackup(s: Services): vscode.Disposable {
  return registerConnectedCommand(s, 'haBackups.createFullBackup', async (_connection, args?: CreateFullBackupArgs): Promise<RunResult | undefined> => {
    const name = args?.name ?? (args?.useDefaults ? undefined : await askName(s));
    if (name === null) return undefined;
    return s.runner.create({ name: name?.trim() || undefined });
  });
}
