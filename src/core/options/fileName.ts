// File names: the one Auto Backup gives a downloaded copy, and the one we ask the Supervisor to use.
import { format } from 'date-fns';
import { pythonSlugify } from './slugify';
import { zonedDate } from './template';

/** What the Supervisor accepts as `filename` (RE_BACKUP_FILENAME in home-assistant/supervisor supervisor/api/backups.py). */
export const SUPERVISOR_FILENAME_PATTERN = /^[^\\/]+\.tar$/;

/**
 * Auto Backup's name for a downloaded copy (jcwillox/hass-auto-backup
 * custom_components/auto_backup/manager.py AutoBackup.async_download_backup @faaddd1c):
 * `slugify(name, lowercase=False, separator="_") + ".tar"`, or `<slug>.tar` when nothing is left of
 * the name. The seed also falls back to `<slug>.tar` when the file exists; that check belongs to
 * the caller.
 */
export function downloadFileName(name: string, slug: string): string {
  const base = pythonSlugify(name, '_');
  return `${base || slug}.tar`;
}

/** Long names are cut so that the whole file name stays well under the usual 255-byte limit. */
const MAX_NAME_PART = 120;

/**
 * The `filename` sent to the Supervisor: the name slugified as for downloads, then the local date and
 * time to the millisecond, e.g. `Nightly_2025-01-06_14.03.07.250.tar`. Core sends something similar
 * (`<name> 2025-01-06 14.03 07123456.tar` with spaces turned into `_`, microseconds included); we slugify
 * the name instead because the file may land on a CIFS/NFS mount, where `:` `?` `*` `"` and friends are
 * not safe. Name first, like Core, so one policy's backups sort together and then by date. Seconds alone
 * did not keep two backups of one name apart: the Supervisor refuses the second ("file already exists").
 */
export function supervisorFileName(name: string, date: Date, timeZone?: string | null): string {
  const base = pythonSlugify(name, '_').slice(0, MAX_NAME_PART).replace(/_+$/, '') || 'backup';
  const stamp = format(zonedDate(date, timeZone).date, 'yyyy-MM-dd_HH.mm.ss.SSS');
  return `${base}_${stamp}.tar`;
}
