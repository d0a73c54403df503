// Restore Backup: full or partial (Home Assistant config, add-ons, folders), from the chosen copy,
// with the password when that copy is protected, after a modal confirmation that lists what will be
// overwritten. The job is followed through its stages; cancelling stops the wait, not the restore.
import * as vscode from 'vscode';
import { isSupervisorError, JobLostError, waitForJob, type Backup, type BackupDetails, type Location } from '../../core/supervisor';
import type { Connection } from '../connection/connectionManager';
import { describeError } from '../errors';
import { formatDateTime } from '../../core/format/dates';
import { folderLabel, locationLabel } from '../format';
import { stageLabel } from '../jobStages';
import type { Services } from '../services';
import type { BackupNode } from '../tree/backupNode';
import { isProtectedAt } from '../locations/copies';
import { pickBackup } from '../pickers/pickBackup';
import { pickLocation } from '../pickers/pickLocation';
import { registerConnectedCommand } from './command';

export interface RestoreArgs {
  kind?: 'full' | 'partial';
  homeassistant?: boolean;
  addons?: string[];
  folders?: string[];
  location?: Location;
  password?: string;
}

export interface RestoreResult {
  status: 'succeeded' | 'failed' | 'still_running';
  jobId?: string;
  error?: string;
}

interface Selection {
  kind: 'full' | 'partial';
  homeassistant: boolean;
  addons: string[];
  folders: string[];
}

export function registerRestoreBackup(s: Services): vscode.Disposable {
  return registerConnectedCommand(
    s,
    'haBackups.restoreBackup',
    async (connection, node?: BackupNode, _selected?: BackupNode[], args?: RestoreArgs): Promise<RestoreResult | undefined> => {
      const chosen0 = node?.backup ?? (await pickBackup(s, vscode.l10n.t('Restore Backup')))?.[0];
      if (!chosen0) return undefined;
      // The tree node may be older than the list: decide protection and locations on the current entry.
      const backup = s.store.backups.find((b) => b.slug === chosen0.slug) ?? chosen0;
      const details = await s.store.details(backup.slug);
      const selection = args?.kind ? fromArgs(args, backup) : await askSelection(backup, details);
      if (!selection) return undefined;
      const chosen = args && 'location' in args ? { location: args.location } : await pickLocation(backup, vscode.l10n.t('Restore "{0}" from', backup.name || backup.slug));
      if (!chosen) return undefined;
      const { location } = chosen;
      let password: string | undefined;
      if (isProtectedAt(backup, location)) {
        password =
          args?.password ??
          (await vscode.window.showInputBox({
            title: vscode.l10n.t('Restore "{0}"', backup.name || backup.slug),
            prompt: vscode.l10n.t('This backup is password protected. Enter its password (or Home Assistant’s backup encryption key).'),
            password: true,
            ignoreFocusOut: true,
          }));
        if (!password) return undefined;
      }
      if (!(await confirm(s, backup, details, selection, location))) return undefined;

      const name = backup.name || backup.slug;
      s.log.info(`restore_start name=${JSON.stringify(name)} slug=${backup.slug} kind=${selection.kind}`);
      let jobId: string;
      try {
        const common = { password: password ?? null, ...(location === undefined ? {} : { location }) };
        jobId =
          selection.kind === 'full'
            ? await connection.client.startFullRestore(backup.slug, common)
            : await connection.client.startPartialRestore(backup.slug, {
                ...common,
                homeassistant: selection.homeassistant,
                addons: selection.addons,
                folders: selection.folders,
              });
      } catch (e) {
        const wrongPassword = isSupervisorError(e) && /^Invalid password for backup/.test(e.message);
        const error = wrongPassword ? vscode.l10n.t('The password is wrong for backup "{0}".', name) : describeError(e, connection.url);
        return failed(s, name, error);
      }
      return follow(s, connection, name, jobId);
    },
  );
}

function fromArgs(args: RestoreArgs, backup: Backup): Selection {
  return {
    kind: args.kind ?? 'partial',
    homeassistant: args.homeassistant ?? (args.kind === 'full' && backup.content.homeassistant),
    addons: args.addons ?? [],
    folders: args.folders ?? [],
  };
}

async function askSelection(backup: Backup, details: BackupDetails | undefined): Promise<Selection | undefined> {
  if (backup.type === 'full') {
    const kind = await vscode.window.showQuickPick(
      [
        {
          label: vscode.l10n.t('Full restore'),
          detail: vscode.l10n.t('Home Assistant, every add-on and folder in the backup; add-ons not in it are removed.'),
          mode: 'full' as const,
        },
        { label: vscode.l10n.t('Partial restore'), detail: vscode.l10n.t('Choose the parts to restore.'), mode: 'partial' as const },
      ],
      { title: vscode.l10n.t('Restore "{0}"', backup.name || backup.slug) },
    );
    if (!kind) return undefined;
    if (kind.mode === 'full') return { kind: 'full', homeassistant: true, addons: [], folders: [] };
  }
  type Part = vscode.QuickPickItem & { part: 'homeassistant' | 'addon' | 'folder'; id: string };
  const parts: Part[] = [];
  if (backup.content.homeassistant) {
    const version = details?.homeassistant ? ` ${details.homeassistant}` : '';
    parts.push({ label: `$(home) ${vscode.l10n.t('Home Assistant configuration')}${version}`, part: 'homeassistant', id: 'homeassistant' });
  }
  for (const slug of backup.content.addons) {
    const addon = details?.addons.find((a) => a.slug === slug);
    parts.push({ label: `$(extensions) ${addon?.name ?? slug}`, description: addon?.version ?? undefined, detail: slug, part: 'addon', id: slug });
  }
  for (const folder of backup.content.folders) parts.push({ label: `$(folder) ${folderLabel(folder)}`, part: 'folder', id: folder });
  const picked = await vscode.window.showQuickPick(parts, { canPickMany: true, title: vscode.l10n.t('Parts of "{0}" to restore', backup.name || backup.slug) });
  if (!picked?.length) return undefined;
  return {
    kind: 'partial',
    homeassistant: picked.some((p) => p.part === 'homeassistant'),
    addons: picked.filter((p) => p.part === 'addon').map((p) => p.id),
    folders: picked.filter((p) => p.part === 'folder').map((p) => p.id),
  };
}

