// The Auto Backup integration's record of expiries:
// `<config>/.storage/auto_backup.snapshots_expiry` (jcwillox/hass-auto-backup
// custom_components/auto_backup/manager.py AutoBackup.__init__, its Store, @faaddd1c):
// {"version":1, "key":"auto_backup.snapshots_expiry", "data": {slug: ISO}}. Reading it lets the
// extension show (and later purge) what the integration tracks.
import * as path from 'node:path';
import * as z from 'zod';
import { parseStorageFile, readStorageText } from './storageFile';

export const AUTO_BACKUP_STORE = path.join('.storage', 'auto_backup.snapshots_expiry');

const storeSchema = z.object({
  key: z.literal('auto_backup.snapshots_expiry'),
  data: z.record(z.string(), z.string()),
});

export interface AutoBackupExpiries {
  /** slug → expiry; entries whose date does not parse are left out (and listed in `invalid`). */
  expiries: Map<string, Date>;
  invalid: string[];
}

export function parseAutoBackupStore(text: string): AutoBackupExpiries {
  const store = parseStorageFile(text, AUTO_BACKUP_STORE, storeSchema, 'an Auto Backup store');
  const expiries = new Map<string, Date>();
  const invalid: string[] = [];
  for (const [slug, iso] of Object.entries(store.data)) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) invalid.push(slug);
    else expiries.set(slug, date);
  }
  return { expiries, invalid };
}

/** Reads the store in a Home Assistant config folder; undefined when the integration has none. */
export async function readAutoBackupStore(configFolder: string): Promise<AutoBackupExpiries | undefined> {
  const text = await readStorageText(configFolder, AUTO_BACKUP_STORE);
  return text === undefined ? undefined : parseAutoBackupStore(text);
}
