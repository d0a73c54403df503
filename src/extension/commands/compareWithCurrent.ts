// Compare with Current: a diff of a config file as it is in the backup (left, read-only) and as it
// is now in the Home Assistant config folder (right).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatDateTime } from '../../core/format/dates';
import { configFolder } from '../policy/policyFile';
import type { Services } from '../services';
import { backupFileTarget, notAConfigFile } from '../targets/backupFileTarget';
import { registerConnectedCommand } from './command';

export interface CompareResult {
  left: string;
  right: string;
}

export function registerCompareWithCurrent(s: Services): vscode.Disposable {
  return registerConnectedCommand(s, 'haBackups.compareWithCurrent', async (_connection, arg?: unknown): Promise<CompareResult | undefined> => {
    const target = backupFileTarget(s, arg);
    const problem = notAConfigFile(target);
    if (problem || !target?.configPath) {
      void vscode.window.showWarningMessage(problem ?? '');
      return undefined;
    }
    const folder = configFolder();
    if (!folder) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open the Home Assistant config folder (the one with configuration.yaml) to compare with it.'));
      return undefined;
    }
    const current = path.join(folder.uri.fsPath, ...target.configPath.split('/'));
    if (!fs.existsSync(current)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} is not in the config folder now. "Restore This File" brings it back.', target.configPath));
      return undefined;
    }
    const when = formatDateTime(new Date(target.backup.date), s.store.timeZone);
    const title = vscode.l10n.t('{0} (backup "{1}", {2}) ↔ current', path.posix.basename(target.configPath), target.backup.name || target.backup.slug, when);
    const right = vscode.Uri.file(current);
    await vscode.commands.executeCommand('vscode.diff', target.uri, right, title, { preview: true });
    return { left: target.uri.toString(), right: right.toString() };
  });
}
