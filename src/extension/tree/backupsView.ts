// The Backups view: its tree (backupsTreeProvider.ts), the retention badges on its rows, the refresh
// while it is visible (refreshManager.ts), the message above it (errors, warnings, "no backups yet"),
// its description (while a backup runs; on a Core or Container install, when Home Assistant's next
// automatic backup is), and its badge (how many backups can be purged).
import * as vscode from 'vscode';
import { automaticDescription, automaticSummaryOf } from '../automaticBackups';
import { RefreshManager } from '../refreshManager';
import type { RetentionState } from '../retention/retentionState';
import type { Services } from '../services';
import type { BackupStore } from '../store/backupStore';
import type { BackupWarnings } from '../warnings';
import { BackupsTreeProvider, RETRY_COMMAND, type TreeNode } from './backupsTreeProvider';
import { RetentionDecorations } from './retentionDecorations';

export const BACKUPS_VIEW_ID = 'haBackups.backups';

export interface BackupsView extends vscode.Disposable {
  readonly tree: BackupsTreeProvider;
  readonly view: vscode.TreeView<TreeNode>;
}

export function createBackupsView(s: Services): BackupsView {
  const tree = new BackupsTreeProvider(s.store, s.pins, s.retention, s.contents);
  const decorations = new RetentionDecorations(s.retention, s.pins, s.store);
  const view = vscode.window.createTreeView<TreeNode>(BACKUPS_VIEW_ID, { treeDataProvider: tree, canSelectMany: true, showCollapseAll: false });
  // Ages move on: the rows, the status bar and the description are re-rendered every minute, the list reloaded while visible.
  const refresher = new RefreshManager(s.store, view, () => {
    tree.redraw();
    s.statusBar.render();
    updateDescription(view, s.store);
  });
  const showMessage = () => updateMessage(view, s.store, s.warnings);
  const disposable = vscode.Disposable.from(
    tree,
    view,
    decorations,
    refresher,
    s.store.onDidChange(showMessage),
    s.warnings.onDidChange(showMessage),
    s.retention.onDidChange(() => updateBadge(view, s.retention)),
    // A part that could not be opened is tried again when it is collapsed and expanded, or from its row.
    view.onDidCollapseElement((e) => tree.retry(e.element)),
    vscode.commands.registerCommand(RETRY_COMMAND, (node: TreeNode) => tree.retry(node)),
  );
  return {
    tree,
    view,
    dispose: () => {
      disposable.dispose();
    },
  };
}

function updateMessage(view: vscode.TreeView<TreeNode>, store: BackupStore, warnings: BackupWarnings): void {
  const warned = warnings.warnings.map((w) => `⚠ ${w.text}`).join('\n');
  if (store.status === 'error') view.message = [store.error, warned].filter(Boolean).join('\n');
  else if (warned) view.message = warned;
  else if (store.status === 'loading') view.message = vscode.l10n.t('Loading backups…');
  else if (store.status === 'ready' && store.backups.length === 0) view.message = vscode.l10n.t('There are no backups yet.');
  else view.message = undefined;
  updateDescription(view, store);
}

/** While a backup runs, and on a Core or Container install when Home Assistant's next automatic backup is. */
function updateDescription(view: vscode.TreeView<TreeNode>, store: BackupStore): void {
  const automatic = automaticSummaryOf(store);
  const parts = [store.running.length ? vscode.l10n.t('backing up…') : undefined, automatic && automaticDescription(automatic, store.haNow())].filter(Boolean);
  const description = parts.length ? parts.join(' · ') : undefined;
  if (view.description !== description) view.description = description;
}

function updateBadge(view: vscode.TreeView<TreeNode>, retention: RetentionState): void {
  const purgeable = retention.plan?.remove.length ?? 0;
  view.badge = purgeable ? { value: purgeable, tooltip: vscode.l10n.t('{0} backups can be purged', purgeable) } : undefined;
}
