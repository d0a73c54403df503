// Backup mounts that are down. The Supervisor neither lists nor deletes the copies stored on them, so
// a delete while one is down leaves those copies, and they come back with the mount.
import * as vscode from 'vscode';
import type { Connection } from '../connection/connectionManager';

export interface UnavailableMount {
  name: string;
  state: string;
}

/** The backup mounts that are not active; undefined when the mounts cannot be read (a backup-role token). */
export async function unavailableBackupMounts(connection: Connection): Promise<UnavailableMount[] | undefined> {
  const mounts = await connection.client.mounts().catch(() => undefined);
  return mounts?.mounts.filter((m) => m.usage === 'backup' && m.state !== 'active').map((m) => ({ name: m.name, state: m.state ?? '?' }));
}

/** "the backup location nas (state: failed)", for messages. */
export function describeUnavailable(mounts: UnavailableMount[]): string {
  return mounts.map((m) => vscode.l10n.t('{0} (state: {1})', m.name, m.state)).join(', ');
}
