// What Home Assistant's backup manager cannot do on a Core or Container install, said before anything
// starts, naming the option and the install type (backup/manager.py async_initiate_backup: add-ons and
// folders need a Supervisor, Home Assistant is always included; every archive is compressed).
import type { NewPartialBackupOptions } from '../../supervisor';

const ON_CORE = 'on a Home Assistant Core or Container install';

/** Why a backup with these options cannot be made there; null when it can. */
export function refusalOf(options: NewPartialBackupOptions, partial: boolean): string | null {
  if (options.compressed === false) return `compressed: false cannot be honoured ${ON_CORE}: Home Assistant always compresses its backups`;
  if (partial && (options.addons === 'ALL' || (options.addons?.length ?? 0) > 0))
    return `add-ons (${options.addons === 'ALL' ? 'all' : (options.addons as string[]).join(', ')}) cannot be backed up ${ON_CORE}: add-ons exist only on Home Assistant OS and Supervised`;
  if (partial && (options.folders?.length ?? 0) > 0)
    return `folders (${(options.folders ?? []).join(', ')}) cannot be backed up ${ON_CORE}: only Home Assistant's configuration is backed up there`;
  if (partial && options.homeassistant === false) return `a backup without Home Assistant cannot be made ${ON_CORE}: its configuration is always included`;
  return null;
}

/** Why a restore of these parts cannot be done there; null when it can. */
export function refusalOfRestore(parts: { homeassistant: boolean; addons: string[]; folders: string[] }): string | null {
  if (parts.addons.length) return `add-ons (${parts.addons.join(', ')}) cannot be restored ${ON_CORE}`;
  if (parts.folders.length) return `folders (${parts.folders.join(', ')}) cannot be restored ${ON_CORE}`;
  if (!parts.homeassistant) return `nothing to restore: ${ON_CORE} only Home Assistant's configuration (with its database) can be restored`;
  return null;
}
