// Restore This File: writes one config file from a backup into the config folder, after a modal
// confirmation. The current version is copied first (to the extension's storage, offered back in
// the notification and the log); links are never followed and nothing is written outside the
// config folder (src/core/browse/restoreTarget.ts).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { keepCopy, resolveRestoreTarget, RestoreRefusedError, writeRestoredFile } from '../../core/browse';
import { formatDateTime } from '../../core/format/dates';
import { hasUnsavedChanges } from '../browse/writeConfigFile';
import { configFolder } from '../policy/policyFile';
import type { Services } from '../services';
import { backupFileTarget, notAConfigFile } from '../targets/backupFileTarget';
import { registerConnectedCommand } from './command';

export interface RestoreFileResult {
  status: 'restored' | 'cancelled' | 'refused' | 'failed';
  target?: string;
  /** Where the replaced version was copied. */
  previous?: string;
  error?: string;
}

export function registerRestoreFile(s: Services): vscode.Disposable {
  return registerConnectedCommand(s, 'haBackups.restoreFile', async (_connection, arg?: unknown, options?: { password?: string }): Promise<RestoreFileResult> => {
    const t = backupFileTarget(s, arg);
    const problem = notAConfigFile(t);
    const folder = configFolder();
    if (problem || !t?.configPath || !folder) {
      const message = problem ?? vscode.l10n.t('Open the Home Assistant config folder (the one with configuration.yaml) to restore files into it.');
      void vscode.window.showWarningMessage(message);
      return { status: 'refused', error: message };
    }
    const root = folder.uri.fsPath;
    const rel = t.configPath;
    const name = t.backup.name || t.backup.slug;
    try {
      const where = await resolveRestoreTarget(root, rel);
      const unsaved = unsavedChangesRefusal(rel, where.target);
      if (unsaved) return unsaved;
      const action = vscode.l10n.t('Restore');
      const detail = [
        vscode.l10n.t('From: {0} ({1}, {2})', name, t.backup.slug, formatDateTime(new Date(t.backup.date), s.store.timeZone)),
        vscode.l10n.t('To: {0}', where.target),
        where.exists ? vscode.l10n.t('The current file is copied first, so this can be undone.') : vscode.l10n.t('The file does not exist now; it will be created.'),
      ].join('\n');
      const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Restore {0} from the backup?', rel), { modal: true, detail }, action);
      if (choice !== action) return { status: 'cancelled', target: where.target };

      const bytes = await s.contents.read(t.backup, t.partId, t.path, options?.password !== undefined ? { password: options.password } : {});
      // Checked again after the dialog and the read (a fetch can take minutes): the file may have been
      // edited, or it or its folders changed, meanwhile.
      const late = unsavedChangesRefusal(rel, where.target);
      if (late) return late;
      const now = await resolveRestoreTarget(root, rel);
      let previous: string | undefined;
      if (now.exists) {
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        previous = path.join(s.context.globalStorageUri.fsPath, 'replaced-files', stamp, ...rel.split('/'));
        await keepCopy(now.target, previous);
      }
      await writeRestoredFile(now, bytes, 0o644);
      s.log.info(`restored ${rel} from backup ${t.backup.slug} into ${where.target}${previous ? `; the replaced version is kept at ${previous}` : ''}`);
      const compare = vscode.l10n.t('Compare with Replaced Version');
      void vscode.window
        .showInformationMessage(vscode.l10n.t('{0} restored from "{1}".', rel, name), ...(previous ? [compare] : []))
        .then((c) =>
          c === compare && previous
            ? vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(previous), vscode.Uri.file(where.target), vscode.l10n.t('{0} (replaced) ↔ restored', rel))
            : undefined,
        );
      return { status: 'restored', target: where.target, previous };
    } catch (e) {
      if (e instanceof vscode.CancellationError) return { status: 'cancelled' };
      const reason = e instanceof Error ? e.message : String(e);
      const message = vscode.l10n.t('{0} was not restored: {1}', rel, reason);
      s.log.error(message);
      void vscode.window.showErrorMessage(message);
      return { status: e instanceof RestoreRefusedError ? 'refused' : 'failed', error: message };
    }
  });
}

/** A refusal when an editor holds unsaved changes of the target. */
function unsavedChangesRefusal(rel: string, target: string): RestoreFileResult | undefined {
  if (!hasUnsavedChanges(target)) return undefined;
  const message = vscode.l10n.t('{0} has unsaved changes. Save or revert them first; nothing was restored.', rel);
  void vscode.window.showWarningMessage(message);
  return { status: 'refused', target, error: message };
}
