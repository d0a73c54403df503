// Delete Backup: one or many (multi-select), after one modal confirmation that names every backup.
// A backup that is already gone counts as deleted; a failure deletes nothing else by surprise.
import * as vscode from 'vscode';
import { formatDateTime } from '../../core/format/dates';
import type { Backup } from '../../core/supervisor';
import { describeError } from '../errors';
import { locationLabel } from '../format';
import type { Services } from '../services';
import type { BackupNode } from '../tree/backupNode';
import { remainsNote } from '../locations/copies';
import { describeUnavailable, unavailableBackupMounts } from '../locations/unavailableMounts';
import { pickBackup } from '../pickers/pickBackup';
import { selectedBackups } from '../targets/selectedBackups';
import { registerConnectedCommand } from './command';

export interface DeleteResult {
  deleted: string[];
  alreadyGone: string[];
  failed: { slug: string; error: string }[];
}

export function registerDeleteBackup(s: Services): vscode.Disposable {
  return registerConnectedCommand(s, 'haBackups.deleteBackup', async (connection, node?: BackupNode, selected?: BackupNode[]): Promise<DeleteResult | undefined> => {
    const chosen = selectedBackups(node, selected);
    const targets = chosen.length ? chosen : await pickBackup(s, vscode.l10n.t('Delete Backups'), true);
    if (!targets?.length) return undefined;
    // The list's entry (a tree node or an argument may be older): its copies are what the dialog names.
    if (
      !(await confirm(
        targets.map((b) => s.store.backups.find((x) => x.slug === b.slug) ?? b),
        s.store.timeZone,
      ))
    )
      return undefined;

    const result: DeleteResult = { deleted: [], alreadyGone: [], failed: [] };
    for (const b of targets) {
      try {
        const outcome = await connection.client.deleteBackup(b.slug);
        (outcome === 'deleted' ? result.deleted : result.alreadyGone).push(b.slug);
      } catch (e) {
        result.failed.push({ slug: b.slug, error: describeError(e, connection.url) });
      }
    }
    const removed = [...result.deleted, ...result.alreadyGone];
    // A deleted backup is forgotten: nothing recorded about it may apply to a later one with its slug.
    await s.ledger.forget(connection.url, removed);
    const label = (slug: string) => {
      const name = targets.find((b) => b.slug === slug)?.name;
      return name ? `"${name}" (${slug})` : slug;
    };
    if (removed.length) {
      const names = targets.filter((b) => removed.includes(b.slug)).map((b) => b.name || b.slug);
      s.events.fire('purged_backups', { backups: removed }, { names, trigger: 'manual' });
    }
    // Copies on a backup mount that is down are invisible to the Supervisor, so they were not deleted.
    const down = removed.length ? await unavailableBackupMounts(connection) : undefined;
    const leftBehind = down?.length
      ? vscode.l10n.t(
          'Deleted {0}, but {1} is not available: copies stored there were not deleted and come back with it.',
          removed.map(label).join(', '),
          describeUnavailable(down),
        )
      : undefined;
    if (leftBehind) s.log.warn(leftBehind);
    for (const f of result.failed) s.log.error(`could not delete backup ${f.slug}: ${f.error}`);
    if (result.failed.length) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          'Could not delete {0}: {1} {2}',
          result.failed.map((f) => label(f.slug)).join(', '),
          result.failed[0]?.error ?? '',
          remainsNote(targets.find((b) => b.slug === result.failed[0]?.slug)),
        ),
      );
    } else if (leftBehind) {
      void vscode.window.showWarningMessage(leftBehind);
    }
    await s.store.refreshUntil((list) => !list.some((b) => removed.includes(b.slug)));
    return result;
  });
}

async function confirm(targets: Backup[], timeZone: string | null): Promise<boolean> {
  const copies = (b: Backup) => ((b.locations?.length ?? 0) > 1 ? `; ${vscode.l10n.t('copies: {0}', b.locations.map(locationLabel).join(', '))}` : '');
  const lines = targets.map((b) => `• ${b.name || b.slug} (${b.slug}, ${formatDateTime(new Date(b.date), timeZone)}${copies(b)})`);
  const message =
    targets.length === 1 ? vscode.l10n.t('Delete the backup "{0}"?', targets[0]?.name || targets[0]?.slug || '') : vscode.l10n.t('Delete {0} backups?', targets.length);
  const detail = `${lines.join('\n')}\n\n${vscode.l10n.t('Every copy (all locations) is deleted. This cannot be undone.')}`;
  const action = vscode.l10n.t('Delete');
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
}
