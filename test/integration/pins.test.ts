// Retention state in the tree: pins (description, tooltip, context value for the menus) and the
// expiries the Auto Backup integration keeps in the config folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { storeBackup } from './support/backups';
import { connectToEmulator } from './support/connection';
import { snapshot } from './support/extensionApi';

describe('Pin and unpin', () => {
  before(async () => {
    await connectToEmulator();
    await vscode.commands.executeCommand('haBackups.refresh');
  });

  it('pinning marks the backup, unpinning clears it, and only the chosen one', async () => {
    const [first, second] = (await snapshot()).backups;
    assert.ok(first && second);
    const node = { backup: await storeBackup(first.slug) };
    assert.deepEqual(await vscode.commands.executeCommand('haBackups.pinBackup', node, [node]), [first.slug]);
    let s = await snapshot();
    const pinned = s.backups.find((b) => b.slug === first.slug)!;
    assert.match(pinned.contextValue ?? '', /\bpinned\b/);
    assert.match(pinned.description ?? '', / · pinned/);
    assert.match(pinned.tooltip.replace(/\\/g, ''), /Pinned: never deleted by retention/);
    assert.match(s.backups.find((b) => b.slug === second.slug)?.contextValue ?? '', /\bunpinned\b/);

    await vscode.commands.executeCommand('haBackups.unpinBackup', node, [node]);
    s = await snapshot();
    assert.match(s.backups.find((b) => b.slug === first.slug)?.contextValue ?? '', /\bunpinned\b/);
    assert.doesNotMatch(s.backups.find((b) => b.slug === first.slug)?.description ?? '', /pinned/);
  });
});

describe('Expiries tracked by the Auto Backup integration', () => {
  before(connectToEmulator);

  it('show in the tooltip of the backups it tracks', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const target = (await snapshot()).backups.at(-1)!;
    fs.mkdirSync(path.join(folder, '.storage'), { recursive: true });
    fs.writeFileSync(
      path.join(folder, '.storage', 'auto_backup.snapshots_expiry'),
      JSON.stringify({ version: 1, minor_version: 1, key: 'auto_backup.snapshots_expiry', data: { [target.slug]: '2030-01-13T02:41:07.123456+00:00' } }),
    );
    try {
      await vscode.commands.executeCommand('haBackups.refresh');
      const s = await snapshot();
      assert.match(s.backups.find((b) => b.slug === target.slug)!.tooltip.replace(/\\/g, ''), /Expires 2030-01-13 03:41:07 \+01:00 \(Auto Backup integration\)/);
      assert.ok(s.backups.filter((b) => /Auto Backup integration/.test(b.tooltip)).length === 1, 'only the tracked backup');
    } finally {
      fs.rmSync(path.join(folder, '.storage'), { recursive: true, force: true });
    }
  });
});
