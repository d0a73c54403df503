// A backup that was just made, as the Supervisor lists it; from its details when the list does not
// show it (yet).
import type { Backup } from '../../core/supervisor';
import type { Connection } from '../connection/connectionManager';
import type { BackupStore } from '../store/backupStore';

export async function newBackup(store: BackupStore, connection: Connection, slug: string): Promise<Backup | undefined> {
  return store.backups.find((b) => b.slug === slug) ?? (await detailsAsBackup(connection, slug));
}

async function detailsAsBackup(connection: Connection, slug: string): Promise<Backup | undefined> {
  try {
    const d = await connection.client.backupInfo(slug);
    return {
      ...d,
      size_bytes: d.size_bytes ?? Math.round(d.size * 1024 * 1024),
      size_exact: d.size_bytes !== undefined,
      content: { homeassistant: d.homeassistant !== null, addons: d.addons.map((a) => a.slug), folders: d.folders },
    };
  } catch {
    return undefined;
  }
}
