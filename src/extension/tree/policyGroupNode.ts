// A group of backups by the policy that manages them (haBackups.groupByPolicy): each policy of the
// policy file, then backups made with keep_days only, then the ones nothing manages.
import * as vscode from 'vscode';
import type { Backup } from '../../core/supervisor';

export type GroupKey = { kind: 'policy'; name: string } | { kind: 'keep_days' } | { kind: 'unmanaged' };

export class PolicyGroupNode {
  readonly kind = 'group';

  constructor(
    readonly key: GroupKey,
    readonly backups: Backup[],
  ) {}

  get id(): string {
    return this.key.kind === 'policy' ? `group:policy:${this.key.name}` : `group:${this.key.kind}`;
  }

  get label(): string {
    return this.key.kind === 'policy' ? this.key.name : this.key.kind === 'keep_days' ? vscode.l10n.t('Kept for a number of days') : vscode.l10n.t('Not managed by retention');
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.description = this.backups.length === 1 ? vscode.l10n.t('1 backup') : vscode.l10n.t('{0} backups', this.backups.length);
    item.iconPath = new vscode.ThemeIcon(this.key.kind === 'policy' ? 'history' : this.key.kind === 'keep_days' ? 'clock' : 'circle-slash');
    item.contextValue = `policyGroup ${this.key.kind}`;
    return item;
  }
}
