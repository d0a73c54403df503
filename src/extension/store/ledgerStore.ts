// The ledger (src/core/deletion/ledger.ts) of each Home Assistant instance, in VS Code's global state:
// what this extension recorded about the backups it made. Entries are written when a backup succeeds
// and dropped when a list shows the backup gone, when it is deleted, or when a copy of it is uploaded.
import * as vscode from 'vscode';
import type { LedgerEntry } from '../../core/deletion';

const KEY = 'haBackups.ledger';
/** Earlier versions kept expiries and owners by slug alone; such state cannot be bound to a backup. */
const RETIRED_KEYS = ['haBackups.expiries', 'haBackups.policyOwners'];

type Everything = Record<string, LedgerEntry[]>;

export class LedgerStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after every change: what retention may delete follows the ledger at once. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: vscode.Memento) {}

  entries(instance: string): LedgerEntry[] {
    return this.memento.get<Everything>(KEY)?.[instance] ?? [];
  }

  /** Adds (or replaces) the entry of `entry.slug`. */
  async record(instance: string, entry: LedgerEntry): Promise<void> {
    await this.update(instance, (entries) => [...entries.filter((e) => e.slug !== entry.slug), entry]);
  }

  async forget(instance: string, slugs: readonly string[]): Promise<void> {
    if (!slugs.length) return;
    await this.update(instance, (entries) => entries.filter((e) => !slugs.includes(e.slug)));
  }

  /** Removes exactly these entries (an entry written meanwhile for the same slug stays). */
  async drop(instance: string, dropped: readonly LedgerEntry[]): Promise<void> {
    if (!dropped.length) return;
    const gone = new Set(dropped.map((e) => `${e.slug}@${e.recordedAt}`));
    await this.update(instance, (entries) => entries.filter((e) => !gone.has(`${e.slug}@${e.recordedAt}`)));
  }

  /** Drops state that earlier versions kept by slug alone. */
  async retireOldState(): Promise<void> {
    for (const key of RETIRED_KEYS) if (this.memento.get(key) !== undefined) await this.memento.update(key, undefined);
  }

  private async update(instance: string, change: (entries: LedgerEntry[]) => LedgerEntry[]): Promise<void> {
    const everything = this.memento.get<Everything>(KEY) ?? {};
    await this.memento.update(KEY, { ...everything, [instance]: change(everything[instance] ?? []) });
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
