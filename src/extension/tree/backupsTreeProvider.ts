// Backups tree: newest first, stable ids (the slug) so selection survives a refresh.
import * as vscode from 'vscode';
import type { BackupStore } from '../store/backupStore';
import type { Expiry, ExpiryStore } from '../store/expiryStore';
import type { PinStore } from '../store/pinStore';
import type { RetentionState } from '../retention/retentionState';
import type { Backup } from '../../core/supervisor';
import { BackupNode, type BackupNodeContext } from './backupNode';
import { PolicyGroupNode } from './policyGroupNode';

export type TreeNode = BackupNode | PolicyGroupNode;

export class BackupsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly store: BackupStore,
    private readonly expiries: ExpiryStore,
    private readonly pins: PinStore,
    private readonly retention: RetentionState,
    private readonly now: () => Date = () => new Date(),
  ) {
    // The retention state is recomputed on every store change and then fires: one redraw, up to date.
    this.subscription = vscode.Disposable.from(
      retention.onDidChange(() => this.changed.fire(undefined)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('haBackups.groupByPolicy')) this.changed.fire(undefined);
      }),
    );
  }

  getChildren(element?: TreeNode): TreeNode[] {
    if (element instanceof PolicyGroupNode) return element.backups.map((b) => new BackupNode(b));
    if (element) return [];
    if (!vscode.workspace.getConfiguration('haBackups').get<boolean>('groupByPolicy')) return this.store.backups.map((b) => new BackupNode(b));
    return this.groups();
  }

  /** Every backup node, whatever the grouping (newest first). */
  backupNodes(): BackupNode[] {
    return this.store.backups.map((b) => new BackupNode(b));
  }

  private groups(): PolicyGroupNode[] {
    const byPolicy = new Map<string, Backup[]>();
    const keepDays: Backup[] = [];
    const unmanaged: Backup[] = [];
    for (const b of this.store.backups) {
      const policy = this.retention.decisionOf(b.slug)?.policy;
      if (typeof policy === 'string') byPolicy.set(policy, [...(byPolicy.get(policy) ?? []), b]);
      else if (policy === true) keepDays.push(b);
      else unmanaged.push(b);
    }
    const groups = [...byPolicy].map(([name, backups]) => new PolicyGroupNode({ kind: 'policy', name }, backups));
    if (keepDays.length) groups.push(new PolicyGroupNode({ kind: 'keep_days' }, keepDays));
    if (unmanaged.length) groups.push(new PolicyGroupNode({ kind: 'unmanaged' }, unmanaged));
    return groups;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node instanceof PolicyGroupNode) return node.toTreeItem();
    const ctx = this.nodeContext(node);
    const item = node.toTreeItem(ctx);
    // VS Code resolves only properties left undefined: without details, the tooltip waits for the hover.
    if (!ctx.details && this.store.connection) item.tooltip = undefined;
    return item;
  }

  /** Fills in the tooltip with the backup's details (one request per backup, cached) when it is hovered. */
  async resolveTreeItem(item: vscode.TreeItem, node: TreeNode, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (node instanceof PolicyGroupNode) return item;
    await this.store.details(node.backup.slug, token);
    // Without details (e.g. the request failed) the tooltip still shows what the list knows.
    item.tooltip = node.toTreeItem(this.nodeContext(node)).tooltip;
    return item;
  }

  /** The tooltip as a hover shows it (with whatever details are loaded), e.g. for the exported snapshot. */
  tooltipText(node: BackupNode): string {
    const tooltip = node.toTreeItem(this.nodeContext(node)).tooltip;
    return tooltip instanceof vscode.MarkdownString ? tooltip.value : String(tooltip ?? '');
  }

  private retentionOf(slug: string): BackupNodeContext['retention'] {
    const d = this.retention.decisionOf(slug);
    return d && { action: d.action, reasons: d.reasons, managed: d.policy !== undefined };
  }

  private expiryOf(slug: string): Expiry | undefined {
    const own = this.store.connection ? this.expiries.get(this.store.connection.url, slug) : undefined;
    const integration = this.store.autoBackupExpiries.get(slug);
    return own ?? (integration ? { expires: integration.toISOString(), source: 'auto_backup' } : undefined);
  }

  private nodeContext(node: BackupNode): BackupNodeContext {
    return {
      now: this.now(),
      timeZone: this.store.timeZone,
      addonNames: this.store.addonNames,
      details: this.store.cachedDetails(node.backup.slug),
      expiry: this.expiryOf(node.backup.slug),
      pinned: this.store.connection ? this.pins.isPinned(this.store.connection.url, node.backup.slug) : false,
      retention: this.retentionOf(node.backup.slug),
    };
  }

  getParent(): undefined {
    return undefined;
  }

  /** Re-renders without a new request (ages move on). */
  redraw(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
