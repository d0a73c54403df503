// Entry point: wires the core (Supervisor client) to VS Code (tree, status bar, log, commands).
import * as vscode from 'vscode';
import { BackupRunner } from './runner/backupRunner';
import { ArchiveSource } from './browse/archiveSource';
import { BackupContents } from './browse/backupContents';
import { BackupFileSystem } from './browse/backupFileSystem';
import { BackupPasswords } from './browse/backupPasswords';
import { BACKUP_SCHEME } from './browse/backupUri';
import { Verifier } from './browse/verifier';
import { registerCompareWithCurrent } from './commands/compareWithCurrent';
import { registerConnect } from './commands/connect';
import { registerCreateBackup } from './commands/createBackup';
import { registerCreateFullBackup } from './commands/createFullBackup';
import { registerCreatePolicyFile } from './commands/createPolicyFile';
import { registerDeleteBackup } from './commands/deleteBackup';
import { registerDisconnect } from './commands/disconnect';
import { registerDownloadBackup } from './commands/downloadBackup';
import { registerForgetBackupPasswords } from './commands/forgetBackupPasswords';
import { registerPinCommands } from './commands/pinBackup';
import { registerRefresh } from './commands/refresh';
import { registerPurgeCommands } from './commands/purgeBackups';
import { registerRestoreBackup } from './commands/restoreBackup';
import { registerRestoreFile } from './commands/restoreFile';
import { registerRunDuePolicies, registerRunPolicy } from './commands/runPolicy';
import { registerShowLog } from './commands/showLog';
import { registerUploadBackup } from './commands/uploadBackup';
import { registerVerifyBackup } from './commands/verifyBackup';
import { ConnectionManager } from './connection/connectionManager';
import { Downloads } from './downloads';
import { BackupEvents, type BackupEvent } from './events';
import { EventLog } from './log';
import { PolicyCodeLens } from './policy/policyCodeLens';
import { PolicyDiagnostics } from './policy/policyDiagnostics';
import { PolicyScheduler } from './policy/scheduler';
import { PurgePreviewDocuments } from './retention/purgePreview';
import { RetentionState } from './retention/retentionState';
import { RefreshManager } from './refreshManager';
import type { Services } from './services';
import { BackupStatusBar } from './statusBar';
import { BackupStore } from './store/backupStore';
import { LedgerStore } from './store/ledgerStore';
import { PinStore } from './store/pinStore';
import { BackupsTreeProvider, type TreeNode } from './tree/backupsTreeProvider';
import { PolicyGroupNode } from './tree/policyGroupNode';
import { RetentionDecorations } from './tree/retentionDecorations';
import { BackupWarnings } from './warnings';

/** What other extensions (and tasks) get from `vscode.extensions.getExtension(...).exports`. */
export interface HaBackupsApi {
  readonly onDidBackupEvent: vscode.Event<BackupEvent>;
  /** A read-only picture of the current state. */
  snapshot(): ApiSnapshot;
}

export interface ApiSnapshot {
  connected: boolean;
  connectionSource: string | undefined;
  connectionMode: string | undefined;
  /** The URL of the connection (Supervisor or Home Assistant), normalized; never its token. */
  connectionUrl: string | undefined;
  status: string;
  error: string | undefined;
  backups: { slug: string; name: string; date: string; type: string; protected: boolean; description: string | undefined; tooltip: string; contextValue: string | undefined }[];
  running: { jobId: string; name: string }[];
  statusBar: { state: string; text: string; tooltip: string; background: string | undefined };
  /** Folder of this extension's log files (the "Home Assistant Backups" channel among them). */
  logFolder: string;
  /** The text above the Backups view (errors and warnings). */
  viewMessage: string | undefined;
  /** What keeps the policies from working as written (src/extension/warnings.ts). */
  warnings: { id: string; short: string; text: string }[];
  /** The top-level groups when the view is grouped by policy. */
  groups?: { label: string; slugs: string[] }[];
}

