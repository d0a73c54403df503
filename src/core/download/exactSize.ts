// The size a download of a backup must have, to check it against: the Supervisor's exact byte count of
// that copy, or nothing when it gave only an estimate (older Supervisors list sizes in MB).
import type { Backup, Location } from '../supervisor';

/** `location` undefined: the backup's primary copy. Every copy is the same file. */
export function exactSizeOf(backup: Backup, location?: Location): number | undefined {
  const key = location === undefined ? (backup.locations[0] ?? '.local') : (location ?? '.local');
  return backup.location_attributes?.[key]?.size_bytes ?? (backup.size_exact === false ? undefined : backup.size_bytes);
}
