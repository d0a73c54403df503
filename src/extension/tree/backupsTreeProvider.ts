// Backups tree: newest first, stable ids (the slug) so selection survives a refresh.
import * as vscode from 'vscode';
import { readExtraTag } from '../../core/options/extraTag';
import type { BackupStore } from '../store/backupStore';
import type { PinStore } from '../store/pinStore';
import type { RetentionState } from '../retention/retentionState';
import type { Backup } from '../../core/supervisor';
import type { BackupContents } from '../browse/backupContents';
import type { BackupLocation } from '../browse/backupUri';
import { BackupNode, type BackupNodeContext } from './backupNode';
import { EntryNode, MessageNode, PartNode } from './contentNodes';
import { PolicyGroupNode } from './policyGroupNode';

export type TreeNode = BackupNode | PolicyGroupNode | PartNode | EntryNode | MessageNode;

/** Internal command of the "try again" line under a part that could not be opened (registered by backupsView.ts). */
export const RETRY_COMMAND = 'haBackups.retryContents';

export class BackupsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly store: BackupStore,
    private readonly pins: PinStore,
    private readonly retention: RetentionState,
    private readonly contents: BackupContents,
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

  getChildren(element?: TreeNode): TreeNode[] | Promise<TreeNode[]> {
    if (element instanceof PolicyGroupNode) return element.backups.map((b) => new BackupNode(b));
    if (element instanceof BackupNode) {
      const parts = this.contents.parts(element.backup).map((p) => new PartNode(element.backup, p, this.store.addonNames));
      return parts.length ? parts : [new MessageNode(element, `${element.backup.slug}/empty`, vscode.l10n.t('This backup holds nothing.'), false)];
    }
    if (element instanceof PartNode) return this.entries(element, element.backup, element.partId, '.');
    if (element instanceof EntryNode) return this.entries(element, element.backup, element.partId, element.node.path);
    if (element) return [];
    return this.rootNodes();
  }

  /** "Try again" on a part or folder that could not be opened (its row, or collapsing it). */
  retry(node: TreeNode): void {
    if ((node instanceof PartNode || node instanceof EntryNode) && this.contents.retry(node.backup.slug, node.partId)) this.changed.fire(node);
  }

  /** The top level as shown now: backups, or policy groups. */
  rootNodes(): TreeNode[] {
    if (!vscode.workspace.getConfiguration('haBackups').get<boolean>('groupByPolicy')) return this.store.backups.map((b) => new BackupNode(b));
    return this.groups();
  }

  private async entries(parent: PartNode | EntryNode, backup: Backup, partId: string, path: string): Promise<TreeNode[]> {
    const id = `${backup.slug}/${partId}/${path}`;
    try {
      const index = await this.contents.index(backup, partId);
      const nodes: TreeNode[] = index.list(path).map((n) => new EntryNode(backup, partId, n));
      if (path === '.' && index.unsafe.length) {
        nodes.push(new MessageNode(parent, `${id}#unsafe`, vscode.l10n.t('{0} unsafe entries left out (see the log)', index.unsafe.length), true));
      }
      return nodes.length ? nodes : [new MessageNode(parent, `${id}#empty`, vscode.l10n.t('empty'), false)];
    } catch (e) {
      // BackupContents reported the failure once; this row stays until "try again" or a collapse.
      const cancelled = e instanceof vscode.CancellationError;
      const text = cancelled ? vscode.l10n.t('Not opened: click to try again') : vscode.l10n.t('Could not be opened: {0}', e instanceof Error ? e.message : String(e));
      return [new MessageNode(parent, `${id}#error`, text, !cancelled, { command: RETRY_COMMAND, title: vscode.l10n.t('Try Again'), arguments: [parent] })];
    }
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
      const owner = this.retention.decisionOf(b.slug)?.owner;
      if (owner?.kind === 'policy' || owner?.kind === 'automatic') byPolicy.set(owner.policy, [...(byPolicy.get(owner.policy) ?? []), b]);
      else if (owner?.kind === 'keep_days' || owner?.kind === 'auto_backup') keepDays.push(b);
      else unmanaged.push(b);
    }
    const groups = [...byPolicy].map(([name, backups]) => new PolicyGroupNode({ kind: 'policy', name }, backups));
    if (keepDays.length) groups.push(new PolicyGroupNode({ kind: 'keep_days' }, keepDays));
    if (unmanaged.length) groups.push(new PolicyGroupNode({ kind: 'unmanaged' }, unmanaged));
    return groups;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (!(node instanceof BackupNode)) return node.toTreeItem();
    const ctx = this.nodeContext(node);
    const item = node.toTreeItem(ctx);
    // VS Code resolves only properties left undefined: without details, the tooltip waits for the hover.
    if (!ctx.details && this.store.connection) item.tooltip = undefined;
    return item;
  }

  /** Fills in the tooltip with the backup's details (one request per backup, cached) when it is hovered. */
  async resolveTreeItem(item: vscode.TreeItem, node: TreeNode, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (!(node instanceof BackupNode)) return item;
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
    return d && { action: d.action, reasons: d.reasons, managed: d.owner.kind !== 'none' };
  }

  private expiryOf(slug: string): BackupNodeContext['expiry'] {
    const d = this.retention.decisionOf(slug);
    if (!d?.expires) return undefined;
    return { expires: d.expires, ...(d.keepDays !== undefined ? { keepDays: d.keepDays } : {}), source: d.owner.kind === 'auto_backup' ? 'auto_backup' : 'extension' };
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
      future: this.retention.decisionOf(node.backup.slug)?.future ?? false,
      safetyNet: this.retention.ledgerEntryOf(node.backup.slug)?.safetyNet ?? readExtraTag(this.store.cachedDetails(node.backup.slug)?.extra).safetyNet,
    };
  }

  /** The row above `node` (TreeView.reveal walks up with it): a backup's group, a part's backup, an entry's folder or part. */
  async getParent(node: TreeNode): Promise<TreeNode | undefined> {
    if (node instanceof BackupNode) return this.groupOf(node.backup.slug);
    if (node instanceof PartNode) return new BackupNode(node.backup);
    if (node instanceof EntryNode) {
      const cut = node.node.path.lastIndexOf('/');
      return cut < 0 ? this.partNode(node.backup, node.partId) : this.entryNode(node.backup, node.partId, node.node.path.slice(0, cut));
    }
    if (node instanceof MessageNode) return node.parent;
    // Groups are the top level.
    return undefined;
  }

  /** The row of a backup, one of its parts, or an entry of a part (an `ha-backup:` address); undefined when there is none. */
  async nodeAt(where: BackupLocation): Promise<TreeNode | undefined> {
    const backup = this.store.backups.find((b) => b.slug === where.slug);
    if (!backup || where.partId === undefined) return backup && new BackupNode(backup);
    return where.path === '.' ? this.partNode(backup, where.partId) : this.entryNode(backup, where.partId, where.path);
  }

  private groupOf(slug: string): PolicyGroupNode | undefined {
    if (!vscode.workspace.getConfiguration('haBackups').get<boolean>('groupByPolicy')) return undefined;
    return this.groups().find((g) => g.backups.some((b) => b.slug === slug));
  }

  private partNode(backup: Backup, partId: string): PartNode | undefined {
    const part = this.contents.part(backup, partId);
    return part && new PartNode(backup, part, this.store.addonNames);
  }

  /** Lists the part when it has not been (as expanding it would). */
  private async entryNode(backup: Backup, partId: string, path: string): Promise<EntryNode | undefined> {
    const found = (await this.contents.index(backup, partId)).find(path);
    return found && new EntryNode(backup, partId, found);
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
