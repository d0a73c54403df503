// Forget Backup Passwords: removes the passwords remembered for looking inside protected backups.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { registerCommand } from './command';

export function registerForgetBackupPasswords(s: Services): vscode.Disposable {
  return registerCommand(s, 'haBackups.forgetBackupPasswords', async (): Promise<number> => {
    const removed = await s.passwords.forgetAll();
    void vscode.window.showInformationMessage(
      removed === 1 ? vscode.l10n.t('1 remembered backup password was forgotten.') : vscode.l10n.t('{0} remembered backup passwords were forgotten.', removed),
    );
    return removed;
  });
}
