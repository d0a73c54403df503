// The Auto Backup integration's events on Home Assistant's event bus, for the backups and purges this
// extension makes: `auto_backup.backup_start {name}`, `backup_successful {name, slug}`, `backup_failed
// {name, error}`, `purged_backups {backups}` — the data fields the integration fires
// (custom_components/auto_backup/manager.py), so automations written for it (a phone notification on
// failure) keep working. Only where the connection reaches Home Assistant; `haBackups.homeAssistantEvents`
// turns it off. A failure to fire is logged once per connection, never shown: the backup itself is fine.
import * as vscode from 'vscode';
import { describeError } from './errors';
import { autoBackupEventOf } from '../core/autoBackup/events';
import type { BackupEvent, BackupEvents } from './events';
import type { EventLog } from './log';
import type { BackupStore } from './store/backupStore';

export class HomeAssistantEventBridge implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;
  /** Connections (URLs) where firing failed: said once in the log. */
  private readonly failedOn = new Set<string>();

  constructor(
    events: BackupEvents,
    private readonly store: BackupStore,
    private readonly log: EventLog,
  ) {
    this.subscription = events.onDidFire((e) => void this.forward(e));
  }

  private async forward(e: BackupEvent): Promise<void> {
    const connection = this.store.connection;
    const event = autoBackupEventOf(e);
    if (!event || !connection?.client.fireEvent || !vscode.workspace.getConfiguration('haBackups').get<boolean>('homeAssistantEvents', true)) return;
    try {
      await connection.client.fireEvent(event.type, event.data);
    } catch (err) {
      if (this.failedOn.has(connection.url)) return;
      this.failedOn.add(connection.url);
      this.log.warn(`could not fire ${event.type} on Home Assistant's event bus (said once): ${describeError(err, connection.url)}`);
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
