// Upload Backup: a .tar from disk to one or more backup locations, after a modal confirmation.
// A file that is not a backup gets the Supervisor's answer, explained. An uploaded backup is never
// deleted by retention (it is not in the ledger, whatever its `extra` says), and the dialog says so.
import { openAsBlob, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readBackupJson, type BackupJson } from '../../core/archive/backupJson';
import { readExtraTag } from '../../core/options';
import { formatSize } from '../../core/format/size';
import { FILENAME_SINCE, supervisorAtLeast, type Location } from '../../core/supervisor';
import type { Connection } from '../connection/connectionManager';
import { describeError } from '../errors';
import { locationLabel } from '../format';
import type { Services } from '../services';
import { askLocations } from '../pickers/pickLocation';
import { registerConnectedCommand } from './command';

export interface UploadArgs {
  file?: string;
  locations?: Location[];
}

export interface UploadResult {
  slug?: string;
  error?: string;
}

export function registerUploadBackup(s: Services): vscode.Disposable {
  return registerConnectedCommand(s, 'haBackups.uploadBackup', async (connection, args?: UploadArgs): Promise<UploadResult | undefined> => {
    const file = args?.file ?? (await askFile());
    if (!file) return undefined;
    const locations = args?.locations ?? (await askLocations(s, { title: vscode.l10n.t('Upload to'), preselectLocal: true }));
    if (!locations) return undefined;
    const checked = await check(s, file, locations);
    if (!('meta' in checked)) return checked;
    const { meta } = checked;
    // Supervisors that take a file name get a new one, so the upload cannot land on an existing file.
    const filename = supervisorAtLeast(s.store.supervisorVersion, FILENAME_SINCE) ? uploadFileName(file, meta.slug) : undefined;
    if (!(await confirmUpload(file, meta, locations, filename))) return undefined;
    // Whatever was recorded about a backup with this slug is not about this upload.
    await s.ledger.forget(connection.url, [meta.slug]);
    return upload(s, connection, file, locations, filename);
  });
}

/**
 * What refuses the upload before anything is sent: a chosen location that is down, a file that is
 * not a backup, the same backup already in a chosen location. Otherwise the backup's own description.
 */
async function check(s: Services, file: string, locations: Location[]): Promise<{ meta: BackupJson } | UploadResult> {
  const down = await downMounts(s, locations);
  if (down.length) {
    const error = vscode.l10n.t('The backup location {0} is not available (state: {1}). Choose another one.', down[0]!.name, down[0]!.state ?? '?');
    s.log.warn(`upload of ${JSON.stringify(path.basename(file))} refused: ${error}`);
    void vscode.window.showErrorMessage(error);
    return { error };
  }
  let meta: BackupJson;
  try {
    meta = await readBackupJson(file);
  } catch (e) {
    const error = vscode.l10n.t('"{0}" cannot be uploaded: {1}', path.basename(file), e instanceof Error ? e.message : String(e));
    void vscode.window.showErrorMessage(error);
    return { error };
  }
  // The same backup already there: uploading could only replace its file.
  const existing = s.store.backups.find((b) => b.slug === meta.slug);
  const already = existing ? locations.filter((l) => existing.locations.includes(l === '.local' ? null : l)) : [];
  if (already.length) {
    const error = vscode.l10n.t('The backup "{0}" ({1}) is already in {2}; nothing was uploaded.', meta.name || meta.slug, meta.slug, already.map(locationLabel).join(', '));
    void vscode.window.showWarningMessage(error);
    return { error, slug: meta.slug };
  }
  return { meta };
}

/** The modal confirmation: the file, its size, the locations, the backup inside it and where it came from. */
async function confirmUpload(file: string, meta: BackupJson, locations: Location[], filename: string | undefined): Promise<boolean> {
  const size = statSync(file).size;
  const action = vscode.l10n.t('Upload');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Upload "{0}" ({1}) to {2}?', path.basename(file), formatSize(size), locations.map(locationLabel).join(', ')),
    {
      modal: true,
      detail: [
        vscode.l10n.t('Backup "{0}" ({1}) of {2}.', meta.name || meta.slug, meta.slug, meta.date),
        filename ? vscode.l10n.t('It is stored as {0}; no existing file is replaced.', filename) : vscode.l10n.t('This Supervisor stores it as {0}.tar.', meta.slug),
        origin(meta),
      ].join('\n'),
    },
    action,
  );
  return answer === action;
}

/** Sends the file with a cancellable progress, then waits for the list to show it. */
async function upload(s: Services, connection: Connection, file: string, locations: Location[], filename: string | undefined): Promise<UploadResult> {
  try {
    const slug = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Uploading "{0}"…', path.basename(file)), cancellable: true },
      async (_progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const blob = await openAsBlob(file);
        return connection.client.uploadBackup({ fileName: path.basename(file), blob }, { locations, filename, signal: abort.signal });
      },
    );
    s.log.info(`uploaded ${JSON.stringify(path.basename(file))} as backup ${slug} to [${locations.map(locationLabel).join(', ')}]`);
    await s.store.refreshUntil((list) => list.some((b) => b.slug === slug));
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Uploaded backup {0}.', slug), 5000);
    return { slug };
  } catch (e) {
    const reason = describeError(e, connection.url);
    // The file passed the same backup.json check the Supervisor makes, so its generic error is about storing it.
    const error = /Unknown error, see Supervisor logs/.test(reason)
      ? vscode.l10n.t('Upload of "{0}" failed: the Supervisor could not store it, for example because its disk is full ({1}).', path.basename(file), reason)
      : vscode.l10n.t('Upload of "{0}" failed: {1}', path.basename(file), reason);
    s.log.error(error);
    void vscode.window.showErrorMessage(error);
    return { error };
  }
}

/** Where the backup came from, if it says, and that retention will leave it alone. */
function origin(meta: BackupJson): string {
  const { policy, keepDays } = readExtraTag(meta.extra);
  const madeBy =
    policy !== undefined
      ? vscode.l10n.t('It was made by the policy "{0}".', policy)
      : keepDays !== undefined
        ? vscode.l10n.t('It was made with keep_days {0}.', keepDays)
        : undefined;
  const kept = vscode.l10n.t('An uploaded backup is never deleted by retention or a policy: only when you delete it.');
  return madeBy ? `${madeBy} ${kept}` : kept;
}

async function askFile(): Promise<string | undefined> {
  const uris = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { [vscode.l10n.t('Home Assistant backups')]: ['tar'] },
    openLabel: vscode.l10n.t('Upload'),
    title: vscode.l10n.t('Upload Backup'),
  });
  return uris?.[0]?.fsPath;
}

async function downMounts(s: Services, locations: Location[]): Promise<{ name: string; state?: string | null }[]> {
  const names = locations.filter((l): l is string => l !== null && l !== '.local');
  if (!names.length) return [];
  const mounts = (await s.store.connection?.client.mounts().catch(() => undefined))?.mounts ?? [];
  return mounts.filter((m) => names.includes(m.name) && m.state !== 'active');
}

/** `<local name>_<slug>_<timestamp>.tar`, within what the Supervisor accepts (`^[^\\/]+\.tar$`). */
function uploadFileName(file: string, slug: string): string {
  const base =
    path
      .basename(file, '.tar')
      .replace(/[^\w.-]+/g, '_')
      .slice(0, 80) || 'backup';
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${base}_${slug}_${stamp}.tar`;
}
