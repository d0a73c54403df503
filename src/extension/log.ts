// The "Home Assistant Backups" log channel. Backup events use the Auto Backup integration's event
// names so that people who know it can read the log; each event is one line of `key=value` pairs.
import * as vscode from 'vscode';

export type BackupEventName = 'backup_start' | 'backup_successful' | 'backup_failed' | 'purged_backups' | 'download_successful' | 'download_failed';

export type EventFields = Record<string, string | number | boolean | string[] | undefined>;

export class EventLog implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor(name = 'Home Assistant Backups') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  event(name: BackupEventName, fields: EventFields): void {
    const line = `${name} ${formatFields(fields)}`.trim();
    if (name.endsWith('_failed')) this.channel.error(line);
    else this.channel.info(line);
  }

  /** Decisions worth a line only when someone looks (Developer: Set Log Level… → Debug). */
  debug(message: string): void {
    this.channel.debug(message);
  }

  info(message: string): void {
    this.channel.info(message);
  }

  warn(message: string): void {
    this.channel.warn(message);
  }

  error(message: string): void {
    this.channel.error(message);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

export function formatFields(fields: EventFields): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.map(quote).join(',')}]` : quote(String(v))}`)
    .join(' ');
}

function quote(value: string): string {
  return /^[\w.:/+-]+$/.test(value) ? value : JSON.stringify(value);
}
