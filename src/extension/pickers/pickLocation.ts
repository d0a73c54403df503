// Choosing locations: which copy of a backup to read when it is stored in several, and where a new one is written.
import * as vscode from 'vscode';
import { formatSize } from '../../core/format/size';
import type { Backup, Location } from '../../core/supervisor';
import { locationLabel } from '../format';
import { isProtectedAt } from '../locations/copies';
import type { Services } from '../services';

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

/**
 * Backup locations to write to: this system plus every backup mount. Mounts that are down are listed
 * (so the choice is visible) but refused, naming the mount, and the user picks again.
 */
export async function askLocations(s: Services, options: { title: string; placeHolder?: string; preselectLocal?: boolean }): Promise<Location[] | undefined> {
  const mounts = (await s.store.connection?.client.mounts().catch(() => undefined))?.mounts.filter((m) => m.usage === 'backup') ?? [];
  for (;;) {
    const picked = await vscode.window.showQuickPick(
      [
        { label: locationLabel(null), location: null as Location, state: 'active', picked: options.preselectLocal === true },
        ...mounts.map((m) => ({
          label: m.name,
          description: m.state === 'active' ? m.server : vscode.l10n.t('not available ({0})', m.state ?? '?'),
          location: m.name,
          state: m.state ?? '?',
          picked: false,
        })),
      ],
      { canPickMany: true, title: options.title, placeHolder: options.placeHolder },
    );
    if (!picked?.length) return undefined;
    const down = picked.find((p) => p.state !== 'active');
    if (!down) return picked.map((p) => p.location);
    await vscode.window.showErrorMessage(vscode.l10n.t('The backup location {0} is not available (state: {1}). Choose another one.', down.label, down.state), { modal: true });
  }
}
