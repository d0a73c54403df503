// `ha-backup://<slug>/<part>/<path inside the part>`: a file or folder inside a backup, opened
// read-only in normal editors (with the language of its name).
import * as vscode from 'vscode';

export const BACKUP_SCHEME = 'ha-backup';

export interface BackupLocation {
  slug: string;
  /** Undefined for the backup's root (its parts). */
  partId?: string;
  /** Path inside the part; `.` for the part's root. */
  path: string;
}

export function backupUri(slug: string, partId?: string, entryPath = '.'): vscode.Uri {
  const tail = partId === undefined ? '/' : entryPath === '.' || entryPath === '' ? `/${partId}` : `/${partId}/${entryPath}`;
  return vscode.Uri.from({ scheme: BACKUP_SCHEME, authority: slug, path: tail });
}

export function parseBackupUri(uri: vscode.Uri): BackupLocation {
  if (uri.scheme !== BACKUP_SCHEME || !uri.authority) throw vscode.FileSystemError.FileNotFound(uri);
  const [partId, ...rest] = uri.path.split('/').filter((s) => s !== '');
  return { slug: uri.authority, partId, path: rest.length ? rest.join('/') : '.' };
}
