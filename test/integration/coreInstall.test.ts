// A Home Assistant Core or Container install (no Supervisor) in the real extension host: the emulator
// started here with `install: core` (scenarios/core.json: agents backup.local, a WebDAV share "Nextcloud"
// and Home Assistant Cloud). Connect names the install type; every command goes through Home
// Assistant's backup manager; what it cannot do is refused before anything starts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { readBackupJson } from '../../src/core/archive';
import type { DownloadResult } from '../../src/core/download';
import type { ConnectResult } from '../../src/extension/commands/connect';
import type { DeleteResult } from '../../src/extension/commands/deleteBackup';
import type { RestoreFileResult } from '../../src/extension/commands/restoreFile';
import type { RestoreResult } from '../../src/extension/commands/restoreBackup';
import type { UploadResult } from '../../src/extension/commands/uploadBackup';
import type { RunResult } from '../../src/extension/runner/runResult';
import { HomeAssistantBackupHttp } from '../../src/core/homeAssistant/backupManager';
import { CoreInstallClient, MemoryBackupTags } from '../../src/core/homeAssistant/coreInstall';
import { HomeAssistantTransport } from '../../src/core/homeAssistant/homeAssistantTransport';
import type { Backup } from '../../src/core/supervisor';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { logText, snapshot } from './support/extensionApi';
import { itWithUi } from './support/harness';
import { NotificationRecorder } from './support/notifications';
import { screenshot } from './support/screenshot';
import { clickButton, setSidebarWidth } from './support/ui';
import { waitFor } from './support/waitFor';

const TOKEN = 'dev-core-admin-token';
const WEBDAV = 'webdav.01JKXV07ASC62D620DGYNG2R8H';
const KEY = 'DEMO-CORE-KEY1-KEY2-KEY3-KEY4-KEY5';

interface CoreTruth {
  backups: { backup_id: string; name: string; agents: Record<string, { protected: boolean; size: number }> }[];
}

