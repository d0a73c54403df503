// The policy file next to configuration.yaml: starter file, diagnostics at exact positions, code
// lenses, and a run that tags its backup with the policy.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { RunResult } from '../../src/extension/runner/runResult';
import { connectToEmulator } from './support/connection';
import { emulator } from './support/emulatorControl';
import { screenshot } from './support/screenshot';
import { waitFor } from './support/waitFor';

const BROKEN = `policies:
  - name: nightly
    schedule: weekly mnday 02:30
    backup:
      compresed: false
  - name: hourly config
    schedule: "0 * * * *"
    backup:
      include: {folders: [config]}
    retention:
      last: 3
`;

const GOOD = `policies:
  - name: nightly config
    schedule: daily 02:30
    backup:
      name: "Nightly %Y-%m-%d"
      include: {folders: [config], addons: [core_mosquitto]}
    retention:
      daily: 7
      weekly: 4
`;

describe('Backup policies (auto_backup.yaml)', () => {
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const file = () => path.join(folder(), 'auto_backup.yaml');

  before(async () => {
    await connectToEmulator();
    await vscode.commands.executeCommand('haBackups.refresh');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(file(), { force: true });
  });

  it('Create Policy File writes the starter file next to configuration.yaml, and it has no problems', async () => {
    const created = await vscode.commands.executeCommand<string>('haBackups.createPolicyFile');
    assert.equal(created, file());
    assert.match(fs.readFileSync(file(), 'utf8'), /policies:/);
    const uri = vscode.Uri.file(file());
    await waitFor('the starter file to be open', () => vscode.window.activeTextEditor?.document.uri.fsPath === file());
    // Diagnostics of the file this path held before (an earlier test's policy) stay until the starter is checked.
    await waitFor('the starter file checked', () => vscode.languages.getDiagnostics(uri).length === 0).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(
      vscode.languages.getDiagnostics(uri).map((d) => d.message),
      [],
    );
  });

  it('a broken policy gets diagnostics at the exact positions', async () => {
    const editor = vscode.window.activeTextEditor!;
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), BROKEN));
    const uri = editor.document.uri;
    const diagnostics = await waitFor('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(uri);
      return d.length >= 2 && d;
    });
    const weekday = diagnostics.find((d) => /mnday/.test(d.message))!;
    assert.ok(weekday, diagnostics.map((d) => d.message).join(' | '));
    assert.deepEqual([weekday.range.start.line, weekday.range.start.character, weekday.range.end.line, weekday.range.end.character], [2, 21, 2, 26]);
    assert.match(weekday.message, /did you mean 'monday'/);
    const typo = diagnostics.find((d) => /compresed/.test(d.message))!;
    assert.deepEqual([typo.range.start.line, typo.range.start.character, typo.range.end.character], [4, 6, 15]);
    assert.equal(typo.severity, vscode.DiagnosticSeverity.Error);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('30-policy-diagnostics');

    // The valid policy in the same file still gets its lenses; the broken one does not.
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.includes('$(play) Run now'), titles.join(' | '));
    assert.ok(
      lenses.every((l) => l.range.start.line === 5),
      'only above "hourly config" (line 6)',
    );
  });

  it('a code lens run makes the backup the policy describes, tagged with the policy', async () => {
    const editor = vscode.window.activeTextEditor!;
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), GOOD));
    await editor.document.save();
    const uri = editor.document.uri;
    await waitFor('no diagnostics', () => vscode.languages.getDiagnostics(uri).length === 0);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
    const run = lenses.find((l) => l.command?.title === '$(play) Run now');
    assert.ok(run?.command, 'a Run now lens');
    assert.ok(
      lenses.some((l) => /^next run \d{4}-\d\d-\d\d 02:30:00 /.test(l.command?.title ?? '')),
      lenses.map((l) => l.command?.title).join(' | '),
    );
    await screenshot('31-policy-codelens');
    const result = await vscode.commands.executeCommand<RunResult>(run.command.command, ...((run.command.arguments ?? []) as unknown[]));
    assert.equal(result.status, 'succeeded', result.error ?? result.errors?.join());
    assert.match(result.name, /^Nightly \d{4}-\d\d-\d\d$/);
    const res = await fetch(`${emulator.url}/backups/${result.slug}/info`, { headers: { authorization: `Bearer ${emulator.token}` } });
    const info = ((await res.json()) as { data: { extra: Record<string, unknown>; addons: { slug: string }[]; type: string } }).data;
    assert.deepEqual(info.extra.vscode_ha_backups, { policy: 'nightly config' });
    assert.equal(info.type, 'partial');
    assert.deepEqual(
      info.addons.map((a) => a.slug),
      ['core_mosquitto'],
    );
  });
});
