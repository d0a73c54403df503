// Backup events, fired for other extensions and tasks (exported from activate) and logged.
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
}

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
      duration: data.durationSeconds === undefined ? undefined : `${data.durationSeconds.toFixed(1)}s`,
      error: data.error,
      ...extra,
    });
    this.emitter.fire(event);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
