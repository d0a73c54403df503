// The backup file a Compare / Restore command acts on: a file node of the tree, or the ha-backup:
// URI of the active editor (or of a diff's left side).
import * as vscode from 'vscode';
import { configRelativePath } from '../../core/browse';
import type { Backup } from '../../core/supervisor';
import { BACKUP_SCHEME, backupUri, parseBackupUri } from '../browse/backupUri';
import type { Services } from '../services';
import { EntryNode } from '../tree/contentNodes';

export interface BackupFileTarget {
  backup: Backup;
  partId: string;
  path: string;
  uri: vscode.Uri;
  /** Relative to the config folder; undefined for files that are not part of the config. */
  configPath: string | undefined;
}

function activeBackupUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText && input.uri.scheme === BACKUP_SCHEME) return input.uri;
  if (input instanceof vscode.TabInputTextDiff && input.original.scheme === BACKUP_SCHEME) return input.original;
  return undefined;
}

export function backupFileTarget(s: Services, arg: unknown): BackupFileTarget | undefined {
  if (arg instanceof EntryNode) {
    return { backup: arg.backup, partId: arg.partId, path: arg.node.path, uri: arg.uri, configPath: arg.configPath };
  }
  const uri = arg instanceof vscode.Uri ? arg : activeBackupUri();
  if (!uri || uri.scheme !== BACKUP_SCHEME) return undefined;
  const where = parseBackupUri(uri);
  const backup = s.contents.backup(where.slug);
  if (!backup || where.partId === undefined || where.path === '.') return undefined;
  return { backup, partId: where.partId, path: where.path, uri: backupUri(where.slug, where.partId, where.path), configPath: configRelativePath(where.partId, where.path) };
}

/** Explains why a file cannot be compared or restored; undefined when it can. */
export function notAConfigFile(t: BackupFileTarget | undefined): string | undefined {
  if (!t) return vscode.l10n.t('Choose a file inside a backup first (expand a backup in the Backups view).');
  if (t.configPath === undefined) return vscode.l10n.t('Only files of the Home Assistant configuration part can be compared with or restored to the config folder.');
  return undefined;
}
