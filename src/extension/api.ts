// What other extensions (and tasks) get from `vscode.extensions.getExtension(...).exports`.
import type * as vscode from 'vscode';
import type { BackupEvent } from './events';

export interface HaBackupsApi {
  readonly onDidBackupEvent: vscode.Event<BackupEvent>;
}
