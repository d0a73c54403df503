// Pinned backups, per Home Assistant instance: retention never deletes them (a manual Delete still
// can). Kept in VS Code's global state, like the expiries.
import type * as vscode from 'vscode';

const KEY = 'haBackups.pins';

export class PinStore {
  constructor(private readonly memento: vscode.Memento) {}

  pinned(instance: string): Set<string> {
    return new Set(this.memento.get<Record<string, string[]>>(KEY)?.[instance] ?? []);
  }

  isPinned(instance: string, slug: string): boolean {
    return this.pinned(instance).has(slug);
  }

  async set(instance: string, slugs: string[], pinned: boolean): Promise<void> {
    const all = this.memento.get<Record<string, string[]>>(KEY) ?? {};
    const current = new Set(all[instance] ?? []);
    for (const slug of slugs) {
      if (pinned) current.add(slug);
      else current.delete(slug);
    }
    await this.memento.update(KEY, { ...all, [instance]: [...current].sort() });
  }

  /**
   * Pins made under any connection: the same Home Assistant can be reached under several URLs
   * (http://supervisor in the add-on, its own address on a desktop), and a pin must hold for all.
   */
  pinnedAnywhere(): Set<string> {
    return new Set(Object.values(this.memento.get<Record<string, string[]>>(KEY) ?? {}).flat());
  }
}
