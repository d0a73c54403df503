// The scheduler runs a due policy once, never twice, and waits while another backup job runs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { RunResult } from '../../src/extension/runner/runResult';
import { connectToEmulator } from './support/connection';
import { emulator } from './support/emulatorControl';
import { logText, snapshot } from './support/extensionApi';
import { screenshot } from './support/screenshot';
import { waitFor } from './support/waitFor';

describe('Policy scheduler', () => {
  const file = () => path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'auto_backup.yaml');

  before(async () => {
    await connectToEmulator();
    // Passes are run by hand here; the scheduler's own timer would race them at the minute.
    await vscode.workspace.getConfiguration('haBackups').update('scheduler', false, vscode.ConfigurationTarget.Global);
    fs.writeFileSync(file(), 'policies:\n  - name: every minute\n    schedule: "* * * * *"\n    backup:\n      name: "Minutely %H:%M"\n      include: {folders: [ssl]}\n');
  });
  after(async () => {
    fs.rmSync(file(), { force: true });
    await emulator.setClockOffset(0);
    // Made while Home Assistant's clock was ahead, they are dated a minute in the future: later files
    // expect a new backup of theirs to be the newest.
    for (const b of (await emulator.state()).backups.filter((x) => /^Minutely |^Someone else$/.test(x.name))) await emulator.supervisor('DELETE', `/backups/${b.slug}`);
    await vscode.commands.executeCommand('haBackups.refresh');
    await vscode.workspace.getConfiguration('haBackups').update('scheduler', undefined, vscode.ConfigurationTarget.Global);
  });

  it('runs a due policy once, and not again until its next time', async function () {
    this.timeout(120_000);
    // First sight: runs due before now are not caught up.
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('haBackups.runDuePolicies'), []);
    const seenAt = Date.now();
    // Home Assistant's clock reaches the next minute of the schedule (the scheduler follows its clock).
    await emulator.setClockOffset(60_000 - (seenAt % 60_000) + 1_500);
    const before = (await emulator.state()).backups.length;

    // A backup job running on the Supervisor (another window, Home Assistant itself) makes it wait.
    await emulator.setJobStepDelay(400);
    const other = vscode.commands.executeCommand<RunResult>('haBackups.createFullBackup', { name: 'Someone else' });
    await waitFor('the other backup to run', async () => (await snapshot()).running.length === 1);
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('haBackups.runDuePolicies'), []);
    assert.match(await logText(), /policy "every minute" is due, but a backup job is running/);
    await other;
    await emulator.setJobStepDelay(100);

    assert.deepEqual(await vscode.commands.executeCommand<string[]>('haBackups.runDuePolicies'), ['every minute']);
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('haBackups.runDuePolicies'), [], 'not twice for the same minute');
    const made = (await emulator.state()).backups.filter((b) => /^Minutely /.test(b.name));
    assert.equal(made.length, 1);
    assert.equal((await emulator.state()).backups.length, before + 2, 'the other backup and the policy run');
    assert.match(await logText(), /scheduled run of policy "every minute"/);
  });
});

describe('Grouping the Backups view by policy', () => {
  const file = () => path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'auto_backup.yaml');
  before(async () => {
    await connectToEmulator();
    fs.writeFileSync(file(), 'policies:\n  - name: grouped\n    schedule: daily 04:00\n    backup:\n      include: {folders: [media]}\n');
  });
  after(async () => {
    fs.rmSync(file(), { force: true });
    await vscode.workspace.getConfiguration('haBackups').update('groupByPolicy', undefined, vscode.ConfigurationTarget.Global);
  });

  it('puts each backup under the policy that manages it, and the rest under "not managed"', async () => {
    const run = await vscode.commands.executeCommand<RunResult>('haBackups.runPolicy', 'grouped');
    assert.equal(run.status, 'succeeded', run.error ?? run.errors?.join());
    await vscode.workspace.getConfiguration('haBackups').update('groupByPolicy', true, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('haBackups.refresh');
    await vscode.commands.executeCommand('haBackups.backups.focus');
    const s = await snapshot();
    const groups = s.groups ?? [];
    assert.deepEqual(groups.find((g) => g.label === 'grouped')?.slugs, [run.slug]);
    assert.equal(groups.at(-1)?.label, 'Not managed by retention');
    const all = groups.flatMap((g) => g.slugs).sort();
    assert.deepEqual(all, s.backups.map((b) => b.slug).sort(), 'every backup in exactly one group');
    await new Promise((r) => setTimeout(r, 1000)); // let the view render the groups
    await screenshot('50-grouped-by-policy');
  });
});
