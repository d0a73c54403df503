// Choosing which copy of a backup to use when it is stored in several locations.
import * as vscode from 'vscode';
import { formatSize } from '../../core/format/size';
import type { Backup, Location } from '../../core/supervisor';
import { locationLabel } from '../format';

/** Whether the copy of `backup` in `location` (undefined = primary) is password protected. */
export function isProtectedAt(backup: Backup, location: Location | undefined): boolean {
  const key = location === undefined ? (backup.locations[0] ?? '.local') : (location ?? '.local');
  return backup.location_attributes?.[key ?? '.local']?.protected ?? backup.protected;
}

/** Asks only when there are several copies (`location` undefined = the primary); undefined = cancelled. */
export async function pickLocation(backup: Backup, title: string): Promise<{ location: Location | undefined } | undefined> {
  if (backup.locations.length < 2) return { location: undefined };
  const pick = await vscode.window.showQuickPick(
    backup.locations.map((location) => {
      const attrs = backup.location_attributes?.[location ?? '.local'];
      const protectedText = isProtectedAt(backup, location) ? vscode.l10n.t('password protected') : vscode.l10n.t('not protected');
      return { label: locationLabel(location), description: attrs ? `${formatSize(attrs.size_bytes)} · ${protectedText}` : protectedText, location };
    }),
    { title, placeHolder: vscode.l10n.t('The backup has copies in several locations') },
  );
  return pick ? { location: pick.location } : undefined;
}
