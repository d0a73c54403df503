// Which policy made which backup, per Home Assistant instance. The backup's own `extra` says it too
// (Supervisor >= 2024.12), but the backup list does not show `extra` and older Supervisors have none,
// so the extension also keeps its own record of the backups its policies made.
import type * as vscode from 'vscode';

const KEY = 'haBackups.policyOwners';

export class PolicyOwnerStore {
  constructor(private readonly memento: vscode.Memento) {}

  all(instance: string): Record<string, string> {
    return this.memento.get<Record<string, Record<string, string>>>(KEY)?.[instance] ?? {};
  }

  async set(instance: string, slug: string, policy: string): Promise<void> {
    const everything = this.memento.get<Record<string, Record<string, string>>>(KEY) ?? {};
    await this.memento.update(KEY, { ...everything, [instance]: { ...everything[instance], [slug]: policy } });
  }
}
