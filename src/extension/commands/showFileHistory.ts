// Show File History in Backups: every distinct version of a config file across the backups, newest
// first, with the backups that hold it and how it differs from the file now. Pick one to compare it
// with the current file, two to compare them with each other; the item's button restores that version
// through Restore This File (its confirmation, its copy of the replaced file).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatDateTime } from '../../core/format/dates';
import { lineChange, type FileVersion } from '../../core/history';
import { backupUri } from '../browse/backupUri';
import type { HistoryOptions } from '../history/fileHistoryService';
import { configRelative } from '../policy/policyFile';
import type { Services } from '../services';
import { registerConnectedCommand } from './command';
import type { CompareResult } from './compareWithCurrent';
import type { RestoreFileResult } from './restoreFile';

export interface FileHistoryArgs extends HistoryOptions {
  /** Instead of the quick pick (tests, other commands): the versions chosen, by position, newest first. */
  pick?: number[];
  /** Restore the version at this position (through Restore This File). */
  restore?: number;
}

export interface FileHistoryResult {
  configPath: string;
  versions: { sha256: string; backups: string[]; added: number; removed: number; same: boolean }[];
  without: string[];
  skipped: { slug: string; why: string }[];
  /** Indexes built, index files read and archive reads for versions' text, in this call. */
  built: number;
  indexReads: number;
  textReads: number;
  compared?: { left: string; right: string };
  restored?: RestoreFileResult;
}

interface Described {
  version: FileVersion;
  added: number;
  removed: number;
  same: boolean;
}

export function registerShowFileHistory(s: Services): vscode.Disposable {
  return registerConnectedCommand(s, 'haBackups.showFileHistory', async (_connection, arg?: unknown, args: FileHistoryArgs = {}): Promise<FileHistoryResult | undefined> => {
    const file = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    const configPath = file ? configRelative(file) : undefined;
    if (!file || configPath === undefined) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Choose a file inside the Home Assistant config folder (the one with configuration.yaml) to see its history in backups.'),
      );
      return undefined;
    }
    const before = { indexReads: s.history.indexes.reads, textReads: s.history.textReads };
    const found = await s.history.history(configPath, args.remote ? { remote: args.remote } : {});
    if (!found) return undefined;
    const { history, skipped, built } = found;
    for (const k of skipped) s.log.info(`file history of ${configPath}: left out ${k.slug}: ${k.why}`);
    const current = currentText(file);
    const described: Described[] = [];
    for (const version of history.versions) {
      const text = await s.history.text(configPath, version);
      const change = current === undefined ? { added: 0, removed: text.split('\n').length } : lineChange(text, current);
      described.push({ version, ...change, same: current === text });
    }
    const result: FileHistoryResult = {
      configPath,
      versions: described.map((d) => ({ sha256: d.version.sha256, backups: d.version.backups.map((b) => b.slug), added: d.added, removed: d.removed, same: d.same })),
      without: history.without.map((b) => b.slug),
      skipped,
      built,
      indexReads: s.history.indexes.reads - before.indexReads,
      textReads: s.history.textReads - before.textReads,
    };
    if (!described.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No backup holds {0}.', configPath));
      return result;
    }
    if (args.restore !== undefined) {
      const d = described[args.restore];
      if (d) result.restored = await restoreVersion(configPath, d.version);
      return result;
    }
    const chosen = args.pick ? args.pick.map((i) => described[i]).filter((d): d is Described => d !== undefined) : await pickVersions(s, configPath, described, result);
    if (chosen?.length) result.compared = await compare(s, configPath, chosen);
    return result;
  });
}

/** The file as the person sees it now: the editor's text when it is open, else the disk's. */
function currentText(file: vscode.Uri): string | undefined {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
  if (open) return open.getText();
  try {
    return fs.readFileSync(file.fsPath, 'utf8');
  } catch {
    return undefined;
  }
}

function uriOf(configPath: string, version: FileVersion): vscode.Uri {
  return backupUri(version.backups[0]!.slug, 'homeassistant', `data/${configPath}`);
}

function restoreVersion(configPath: string, version: FileVersion): Thenable<RestoreFileResult | undefined> {
  return vscode.commands.executeCommand<RestoreFileResult | undefined>('haBackups.restoreFile', uriOf(configPath, version));
}

async function compare(s: Services, configPath: string, chosen: Described[]): Promise<{ left: string; right: string } | undefined> {
  if (chosen.length === 1) {
    const r = await vscode.commands.executeCommand<CompareResult | undefined>('haBackups.compareWithCurrent', uriOf(configPath, chosen[0]!.version));
    return r ?? undefined;
  }
  // Older on the left, as a diff reads.
  const [newer, older] = [...chosen.slice(0, 2)].sort((a, b) => Date.parse(b.version.backups[0]!.date) - Date.parse(a.version.backups[0]!.date)) as [Described, Described];
  const left = uriOf(configPath, older.version);
  const right = uriOf(configPath, newer.version);
  const when = (d: Described) => formatDateTime(new Date(d.version.backups[0]!.date), s.store.timeZone);
  const title = vscode.l10n.t('{0} ({1} ↔ {2})', path.posix.basename(configPath), when(older), when(newer));
  await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
  return { left: left.toString(), right: right.toString() };
}

/** The quick pick: Enter compares the chosen versions (one: with the current file); the button restores one. */
function pickVersions(s: Services, configPath: string, described: Described[], result: FileHistoryResult): Promise<Described[] | undefined> {
  type Item = vscode.QuickPickItem & { d: Described };
  const restoreButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('discard'), tooltip: vscode.l10n.t('Restore This Version…') };
  const backupsIn = described.reduce((n, d) => n + d.version.backups.length, 0);
  const items: Item[] = described.map((d) => {
    const newest = d.version.backups[0]!;
    const others = d.version.backups.slice(1).map((b) => b.name || b.slug);
    return {
      d,
      label: `$(history) ${formatDateTime(new Date(newest.date), s.store.timeZone)} · ${newest.name || newest.slug}`,
      description: d.same ? vscode.l10n.t('same as now') : vscode.l10n.t('+{0} −{1} lines compared with now', d.added, d.removed),
      detail: others.length ? vscode.l10n.t('also in {0} older backups: {1}', others.length, others.join(', ')) : undefined,
      buttons: [restoreButton],
    };
  });
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = vscode.l10n.t('History of {0}: {1} versions in {2} backups', configPath, described.length, backupsIn);
  pick.placeholder = vscode.l10n.t('Enter compares a version with the current file; select two to compare them with each other');
  pick.canSelectMany = true;
  pick.matchOnDescription = true;
  pick.items = items;
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: Described[] | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      pick.dispose();
    };
    pick.onDidAccept(() => {
      const selected = pick.selectedItems.length ? pick.selectedItems : pick.activeItems.slice(0, 1);
      finish(selected.map((i) => i.d));
    });
    let restoring = false;
    pick.onDidTriggerItemButton((e) => {
      restoring = true;
      pick.hide();
      void restoreVersion(configPath, e.item.d.version).then((r) => {
        result.restored = r;
        finish([]);
      });
    });
    pick.onDidHide(() => !restoring && finish(undefined));
    pick.show();
  });
}
