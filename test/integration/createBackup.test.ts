// Create Backup with every Auto Backup option: the request object (as policies will use it) and
// the guided summary list, against the emulator.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { RunResult } from '../../src/extension/runner/runResult';
import type { BackupEvent } from '../../src/extension/events';
import { connectToEmulator } from './support/connection';
import { emulator } from './support/emulatorControl';
import { api, logText, snapshot } from './support/extensionApi';
import { itWithUi } from './support/harness';
import { pressKeys } from './support/ui';
import { waitFor } from './support/waitFor';

interface Details {
  type: string;
  homeassistant: string | null;
  addons: { slug: string }[];
  folders: string[];
  protected: boolean;
  homeassistant_exclude_database: boolean | null;
  extra: Record<string, unknown>;
}

async function details(slug: string): Promise<Details> {
  const res = await fetch(`${emulator.url}/backups/${slug}/info`, { headers: { authorization: `Bearer ${emulator.token}` } });
  return ((await res.json()) as { data: Details }).data;
}

describe('Create Backup with options', () => {
  const events: BackupEvent[] = [];
  let dir: string;

  before(async () => {
    (await api()).onDidBackupEvent((e) => events.push(e));
    await connectToEmulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-create-'));
  });
  beforeEach(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await vscode.workspace.getConfiguration('haBackups').update('backupTimeoutMinutes', undefined, vscode.ConfigurationTarget.Global);
    await emulator.setJobStepDelay(100);
  });

  it('a partial backup by add-on name and folder alias, kept 2 days, downloaded when done', async () => {
    const result = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', {
      name: 'Partial %Y',
      include: { addons: ['mosquitto BROKER'], folders: ['config', 'Share'] },
      keep_days: 2,
      download_path: dir,
    });
    assert.equal(result.status, 'succeeded', result.error ?? result.errors?.join());
    assert.equal(result.name, `Partial ${new Date().getFullYear()}`);
    const d = await details(result.slug!);
    assert.equal(d.type, 'partial');
    assert.deepEqual(
      d.addons.map((a) => a.slug),
      ['core_mosquitto'],
    );
    assert.deepEqual(d.folders, ['share']);
    assert.ok(d.homeassistant, 'Home Assistant configuration included');
    assert.deepEqual(d.extra.vscode_ha_backups, { keep_days: 2 });
    const year = new Date().getFullYear();
    assert.ok(
      emulator.localArchives().some((f) => new RegExp(`^Partial_${year}_${year}-\\d\\d-\\d\\d_\\d\\d\\.\\d\\d\\.\\d\\d\\.\\d{3}\\.tar$`).test(f)),
      `a readable file name on the Supervisor: ${emulator.localArchives().join(', ')}`,
    );
    await waitFor('the download', () => fs.readdirSync(dir).includes(`Partial_${new Date().getFullYear()}.tar`));
    assert.ok(events.some((e) => e.type === 'download_successful' && e.slug === result.slug));
    // Markdown escapes (\-, \() are removed to read the text a person sees.
    const tooltip = ((await snapshot()).backups.find((b) => b.slug === result.slug)?.tooltip ?? '').replace(/\\/g, '');
    const expires = /Expires (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d) \(kept 2 days\)/.exec(tooltip)?.[1];
    assert.ok(expires, tooltip);
    const inDays = (Date.parse(expires.replace(' ', 'T').replace(' ', '')) - Date.now()) / 86_400_000;
    assert.ok(inDays > 1.99 && inDays <= 2, `expires in ${inDays} days`);
  });

  it('exclusions make a "full with exclusions" backup of everything else', async () => {
    const result = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', {
      name: 'All but the editor',
      exclude: { addons: ['core_configurator'], folders: ['media'] },
      exclude_database: true,
    });
    assert.equal(result.status, 'succeeded', result.error ?? result.errors?.join());
    const d = await details(result.slug!);
    assert.equal(d.type, 'partial');
    assert.deepEqual(d.addons.map((a) => a.slug).sort(), ['a0d7b954_vscode', 'core_mosquitto']);
    assert.deepEqual([...d.folders].sort(), ['addons/local', 'share', 'ssl']);
    assert.equal(d.homeassistant_exclude_database, true);
    assert.match(await logText(), /backup_start name="All but the editor" type="full with exclusions"/);
  });

  it('several locations, a password and no compression go to the Supervisor as asked', async () => {
    const result = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', {
      name: 'On the NAS too',
      include: { folders: ['ssl'] },
      location: ['nas_backups', '/backup'],
      password: 'a password',
      compressed: false,
      filename: 'nas_copy_%Y.tar',
    });
    assert.equal(result.status, 'succeeded', result.error ?? result.errors?.join());
    const listed = (await emulator.state()).backups.find((b) => b.slug === result.slug) as unknown as {
      locations: (string | null)[];
      protected: boolean;
      compressed: boolean;
    };
    assert.deepEqual(listed.locations, [null, 'nas_backups']);
    assert.equal(listed.protected, true);
    assert.equal(listed.compressed, false);
    assert.ok(emulator.localArchives().includes(`nas_copy_${new Date().getFullYear()}.tar`), 'the filename option names the file');
    assert.doesNotMatch(await logText(), /a password/, 'the password never reaches the log');
  });

  it('a location that is down fails with the Supervisor’s reason and no backup', async () => {
    const mount = (state: string) =>
      fetch(`${emulator.url}/_emulator/mounts/nas_backups`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state }) });
    await mount('failed');
    try {
      const count = (await emulator.state()).backups.length;
      const result = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { name: 'To a dead NAS', location: 'nas_backups' });
      assert.equal(result.status, 'failed');
      assert.match(result.error ?? '', /Backup mount 'nas_backups' is down/);
      assert.equal((await emulator.state()).backups.length, count);
    } finally {
      await mount('active');
    }
  });

  it('an add-on that is not installed is named in a warning and left out', async () => {
    const result = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', {
      name: 'With a typo',
      include: { addons: ['Mosquito broker', 'core_mosquitto'] },
    });
    assert.equal(result.status, 'succeeded');
    assert.ok(
      result.warnings?.some((w) => w.includes("'Mosquito broker'")),
      JSON.stringify(result.warnings),
    );
    assert.deepEqual(
      (await details(result.slug!)).addons.map((a) => a.slug),
      ['core_mosquitto'],
    );
  });

  it('invalid options are refused before anything starts, with the reason', async () => {
    const before = events.length;
    const typo = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { keepDays: 3 });
    assert.equal(typo.status, 'invalid');
    assert.match(typo.errors?.join() ?? '', /did you mean 'keep_days'/);
    const noDir = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { download_path: path.join(dir, 'missing') });
    assert.equal(noDir.status, 'invalid');
    assert.match(noDir.errors?.join() ?? '', /missing is not an existing folder/);
    const noKey = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { encrypted: true });
    assert.equal(noKey.status, 'invalid', 'a direct Supervisor connection cannot read the key: no silent unencrypted backup');
    assert.match(noKey.errors?.join() ?? '', /backup key/);
    assert.equal(events.length, before, 'no backup_start for refused requests');
  });

  it('a backup that outlives the timeout is still recorded, given its expiry and downloaded', async () => {
    await vscode.workspace.getConfiguration('haBackups').update('backupTimeoutMinutes', 0.02, vscode.ConfigurationTarget.Global);
    await emulator.setJobStepDelay(600);
    const late = path.join(dir, 'late');
    fs.mkdirSync(late);
    const result = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { name: 'Late one', keep_days: 0.5, download_path: late });
    assert.equal(result.status, 'still_running', 'the wait ended at the timeout');
    const success = await waitFor('backup_successful after the timeout', () => events.find((e) => e.type === 'backup_successful' && e.name === 'Late one'), 20_000);
    await waitFor('the late download', () => fs.readdirSync(late).includes('Late_one.tar'), 10_000);
    // The expiry shows once a list holding the late backup has met its ledger entry (two lists may be under way).
    const tooltipOf = async () => ((await snapshot()).backups.find((b) => b.slug === success.slug)?.tooltip ?? '').replace(/\\/g, '');
    await waitFor(
      'the expiry in the tooltip',
      async () => {
        if (/Expires .* \(kept 0\.5 days\)/.test(await tooltipOf())) return true;
        await vscode.commands.executeCommand('haBackups.refresh');
        return false;
      },
      10_000,
    ).catch(() => undefined);
    assert.match(await tooltipOf(), /Expires .* \(kept 0\.5 days\)/);
  });

  itWithUi('the guided list creates a full backup with its defaults on Enter', async () => {
    await emulator.setJobStepDelay(100);
    await vscode.workspace.getConfiguration('haBackups').update('backupTimeoutMinutes', undefined, vscode.ConfigurationTarget.Global);
    const count = (await emulator.state()).backups.length;
    const running = vscode.commands.executeCommand<RunResult>('haBackups.createBackup');
    await new Promise((r) => setTimeout(r, 800));
    await pressKeys(['Enter'], '13-create-backup-summary');
    const result = await running;
    assert.equal(result?.status, 'succeeded', result?.error);
    assert.equal((await details(result.slug!)).type, 'full');
    assert.equal((await emulator.state()).backups.length, count + 1);
  });
});
