// The Auto Backup integration's record of expiries:
// `<config>/.storage/auto_backup.snapshots_expiry` (jcwillox/hass-auto-backup
// custom_components/auto_backup/manager.py AutoBackup.__init__, its Store, @faaddd1c):
// {"version":1, "key":"auto_backup.snapshots_expiry", "data": {slug: ISO}}. Reading it lets the
// extension show (and later purge) what the integration tracks.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as z from 'zod';

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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${AUTO_BACKUP_STORE} is not valid JSON`);
  }
  const parsed = storeSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${AUTO_BACKUP_STORE} is not an Auto Backup store`);
  const expiries = new Map<string, Date>();
  const invalid: string[] = [];
  for (const [slug, iso] of Object.entries(parsed.data.data)) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) invalid.push(slug);
    else expiries.set(slug, date);
  }
  return { expiries, invalid };
}

/** Reads the store in a Home Assistant config folder; undefined when the integration has none. */
export async function readAutoBackupStore(configFolder: string): Promise<AutoBackupExpiries | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(configFolder, AUTO_BACKUP_STORE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return parseAutoBackupStore(text);
}
