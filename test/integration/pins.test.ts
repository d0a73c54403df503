// Pin / Unpin: the state shows in the tree (description, tooltip, context value for the menus).
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ConnectResult } from '../../src/extension/commands/connect';
import { storeBackup } from './support/backups';
import { emulator } from './support/emulatorControl';
import { snapshot } from './support/extensionApi';

describe('Pin and unpin', () => {
  before(async () => {
    if (!(await snapshot()).connected) {
      const r = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', { mode: 'supervisor', url: emulator.url, token: emulator.token });
      assert.equal(r.ok, true, r.message);
    }
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
