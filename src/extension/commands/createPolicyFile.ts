// Create Policy File: writes the starter auto_backup.yaml (Auto Backup's generational blueprint as
// the example) next to configuration.yaml, unless one exists, and opens it.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { STARTER_POLICY_FILE } from '../../core/policy';
import { policyFilePath } from '../policy/policyFile';
import type { Services } from '../services';
import { registerCommand } from './command';

export function registerCreatePolicyFile(s: Services): vscode.Disposable {
  return registerCommand(s, 'haBackups.createPolicyFile', async (): Promise<string | undefined> => {
    const file = policyFilePath();
    if (!file) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open your Home Assistant configuration folder (the one with configuration.yaml) first.'));
      return undefined;
    }
    if (!fs.existsSync(file)) {
      fs.writeFileSync(file, STARTER_POLICY_FILE, { flag: 'wx' });
      s.log.info(`created the policy file ${file}`);
    }
    await vscode.window.showTextDocument(vscode.Uri.file(file));
    return file;
  });
}
