// Backup events: logged (one line each, Auto Backup's names), fired for other extensions and tasks
// (exported from activate), and shown as notifications as the `haBackups.notifications` setting says.
import * as vscode from 'vscode';
import type { BackupEventName, EventFields, EventLog } from './log';

export interface BackupEvent {
  type: BackupEventName;
  at: string;
  name?: string;
  slug?: string;
  error?: string;
  durationSeconds?: number;
  backups?: string[];
  path?: string;
  bytes?: number;
}

export type NotificationLevel = 'failures' | 'all' | 'none';

export class BackupEvents implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<BackupEvent>();
  readonly onDidFire = this.emitter.event;

  constructor(private readonly log: EventLog) {}

  fire(type: BackupEventName, data: Omit<BackupEvent, 'type' | 'at'>, extra: EventFields = {}): void {
    const event: BackupEvent = { type, at: new Date().toISOString(), ...data };
    this.log.event(type, {
      name: data.name,
      slug: data.slug,
      backups: data.backups,
      path: data.path,
      bytes: data.bytes,
      duration: data.durationSeconds === undefined ? undefined : `${data.durationSeconds.toFixed(1)}s`,
      error: data.error,
      ...extra,
    });
    this.emitter.fire(event);
    this.notify(event);
  }

  private notify(e: BackupEvent): void {
    const level = vscode.workspace.getConfiguration('haBackups').get<NotificationLevel>('notifications') ?? 'failures';
    const failure = e.type.endsWith('_failed');
    if (level === 'none' || (!failure && level !== 'all')) return;
    const text = messageFor(e);
    if (!text) return;
    if (!failure) {
      void vscode.window.showInformationMessage(text);
      return;
    }
    const showLog = vscode.l10n.t('Show Log');
    void vscode.window.showErrorMessage(text, showLog).then((choice) => {
      if (choice === showLog) this.log.channel.show();
    });
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

function messageFor(e: BackupEvent): string | undefined {
  const name = e.name ?? e.slug ?? '';
  switch (e.type) {
    case 'backup_successful':
      return vscode.l10n.t('Backup "{0}" finished.', name);
    case 'backup_failed':
      return vscode.l10n.t('Backup "{0}" failed: {1}', name, e.error ?? '');
    case 'purged_backups':
      return vscode.l10n.t('Deleted {0} backup(s).', e.backups?.length ?? 0);
    case 'download_successful':
      return vscode.l10n.t('Downloaded "{0}" to {1}.', name, e.path ?? '');
    case 'download_failed':
      return vscode.l10n.t('Download of "{0}" failed: {1}', name, e.error ?? '');
    default:
      // backup_start: the progress notification already shows it.
      return undefined;
  }
}
