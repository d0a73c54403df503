// The read-only `ha-backup:` file system: the parts of a backup are its top folders, their files
// open in normal editors. Every write is refused: a backup is never changed from here.
import * as vscode from 'vscode';
import type { IndexNode } from '../../core/browse';
import type { BackupContents } from './backupContents';
import { parseBackupUri } from './backupUri';

function fileType(node: IndexNode): vscode.FileType {
  if (node.type === 'directory') return vscode.FileType.Directory;
  if (node.type === 'file') return vscode.FileType.File;
  if (node.type === 'symlink') return vscode.FileType.SymbolicLink | vscode.FileType.File;
  return vscode.FileType.Unknown;
}

export class BackupFileSystem implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  constructor(private readonly contents: BackupContents) {}

  private async resolve(uri: vscode.Uri) {
    const where = parseBackupUri(uri);
    // An editor restored at start-up may ask before the list is in: load it (a few tries) first.
    const backup = this.contents.backup(where.slug) ?? (await this.contents.loadBackup(where.slug));
    if (!backup) throw vscode.FileSystemError.FileNotFound(uri);
    return { ...where, backup, time: new Date(backup.date).getTime() };
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { backup, partId, path, time } = await this.resolve(uri);
    const readonly = { permissions: vscode.FilePermission.Readonly };
    if (partId === undefined) return { type: vscode.FileType.Directory, ctime: time, mtime: time, size: 0, ...readonly };
    if (!this.contents.part(backup, partId)) throw vscode.FileSystemError.FileNotFound(uri);
    if (path === '.') return { type: vscode.FileType.Directory, ctime: time, mtime: time, size: 0, ...readonly };
    const node = (await this.contents.index(backup, partId)).find(path);
    if (!node) throw vscode.FileSystemError.FileNotFound(uri);
    const mtime = node.entry ? node.entry.mtime.getTime() : time;
    return { type: fileType(node), ctime: mtime, mtime, size: node.entry?.size ?? 0, ...readonly };
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const { backup, partId, path } = await this.resolve(uri);
    if (partId === undefined) return this.contents.parts(backup).map((p) => [p.id, vscode.FileType.Directory]);
    if (!this.contents.part(backup, partId)) throw vscode.FileSystemError.FileNotFound(uri);
    const index = await this.contents.index(backup, partId);
    const dir = index.find(path);
    if (!dir) throw vscode.FileSystemError.FileNotFound(uri);
    if (dir.type !== 'directory') throw vscode.FileSystemError.FileNotADirectory(uri);
    return index.list(path).map((n) => [n.name, fileType(n)]);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { backup, partId, path } = await this.resolve(uri);
    if (partId === undefined || path === '.') throw vscode.FileSystemError.FileIsADirectory(uri);
    const node = (await this.contents.index(backup, partId)).find(path);
    if (!node) throw vscode.FileSystemError.FileNotFound(uri);
    if (node.type === 'directory') throw vscode.FileSystemError.FileIsADirectory(uri);
    if (node.type !== 'file') {
      const target = node.entry?.linkname ? ` → ${node.entry.linkname}` : '';
      throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('{0} is a link or special file{1}; it is not opened from a backup.', path, target));
    }
    return this.contents.read(backup, partId, path);
  }

  watch(): vscode.Disposable {
    // A backup never changes.
    return new vscode.Disposable(() => undefined);
  }

  createDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  writeFile(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
