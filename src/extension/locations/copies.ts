// A backup's copies, one per location (this system, backup mounts): which one is protected, and what
// a delete that failed part-way may have left of them.
import * as vscode from 'vscode';
import type { Backup, Location } from '../../core/supervisor';

/** Whether the copy of `backup` in `location` (undefined = primary) is password protected. */
export function isProtectedAt(backup: Backup, location: Location | undefined): boolean {
  const key = location === undefined ? (backup.locations[0] ?? '.local') : (location ?? '.local');
  return backup.location_attributes?.[key ?? '.local']?.protected ?? backup.protected;
}

/** What a failed delete may have left: the Supervisor stops at the first copy it cannot delete. */
export function remainsNote(backup: Backup | undefined): string {
  const copies = backup?.locations ?? [];
  if (copies.length < 2) return '';
  return vscode.l10n.t('Some of its copies ({0}) may remain; the Backups view shows what is left.', copies.map((l) => l ?? vscode.l10n.t('local')).join(', '));
}
