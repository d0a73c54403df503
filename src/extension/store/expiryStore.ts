// When backups made with `keep_days` expire, per Home Assistant instance. The expiry is stamped when
// the backup succeeds (as Auto Backup does) and kept in VS Code's global state, so the retention
// work can purge exactly these backups and nothing else.
import type * as vscode from 'vscode';

export interface Expiry {
  /** ISO-8601 instant after which the backup may be purged (strictly after, as Auto Backup). */
  expires: string;
  /** Absent for expiries the Auto Backup integration set (its store keeps only the date). */
  keepDays?: number;
  source?: 'auto_backup';
}

const KEY = 'haBackups.expiries';

export class ExpiryStore {
  constructor(private readonly memento: vscode.Memento) {}

  get(instance: string, slug: string): Expiry | undefined {
    return this.all(instance)[slug];
  }

  all(instance: string): Record<string, Expiry> {
    return this.memento.get<Record<string, Record<string, Expiry>>>(KEY)?.[instance] ?? {};
  }

  async set(instance: string, slug: string, keepDays: number, succeededAt: Date): Promise<Expiry> {
    const expiry: Expiry = { expires: new Date(succeededAt.getTime() + keepDays * 86_400_000).toISOString(), keepDays };
    const everything = this.memento.get<Record<string, Record<string, Expiry>>>(KEY) ?? {};
    await this.memento.update(KEY, { ...everything, [instance]: { ...everything[instance], [slug]: expiry } });
    return expiry;
  }

  /** Forgets the expiries of backups that are gone (deleted, or already gone). */
  async remove(instance: string, slugs: readonly string[]): Promise<void> {
    const everything = this.memento.get<Record<string, Record<string, Expiry>>>(KEY) ?? {};
    const mine = { ...everything[instance] };
    for (const slug of slugs) delete mine[slug];
    await this.memento.update(KEY, { ...everything, [instance]: mine });
  }
}