export async function activate(context: vscode.ExtensionContext): Promise<HaBackupsApi> {
  const started = performance.now();
  const log = new EventLog();
  const connections = new ConnectionManager(context);
  const store = new BackupStore(connections, context.globalState, (message) => log.warn(message));
  const events = new BackupEvents(log);
  const downloads = new Downloads(store, events, log);
  const ledger = new LedgerStore(context.globalState);
  void ledger.retireOldState();
  const pins = new PinStore(context.globalState);
  const retention = new RetentionState(store, ledger, pins, log);
  const previews = new PurgePreviewDocuments();
  const passwords = new BackupPasswords(context.secrets, store);
  const source = new ArchiveSource(context.globalStorageUri, store, log);
  const contents = new BackupContents(source, passwords, store, log);
  const verifier = new Verifier(source, contents, log);
  const runner = new BackupRunner(store, events, log, downloads, ledger, verifier);
  const scheduler = new PolicyScheduler(store, runner, retention, log, context.globalState);
  const tree = new BackupsTreeProvider(store, pins, retention, contents);
  const decorations = new RetentionDecorations(retention, pins, store);
  const view = vscode.window.createTreeView<TreeNode>('haBackups.backups', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: false });
  const warnings = new BackupWarnings(store, retention, scheduler, log);
  const statusBar = new BackupStatusBar(store, retention, () => scheduler.nextRun(), undefined, warnings);
  const refresher = new RefreshManager(store, view, () => {
    tree.redraw();
    statusBar.render();
  });
  const services: Services = { context, connections, store, log, runner, downloads, ledger, pins, retention, previews, scheduler, view, statusBar, warnings, contents, passwords, verifier };

  context.subscriptions.push(
    log,
    downloads,
    connections,
    store,
    events,
    runner,
    tree,
    view,
    statusBar,
    refresher,
    warnings,
    store.onDidChange(() => updateViewMessage(view, store, warnings)),
    warnings.onDidChange(() => updateViewMessage(view, store, warnings)),
    // A part that could not be opened is tried again when it is collapsed and expanded.
    view.onDidCollapseElement((e) => tree.retry(e.element)),
    retention.onDidChange(() => {
      const purgeable = retention.plan?.remove.length ?? 0;
      view.badge = purgeable ? { value: purgeable, tooltip: vscode.l10n.t('{0} backups can be purged', purgeable) } : undefined;
    }),
    registerConnect(services),
    registerDisconnect(services),
    registerRefresh(services),
    registerCreateBackup(services),
    registerCreateFullBackup(services),
    registerDeleteBackup(services),
    registerDownloadBackup(services),
    registerUploadBackup(services),
    registerRestoreBackup(services),
    ...registerPinCommands(services),
    retention,
    previews,
    decorations,
    ...registerPurgeCommands(services),
    registerCreatePolicyFile(services),
    registerRunPolicy(services),
    registerRunDuePolicies(services),
    scheduler,
    registerShowLog(services),
    contents,
    vscode.workspace.registerFileSystemProvider(BACKUP_SCHEME, new BackupFileSystem(contents), { isReadonly: true, isCaseSensitive: true }),
    registerCompareWithCurrent(services),
    registerRestoreFile(services),
    registerVerifyBackup(services),
    registerForgetBackupPasswords(services),
  );

  const policyDiagnostics = new PolicyDiagnostics();
  const policyLenses = new PolicyCodeLens(policyDiagnostics, store);
  context.subscriptions.push(
    policyDiagnostics,
    policyLenses,
    // A pattern, not a language: the add-on maps *.yaml to its own language id.
    vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: '**/*.{yaml,yml}' }, policyLenses),
  );

  const connection = await connections.load();
  log.info(connection ? `using ${connection.source === 'addon' ? 'the add-on environment' : `the stored connection (${connection.mode})`}: ${connection.url}` : 'not connected');
  scheduler.start();
  // Catch up a missed run soon after start-up, once the list is in (not during activation).
  setTimeout(() => void scheduler.tick(), 5_000);
  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);

  return {
    onDidBackupEvent: events.onDidFire,
    snapshot: () => snapshot(services, tree),
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

function updateViewMessage(view: vscode.TreeView<TreeNode>, store: BackupStore, warnings: BackupWarnings): void {
  const warned = warnings.warnings.map((w) => `⚠ ${w.text}`).join('\n');
  if (store.status === 'error') view.message = [store.error, warned].filter(Boolean).join('\n');
  else if (warned) view.message = warned;
  else if (store.status === 'loading') view.message = vscode.l10n.t('Loading backups…');
  else if (store.status === 'ready' && store.backups.length === 0) view.message = vscode.l10n.t('There are no backups yet.');
  else view.message = undefined;
  view.description = store.running.length ? vscode.l10n.t('backing up…') : undefined;
}

function snapshot(s: Services, tree: BackupsTreeProvider): ApiSnapshot {
  const item = s.statusBar.item;
  const background = item.backgroundColor instanceof vscode.ThemeColor ? item.backgroundColor.id : undefined;
  const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip ?? '');
  return {
    connected: s.connections.connection !== undefined,
    connectionSource: s.connections.connection?.source,
    connectionMode: s.connections.connection?.mode,
    connectionUrl: s.connections.connection?.url,
    status: s.store.status,
    error: s.store.error,
    backups: tree.backupNodes().map((node) => {
      const treeItem = tree.getTreeItem(node);
      return {
        slug: node.backup.slug,
        name: node.backup.name,
        date: node.backup.date,
        type: node.backup.type,
        protected: node.backup.protected,
        description: typeof treeItem.description === 'string' ? treeItem.description : undefined,
        tooltip: tree.tooltipText(node),
        contextValue: treeItem.contextValue,
      };
    }),
    running: s.store.running.map((r) => ({ jobId: r.jobId, name: r.name })),
    statusBar: { state: s.statusBar.state, text: item.text, tooltip, background },
    logFolder: s.context.logUri.fsPath,
    viewMessage: s.view.message,
    warnings: s.warnings.warnings.map((w) => ({ ...w })),
    groups: tree
      .rootNodes()
      .filter((n): n is PolicyGroupNode => n instanceof PolicyGroupNode)
      .map((g) => ({ label: g.label, slugs: g.backups.map((b) => b.slug) })),
  };
}
