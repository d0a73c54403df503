// Looking inside backups in the real extension host: the tree expands a protected backup into its
// parts and files after asking the password (a wrong one is asked again), files open read-only from
// the ha-backup: file system, Compare with Current shows a diff, Restore This File writes one file
// after a modal and keeps the replaced version, and Verify Backup reads every part.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { AUTOMATIONS_YAML, CONFIGURATION_YAML } from '../../src/emulator/content';
import type { CompareResult } from '../../src/extension/commands/compareWithCurrent';
import type { RestoreFileResult } from '../../src/extension/commands/restoreFile';
import type { VerifyOutcome } from '../../src/extension/browse/verifier';
import { storeBackup } from './support/backups';
import { connectToEmulator } from './support/connection';
import { emulator } from './support/emulatorControl';
import { api, logText, snapshot } from './support/extensionApi';
import { itWithUi } from './support/harness';
import { screenshot } from './support/screenshot';
import { NotificationRecorder } from './support/notifications';
import { clickButton, clickRow, hoverRow, pressKeys, setSidebarWidth, typeText } from './support/ui';
import { waitFor } from './support/waitFor';

const PASSWORD = 'test-password';

function uri(slug: string, rest: string): vscode.Uri {
  return vscode.Uri.parse(`ha-backup://${slug}/${rest}`);
}

