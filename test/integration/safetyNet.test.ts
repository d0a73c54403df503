// The safety net in the real extension host (issue #13): the first edit of a config file in a session
// starts a configuration-only backup tagged with the file (shown so in the Backups view), the second
// edit does not; Undo My Edits Since… shows what changed since that backup and restores one of the
// two changed files, leaving the other as edited.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { AUTOMATIONS_YAML } from '../../src/emulator/content';
import type { UndoEditsResult } from '../../src/extension/commands/undoEditsSince';
import { connectToEmulator } from './support/connection';
import { emulator } from './support/emulatorControl';
import { api, snapshot } from './support/extensionApi';
import { itWithUi } from './support/harness';
import { screenshot } from './support/screenshot';
import { clickButton } from './support/ui';
import { waitFor } from './support/waitFor';

describe('The safety net while editing, and Undo My Edits Since…', () => {
  const settings = () => vscode.workspace.getConfiguration('haBackups');
  const configDir = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const fileOf = (name: string) => vscode.Uri.file(path.join(configDir(), name));
  const originals = new Map<string, string>();
  let safetyNetSlug: string;

  async function edit(name: string, text: string): Promise<vscode.TextDocument> {
    const doc = await vscode.workspace.openTextDocument(fileOf(name));
    const change = new vscode.WorkspaceEdit();
    change.insert(doc.uri, new vscode.Position(0, 0), text);
    assert.ok(await vscode.workspace.applyEdit(change), `${name} edited`);
    return doc;
  }

  before(async () => {
    await connectToEmulator();
    // The emulator's own backup folder: Undo reads the backup's index from this machine.
    await settings().update('backupFolder', path.join(emulator.dataDir, 'backup'), vscode.ConfigurationTarget.Global);
    for (const name of ['automations.yaml', 'scripts.yaml']) originals.set(name, fs.readFileSync(fileOf(name).fsPath, 'utf8'));
    // 0: however recent the last backup of the configuration, this session's first edit makes one.
    await settings().update('safetyNet.maxAgeHours', 0, vscode.ConfigurationTarget.Global);
    await settings().update('safetyNet.mode', 'on', vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await settings().update('safetyNet.mode', undefined, vscode.ConfigurationTarget.Global);
    await settings().update('safetyNet.maxAgeHours', undefined, vscode.ConfigurationTarget.Global);
    await settings().update('backupFolder', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const [name, text] of originals) fs.writeFileSync(fileOf(name).fsPath, text);
  });

  it('the first edit starts a configuration-only backup tagged with the file; the second edit does not', async () => {
    const count = async () => (await emulator.state()).backups.length;
    const before = await count();
    const doc = await edit('automations.yaml', '# first edit\n');
    const outcome = await waitFor('the safety net acted on the first edit', async () => (await api()).safetyNet());
    assert.equal(outcome.kind, 'started');
    assert.deepEqual(outcome.files, ['automations.yaml']);
    assert.equal(outcome.result?.status, 'succeeded', outcome.result?.error);
    safetyNetSlug = outcome.result?.slug ?? '';
    const made = (await emulator.state()).backups.find((b) => b.slug === safetyNetSlug);
    assert.match(made?.name ?? '', /^Safety net \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    assert.equal(made?.type, 'partial');
    assert.ok(made?.content.homeassistant, 'the configuration is in it');
    assert.deepEqual([made?.content.addons, made?.content.folders], [[], []], 'and nothing else');
    assert.ok(doc.getText().startsWith('# first edit\n'), 'the edit itself is untouched');

    const second = await edit('scripts.yaml', '# second edit\n');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await (await api()).safetyNet())?.file, 'automations.yaml', 'the second edit changed nothing');
    assert.equal(await count(), before + 1, 'exactly one safety-net backup');
    await doc.save();
    await second.save();

    const row = await waitFor('the Backups view shows the safety net', () =>
      snapshot().then((s) => s.backups.find((b) => b.slug === safetyNetSlug && /safety net: automations\.yaml/.test(b.description ?? ''))),
    );
    assert.match(row.tooltip, /Safety net, started while editing automations\\?\.yaml/);
    await vscode.commands.executeCommand('haBackups.backups.focus');
    await screenshot('99-safety-net-row');
  });

  itWithUi('Undo My Edits Since… shows both changed files and restores the one chosen', async () => {
    const undoing = vscode.commands.executeCommand<UndoEditsResult>('haBackups.undoEditsSince', undefined, { backup: safetyNetSlug, files: ['automations.yaml'] });
    await clickButton('Restore', '9a-undo-edits-confirm');
    const r = await undoing;
    assert.ok(r.changed.includes('automations.yaml') && r.changed.includes('scripts.yaml'), `changed: ${r.changed.join(', ')}`);
    assert.deepEqual(r.restored, ['automations.yaml']);
    assert.deepEqual(r.failed, []);
    assert.equal(fs.readFileSync(fileOf('automations.yaml').fsPath, 'utf8'), AUTOMATIONS_YAML, 'automations.yaml is as the backup holds it');
    assert.ok(fs.readFileSync(fileOf('scripts.yaml').fsPath, 'utf8').startsWith('# second edit\n'), 'scripts.yaml keeps its edit');
    assert.equal(r.previous.length, 1);
    assert.ok(fs.readFileSync(r.previous[0]!, 'utf8').startsWith('# first edit\n'), 'the replaced version is kept');
  });
});
