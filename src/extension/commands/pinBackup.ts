// Pin / Unpin: a pinned backup is never deleted by retention (Auto Backup's users asked for this as
// "never delete"; sabeechen's add-on calls it the same).
import * as vscode from 'vscode';
import type { Connection } from '../connection/connectionManager';
import type { Services } from '../services';
import type { BackupNode } from '../tree/backupNode';
import { pickBackup } from '../pickers/pickBackup';
import { selectedBackups } from '../targets/selectedBackups';
import { registerConnectedCommand } from './command';

export function registerPinCommands(s: Services): vscode.Disposable[] {
  const run =
    (pinned: boolean) =>
    async (connection: Connection, node?: BackupNode, selected?: BackupNode[]): Promise<string[] | undefined> => {
      const chosen = selectedBackups(node, selected);
      const targets = chosen.length ? chosen : await pickBackup(s, pinned ? vscode.l10n.t('Pin Backups') : vscode.l10n.t('Unpin Backups'), true);
      if (!targets?.length) return undefined;
      const slugs = targets.map((b) => b.slug);
      await s.pins.set(connection.url, slugs, pinned);
      s.log.info(`${pinned ? 'pinned' : 'unpinned'} backups=[${slugs.join(',')}]`);
      s.store.notifyChanged();
      return slugs;
    };
  return [registerConnectedCommand(s, 'haBackups.pinBackup', run(true)), registerConnectedCommand(s, 'haBackups.unpinBackup', run(false))];
}
