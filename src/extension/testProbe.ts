// What the extension's integration tests (test/integration/support/extensionApi.ts) read of its
// inside: a read-only picture of the state (the connection, the backups as the view shows them, the
// status bar, the log folder), and a way to reveal a row of the Backups view. Exported by activate()
// only when the extension runs in Test mode (extensionTestsPath set), never to other extensions.
import * as vscode from 'vscode';
import { parseBackupUri } from './browse/backupUri';
import type { RunResult } from './runner/runResult';
import type { Services } from './services';
import type { BackupsView } from './tree/backupsView';
import { PolicyGroupNode } from './tree/policyGroupNode';

export interface ApiSnapshot {
  connected: boolean;
  connectionSource: string | undefined;
  connectionMode: string | undefined;
  /** `supervisor` or `home_assistant` (Core's backup manager on a Core or Container install). */
  backupSystem: string | undefined;
  /** The URL of the connection (Supervisor or Home Assistant), normalized; never its token. */
  connectionUrl: string | undefined;
  status: string;
  error: string | undefined;
  backups: {
    slug: string;
    name: string;
    date: string;
    type: string;
    protected: boolean;
    description: string | undefined;
    tooltip: string;
    contextValue: string | undefined;
  }[];
  running: { jobId: string; name: string }[];
  statusBar: { state: string; text: string; tooltip: string; background: string | undefined };
  /** Folder of this extension's log files (the "Home Assistant Backups" channel among them). */
  logFolder: string;
  /** The text above the Backups view (errors and warnings). */
  viewMessage: string | undefined;
  /** The text beside the Backups view's title (a backup running; Home Assistant's next automatic backup on a Core install). */
  viewDescription: string | undefined;
  /** What keeps the policies from working as written (src/extension/warnings.ts). */
  warnings: { id: string; short: string; text: string }[];
  /** The top-level groups when the view is grouped by policy. */
  groups?: { label: string; slugs: string[] }[];
  /** The ids of the rows selected in the Backups view. */
  selection: string[];
}

export interface TestProbe {
  /** A read-only picture of the current state. */
  snapshot(): ApiSnapshot;
  /** Reveals and selects the row of a backup, a part or a file (`ha-backup://<slug>/<part>/<path>`); resolves with the row's id. */
  reveal(address: string): Promise<string>;
  /** What the safety net did about the session's first edit; a backup it started is waited for. */
  safetyNet(): Promise<{ kind: string; file: string; files?: string[]; result?: RunResult } | undefined>;
  /** Disposes all the extension set up (as when its host stops), runs `whileStopped`, then activates it again. */
  restart?: (whileStopped: () => Promise<void>) => Promise<void>;
}

export function testProbe(s: Services, backupsView: BackupsView): TestProbe {
  return {
    snapshot: () => snapshot(s, backupsView),
    reveal: (address) => reveal(backupsView, address),
    safetyNet: async () => {
      const last = s.safetyNet.last;
      if (last?.kind !== 'started') return last;
      return { kind: last.kind, file: last.file, files: last.files, result: await last.result };
    },
  };
}

async function reveal({ tree, view }: BackupsView, address: string): Promise<string> {
  const node = await tree.nodeAt(parseBackupUri(vscode.Uri.parse(address)));
  if (!node) throw new Error(`the Backups view has no row for ${address}`);
  await view.reveal(node, { select: true, focus: true });
  return tree.getTreeItem(node).id ?? '';
}

function snapshot(s: Services, { tree, view }: BackupsView): ApiSnapshot {
  const item = s.statusBar.item;
  const background = item.backgroundColor instanceof vscode.ThemeColor ? item.backgroundColor.id : undefined;
  const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip ?? '');
  return {
    connected: s.connections.connection !== undefined,
    connectionSource: s.connections.connection?.source,
    connectionMode: s.connections.connection?.mode,
    backupSystem: s.connections.connection?.system,
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
    viewMessage: view.message,
    viewDescription: view.description,
    warnings: s.warnings.warnings.map((w) => ({ ...w })),
    groups: tree
      .rootNodes()
      .filter((n): n is PolicyGroupNode => n instanceof PolicyGroupNode)
      .map((g) => ({ label: g.label, slugs: g.backups.map((b) => b.slug) })),
    selection: view.selection.map((node) => tree.getTreeItem(node).id ?? ''),
  };
}
