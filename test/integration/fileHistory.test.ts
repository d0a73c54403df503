// A config file's history across backups in the real extension host (issue #13): automations.yaml in
// 8 backups with 3 distinct versions (newest first, identical ones collapsed), compared with the
// current file and with each other, one version restored; the second look uses the kept indexes and
// reads no archive; a backup that is not on this machine is indexed only after the person agrees.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { FileHistoryResult } from '../../src/extension/commands/showFileHistory';
import type { RunResult } from '../../src/extension/runner/runResult';
import { connectToEmulator } from './support/connection';
import { emulator } from './support/emulatorControl';
import { itWithUi } from './support/harness';
import { screenshot } from './support/screenshot';
import { clickButton } from './support/ui';
import { waitFor } from './support/waitFor';

const V1 =
  "- id: '1'\n  alias: Lights on at sunset\n  triggers: [{trigger: sun, event: sunset}]\n  actions: [{action: light.turn_on, target: {entity_id: light.living_room}}]\n";
const V2 = `${V1}- id: '2'\n  alias: Good night\n  triggers: [{trigger: time, at: '23:00'}]\n  actions: [{action: light.turn_off, target: {entity_id: all}}]\n`;
const V3 = V2.replace("at: '23:00'", "at: '23:30'");
const NOW = `${V3}- id: '3'\n  alias: Morning\n  triggers: [{trigger: time, at: '07:00'}]\n  actions: []\n`;

describe('History of a config file across backups', () => {
  const settings = () => vscode.workspace.getConfiguration('haBackups');
  const configDir = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const file = () => vscode.Uri.file(path.join(configDir(), 'automations.yaml'));
  const slugs: string[] = [];
  let original: string;

  before(async function () {
    this.timeout(120_000);
    await connectToEmulator();
    // The emulator's own backup folder: these backups are on this machine.
    await settings().update('backupFolder', path.join(emulator.dataDir, 'backup'), vscode.ConfigurationTarget.Global);
    original = fs.readFileSync(file().fsPath, 'utf8');
    try {
      for (const [i, text] of [V1, V1, V1, V2, V2, V3, V3, V3].entries()) {
        await emulator.setConfigFiles({ 'automations.yaml': text });
        const r = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { name: `History ${i + 1}`, include: { folders: ['homeassistant'] } });
        assert.equal(r.status, 'succeeded', r.error ?? r.errors?.join(' '));
        slugs.push(r.slug!);
      }
    } finally {
      await emulator.setConfigFiles({});
    }
    fs.writeFileSync(file().fsPath, NOW);
  });
  after(async () => {
    fs.writeFileSync(file().fsPath, original);
    await settings().update('backupFolder', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const history = (args: object) => vscode.commands.executeCommand<FileHistoryResult>('haBackups.showFileHistory', file(), { remote: 'skip', ...args });

  it('lists 3 versions newest first, identical ones collapsed, with the lines each differs by from now', async () => {
    const r = await history({ pick: [] });
    const ours = r.versions.filter((v) => v.backups.some((s) => slugs.includes(s)));
    assert.deepEqual(
      ours.map((v) => v.backups.filter((s) => slugs.includes(s))),
      [
        [slugs[7], slugs[6], slugs[5]],
        [slugs[4], slugs[3]],
        [slugs[2], slugs[1], slugs[0]],
      ],
    );
    assert.equal(r.versions[0]!.backups[0], slugs[7], 'the newest version comes first');
    assert.deepEqual(
      ours.map((v) => [v.added, v.removed, v.same]),
      [
        [4, 0, false],
        [5, 1, false],
        [8, 0, false],
      ],
    );
    assert.ok(r.built >= 8, `the indexes were built: ${r.built}`);
  });

  it('the second look uses the kept indexes and texts: no archive is read', async () => {
    const r = await history({ pick: [] });
    assert.equal(r.built, 0, 'no index built');
    assert.equal(r.textReads, 0, 'no archive read for a version');
    assert.ok(r.versions.length >= 3);
  });

  it('compares a version with the current file, and two versions with each other (older on the left)', async () => {
    const one = await history({ pick: [0] });
    assert.equal(one.compared?.left, `ha-backup://${slugs[7]}/homeassistant/data/automations.yaml`);
    assert.equal(one.compared?.right, file().toString());
    const two = await history({ pick: [0, 2] });
    assert.equal(two.compared?.left, `ha-backup://${slugs[2]}/homeassistant/data/automations.yaml`);
    assert.equal(two.compared?.right, `ha-backup://${slugs[7]}/homeassistant/data/automations.yaml`);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(tab instanceof vscode.TabInputTextDiff, 'a diff editor is open');
    await screenshot('95-file-history-diff');
  });

  itWithUi('shows the versions in a quick pick', async () => {
    const shown = history({});
    await new Promise((r) => setTimeout(r, 1500));
    await screenshot('96-file-history-pick');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const r = await shown;
    assert.equal(r.compared, undefined, 'closing the pick compares nothing');
  });

  itWithUi('restores the oldest version through Restore This File', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const restoring = history({ restore: 2 });
    await clickButton('Restore', '97-file-history-restore');
    const r = await restoring;
    assert.equal(r.restored?.status, 'restored', r.restored?.error);
    assert.equal(fs.readFileSync(file().fsPath, 'utf8'), V1);
    fs.writeFileSync(file().fsPath, NOW);
  });

  itWithUi('a backup that is not on this machine is indexed only after the person agrees', async () => {
    await settings().update('backupFolder', '', vscode.ConfigurationTarget.Global);
    await emulator.setConfigFiles({ 'automations.yaml': NOW });
    let remote: string;
    try {
      const r = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { name: 'History remote', include: { folders: ['homeassistant'] } });
      assert.equal(r.status, 'succeeded');
      remote = r.slug!;
    } finally {
      await emulator.setConfigFiles({});
    }
    const skipped = await history({ pick: [] });
    assert.ok(
      skipped.skipped.some((k) => k.slug === remote),
      'left out without consent',
    );
    assert.ok(!skipped.versions.some((v) => v.backups.includes(remote)));
    await emulator.resetRequests();
    const asking = history({ pick: [], remote: 'ask' });
    await clickButton('Fetch and Index', '98-file-history-consent');
    const r = await asking;
    const same = r.versions.find((v) => v.backups.includes(remote));
    assert.ok(same?.same, 'the remote backup holds the current text');
    const fetched = Object.keys(await emulator.downloads());
    assert.ok(
      fetched.some((p) => p.includes(remote)),
      `the remote backup was fetched: ${fetched.join(', ')}`,
    );
    await waitFor('the remote index kept', async () => (await history({ pick: [] })).built === 0);
  });
});
