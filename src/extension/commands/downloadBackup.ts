// Download Backup: one or several backups into a folder (asked once), from the location the user
// picks when a backup has copies in several places. On a Core or Container install a protected copy
// can also come decrypted by Home Assistant (decryptChoice.ts).
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { DownloadResult } from '../../core/download';
import type { Location } from '../../core/supervisor';
import type { Services } from '../services';
import type { BackupNode } from '../tree/backupNode';
import { pickBackup } from '../pickers/pickBackup';
import { pickLocation } from '../pickers/pickLocation';
import { selectedBackups } from '../targets/selectedBackups';
import { registerConnectedCommand } from './command';
import { decryptChoice } from './decryptChoice';

export interface DownloadArgs {
  directory?: string;
  /** `null` = this system; a mount name otherwise. */
  location?: Location;
  /** A protected copy on a Core install: true = decrypted by Home Assistant, false = as stored; absent = ask. */
  decrypt?: boolean;
  /** The password or key to decrypt with (default: Home Assistant's backup key, else asked). */
  password?: string;
}

export function registerDownloadBackup(s: Services): vscode.Disposable {
  return registerConnectedCommand(
    s,
    'haBackups.downloadBackup',
    async (_connection, node?: BackupNode, selected?: BackupNode[], args?: DownloadArgs): Promise<(DownloadResult | undefined)[] | undefined> => {
      const chosen = selectedBackups(node, selected);
      const targets = chosen.length ? chosen : await pickBackup(s, vscode.l10n.t('Download Backup'));
      if (!targets?.length) return undefined;
      const directory = args?.directory ?? (await askDirectory(s));
      if (!directory) return undefined;
      const results: (DownloadResult | undefined)[] = [];
      for (const backup of targets) {
        const chosen = args && 'location' in args ? { location: args.location } : await pickLocation(backup, vscode.l10n.t('Download "{0}" from', backup.name || backup.slug));
        if (!chosen) break;
        const decryption = await decryptChoice(s, backup, chosen.location, args);
        if (decryption === 'cancelled') break;
        if (decryption === 'refused') {
          results.push(undefined);
          continue;
        }
        results.push(await s.downloads.run({ backup, directory, location: chosen.location, ...decryption }));
      }
      return results;
    },
  );
}

async function askDirectory(s: Services): Promise<string | undefined> {
  const configured = vscode.workspace.getConfiguration('haBackups').get<string>('downloadDirectory');
  if (configured && fs.existsSync(configured)) return configured;
  const uris = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Download Here'),
    title: vscode.l10n.t('Download Backup To'),
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  s.log.info(uris?.[0] ? `download folder chosen: ${uris[0].fsPath}` : 'download cancelled: no folder chosen');
  return uris?.[0]?.fsPath;
}
