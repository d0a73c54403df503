// Create Full Backup: the quick way. The name defaults to Auto Backup's "Monday, Jan 06, 2025" in
// the Home Assistant time zone (strftime codes allowed); everything else as the Supervisor defaults.
import * as vscode from 'vscode';
import { checkTemplate } from '../../core/options';
import { defaultBackupName } from '../../core/format/dates';
import type { RunResult } from '../backupRunner';
import type { Services } from '../services';

export interface CreateFullBackupArgs {
  /** Use this name (a template) without asking. */
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
    const name = args?.name ?? (args?.useDefaults ? undefined : await askName(s));
    if (name === null) return undefined;
    return s.runner.create({ name: name?.trim() || undefined });
  });
}

/** The name, undefined for the default, null when the user cancelled. */
export async function askName(s: Services, value?: string): Promise<string | undefined | null> {
  const fallback = defaultBackupName(new Date(), s.store.timeZone);
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Backup name'),
    prompt: vscode.l10n.t('strftime codes such as %Y-%m-%d %H:%M and {ha_version} are filled in, in Home Assistant’s time zone; %% is a literal %.'),
    value: value ?? fallback,
    validateInput: (v) => checkTemplate(v)[0],
  });
  if (name === undefined) return null;
  return name.trim() === fallback ? undefined : name;
}
