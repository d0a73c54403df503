// Download, upload and restore in the real extension host against the emulator.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe } from 'mocha';
import * as vscode from 'vscode';
import type { DownloadResult } from '../../src/core/download';
import type { RestoreResult } from '../../src/extension/commands/restoreBackup';
import type { UploadResult } from '../../src/extension/commands/uploadBackup';
import type { BackupEvent } from '../../src/extension/events';
import { connectToEmulator } from './support/connection';
import { emulator } from './support/emulatorControl';
import { api, logText } from './support/extensionApi';
import { itWithUi } from './support/harness';
import { screenshot } from './support/screenshot';
import { storeBackup } from './support/backups';
import { clickButton } from './support/ui';

describe('Download, upload and restore', () => {
  const events: BackupEvent[] = [];
  let dir: string;

  before(async () => {
    (await api()).onDidBackupEvent((e) => events.push(e));
    await connectToEmulator();
    await vscode.commands.executeCommand('haBackups.refresh');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-downloads-'));
  });

  beforeEach(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  after(async () => {
    await emulator.clearFaults();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function backupNamed(name: string) {
    const truth = (await emulator.state()).backups.find((b) => b.name === name);
    assert.ok(truth, `the emulator has "${name}"`);
    return truth;
  }

  itWithUi('downloads a backup under a readable name, complete, and never overwrites', async () => {
    const target = await backupNamed('Automatic backup 2026.11.2');
    const nodeArg = { backup: await storeBackup(target.slug) };
    const [first] = await vscode.commands.executeCommand<(DownloadResult | undefined)[]>('haBackups.downloadBackup', nodeArg, [nodeArg], { directory: dir });
    assert.ok(first, 'the download finished');
    assert.equal(path.basename(first.path), 'Automatic_backup_2026_11_2.tar');
    assert.equal(fs.statSync(first.path).size, target.size_bytes);
    const [second] = await vscode.commands.executeCommand<(DownloadResult | undefined)[]>('haBackups.downloadBackup', nodeArg, [nodeArg], { directory: dir });
    assert.equal(path.basename(second!.path), 'Automatic_backup_2026_11_2 (1).tar');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['Automatic_backup_2026_11_2 (1).tar', 'Automatic_backup_2026_11_2.tar']);
    const ok = events.filter((e) => e.type === 'download_successful' && e.slug === target.slug);
    assert.equal(ok.length, 2);
    assert.equal(ok[0]?.bytes, target.size_bytes);
    assert.match(await logText(), new RegExp(`download_successful name="Automatic backup 2026.11.2" slug=${target.slug} path=`));
  });

  itWithUi('a download cut off mid-way is reported as download_failed and leaves no file', async () => {
    const target = await backupNamed('Before upgrade');
    await emulator.addFault({ match: 'GET /backups/*/download', kind: 'reset' });
    await vscode.commands.executeCommand('notifications.clearAll');
    const before = fs.readdirSync(dir);
    const nodeArg = { backup: await storeBackup(target.slug) };
    const [result] = await vscode.commands.executeCommand<(DownloadResult | undefined)[]>('haBackups.downloadBackup', nodeArg, [nodeArg], {
      directory: dir,
      location: 'nas_backups',
    });
    assert.equal(result, undefined);
    assert.deepEqual(fs.readdirSync(dir), before, 'no partial file and no new name');
    const failed = events.find((e) => e.type === 'download_failed' && e.slug === target.slug);
    assert.ok(failed, 'download_failed was fired');
    assert.match(failed.error ?? '', /closed before the answer was complete/);
    await screenshot('10-download-failed');
  });

  itWithUi('uploads a downloaded archive to a network location after confirmation', async () => {
    const target = await backupNamed('Automatic backup 2026.11.2');
    const file = path.join(dir, 'Automatic_backup_2026_11_2.tar');
    const uploading = vscode.commands.executeCommand<UploadResult>('haBackups.uploadBackup', { file, locations: ['nas_backups'] });
    await clickButton('Upload', '11-upload-confirmation');
    const result = await uploading;
    assert.equal(result.error, undefined);
    assert.equal(result.slug, target.slug);
    const after = await backupNamed('Automatic backup 2026.11.2');
    assert.deepEqual(after.locations, [null, 'nas_backups'], 'the copies were combined');
  });

  it('does not upload a backup to a location that already holds it', async () => {
    const target = await backupNamed('Automatic backup 2026.11.2');
    const result = await vscode.commands.executeCommand<UploadResult>('haBackups.uploadBackup', { file: path.join(dir, 'Automatic_backup_2026_11_2.tar'), locations: [null] });
    assert.match(result.error ?? '', new RegExp(`\\(${target.slug}\\) is already in This system; nothing was uploaded`));
    assert.deepEqual((await backupNamed('Automatic backup 2026.11.2')).locations, [null, 'nas_backups'], 'untouched');
  });

  it('refuses to upload to a location that is down, naming it', async () => {
    await fetch(`${emulator.url}/_emulator/mounts/nas_backups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'failed' }),
    });
    try {
      const result = await vscode.commands.executeCommand<UploadResult>('haBackups.uploadBackup', {
        file: path.join(dir, 'Automatic_backup_2026_11_2.tar'),
        locations: ['nas_backups'],
      });
      assert.match(result.error ?? '', /nas_backups is not available \(state: failed\)/);
    } finally {
      await fetch(`${emulator.url}/_emulator/mounts/nas_backups`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ state: 'active' }),
      });
    }
  });

  it('an upload that is not a backup gets a clear message before anything is sent', async () => {
    const junk = path.join(dir, 'not-a-backup.tar');
    fs.writeFileSync(junk, 'hello');
    await emulator.resetRequests();
    const result = await vscode.commands.executeCommand<UploadResult>('haBackups.uploadBackup', { file: junk, locations: [null] });
    assert.equal((await emulator.requests())['POST /backups/new/upload'], undefined);
    assert.match(result.error ?? '', /cannot be uploaded: .*not a (readable tar archive|Home Assistant backup)/);
  });

  itWithUi('restores one add-on from a partial backup after a confirmation that names it', async () => {
    // "Before upgrade" holds Home Assistant, Mosquitto and the share folder, here and on the NAS.
    const target = await backupNamed('Before upgrade');
    const nodeArg = { backup: await storeBackup(target.slug) };
    const restoring = vscode.commands.executeCommand<RestoreResult>('haBackups.restoreBackup', nodeArg, [nodeArg], {
      kind: 'partial',
      addons: ['core_mosquitto'],
      location: 'nas_backups',
    });
    await clickButton('Restore', '12-restore-confirmation');
    const result = await restoring;
    assert.equal(result.status, 'succeeded', result.error);
    assert.match(await logText(), /restore_start name="Before upgrade" slug=\w+ kind=partial/);
    assert.match(await logText(), /restore_successful name="Before upgrade"/);
  });

  itWithUi('a protected backup asks for its password; a wrong one says so', async () => {
    const target = await backupNamed('Protected full');
    const nodeArg = { backup: await storeBackup(target.slug) };
    const wrong = vscode.commands.executeCommand<RestoreResult>('haBackups.restoreBackup', nodeArg, [nodeArg], { kind: 'partial', folders: ['share'], password: 'nope' });
    await clickButton('Restore');
    const bad = await wrong;
    assert.equal(bad.status, 'failed');
    assert.match(bad.error ?? '', /password is wrong/);
    const right = vscode.commands.executeCommand<RestoreResult>('haBackups.restoreBackup', nodeArg, [nodeArg], {
      kind: 'partial',
      folders: ['share'],
      password: 'test-password',
    });
    await clickButton('Restore');
    assert.equal((await right).status, 'succeeded');
  });
});
