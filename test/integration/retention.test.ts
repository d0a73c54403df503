// Retention in the real extension host: keep_days expiries, pins, the preview, Purge deleting exactly
// the previewed set, and a policy's generational rule applied automatically after its backups.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { RunResult } from '../../src/extension/runner/runResult';
import type { PurgeResult } from '../../src/extension/commands/purgeBackups';
import { storeBackup } from './support/backups';
import { connectToEmulator } from './support/connection';
import { emulator } from './support/emulatorControl';
import { logText, snapshot } from './support/extensionApi';
import { itWithUi } from './support/harness';
import { screenshot } from './support/screenshot';
import { clickButton } from './support/ui';

describe('Retention: preview, pins, purge', () => {
  const config = () => vscode.workspace.getConfiguration('haBackups');
  const made: Record<string, string> = {};
  let unmanaged: string[] = [];

  before(async () => {
    await connectToEmulator();
    await config().update('autoPurge', false, vscode.ConfigurationTarget.Global);
    // Backups from the scenario that are still there: nobody made them with keep_days or a policy.
    const seededNames = ['Automatic backup 2026.11.2', 'Before upgrade', 'Protected full'];
    unmanaged = (await emulator.state()).backups.filter((b) => seededNames.includes(b.name)).map((b) => b.slug);
    assert.ok(unmanaged.length >= 2, 'seeded backups to check');
    for (const [name, keep_days] of [
      ['Old expiring', -1],
      ['Newer expiring', -1],
      ['Long kept', 30],
    ] as const) {
      const r = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { name, keep_days, include: { folders: ['ssl'] } });
      assert.equal(r.status, 'succeeded', r.error);
      made[name] = r.slug!;
    }
  });
  after(async () => {
    await config().update('autoPurge', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the preview marks only expired backups of its own, keeps the newest, and never touches the rest', async () => {
    const remove = await vscode.commands.executeCommand<string[]>('haBackups.previewRetention', undefined, { as: 'text' });
    const doc = vscode.window.activeTextEditor?.document;
    // Other test files made backups with keep_days too; none of theirs has expired.
    assert.deepEqual(remove, [made['Newer expiring'], made['Old expiring']], doc?.getText());
    assert.equal(doc?.uri.scheme, 'ha-backups-preview');
    const text = doc.getText();
    assert.match(text, new RegExp(`\\*\\*REMOVE\\*\\* \\| Old expiring .*expired`));
    assert.match(text, new RegExp(`keep \\| Long kept .*newest of its policy`));
    for (const slug of unmanaged) assert.match(text, new RegExp(`\`${slug}\` \\| — \\| not managed`));
    const tree = (await snapshot()).backups;
    assert.match(tree.find((b) => b.slug === made['Old expiring'])?.description ?? '', / · to be purged$/);
  });

  it('a pinned backup is kept even when expired', async () => {
    const node = { backup: await storeBackup(made['Newer expiring']!) };
    await vscode.commands.executeCommand('haBackups.pinBackup', node, [node]);
    const remove = await vscode.commands.executeCommand<string[]>('haBackups.previewRetention');
    assert.deepEqual(remove, [made['Old expiring']]);
  });

  itWithUi('Purge deletes exactly the previewed set after confirmation and logs purged_backups', async () => {
    await vscode.commands.executeCommand('haBackups.backups.focus');
    const purging = vscode.commands.executeCommand<PurgeResult>('haBackups.purgeBackups');
    await clickButton('Delete', '40-purge-confirmation');
    const result = await purging;
    assert.deepEqual(result.deleted, [made['Old expiring']]);
    assert.deepEqual(result.failed, []);
    const left = (await emulator.state()).backups.map((b) => b.slug);
    assert.ok(!left.includes(made['Old expiring']!));
    for (const slug of [...unmanaged, made['Newer expiring']!, made['Long kept']!]) assert.ok(left.includes(slug), `${slug} is still there`);
    assert.match(await logText(), new RegExp(`purged_backups backups=\\[${made['Old expiring']}\\] names=\\["Old expiring"\\] trigger=retention`));
    await screenshot('41-after-purge');
  });

  it('a policy keeps its last N backups: the older one goes automatically after the next run', async () => {
    const file = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'auto_backup.yaml');
    fs.writeFileSync(
      file,
      `policies:\n  - name: keep two\n    schedule: daily 03:00\n    backup:\n      name: "Keep two %H:%M:%S"\n      include: {folders: [share]}\n    retention:\n      last: 2\n`,
    );
    await config().update('autoPurge', true, vscode.ConfigurationTarget.Global);
    try {
      const runs: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await vscode.commands.executeCommand<RunResult>('haBackups.runPolicy', 'keep two');
        assert.equal(r.status, 'succeeded', r.error ?? r.errors?.join());
        runs.push(r.slug!);
        await new Promise((res) => setTimeout(res, 1100)); // distinct names and dates
      }
      const left = (await emulator.state()).backups.map((b) => b.slug);
      assert.ok(!left.includes(runs[0]!), 'the oldest run was purged');
      assert.ok(left.includes(runs[1]!) && left.includes(runs[2]!), 'the last two are kept');
      for (const slug of unmanaged) assert.ok(left.includes(slug), `unmanaged ${slug} is untouched`);
      assert.match(await logText(), new RegExp(`purged_backups backups=\\[${runs[0]}\\] .*trigger=auto`));
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('purge: manual is left to the Purge command, and a disabled policy deletes nothing', async () => {
    const file = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'auto_backup.yaml');
    const write = (enabled: boolean) =>
      fs.writeFileSync(
        file,
        `policies:\n  - name: by hand\n    enabled: ${enabled}\n    purge: manual\n    schedule: daily 03:00\n    backup:\n      name: "By hand %H:%M:%S"\n      include: {folders: [ssl]}\n    retention:\n      last: 1\n`,
      );
    write(true);
    await config().update('autoPurge', true, vscode.ConfigurationTarget.Global);
    try {
      const first = await vscode.commands.executeCommand<RunResult>('haBackups.runPolicy', 'by hand');
      await new Promise((res) => setTimeout(res, 1100));
      const second = await vscode.commands.executeCommand<RunResult>('haBackups.runPolicy', 'by hand');
      assert.equal(second.status, 'succeeded');
      const left = (await emulator.state()).backups.map((b) => b.slug);
      assert.ok(left.includes(first.slug!), 'auto-purge did not delete a purge: manual backup');
      assert.ok((await vscode.commands.executeCommand<string[]>('haBackups.previewRetention')).includes(first.slug!), 'but Purge would');
      write(false);
      assert.ok(!(await vscode.commands.executeCommand<string[]>('haBackups.previewRetention')).includes(first.slug!), 'a disabled policy deletes nothing');
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
