// Folder names as Auto Backup accepts them (jcwillox/hass-auto-backup
// custom_components/auto_backup/const.py DEFAULT_BACKUP_FOLDERS, manager.py
// AutoBackup.ensure_folder_slugs @faaddd1c), matched case-insensitively, plus the Supervisor's own
// ids. Unlike the seed, an unknown name is reported instead of being sent on (the Supervisor would
// reject the whole request with 400), and the result has no duplicates.
import { caseFold } from './addons';

/** The Supervisor's folder ids; `homeassistant` stands for the Home Assistant configuration (`homeassistant: true`). */
export type BackupFolder = 'homeassistant' | 'share' | 'addons/local' | 'ssl' | 'media';

/** Everything a full backup holds besides add-ons, in the Supervisor's order. */
export const ALL_BACKUP_FOLDERS: readonly BackupFolder[] = ['homeassistant', 'share', 'addons/local', 'ssl', 'media'];

const FOLDER_ALIASES: ReadonlyMap<string, BackupFolder> = new Map([
  ['ssl', 'ssl'],
  ['share', 'share'],
  ['media', 'media'],
  ['addons', 'addons/local'],
  ['local add-ons', 'addons/local'],
  ['addons/local', 'addons/local'],
  ['config', 'homeassistant'],
  ['home assistant configuration', 'homeassistant'],
  ['homeassistant', 'homeassistant'],
]);

/** The names a user may write, for error messages. */
export const FOLDER_NAMES_HELP = 'ssl, share, media, addons (local add-ons), config (Home Assistant configuration)';

export interface ResolvedFolders {
  /** Folder ids in the order first requested, each once. */
  folders: BackupFolder[];
  /** Requested names that are no folder, as written. */
  unknown: string[];
}

export function resolveFolders(requested: readonly string[]): ResolvedFolders {
  const folders = new Set<BackupFolder>();
  const unknown: string[] = [];
  for (const name of requested) {
    const folder = FOLDER_ALIASES.get(caseFold(name));
    if (folder) folders.add(folder);
    else if (!unknown.includes(name)) unknown.push(name);
  }
  return { folders: [...folders], unknown };
}
