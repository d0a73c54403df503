// What is inside a backup, as tree nodes under the backup: its parts (Home Assistant config, each
// add-on by name, each folder), then their folders and files. Files open read-only from the
// `ha-backup:` file system; files of the config part can be compared with and restored to the
// config folder. Context values are state tokens (`entry file configFile`), never `backup`.
import * as vscode from 'vscode';
import { configRelativePath, type IndexNode, type Part } from '../../core/browse';
import { formatSize } from '../../core/format/size';
import type { Backup } from '../../core/supervisor';
import { backupUri } from '../browse/backupUri';
import { folderLabel } from '../format';
import type { BackupNode } from './backupNode';

export class PartNode {
  readonly kind = 'part';

  constructor(
    readonly backup: Backup,
    readonly part: Part,
    private readonly addonNames: ReadonlyMap<string, string>,
  ) {}

  get id(): string {
    return `${this.backup.slug}/${this.part.id}`;
  }

  get partId(): string {
    return this.part.id;
  }

  get label(): string {
    if (this.part.kind === 'homeassistant') return vscode.l10n.t('Home Assistant configuration');
    if (this.part.kind === 'addon') {
      const slug = this.backup.content.addons.find((a) => a.replace(/\//g, '_') === this.part.id) ?? this.part.id;
      return this.addonNames.get(slug) ?? slug;
    }
    const folder = this.backup.content.folders.find((f) => f.replace(/\//g, '_') === this.part.id) ?? this.part.id;
    return folderLabel(folder);
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = this.part.archive;
    item.iconPath = new vscode.ThemeIcon(this.part.kind === 'homeassistant' ? 'home' : this.part.kind === 'addon' ? 'extensions' : 'folder');
    item.contextValue = `part ${this.part.kind}`;
    item.tooltip = vscode.l10n.t('{0} in {1}', this.part.archive, this.backup.name || this.backup.slug);
    return item;
  }
}

export class EntryNode {
  readonly kind = 'entry';

  constructor(
    readonly backup: Backup,
    readonly partId: string,
    readonly node: IndexNode,
  ) {}

  get id(): string {
    return `${this.backup.slug}/${this.partId}/${this.node.path}`;
  }

  get uri(): vscode.Uri {
    return backupUri(this.backup.slug, this.partId, this.node.path);
  }

  /** Path relative to the config folder, for files of the Home Assistant config part. */
  get configPath(): string | undefined {
    return configRelativePath(this.partId, this.node.path);
  }

  toTreeItem(): vscode.TreeItem {
    const dir = this.node.type === 'directory';
    const item = new vscode.TreeItem(this.uri, dir ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.label = this.node.name;
    const tokens = ['entry', this.node.type];
    if (this.node.type === 'file' && this.configPath !== undefined) tokens.push('configFile');
    item.contextValue = tokens.join(' ');
    const entry = this.node.entry;
    if (this.node.type === 'file') {
      item.description = formatSize(entry?.size ?? 0);
      item.command = { command: 'vscode.open', title: vscode.l10n.t('Open'), arguments: [this.uri, { preview: true }] };
    } else if (this.node.type === 'symlink') {
      item.description = `→ ${entry?.linkname ?? '?'}`;
      item.iconPath = new vscode.ThemeIcon('file-symlink-file');
    }
    return item;
  }
}

/** A line in the tree saying why a backup or part could not be opened (or that it is empty). */
export class MessageNode {
  readonly kind = 'message';

  constructor(
    /** The row it is shown under. */
    readonly parent: BackupNode | PartNode | EntryNode,
    readonly id: string,
    readonly text: string,
    readonly error: boolean,
    readonly command?: vscode.Command,
  ) {}

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.command = this.command;
    item.iconPath = new vscode.ThemeIcon(this.error ? 'error' : 'info', this.error ? new vscode.ThemeColor('errorForeground') : undefined);
    item.tooltip = this.text;
    item.contextValue = 'message';
    return item;
  }
}
