// The parts a command needs, created once in activate().
import type * as vscode from 'vscode';
import type { BackupRunner } from './runner/backupRunner';
import type { BackupContents } from './browse/backupContents';
import type { BackupPasswords } from './browse/backupPasswords';
import type { Verifier } from './browse/verifier';
import type { ConnectionManager } from './connection/connectionManager';
import type { Downloads } from './downloads';
import type { EventLog } from './log';
import type { PolicyScheduler } from './policy/scheduler';
import type { PurgePreviewDocuments } from './retention/purgePreview';
import type { RetentionState } from './retention/retentionState';
import type { BackupStatusBar } from './statusBar';
import type { BackupStore } from './store/backupStore';
import type { LedgerStore } from './store/ledgerStore';
import type { PinStore } from './store/pinStore';
import type { TreeNode } from './tree/backupsTreeProvider';
import type { BackupWarnings } from './warnings';

export interface Services {
  context: vscode.ExtensionContext;
  connections: ConnectionManager;
  store: BackupStore;
  log: EventLog;
  runner: BackupRunner;
  downloads: Downloads;
  ledger: LedgerStore;
  pins: PinStore;
  retention: RetentionState;
  previews: PurgePreviewDocuments;
  scheduler: PolicyScheduler;
  view: vscode.TreeView<TreeNode>;
  statusBar: BackupStatusBar;
  warnings: BackupWarnings;
  contents: BackupContents;
  passwords: BackupPasswords;
  verifier: Verifier;
}
