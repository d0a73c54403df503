// The Auto Backup integration's options, from Home Assistant's config entries
// (`<config>/.storage/core.config_entries`, written by homeassistant/config_entries.py): the entry of
// domain `auto_backup` carries `options.auto_purge` ("Automatically delete expired backups", default
// true; custom_components/auto_backup/config_flow.py OPTIONS_SCHEMA in jcwillox/hass-auto-backup).
// With it off, the integration's expiries are only shown: the extension never purges them either.
import * as path from 'node:path';
import * as z from 'zod';
import { parseStorageFile, readStorageText } from './storageFile';

export const CONFIG_ENTRIES_STORE = path.join('.storage', 'core.config_entries');

const entriesSchema = z.object({
  data: z.object({
    entries: z.array(z.looseObject({ domain: z.string(), options: z.record(z.string(), z.unknown()).nullish(), disabled_by: z.string().nullish() })),
  }),
});

export interface AutoBackupOptions {
  /** The integration has a config entry (it is set up in this Home Assistant). */
  installed: boolean;
  /** Its "automatically delete expired backups" option; false when it is not set up or disabled. */
  autoPurge: boolean;
}

export function parseAutoBackupOptions(text: string): AutoBackupOptions {
  const parsed = parseStorageFile(text, CONFIG_ENTRIES_STORE, entriesSchema, "Home Assistant's list of config entries");
  const entry = parsed.data.entries.find((e) => e.domain === 'auto_backup');
  if (!entry) return { installed: false, autoPurge: false };
  // A disabled entry purges nothing; an option that is not a boolean is read as its default (on).
  const option = entry.options?.auto_purge;
  return { installed: true, autoPurge: !entry.disabled_by && (typeof option === 'boolean' ? option : true) };
}

/** The options in a config folder; not installed when Home Assistant has no config entries file there. */
export async function readAutoBackupOptions(configFolder: string): Promise<AutoBackupOptions> {
  const text = await readStorageText(configFolder, CONFIG_ENTRIES_STORE);
  return text === undefined ? { installed: false, autoPurge: false } : parseAutoBackupOptions(text);
}
