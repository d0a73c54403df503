// Create Backup…: every option of Auto Backup's `auto_backup.backup` in one place. A summary list
// shows each option with its current value (sensible defaults, so Enter on "Create backup" is
// enough); choosing an option edits it and comes back. Called with a backup request object (the same
// one policy files will use), it validates it and runs it without asking.
import * as vscode from 'vscode';
import { parseBackupRequest, type BackupRequestInput } from '../../core/options';
import type { Location } from '../../core/supervisor';
import type { RunResult } from '../runner/runResult';
import { folderLabel, locationLabel } from '../format';
import type { Services } from '../services';
import { askName } from '../pickers/askBackupName';
import { askLocations } from '../pickers/pickLocation';
import { registerConnectedCommand } from './command';

type Content = { kind: 'full' } | { kind: 'partial'; addons: string[]; folders: string[] } | { kind: 'exclusions'; addons: string[]; folders: string[] };

type Encryption = { kind: 'none' } | { kind: 'key' } | { kind: 'password'; password: string };

interface Draft {
  name?: string;
  content: Content;
  locations?: Location[];
  encryption: Encryption;
  excludeDatabase: boolean;
  compressed: boolean;
  keepDays: number | null;
  downloadPaths: string[];
}

/** Folder ids as Auto Backup's aliases accept them; `config` is the Home Assistant configuration. */
const FOLDERS = ['config', 'share', 'ssl', 'media', 'addons/local'] as const;

export function registerCreateBackup(s: Services): vscode.Disposable {
  return registerConnectedCommand(s, 'haBackups.createBackup', async (_connection, request?: BackupRequestInput): Promise<RunResult | undefined> => {
    if (request !== undefined) {
      const parsed = parseBackupRequest(request);
      if (!parsed.success) {
        const message = vscode.l10n.t('The backup options are not valid: {0}', parsed.errors.join('; '));
        s.log.error(message);
        void vscode.window.showErrorMessage(message);
        return { status: 'invalid', name: '', errors: parsed.errors };
      }
      return s.runner.create(request);
    }
    const draft = await edit(s, {
      content: { kind: 'full' },
      encryption: { kind: 'none' },
      excludeDatabase: false,
      compressed: true,
      keepDays: null,
      downloadPaths: [],
    });
    return draft ? s.runner.create(toRequest(draft)) : undefined;
  });
}

export function toRequest(d: Draft): BackupRequestInput {
  const request: BackupRequestInput = { compressed: d.compressed };
  if (d.name) request.name = d.name;
  if (d.content.kind === 'partial') request.include = { addons: d.content.addons, folders: d.content.folders };
  if (d.content.kind === 'exclusions') request.exclude = { addons: d.content.addons, folders: d.content.folders };
  if (d.locations?.length) request.location = d.locations.length === 1 ? d.locations[0] : d.locations;
  if (d.encryption.kind === 'key') request.encrypted = true;
  if (d.encryption.kind === 'password') request.password = d.encryption.password;
  if (d.excludeDatabase) request.exclude_database = true;
  if (d.keepDays !== null) request.keep_days = d.keepDays;
  if (d.downloadPaths.length) request.download_path = d.downloadPaths;
  return request;
}

type Field = 'create' | 'name' | 'content' | 'locations' | 'encryption' | 'database' | 'compression' | 'keep' | 'download';

async function edit(s: Services, draft: Draft): Promise<Draft | undefined> {
  for (;;) {
    const items: (vscode.QuickPickItem & { field?: Field })[] = [
      { label: `$(play) ${vscode.l10n.t('Create backup')}`, description: contentText(draft.content, s), field: 'create' },
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: `$(tag) ${vscode.l10n.t('Name')}`, description: draft.name ?? vscode.l10n.t('default (e.g. "Monday, Jan 06, 2025")'), field: 'name' },
      { label: `$(checklist) ${vscode.l10n.t('Content')}`, description: contentText(draft.content, s), field: 'content' },
      {
        label: `$(server) ${vscode.l10n.t('Location')}`,
        description: draft.locations?.map(locationLabel).join(', ') ?? vscode.l10n.t('the Supervisor’s default'),
        field: 'locations',
      },
      { label: `$(lock) ${vscode.l10n.t('Encryption')}`, description: encryptionText(draft.encryption), field: 'encryption' },
      { label: `$(database) ${vscode.l10n.t('Database')}`, description: draft.excludeDatabase ? vscode.l10n.t('left out') : vscode.l10n.t('included'), field: 'database' },
      { label: `$(file-zip) ${vscode.l10n.t('Compression')}`, description: draft.compressed ? vscode.l10n.t('on') : vscode.l10n.t('off'), field: 'compression' },
      {
        label: `$(clock) ${vscode.l10n.t('Keep')}`,
        description: draft.keepDays === null ? vscode.l10n.t('until deleted') : vscode.l10n.t('{0} days, then it may be purged', draft.keepDays),
        field: 'keep',
      },
      { label: `$(desktop-download) ${vscode.l10n.t('Download to')}`, description: draft.downloadPaths.join(', ') || '—', field: 'download' },
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Create Backup'),
      placeHolder: vscode.l10n.t('Press Enter to create the backup, or choose an option to change it'),
      ignoreFocusOut: true,
    });
    if (!pick?.field) return undefined;
    switch (pick.field) {
      case 'create':
        return draft;
      case 'name': {
        const name = await askName(s, draft.name);
        if (name !== null) draft.name = name;
        break;
      }
      case 'content':
        draft.content = (await askContent(s, draft.content)) ?? draft.content;
        break;
      case 'locations':
        draft.locations =
          (await askLocations(s, { title: vscode.l10n.t('Store the backup in'), placeHolder: vscode.l10n.t('The first is written; the others get a copy') })) ??
          draft.locations;
        break;
      case 'encryption':
        draft.encryption = (await askEncryption()) ?? draft.encryption;
        break;
      case 'database':
        draft.excludeDatabase = !draft.excludeDatabase;
        break;
      case 'compression':
        draft.compressed = !draft.compressed;
        break;
      case 'keep':
        draft.keepDays = (await askKeepDays(draft.keepDays)) ?? draft.keepDays;
        break;
      case 'download':
        draft.downloadPaths = (await askDownloadPaths()) ?? draft.downloadPaths;
        break;
    }
  }
}

