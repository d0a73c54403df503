// Which policy's purge of Home Assistant's automatic backups a person confirmed once, per Home
// Assistant instance (src/core/deletion/plan.ts: the first purge of adopted backups asks). Bound to
// the connection's address, not to "anywhere" like pins: a consent to delete is not carried over to
// another address; there it is asked again.
import * as vscode from 'vscode';
import type { AutomaticSeen } from '../../core/deletion';

const KEY = 'haBackups.automaticAdopted';
const SEEN_KEY = 'haBackups.automaticSeen';

type Adopted = Record<string, Record<string, string>>;

export class AdoptionStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: vscode.Memento) {}

  /** The policies adopted on `instance`. */
  adopted(instance: string): Set<string> {
    return new Set(Object.keys(this.memento.get<Adopted>(KEY)?.[instance] ?? {}));
  }

  async adopt(instance: string, policy: string, at: Date): Promise<void> {
    const all = this.memento.get<Adopted>(KEY) ?? {};
    if (all[instance]?.[policy]) return;
    await this.memento.update(KEY, { ...all, [instance]: { ...all[instance], [policy]: at.toISOString() } });
    this.changed.fire();
  }

  /** The automatic backups last listed on `instance`, and those a list showed gone (src/core/deletion/automaticSeen.ts). */
  seen(instance: string): AutomaticSeen {
    return this.memento.get<Record<string, AutomaticSeen>>(SEEN_KEY)?.[instance] ?? { seen: [], gone: [] };
  }

  async setSeen(instance: string, seen: AutomaticSeen): Promise<void> {
    const all = this.memento.get<Record<string, AutomaticSeen>>(SEEN_KEY) ?? {};
    if (JSON.stringify(all[instance]) === JSON.stringify(seen)) return;
    await this.memento.update(SEEN_KEY, { ...all, [instance]: seen });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