describe('A Home Assistant Core or Container install (Home Assistant’s backup manager)', () => {
  let emu: RunningEmulator;
  let dir: string;
  const config = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const settings = () => vscode.workspace.getConfiguration('haBackups');
  const tagFile = () => path.join(config(), 'auto_backup.tags.json');
  /** What the agents really hold (GET /_emulator/core/backup/state: backups by id). */
  const truth = async (): Promise<CoreTruth> => {
    const state = (await (await fetch(`${emu.url}/_emulator/core/backup/state`)).json()) as { backups: Record<string, Omit<CoreTruth['backups'][number], 'backup_id'>> };
    return { backups: Object.entries(state.backups).map(([backup_id, b]) => ({ backup_id, ...b })) };
  };
  const control = async (route: string, body: unknown): Promise<void> => {
    const res = await fetch(`${emu.url}/_emulator/core/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200, await res.text());
  };
  const listed = async (predicate: (s: Awaited<ReturnType<typeof snapshot>>) => boolean, what: string) => {
    await vscode.commands.executeCommand('haBackups.refresh');
    return waitFor(what, async () => {
      const s = await snapshot();
      return s.status === 'ready' && predicate(s) && s;
    });
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'core-install-'));
    // __dirname: dist/test/integration in the repository.
    emu = await startEmulator({
      port: 0,
      token: TOKEN,
      install: 'core',
      scenario: path.resolve(__dirname, '../../../scenarios/core.json'),
      dataDir: path.join(dir, 'emulator'),
    });
    await control('settings', { restartDelayMs: 500 });
    await settings().update('backupFolder', '', vscode.ConfigurationTarget.Global);
    await settings().update('autoPurge', false, vscode.ConfigurationTarget.Global);
  });
  beforeEach(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
  });
  after(async () => {
    await settings().update('backupFolder', undefined, vscode.ConfigurationTarget.Global);
    await settings().update('autoPurge', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Back to nothing stored: the next file connects to the harness's Supervisor emulator itself.
    await vscode.commands.executeCommand('haBackups.disconnect');
    fs.rmSync(tagFile(), { force: true });
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an older Home Assistant without the backup manager is refused with the version it needs, and nothing is stored', async () => {
    await control('settings', { homeassistantVersion: '2024.12.5' });
    try {
      const r = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', { mode: 'core', url: emu.url, token: TOKEN });
      assert.equal(r.ok, false);
      assert.match(r.message, /runs Home Assistant 2024\.12\.5; its backup manager needs Home Assistant 2025\.1 or newer/);
      assert.notEqual((await snapshot()).connectionUrl, emu.url);
    } finally {
      await control('settings', { homeassistantVersion: '2026.11.2' });
    }
  });

  it('connects through Home Assistant, finds no Supervisor, and says which install type it found', async () => {
    const r = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', { mode: 'core', url: emu.url, token: TOKEN });
    assert.equal(r.ok, true, r.message);
    assert.match(r.message, /Home Assistant Core or Container install \(no Supervisor\)/);
    const s = await listed((x) => x.backupSystem === 'home_assistant' && x.backups.length === 4, 'the four backups of the Core install');
    assert.deepEqual(
      s.backups.map((b) => b.name),
      ['Automatic backup 2026.11.2', 'Automatic backup 2026.11.1', 'Before the new dashboard', 'Old laptop install'],
    );
    assert.match(await logText(), /connected to .* \(through Home Assistant, Home Assistant's backup manager\)/);
  });

  it('shows Home Assistant’s automatic backups in the status bar’s tooltip and the view’s description', async () => {
    const s = await snapshot();
    assert.match(s.statusBar.tooltip, /Schedule: daily at 04:45/);
    assert.match(s.statusBar.tooltip, /Next automatic backup: 2026-12-07 04:45/);
    assert.match(s.statusBar.tooltip, /Last completed: 2026-12-04 04:45/);
    assert.match(s.viewDescription ?? '', /next automatic backup in .* \(daily at 04:45\)|automatic backup due/);
  });

  itWithUi('shows each backup’s copies by the agents’ names, and an unreachable agent as a warning', async () => {
    const s = await snapshot();
    const newest = s.backups.find((b) => b.name === 'Automatic backup 2026.11.2')!;
    assert.match(newest.description ?? '', /Nextcloud, Home Assistant Cloud/);
    assert.match(newest.tooltip, /This system: not protected/);
    assert.match(newest.tooltip, /Home Assistant Cloud: password protected/);
    await vscode.commands.executeCommand('haBackups.backups.focus');
    await setSidebarWidth(560);
    await control('backup/agents/cloud.cloud', { unreachable: true });
    try {
      const down = await listed(
        (x) => !x.backups.find((b) => b.name === 'Automatic backup 2026.11.2')?.description?.includes('Home Assistant Cloud'),
        'the list without the cloud copies',
      );
      assert.equal(down.status, 'ready', 'an unreachable agent is not a failure of the list');
      assert.equal(down.backups.length, 4);
      const warned = await waitFor('the unreachable agent as a warning', async () => {
        const x = await snapshot();
        return x.warnings.find((w) => w.id.startsWith('agent-unreachable:cloud.cloud')) && x;
      });
      assert.match(warned.viewMessage ?? '', /Home Assistant could not list the backups on Home Assistant Cloud: [^;]*[^.]; its copies are not shown/);
      assert.equal(warned.statusBar.state, 'attention');
      await screenshot('90-core-install-tree');
    } finally {
      await control('backup/agents/cloud.cloud', { unreachable: false });
      await listed((x) => x.backups.some((b) => b.description?.includes('Home Assistant Cloud')), 'the cloud copies back');
    }
  });

  let made: string;
  it('creates an encrypted backup on Nextcloud and the cloud with Home Assistant’s key, followed to the finished backup', async () => {
    const result = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { name: 'Made in VS Code', location: [WEBDAV, 'cloud.cloud'], encrypted: true });
    assert.equal(result.status, 'succeeded', result.error ?? result.errors?.join(' '));
    assert.match(result.slug ?? '', /^[0-9a-f]{8}$/);
    made = result.slug!;
    const backup = (await truth()).backups.find((b) => b.backup_id === made)!;
    assert.deepEqual(Object.keys(backup.agents).sort(), ['cloud.cloud', WEBDAV].sort());
    assert.equal(backup.agents[WEBDAV]?.protected, true, 'encrypted with the key');
    assert.equal(backup.agents['cloud.cloud']?.protected, true, 'encrypted with the key');
    await listed((x) => x.backups[0]?.slug === made, 'the new backup first in the list');
  });

  it('creates a backup with Home Assistant’s automatic settings: its locations and key', async () => {
    const result = await vscode.commands.executeCommand<RunResult>('haBackups.createAutomaticBackup');
    assert.equal(result.status, 'succeeded', result.error);
    const backup = (await truth()).backups.find((b) => b.backup_id === result.slug);
    assert.ok(backup, 'Home Assistant has it');
    assert.deepEqual(Object.keys(backup.agents).sort(), ['backup.local', 'cloud.cloud', WEBDAV].sort(), 'the agents of its automatic settings');
    assert.match(await logText(), new RegExp(`backup_successful .*automatic settings.*${result.slug}`));
    const node = { backup: await findBackup(result.slug!) };
    const deleting = vscode.commands.executeCommand<DeleteResult>('haBackups.deleteBackup', node, [node]);
    await clickButton('Delete');
    assert.deepEqual((await deleting).deleted, [result.slug]);
  });

  itWithUi('an automatic backup of Home Assistant that fails while VS Code runs is logged as backup_failed and told once', async () => {
    const recorder = new NotificationRecorder();
    const ha = new HomeAssistantTransport({ baseUrl: emu.url, token: TOKEN });
    await control('backup/agents/cloud.cloud', { unreachable: true });
    try {
      // As Home Assistant's schedule starts it: not from VS Code.
      await ha.command({ type: 'backup/generate_with_automatic_settings' });
      await waitFor('the failed automatic backup noticed', async () => {
        await vscode.commands.executeCommand('haBackups.refresh');
        return /backup_failed .*home_assistant_automatic/.test(await logText());
      });
      const told = await waitFor('one warning about it', () => {
        const w = recorder.shown.filter((m) => /automatic backup of .* failed/.test(m.text));
        return w.length > 0 && w;
      });
      assert.equal(told.length, 1, JSON.stringify(recorder.shown));
      assert.match(told[0]!.text, /failed: the upload to some locations failed\./);
      // The locations it missed come with the backup of that attempt in the list (the tooltip follows every list).
      await waitFor('the missed location in the tooltip', async () => {
        await vscode.commands.executeCommand('haBackups.refresh');
        return /Not uploaded to: Home Assistant Cloud/.test((await snapshot()).statusBar.tooltip);
      });
      await screenshot('93-core-automatic-failed');
      await vscode.commands.executeCommand('haBackups.refresh');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(recorder.shown.filter((m) => /automatic backup of .* failed/.test(m.text)).length, 1, 'told once, not at every list');
    } finally {
      recorder.dispose();
      await ha.close();
      await control('backup/agents/cloud.cloud', { unreachable: false });
    }
  });

  it('refuses add-ons and folders before anything starts, naming the option and the install type', async () => {
    const before = (await truth()).backups.length;
    const result = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { name: 'With an add-on', include: { folders: ['config', 'share'] } });
    assert.equal(result.status, 'invalid');
    assert.match(result.errors?.join(' ') ?? '', /Folders \(share\) cannot be backed up on a Home Assistant Core or Container install/);
    assert.equal((await truth()).backups.length, before, 'nothing was made');
  });

  it('browses the encrypted backup with the automatic-backup key and restores one file', async () => {
    await listed((x) => x.backups.some((b) => b.slug === made), 'the backup listed');
    const target = path.join(config(), 'configuration.yaml');
    const before = fs.readFileSync(target, 'utf8');
    const uri = vscode.Uri.parse(`ha-backup://${made}/homeassistant/data/configuration.yaml`);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.ok(doc.getText().length > 0, 'the file from the backup, decrypted with Home Assistant’s key');
    const restoring = vscode.commands.executeCommand<RestoreFileResult>('haBackups.restoreFile', uri);
    await clickButton('Restore');
    const result = await restoring;
    assert.equal(result.status, 'restored', result.error);
    assert.equal(fs.readFileSync(target, 'utf8'), doc.getText());
    fs.writeFileSync(target, before);
    assert.ok(!(await logText()).includes(KEY), 'the key is never logged');
  });

  it('downloads the cloud agent’s copy as stored, and decrypted by Home Assistant', async () => {
    const node = { backup: await findBackup(made) };
    const [stored] = await vscode.commands.executeCommand<(DownloadResult | undefined)[]>('haBackups.downloadBackup', node, [node], {
      directory: dir,
      location: 'cloud.cloud',
      decrypt: false,
    });
    assert.ok(stored, 'downloaded as stored');
    const size = (await truth()).backups.find((b) => b.backup_id === made)!.agents['cloud.cloud']!.size;
    assert.equal(fs.statSync(stored.path).size, size);
    assert.equal((await readBackupJson(stored.path))?.protected, true);
    const [plain] = await vscode.commands.executeCommand<(DownloadResult | undefined)[]>('haBackups.downloadBackup', node, [node], {
      directory: dir,
      location: 'cloud.cloud',
      decrypt: true,
    });
    assert.ok(plain, 'downloaded decrypted with Home Assistant’s key');
    assert.equal((await readBackupJson(plain.path))?.protected, false, 'a plain archive');
    assert.match(await logText(), new RegExp(`download of ${made}: decrypted by Home Assistant`));
    fs.copyFileSync(plain.path, path.join(dir, 'upload.tar'));
  });

  it('uploads the decrypted archive to this system, as a copy of the same backup', async () => {
    const upload = vscode.commands.executeCommand<UploadResult>('haBackups.uploadBackup', { file: path.join(dir, 'upload.tar'), locations: [null] });
    await clickButton('Upload');
    const result = await upload;
    assert.equal(result.slug, made, result.error);
    const agents = Object.keys((await truth()).backups.find((b) => b.backup_id === made)!.agents).sort();
    assert.deepEqual(agents, ['backup.local', 'cloud.cloud', WEBDAV].sort());
    assert.equal((await truth()).backups.find((b) => b.backup_id === made)!.agents['backup.local']?.protected, false, 'as uploaded: local copies are kept unprotected here');
  });

  it('restores Home Assistant, follows it through the restart, and reports the result', async () => {
    const node = { backup: await findBackup(made) };
    const restoring = vscode.commands.executeCommand<RestoreResult>('haBackups.restoreBackup', node, [node], {
      kind: 'partial',
      homeassistant: true,
      location: WEBDAV,
      password: KEY,
    });
    await clickButton('Restore');
    const result = await restoring;
    assert.equal(result.status, 'succeeded', result.error);
    assert.match(await logText(), new RegExp(`restore_successful name="Made in VS Code"`));
  });

  it('deletes every copy after a dialog that names them', async () => {
    const node = { backup: await findBackup(made) };
    const deleting = vscode.commands.executeCommand<DeleteResult>('haBackups.deleteBackup', node, [node]);
    await clickButton('Delete', '91-core-install-delete');
    const result = await deleting;
    assert.deepEqual(result.deleted, [made]);
    assert.ok(!(await truth()).backups.some((b) => b.backup_id === made), 'no copy is left on any agent');
  });

  it('a policy with retention keeps its last two backups, knowing its own by the tag file', async () => {
    const file = path.join(config(), 'auto_backup.yaml');
    fs.writeFileSync(file, `policies:\n  - name: core two\n    schedule: daily 03:00\n    backup:\n      name: "Core two %H:%M:%S"\n    retention:\n      last: 2\n`);
    await settings().update('autoPurge', true, vscode.ConfigurationTarget.Global);
    const others = (await truth()).backups.map((b) => b.backup_id);
    try {
      const runs: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await vscode.commands.executeCommand<RunResult>('haBackups.runPolicy', 'core two');
        assert.equal(r.status, 'succeeded', r.error ?? r.errors?.join());
        runs.push(r.slug!);
        await new Promise((res) => setTimeout(res, 1100));
      }
      const left = (await truth()).backups.map((b) => b.backup_id);
      assert.ok(!left.includes(runs[0]!), 'the oldest run was purged');
      assert.ok(left.includes(runs[1]!) && left.includes(runs[2]!), 'the last two are kept');
      assert.deepEqual(left.filter((id) => !runs.includes(id)).sort(), [...others].sort(), 'every other backup is untouched');
      const tags = JSON.parse(fs.readFileSync(tagFile(), 'utf8')) as { backups: Record<string, { extra: { vscode_ha_backups?: { policy?: string } } }> };
      assert.equal(tags.backups[runs[2]!]?.extra.vscode_ha_backups?.policy, 'core two');
      assert.equal(tags.backups[runs[0]!], undefined, 'the purged backup’s tag is gone');
    } finally {
      fs.rmSync(file, { force: true });
      await settings().update('autoPurge', false, vscode.ConfigurationTarget.Global);
    }
  });

  /** The backup as the extension's list has it (what a tree node carries), read with a client of its own. */
  async function findBackup(slug: string): Promise<Backup> {
    await listed((x) => x.backups.some((b) => b.slug === slug), `backup ${slug} listed`);
    const ha = new HomeAssistantTransport({ baseUrl: emu.url, token: TOKEN });
    const http = new HomeAssistantBackupHttp({ baseUrl: emu.url, token: TOKEN });
    try {
      const client = new CoreInstallClient({ transport: ha, homeAssistant: () => Promise.resolve(ha), http: () => http, tags: new MemoryBackupTags() });
      const backup = (await client.listBackups()).backups.find((b) => b.slug === slug);
      assert.ok(backup, `Home Assistant lists ${slug}`);
      return backup;
    } finally {
      await ha.close();
      await http.close();
    }
  }
});