function contentText(c: Content, s: Services): string {
  if (c.kind === 'full') return vscode.l10n.t('Full backup (everything)');
  const names = [...c.folders.map((f) => (f === 'config' ? vscode.l10n.t('Home Assistant') : folderLabel(f))), ...c.addons.map((a) => s.store.addonNames.get(a) ?? a)];
  return c.kind === 'partial'
    ? vscode.l10n.t('Partial: {0}', names.join(', ') || vscode.l10n.t('nothing chosen'))
    : vscode.l10n.t('Full backup without {0}', names.join(', ') || '—');
}

function encryptionText(e: Encryption): string {
  if (e.kind === 'key') return vscode.l10n.t('Home Assistant’s backup key');
  if (e.kind === 'password') return vscode.l10n.t('password');
  return vscode.l10n.t('none: anyone with the file can read it');
}

async function askContent(s: Services, current: Content): Promise<Content | undefined> {
  const kind = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Full backup'), detail: vscode.l10n.t('Home Assistant, every add-on and every folder.'), kind2: 'full' as const },
      { label: vscode.l10n.t('Partial backup'), detail: vscode.l10n.t('Only what you choose.'), kind2: 'partial' as const },
      {
        label: vscode.l10n.t('Full backup with exclusions'),
        detail: vscode.l10n.t('Everything except what you choose (sent as a partial backup).'),
        kind2: 'exclusions' as const,
      },
    ],
    { title: vscode.l10n.t('Content') },
  );
  if (!kind) return undefined;
  if (kind.kind2 === 'full') return { kind: 'full' };
  const chosen: { addons: string[]; folders: string[] } = current.kind === kind.kind2 ? current : { addons: [], folders: kind.kind2 === 'partial' ? ['config'] : [] };
  const addons = await s.store.connection?.client.addons().catch(() => undefined);
  const addonItems = addons ?? [...s.store.addonNames].map(([slug, name]) => ({ slug, name }));
  type Item = vscode.QuickPickItem & { folder?: string; addon?: string };
  const items: Item[] = [
    ...FOLDERS.map((f) => ({
      label: f === 'config' ? `$(home) ${vscode.l10n.t('Home Assistant configuration')}` : `$(folder) ${folderLabel(f)}`,
      folder: f,
      picked: chosen.folders.includes(f),
    })),
    ...addonItems.map((a) => ({ label: `$(extensions) ${a.name}`, description: a.slug, addon: a.slug, picked: chosen.addons.includes(a.slug) })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: kind.kind2 === 'partial' ? vscode.l10n.t('Back up these') : vscode.l10n.t('Leave these out'),
  });
  if (!picked) return undefined;
  const folders = picked.flatMap((p) => (p.folder ? [p.folder] : []));
  const addonSlugs = picked.flatMap((p) => (p.addon ? [p.addon] : []));
  return { kind: kind.kind2, addons: addonSlugs, folders };
}

async function askEncryption(): Promise<Encryption | undefined> {
  const pick = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('None'), detail: vscode.l10n.t('Anyone with the file can read it (as Auto Backup does by default).'), e: 'none' as const },
      {
        label: vscode.l10n.t('Home Assistant’s backup key'),
        detail: vscode.l10n.t('The encryption key of Home Assistant’s backup settings, as its own backups use.'),
        e: 'key' as const,
      },
      { label: vscode.l10n.t('Password…'), detail: vscode.l10n.t('A password of your own; you need it to restore.'), e: 'password' as const },
    ],
    { title: vscode.l10n.t('Encryption') },
  );
  if (!pick) return undefined;
  if (pick.e !== 'password') return { kind: pick.e };
  const password = await vscode.window.showInputBox({ title: vscode.l10n.t('Backup password'), password: true, ignoreFocusOut: true });
  return password ? { kind: 'password', password } : undefined;
}

async function askKeepDays(current: number | null): Promise<number | null | undefined> {
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Keep the backup for how many days?'),
    prompt: vscode.l10n.t('Fractions are allowed (0.5 = 12 hours). Leave empty to keep it until you delete it.'),
    value: current === null ? '' : String(current),
    validateInput: (v) => (v.trim() === '' || Number.isFinite(Number(v)) ? undefined : vscode.l10n.t('Enter a number of days.')),
  });
  if (text === undefined) return undefined;
  return text.trim() === '' ? null : Number(text);
}

async function askDownloadPaths(): Promise<string[] | undefined> {
  const uris = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: true,
    openLabel: vscode.l10n.t('Download Here'),
    title: vscode.l10n.t('Download the finished backup to'),
  });
  return uris?.map((u) => u.fsPath);
}
