// Undo My Edits Since…: the config files that changed since a backup (a safety-net backup first in
// the list), shown together in a multi-file diff (backup ↔ now), then the chosen ones written back
// after one confirmation, each the safe way (writeConfigFile: never over unsaved edits, the current
// version copied first). Files added since the backup are not touched.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IndexedFile } from '../../core/archive/contentIndex';
import { configRelativePath } from '../../core/browse';
import { formatDateTime } from '../../core/format/dates';
import type { Backup } from '../../core/supervisor';
import { backupUri } from '../browse/backupUri';
import { writeConfigFile } from '../browse/writeConfigFile';
import type { HistoryOptions } from '../history/fileHistoryService';
import { configFolder } from '../policy/policyFile';
import type { Services } from '../services';
import { BackupNode } from '../tree/backupNode';
import { registerConnectedCommand } from './command';

export interface UndoEditsArgs extends HistoryOptions {
  /** The backup (slug) instead of the pick. */
  backup?: string;
  /** The files (relative to the config folder) to restore instead of the pick. */
  files?: string[];
}

export interface UndoEditsResult {
  backup: string;
  /** Config files that differ from the backup now (changed, or deleted since). */
  changed: string[];
  restored: string[];
  /** Where the replaced versions were copied. */
  previous: string[];
  failed: { file: string; error: string }[];
}

/** Files that are Home Assistant's own state or too big to be edits: never offered. */
function isEditable(rel: string, size: number): boolean {
  return size <= 1024 * 1024 && !rel.startsWith('.storage/') && !/(^|\/)home-assistant_v2\.db|\.log(\.\d+)?$|\.db(-wal|-shm)?$/.test(rel);
}

export function registerUndoEditsSince(s: Services): vscode.Disposable {
  return registerConnectedCommand(s, 'haBackups.undoEditsSince', async (_connection, arg?: unknown, args: UndoEditsArgs = {}): Promise<UndoEditsResult | undefined> => {
    const root = configFolder()?.uri.fsPath;
    if (!root) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open the Home Assistant config folder (the one with configuration.yaml) to restore files into it.'));
      return undefined;
    }
    const backup = arg instanceof BackupNode ? arg.backup : args.backup ? s.store.backups.find((b) => b.slug === args.backup) : await pickBackup(s);
    if (!backup) return undefined;
    const index = await s.history.indexFor(backup, args.remote ? { remote: args.remote } : {});
    if (!index) return undefined;
    const changed = await changedSince(root, index.files);
    const result: UndoEditsResult = { backup: backup.slug, changed: changed.map((c) => c.rel), restored: [], previous: [], failed: [] };
    const name = backup.name || backup.slug;
    if (!changed.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No file of the configuration changed since "{0}".', name));
      return result;
    }
    const when = formatDateTime(new Date(backup.date), s.store.timeZone);
    const diffs = changed.map((c) => [
      vscode.Uri.file(path.join(root, c.rel)),
      backupUri(backup.slug, 'homeassistant', `data/${c.rel}`),
      vscode.Uri.file(path.join(root, c.rel)),
    ]);
    await vscode.commands.executeCommand('vscode.changes', vscode.l10n.t('Changes since "{0}" ({1})', name, when), diffs);
    const files = args.files ?? (await pickFiles(changed.map((c) => c.rel)));
    if (!files?.length) return result;
    const action = vscode.l10n.t('Restore');
    const choice = await vscode.window.showWarningMessage(
      files.length === 1 ? vscode.l10n.t('Restore {0} as it was in "{1}"?', files[0]!, name) : vscode.l10n.t('Restore {0} files as they were in "{1}"?', files.length, name),
      { modal: true, detail: `${files.map((f) => `• ${f}`).join('\n')}\n\n${vscode.l10n.t('The current versions are copied first, so this can be undone.')}` },
      action,
    );
    if (choice !== action) return result;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    for (const rel of files) {
      try {
        const bytes = await s.contents.read(backup, 'homeassistant', `data/${rel}`);
        const written = await writeConfigFile(s.context.globalStorageUri, root, rel, bytes, stamp);
        result.restored.push(rel);
        if (written.previous) result.previous.push(written.previous);
        s.log.info(`undo edits: restored ${rel} from backup ${backup.slug}${written.previous ? `; the replaced version is kept at ${written.previous}` : ''}`);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        result.failed.push({ file: rel, error });
        s.log.error(`undo edits: ${rel} was not restored: ${error}`);
      }
    }
    if (result.failed.length) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t('{0} of {1} files were not restored: {2}', result.failed.length, files.length, result.failed.map((f) => `${f.file}: ${f.error}`).join('; ')),
      );
    } else if (result.restored.length === 1) void vscode.window.showInformationMessage(vscode.l10n.t('{0} restored from "{1}".', result.restored[0]!, name));
    else void vscode.window.showInformationMessage(vscode.l10n.t('{0} files restored from "{1}".', result.restored.length, name));
    return result;
  });
}

/** Files of the backup's configuration that differ from the config folder now (or are gone from it). */
async function changedSince(root: string, files: readonly IndexedFile[]): Promise<{ rel: string; deleted: boolean }[]> {
  const changed: { rel: string; deleted: boolean }[] = [];
  for (const f of files) {
    const rel = configRelativePath('homeassistant', f.path);
    if (rel === undefined || !isEditable(rel, f.size)) continue;
    const now = await fs.promises.readFile(path.join(root, ...rel.split('/'))).catch(() => undefined);
    if (!now) changed.push({ rel, deleted: true });
    else if (createHash('sha256').update(now).digest('hex') !== f.sha256) changed.push({ rel, deleted: false });
  }
  return changed.sort((a, b) => a.rel.localeCompare(b.rel));
}

async function pickBackup(s: Services): Promise<Backup | undefined> {
  const withConfig = s.store.backups.filter((b) => b.content.homeassistant);
  const safety = (b: Backup) => s.retention.ledgerEntryOf(b.slug)?.safetyNet;
  // Safety-net backups first, each group newest first.
  const ordered = [...withConfig].sort((a, b) => Number(!safety(a)) - Number(!safety(b)) || Date.parse(b.date) - Date.parse(a.date));
  const picked = await vscode.window.showQuickPick(
    ordered.map((b) => ({
      label: `${safety(b) ? '$(shield)' : '$(archive)'} ${b.name || b.slug}`,
      description: formatDateTime(new Date(b.date), s.store.timeZone),
      detail: safety(b) ? vscode.l10n.t('safety net: {0}', safety(b)!.join(', ')) : undefined,
      backup: b,
    })),
    { title: vscode.l10n.t('Undo My Edits Since…'), placeHolder: vscode.l10n.t('The backup to go back to') },
  );
  return picked?.backup;
}

async function pickFiles(changed: string[]): Promise<string[] | undefined> {
  const picked = await vscode.window.showQuickPick(
    changed.map((label) => ({ label })),
    { canPickMany: true, title: vscode.l10n.t('Files to restore'), placeHolder: vscode.l10n.t('The changes are open in the editor; choose the files to put back') },
  );
  return picked?.map((p) => p.label);
}