describe('Looking inside backups', () => {
  let slug: string;
  const config = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const settings = () => vscode.workspace.getConfiguration('haBackups');

  before(async () => {
    await connectToEmulator();
    await vscode.commands.executeCommand('haBackups.refresh');
    const target = (await emulator.state()).backups.find((b) => b.name === 'Protected full');
    assert.ok(target?.protected, 'the scenario has a protected full backup');
    slug = target.slug;
    // Not the emulator's folder: the archive has to be fetched into the browse cache.
    await settings().update('backupFolder', '', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('haBackups.forgetBackupPasswords');
  });

  beforeEach(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  after(async () => {
    await settings().update('backupFolder', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  itWithUi('expands a protected backup after asking its password, again after a wrong one', async () => {
    await vscode.commands.executeCommand('haBackups.backups.focus');
    await setSidebarWidth(520);
    await emulator.resetRequests();
    await clickRow('Protected full');
    await clickRow('Home Assistant configuration');
    // The archive is fetched once, then the password is asked.
    await typeText('not the password');
    await pressKeys(['Enter']);
    await screenshot('60-browse-wrong-password');
    await typeText(PASSWORD);
    await pressKeys(['Enter']);
    await clickRow('data');
    await clickRow('configuration.yaml', '61-browse-tree');
    const editor = await waitFor('the file opens in an editor', () => {
      const doc = vscode.window.activeTextEditor?.document;
      return doc?.uri.scheme === 'ha-backup' && doc;
    });
    assert.equal(editor.uri.toString(), uri(slug, 'homeassistant/data/configuration.yaml').toString());
    assert.equal(editor.getText(), CONFIGURATION_YAML, 'the bytes of the backup, decrypted');
    assert.equal(editor.languageId, 'yaml');
    const requests = await emulator.requests();
    assert.equal(requests[`GET /backups/${slug}/download`], 1, 'the archive was fetched exactly once');
    await screenshot('62-browse-file-open');
    const log = await logText();
    assert.match(log, new RegExp(`browse cache: fetched ${slug}`));
    assert.match(log, new RegExp(`listed homeassistant\\.tar\\.gz of ${slug}: \\d+ entries`));
    assert.ok(!log.includes(PASSWORD), 'the password is never logged');
  });

  itWithUi('reveals a file inside the expanded backup, opening the folders above it', async () => {
    const extension = await api();
    // .storage was not opened by the test before: revealing walks up from the file to the backup.
    const file = await extension.reveal(uri(slug, 'homeassistant/data/.storage/core.uuid').toString());
    assert.equal(file, `${slug}/homeassistant/data/.storage/core.uuid`);
    await waitFor('the revealed file selected', async () => (await snapshot()).selection.includes(file));
    await hoverRow('core.uuid', '62b-browse-reveal');
    const part = await extension.reveal(uri(slug, 'homeassistant').toString());
    assert.equal(part, `${slug}/homeassistant`);
    await waitFor('the revealed part selected', async () => (await snapshot()).selection.includes(part));
  });

  it('serves the parts, folders and files as a read-only file system', async () => {
    const root = await vscode.workspace.fs.readDirectory(uri(slug, ''));
    const backup = await storeBackup(slug);
    assert.ok(root.every(([, type]) => type === vscode.FileType.Directory));
    assert.ok(root.some(([name]) => name === 'homeassistant'));
    assert.equal(root.length, (backup.content.homeassistant ? 1 : 0) + backup.content.addons.length + backup.content.folders.length);
    const data = new Map(await vscode.workspace.fs.readDirectory(uri(slug, 'homeassistant/data')));
    assert.equal(data.get('automations.yaml'), vscode.FileType.File);
    assert.equal(data.get('.storage'), vscode.FileType.Directory);
    const stat = await vscode.workspace.fs.stat(uri(slug, 'homeassistant/data/automations.yaml'));
    assert.equal(stat.size, Buffer.byteLength(AUTOMATIONS_YAML));
    assert.equal(stat.permissions, vscode.FilePermission.Readonly);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uri(slug, 'homeassistant/data/automations.yaml'), Buffer.from('x'))), /NoPermissions|permission/i);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.readFile(uri(slug, 'homeassistant/data/missing.yaml'))), /EntryNotFound|FileNotFound|not found/i);
  });

  itWithUi('compares a config file of the backup with the current one', async () => {
    const result = await vscode.commands.executeCommand<CompareResult>('haBackups.compareWithCurrent', uri(slug, 'homeassistant/data/configuration.yaml'));
    assert.ok(result);
    const tab = await waitFor('a diff editor', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff && input;
    });
    assert.equal(tab.original.toString(), uri(slug, 'homeassistant/data/configuration.yaml').toString());
    assert.equal(tab.modified.fsPath, path.join(config(), 'configuration.yaml'));
    await screenshot('63-compare-with-current');
    // Files outside the config part are not compared with the config folder.
    const none = await vscode.commands.executeCommand<CompareResult | undefined>('haBackups.compareWithCurrent', uri(slug, 'homeassistant/homeassistant.json'));
    assert.equal(none, undefined);
  });

  itWithUi('restores one file after a modal, keeping the replaced version', async () => {
    const target = path.join(config(), 'automations.yaml');
    const before = fs.readFileSync(target, 'utf8');
    assert.notEqual(before, AUTOMATIONS_YAML, 'the workspace file differs from the backup');
    const cancelled = vscode.commands.executeCommand<RestoreFileResult>('haBackups.restoreFile', uri(slug, 'homeassistant/data/automations.yaml'));
    await clickButton('Cancel');
    assert.equal((await cancelled).status, 'cancelled');
    assert.equal(fs.readFileSync(target, 'utf8'), before, 'cancel writes nothing');

    const restoring = vscode.commands.executeCommand<RestoreFileResult>('haBackups.restoreFile', uri(slug, 'homeassistant/data/automations.yaml'));
    await clickButton('Restore', '64-restore-file-modal');
    const result = await restoring;
    assert.equal(result.status, 'restored', result.error);
    assert.equal(fs.readFileSync(target, 'utf8'), AUTOMATIONS_YAML);
    assert.ok(result.previous, 'the replaced version was kept');
    assert.equal(fs.readFileSync(result.previous, 'utf8'), before);
    assert.deepEqual(
      fs.readdirSync(config()).filter((f) => f.includes('restoring')),
      [],
      'no temporary file is left',
    );
    assert.match(await logText(), /restored automations\.yaml from backup \w+ into .*; the replaced version is kept at /);
    fs.writeFileSync(target, before);
  });

  it('refuses to restore over a file with unsaved changes', async () => {
    const target = path.join(config(), 'scripts.yaml');
    const before = fs.readFileSync(target, 'utf8');
    const doc = await vscode.workspace.openTextDocument(target);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '# unsaved\n'));
    try {
      const result = await vscode.commands.executeCommand<RestoreFileResult>('haBackups.restoreFile', uri(slug, 'homeassistant/data/scripts.yaml'));
      assert.equal(result.status, 'refused');
      assert.match(result.error ?? '', /unsaved changes/);
      assert.equal(fs.readFileSync(target, 'utf8'), before);
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('verifies every part of a backup, and names the damaged one', async () => {
    const backup = await storeBackup(slug);
    const node = { backup };
    const [good] = await vscode.commands.executeCommand<VerifyOutcome[]>('haBackups.verifyBackup', node, [node], { password: PASSWORD });
    assert.equal(good?.ok, true, good?.lines.join('\n') ?? good?.error);
    const names = good?.result?.parts.map((p) => p.name) ?? [];
    const listed = [...(backup.content.homeassistant ? ['homeassistant'] : []), ...backup.content.addons, ...backup.content.folders].map(
      (id) => `${id.replace(/\//g, '_')}.tar.gz`,
    );
    for (const name of listed) assert.ok(names.includes(name), `${name} was verified`);
    assert.ok(good?.result?.parts.every((p) => p.encrypted && p.version === 2 && p.ok));

    // A damaged copy in the backup folder: flip bytes inside the last part.
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-backup-folder-'));
    try {
      const original = emulator
        .localArchives()
        .map((f) => path.join(emulator.dataDir, 'backup', f))
        .find((f) => f.endsWith(`${slug}.tar`));
      assert.ok(original, 'the emulator stores the archive as <slug>.tar');
      const bytes = fs.readFileSync(original);
      const last = good.result?.parts.at(-1)?.name ?? '';
      // The member's tar header starts on a 512-byte boundary with its name; flip bytes inside its data.
      let header = -1;
      for (let i = 0; i < bytes.length && header < 0; i += 512) if (bytes.subarray(i, i + last.length + 1).equals(Buffer.from(`${last}\0`))) header = i;
      assert.ok(header >= 0, `${last} is in the archive`);
      const at = header + 512 + 256;
      for (let i = 0; i < 64; i++) bytes[at + i] = bytes[at + i]! ^ 0xff;
      fs.writeFileSync(path.join(folder, `${slug}.tar`), bytes);
      await settings().update('backupFolder', folder, vscode.ConfigurationTarget.Global);
      assert.equal(settings().get('backupFolder'), folder, 'the setting is in effect');
      await vscode.commands.executeCommand('notifications.clearAll');
      const recorder = new NotificationRecorder();
      let bad: VerifyOutcome | undefined;
      try {
        [bad] = await vscode.commands.executeCommand<VerifyOutcome[]>('haBackups.verifyBackup', node, [node], { password: PASSWORD });
      } finally {
        recorder.dispose();
      }
      assert.equal(bad?.ok, false);
      const failed = bad?.result?.parts.filter((p) => !p.ok).map((p) => p.name);
      assert.deepEqual(failed, [last]);
      assert.match(await logText(), new RegExp(`verify ${slug} FAILED`));
      assert.ok(
        bad?.lines.some((l) => l.startsWith(`${last}: FAILED`)),
        bad?.lines.join('\n'),
      );
      const errors = recorder.of('error');
      assert.equal(errors.length, 1, JSON.stringify(recorder.shown));
      assert.match(errors[0] ?? '', new RegExp(`^"Protected full" failed verification: ${last.replace(/\./g, '\\.')}: FAILED`));
      // Time for the error notification to appear in the screenshot.
      await new Promise((r) => setTimeout(r, 800));
      await screenshot('65-verify-failed');
    } finally {
      await settings().update('backupFolder', '', vscode.ConfigurationTarget.Global);
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a policy with verify: true verifies each backup; a damaged one blocks the automatic purge', async () => {
    const file = path.join(config(), 'auto_backup.yaml');
    const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    // Each run names its own file: the readable file name has one-second resolution, and both runs can
    // fall in the same second (the Supervisor then refuses the second: "file already exists").
    const policy = (run: number) =>
      [
        'policies:',
        '  - name: verified config',
        '    schedule: yearly jan 1 01:00',
        '    backup:',
        '      include:',
        '        folders: [config]',
        '      password: policy-secret',
        `      filename: verified-${run}.tar`,
        '    retention:',
        '      last: 1',
        '    verify: true',
        '',
      ].join('\n');
    fs.writeFileSync(file, policy(1));
    type Run = { status: string; slug?: string; warnings?: string[]; finished?: Promise<Run> };
    const runPolicy = async (): Promise<Run> => {
      const run = await vscode.commands.executeCommand<Run>('haBackups.runPolicy', 'verified config');
      return run.finished ? await run.finished : run;
    };
    const made: string[] = [];
    try {
      const good = await runPolicy();
      assert.equal(good.status, 'succeeded');
      made.push(good.slug!);
      const log = await logText();
      assert.match(log, new RegExp(`verify ${good.slug} passed: \\d+ parts[^\\n]*\\n[^\\n]*homeassistant\\.tar\\.gz: ok \\(SecureTar v2`));
      assert.ok(!log.includes('policy-secret'), 'the password is never logged');

      // The next backup is written damaged: verify fails, and "last: 1" must not purge the good one.
      await emulator.addFault({ match: 'POST /backups/new/partial', kind: 'corrupt_archive' });
      fs.writeFileSync(file, policy(2));
      const damaged = await runPolicy();
      assert.equal(damaged.status, 'succeeded', JSON.stringify(damaged));
      made.push(damaged.slug!);
      assert.ok(
        damaged.warnings?.some((w) => /verification failed/.test(w)),
        JSON.stringify(damaged.warnings),
      );
      assert.match(await logText(), new RegExp(`verify ${damaged.slug} FAILED[^\\n]*\\n[^\\n]*homeassistant\\.tar\\.gz: FAILED`));
      assert.match(await logText(), /no automatic purge after "[^"]+": [^\n]*verification failed/);
      const slugs = (await emulator.state()).backups.map((b) => b.slug);
      assert.ok(slugs.includes(good.slug!), 'the older, good backup of the policy is still there');
      assert.ok(slugs.includes(damaged.slug!));
    } finally {
      await emulator.clearFaults();
      if (previous === undefined) fs.rmSync(file, { force: true });
      else fs.writeFileSync(file, previous);
      for (const s of made) await emulator.supervisor('DELETE', `/backups/${s}`);
      await vscode.commands.executeCommand('haBackups.refresh');
    }
  });

  it('remembers a password on request and forgets it on command', async () => {
    await vscode.commands.executeCommand('haBackups.forgetBackupPasswords');
    const backup = await storeBackup(slug);
    const node = { backup };
    const [outcome] = await vscode.commands.executeCommand<VerifyOutcome[]>('haBackups.verifyBackup', node, [node], { password: PASSWORD, remember: true });
    assert.equal(outcome?.ok, true);
    assert.equal(await vscode.commands.executeCommand<number>('haBackups.forgetBackupPasswords'), 1);
    assert.equal(await vscode.commands.executeCommand<number>('haBackups.forgetBackupPasswords'), 0);
  });
});
