// The desktop way in: VS Code outside the add-on reaches the Supervisor through Home Assistant
// (websocket `supervisor/api` + the /api/hassio proxy). The same commands, the other transport.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { DownloadResult } from '../../src/core/download';
import type { RunResult } from '../../src/extension/runner/runResult';
import type { ConnectResult } from '../../src/extension/commands/connect';
import type { DeleteResult } from '../../src/extension/commands/deleteBackup';
import type { RestoreResult } from '../../src/extension/commands/restoreBackup';
import type { UploadResult } from '../../src/extension/commands/uploadBackup';
import { connectToEmulator } from './support/connection';
import { emulator } from './support/emulatorControl';
import { snapshot } from './support/extensionApi';
import { itWithUi } from './support/harness';
import { screenshot } from './support/screenshot';
import { clickButton } from './support/ui';
import { waitFor } from './support/waitFor';
import { storeBackup } from './support/backups';

const ADMIN_LLAT = 'test-admin-llat';
const USER_LLAT = 'test-user-llat';

describe('Through Home Assistant (HomeAssistantTransport)', () => {
  let dir: string;

  before(async () => {
    // Connected straight to the Supervisor first: the tests below switch to Home Assistant.
    await connectToEmulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'via-home-assistant-downloads-'));
  });
  beforeEach(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a token of a user who is not an administrator is refused with that reason', async () => {
    const r = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', { mode: 'core', url: emulator.url, token: USER_LLAT });
    assert.equal(r.ok, false);
    assert.match(r.message, /not an administrator/);
    assert.doesNotMatch(r.message, new RegExp(USER_LLAT));
  });

  it('an unknown token is refused as such', async () => {
    const r = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', { mode: 'core', url: emulator.url, token: 'nope' });
    assert.equal(r.ok, false);
    assert.match(r.message, /token was rejected/i);
  });

  it('connects and lists the same backups as the Supervisor has', async () => {
    const r = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', { mode: 'core', url: emulator.url, token: ADMIN_LLAT });
    assert.equal(r.ok, true, r.message);
    const s = await waitFor('the list through Core', async () => {
      const snap = await snapshot();
      return snap.connectionMode === 'core' && snap.status === 'ready' && snap;
    });
    const truth = (await emulator.state()).backups.sort((a, b) => Date.parse(b.date) - Date.parse(a.date)).map((b) => b.slug);
    assert.deepEqual(
      s.backups.map((b) => b.slug),
      truth,
    );
  });

  it('creates a backup and follows its job', async () => {
    const result = await vscode.commands.executeCommand<RunResult>('haBackups.createFullBackup', { name: 'Made through Core' });
    assert.equal(result.status, 'succeeded', result.error);
    assert.ok((await emulator.state()).backups.some((b) => b.slug === result.slug && b.name === 'Made through Core'));
    assert.equal((await snapshot()).backups[0]?.slug, result.slug);
  });

  it('encrypts with Home Assistant’s backup key read over its websocket', async () => {
    const result = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', {
      name: 'Encrypted through Core',
      encrypted: true,
      include: { folders: ['config'] },
    });
    assert.equal(result.status, 'succeeded', result.error ?? result.errors?.join());
    assert.equal((await emulator.state()).backups.find((b) => b.slug === result.slug)?.protected, true);
  });

  itWithUi('restores a part of a backup through Home Assistant', async () => {
    const target = (await emulator.state()).backups.find((b) => b.name === 'Made through Core')!;
    const nodeArg = { backup: await storeBackup(target.slug) };
    const restoring = vscode.commands.executeCommand<RestoreResult>('haBackups.restoreBackup', nodeArg, [nodeArg], { kind: 'partial', folders: ['share'] });
    await clickButton('Restore');
    const result = await restoring;
    assert.equal(result.status, 'succeeded', result.error);
  });

  itWithUi('downloads, uploads and deletes through the proxy', async () => {
    const target = (await emulator.state()).backups.find((b) => b.name === 'Made through Core')!;
    const nodeArg = { backup: await storeBackup(target.slug) };
    const [file] = await vscode.commands.executeCommand<(DownloadResult | undefined)[]>('haBackups.downloadBackup', nodeArg, [nodeArg], { directory: dir });
    assert.ok(file, 'downloaded');
    assert.equal(fs.statSync(file.path).size, target.size_bytes, 'complete although the proxy sends no Content-Length');

    const deleting = vscode.commands.executeCommand<DeleteResult>('haBackups.deleteBackup', nodeArg, [nodeArg]);
    await clickButton('Delete');
    assert.deepEqual((await deleting).deleted, [target.slug]);
    assert.ok(!(await emulator.state()).backups.some((b) => b.slug === target.slug));

    const uploading = vscode.commands.executeCommand<UploadResult>('haBackups.uploadBackup', { file: file.path, locations: [null] });
    await clickButton('Upload');
    const up = await uploading;
    assert.equal(up.slug, target.slug, up.error);
    assert.ok((await emulator.state()).backups.some((b) => b.slug === target.slug));
    await screenshot('20-via-home-assistant');
  });
});

describe('Inside the Studio Code Server add-on (SUPERVISOR_TOKEN in the environment)', () => {
  before(async () => {
    process.env.SUPERVISOR_TOKEN = emulator.token;
    process.env.HA_BACKUPS_SUPERVISOR_URL = emulator.url;
    // Forgetting the stored connection falls back to the environment, as at start-up in the add-on.
    await vscode.commands.executeCommand('haBackups.disconnect');
  });
  after(async () => {
    delete process.env.SUPERVISOR_TOKEN;
    delete process.env.HA_BACKUPS_SUPERVISOR_URL;
    // A stored connection again: the add-on connection would outlive the environment it came from.
    await vscode.commands.executeCommand('haBackups.connect', { mode: 'supervisor', url: emulator.url, token: emulator.token });
  });

  it('connects by itself from the environment', async () => {
    const s = await waitFor('the add-on connection', async () => {
      const snap = await snapshot();
      return snap.connectionSource === 'addon' && snap.status === 'ready' && snap;
    });
    assert.equal(s.connectionMode, 'supervisor');
    assert.ok(s.backups.length > 0);
  });

  it('encrypts with Home Assistant’s backup key, read through the Supervisor’s Core proxy', async () => {
    const result = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { name: 'Encrypted in the add-on', encrypted: true });
    assert.equal(result.status, 'succeeded', result.error ?? result.errors?.join());
    const made = (await emulator.state()).backups.find((b) => b.slug === result.slug);
    assert.equal(made?.protected, true);
    // The key opens it: a restore with the key is accepted, one with another password is not.
    const wrong = await fetch(`${emulator.url}/backups/${result.slug}/restore/partial`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ folders: ['share'], password: 'not the key', background: true }),
    });
    assert.equal(wrong.status, 400);
    const right = await fetch(`${emulator.url}/backups/${result.slug}/restore/partial`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ folders: ['share'], password: 'TEST-KEY1-2345-6789-ABCD-EFGH-JKLM', background: true }),
    });
    assert.equal(right.status, 200, await right.text());
    // That restore runs on in the background: let it end, so the next test finds the Supervisor idle.
    await waitFor('the restore job to end', async () => (await emulator.state()).state !== 'freeze', 30_000);
  });
});
