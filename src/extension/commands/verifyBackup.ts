// Verify Backup: reads every part of a backup completely and reports per part (src/extension/browse/verifier.ts).
import * as vscode from 'vscode';
import type { VerifyOutcome } from '../browse/verifier';
import type { Services } from '../services';
import type { BackupNode } from '../tree/backupNode';
import { pickBackup } from '../pickers/pickBackup';
import { selectedBackups } from '../targets/selectedBackups';
import { registerConnectedCommand } from './command';

export function registerVerifyBackup(s: Services): vscode.Disposable {
  return registerConnectedCommand(
    s,
    'haBackups.verifyBackup',
    async (_connection, node?: BackupNode, selected?: BackupNode[], options?: { password?: string; remember?: boolean }): Promise<VerifyOutcome[] | undefined> => {
      const chosen = selectedBackups(node, selected);
      const targets = chosen.length ? chosen : await pickBackup(s, vscode.l10n.t('Verify Backup'), true);
      if (!targets?.length) return undefined;
      const outcomes: VerifyOutcome[] = [];
      for (const b of targets)
        outcomes.push(
          await s.verifier.run(b, {
            ...(options?.password !== undefined ? { password: options.password } : {}),
            ...(options?.remember !== undefined ? { remember: options.remember } : {}),
          }),
        );
      return outcomes;
    },
  );
}