async function confirm(s: Services, backup: Backup, details: BackupDetails | undefined, sel: Selection, location: Location | undefined): Promise<boolean> {
  const lines: string[] = [];
  const full = sel.kind === 'full';
  const from = location === undefined ? (backup.locations[0] ?? null) : location;
  lines.push(vscode.l10n.t('Backup {0} of {1}, from {2}.', backup.slug, formatDateTime(new Date(backup.date), s.store.timeZone), locationLabel(from)), '');
  if (full ? backup.content.homeassistant : sel.homeassistant) lines.push(`• ${vscode.l10n.t('Home Assistant configuration (Home Assistant restarts)')}`);
  const addonName = (slug: string) => details?.addons.find((a) => a.slug === slug)?.name ?? slug;
  for (const slug of full ? backup.content.addons : sel.addons) lines.push(`• ${vscode.l10n.t('Add-on {0}', addonName(slug))}`);
  for (const folder of full ? backup.content.folders : sel.folders) lines.push(`• ${folderLabel(folder)}`);
  if (full) lines.push('', vscode.l10n.t('Installed add-ons that are not in the backup are removed.'));
  const restartsEditor = s.store.connection?.source === 'addon' && (full || sel.addons.some((a) => a.endsWith('_vscode')));
  if (restartsEditor) lines.push('', vscode.l10n.t('This VS Code runs in the Studio Code Server add-on, which is stopped and restarted by this restore.'));
  const action = vscode.l10n.t('Restore');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Restore "{0}"? This overwrites:', backup.name || backup.slug),
    { modal: true, detail: lines.join('\n') },
    action,
  );
  return answer === action;
}

function follow(s: Services, connection: Connection, name: string, jobId: string): Thenable<RestoreResult> {
  const intervalMs = vscode.workspace.getConfiguration('haBackups').get<number>('jobPollIntervalMilliseconds') ?? 1000;
  let current = vscode.l10n.t('started');
  const finished = waitForJob(connection.client, jobId, {
    intervalMs,
    // A restore of Home Assistant restarts Core; through Core the connection drops, and Core answers
    // oddly while it starts. Only a refused token means the wait is pointless.
    tolerateErrorsForMs: 15 * 60_000,
    isTransient: (e) => e.kind !== 'token_rejected' && e.kind !== 'unauthorized' && e.kind !== 'forbidden_role',
    onUpdate: (job) => {
      if (job.stage) current = stageLabel(job.stage, 'restore');
    },
  }).then(
    (outcome): RestoreResult => {
      if (outcome.failed) return failed(s, name, outcome.error ?? vscode.l10n.t('unknown error'), jobId);
      for (const w of outcome.warnings) s.log.warn(`restore of "${name}" finished with a warning: ${w}`);
      s.log.info(`restore_successful name=${JSON.stringify(name)} job=${jobId}`);
      if (outcome.warnings.length) void vscode.window.showWarningMessage(vscode.l10n.t('Restore of "{0}" finished, but: {1}', name, outcome.warnings.join('; ')));
      else void vscode.window.showInformationMessage(vscode.l10n.t('Restore of "{0}" finished.', name));
      return { status: 'succeeded', jobId };
    },
    (e: unknown): RestoreResult => {
      if (!(e instanceof JobLostError)) return failed(s, name, describeError(e, connection.url), jobId);
      s.log.warn(`restore of "${name}": ${e.message}`);
      void vscode.window.showWarningMessage(vscode.l10n.t('Lost track of the restore of "{0}"; Home Assistant may still be restoring. Check it before trying again.', name));
      return { status: 'still_running', jobId };
    },
  );
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Restoring "{0}"', name), cancellable: true },
    (progress, token) =>
      new Promise<RestoreResult>((resolve) => {
        const timer = setInterval(() => progress.report({ message: current }), 500);
        void finished.then((r) => {
          clearInterval(timer);
          resolve(r);
        });
        token.onCancellationRequested(() => {
          clearInterval(timer);
          s.log.info(`stopped waiting for restore job ${jobId}; it goes on`);
          resolve({ status: 'still_running', jobId });
        });
      }),
  );
}

function failed(s: Services, name: string, error: string, jobId?: string): RestoreResult {
  s.log.error(`restore_failed name=${JSON.stringify(name)} error=${JSON.stringify(error)}${jobId ? ` job=${jobId}` : ''}`);
  void vscode.window.showErrorMessage(vscode.l10n.t('Restore of "{0}" failed: {1}', name, error));
  return { status: 'failed', jobId, error };
}
