// Backups tree: newest first, stable ids (the slug) so selection survives a refresh.
import * as vscode from 'vscode';
import type { BackupStore } from '../store/backupStore';
import type { Expiry, ExpiryStore } from '../store/expiryStore';
import type { PinStore } from '../store/pinStore';
import type { RetentionState } from '../retention/retentionState';
import { BackupNode, type BackupNodeContext } from './backupNode';

export class BackupsTreeProvider implements vscode.TreeDataProvider<BackupNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<BackupNode | undefined>();
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
    this.subscription = retention.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(element?: BackupNode): BackupNode[] {
    if (element) return [];
    return this.store.backups.map((b) => new BackupNode(b));
  }

  getTreeItem(node: BackupNode): vscode.TreeItem {
    const ctx = this.nodeContext(node);
    const item = node.toTreeItem(ctx);
    // VS Code resolves only properties left undefined: without details, the tooltip waits for the hover.
    if (!ctx.details && this.store.connection) item.tooltip = undefined;
    return item;
  }

  /** Fills in the tooltip with the backup's details (one request per backup, cached) when it is hovered. */
  async resolveTreeItem(item: vscode.TreeItem, node: BackupNode, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
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
    const d = this.retention.plan?.decisions.find((x) => x.slug === slug);
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
