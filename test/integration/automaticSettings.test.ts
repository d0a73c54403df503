// Home Assistant's automatic backups as code, and the Auto Backup integration's events on Home
// Assistant's bus (issue #12), through Home Assistant on the emulated Home Assistant OS: where the policy file's `automatic_backups:` section and Home Assistant differ shows
// as diagnostics on those keys; Apply changes exactly those keys (and nothing when cancelled); Take
// writes Home Assistant's settings into the file with the key in secrets.yaml, never in clear.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { deleteBackup } from '../../src/core/homeAssistant/backupManager';
import { HomeAssistantTransport } from '../../src/core/homeAssistant/homeAssistantTransport';
import type { ApplyAutomaticResult } from '../../src/extension/commands/applyAutomaticSettings';
import type { ConnectResult } from '../../src/extension/commands/connect';
import type { RunResult } from '../../src/extension/runner/runResult';
import type { TakeAutomaticResult } from '../../src/extension/commands/takeAutomaticSettings';
import { connectToEmulator } from './support/connection';
import { emulator } from './support/emulatorControl';
import { itWithUi } from './support/harness';
import { screenshot } from './support/screenshot';
import { clickButton } from './support/ui';
import { waitFor } from './support/waitFor';

const ADMIN_LLAT = 'test-admin-llat';
const TEST_KEY = 'TEST-KEY1-2345-6789-ABCD-EFGH-JKLM';

type Config = Record<string, unknown> & { schedule: Record<string, unknown>; retention: Record<string, unknown> };

describe("Home Assistant's automatic backups as code", () => {
  let ha: HomeAssistantTransport;
  let original: Config;
  let secretsBefore: string;
  /** Backups this file made: deleted afterwards (the Backups view's tests expect only the seeded ones). */
  const madeHere: string[] = [];
  const configDir = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const policyFile = () => path.join(configDir(), 'auto_backup.yaml');
  const secretsFile = () => path.join(configDir(), 'secrets.yaml');
  const haConfig = async (): Promise<Config> => ((await ha.command({ type: 'backup/config/info' })) as { config: Config }).config;
  const drift = () => vscode.languages.getDiagnostics(vscode.Uri.file(policyFile())).filter((d) => d.code === 'automatic-drift');
  /** Without the keys Home Assistant computes itself. */
  const settled = (c: Config) => {
    const { next_automatic_backup: _n, next_automatic_backup_additional: _a, ...rest } = c;
    return rest;
  };

  async function writeAndSave(text: string): Promise<vscode.TextDocument> {
    // Through the editor only once it is open: a write behind its back makes its save fail (modified since).
    if (!fs.existsSync(policyFile())) fs.writeFileSync(policyFile(), '');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(policyFile()));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
    await vscode.workspace.applyEdit(edit);
    await doc.save();
    return doc;
  }

  before(async () => {
    ha = new HomeAssistantTransport({ baseUrl: emulator.url, token: ADMIN_LLAT });
    original = await haConfig();
    secretsBefore = fs.readFileSync(secretsFile(), 'utf8');
    const r = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', { mode: 'core', url: emulator.url, token: ADMIN_LLAT });
    assert.equal(r.ok, true, r.message);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(policyFile(), { force: true });
    fs.writeFileSync(secretsFile(), secretsBefore);
    await ha.command({
      type: 'backup/config/update',
      schedule: { recurrence: original.schedule.recurrence, days: original.schedule.days, time: original.schedule.time },
      retention: original.retention,
    });
    for (const slug of madeHere) await deleteBackup(ha, slug);
    await ha.close();
    await connectToEmulator();
  });

  itWithUi('shows where the file and Home Assistant differ, on those keys', async () => {
    const doc = await writeAndSave('automatic_backups:\n  schedule: mon,thu 03:00\n  database: true\n  retention: {copies: 5}\n');
    const found = await waitFor('the drift diagnostics', () => (drift().length === 2 ? drift() : undefined));
    assert.deepEqual(found.map((d) => d.range.start.line).sort(), [1, 3], 'schedule and retention differ; database does not');
    assert.match(found.find((d) => d.range.start.line === 1)!.message, /Home Assistant's schedule is never; this file says mon,thu 03:00/);
    await vscode.window.showTextDocument(doc);
    await screenshot('9b-automatic-drift');
  });

  it('says where each runs: the section in Home Assistant (24/7), a policy while VS Code is open', async () => {
    const doc = await writeAndSave(
      'policies:\n  - name: nightly\n    schedule: daily 02:30\nautomatic_backups:\n  schedule: mon,thu 03:00\n  database: true\n  retention: {copies: 5}\n',
    );
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 20);
    const titlesAt = (line: number) => lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');
    assert.ok(titlesAt(1).includes('$(vm) runs while VS Code is open'), titlesAt(1).join(' | '));
    const section = titlesAt(3);
    assert.ok(section.includes('$(home) runs in Home Assistant (24/7)'), section.join(' | '));
    assert.ok(section.includes('Apply to Home Assistant…') && section.includes("Take Home Assistant's Settings into the File…"), section.join(' | '));
    await screenshot('9d-automatic-lenses');
  });

  itWithUi('Apply: Cancel changes nothing; Apply changes exactly the keys that differ', async () => {
    const before = await haConfig();
    const cancelled = vscode.commands.executeCommand<ApplyAutomaticResult>('haBackups.applyAutomaticSettings');
    await clickButton('Cancel');
    assert.equal((await cancelled).status, 'cancelled');
    assert.deepEqual(settled(await haConfig()), settled(before), 'nothing changed');

    const applying = vscode.commands.executeCommand<ApplyAutomaticResult>('haBackups.applyAutomaticSettings');
    await clickButton('Apply', '9c-automatic-apply');
    const r = await applying;
    assert.equal(r.status, 'applied', r.error);
    assert.deepEqual(
      r.changes.map((c) => c.label),
      ['schedule', 'retention'],
    );
    const after = await haConfig();
    assert.equal(after.schedule.recurrence, 'custom_days');
    assert.deepEqual(after.schedule.days, ['mon', 'thu']);
    assert.match(String(after.schedule.time), /^03:00(:00)?$/);
    assert.deepEqual(after.retention, { copies: 5, days: null });
    const { schedule: _s1, retention: _r1, ...othersAfter } = settled(after);
    const { schedule: _s2, retention: _r2, ...othersBefore } = settled(before);
    assert.deepEqual(othersAfter, othersBefore, 'every other setting as it was');
    await waitFor('no drift left', () => drift().length === 0);
  });

  it("the extension's backups fire the Auto Backup integration's events on Home Assistant's bus, unless turned off", async () => {
    const before = (await emulator.homeAssistantEvents()).length;
    const made = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { name: 'Fires events', include: { folders: ['ssl'] } });
    assert.equal(made.status, 'succeeded', made.error);
    madeHere.push(made.slug!);
    const ours = await waitFor('backup_start and backup_successful on the bus', async () => {
      const events = (await emulator.homeAssistantEvents()).slice(before);
      return events.some((e) => e.event_type === 'auto_backup.backup_successful') ? events : undefined;
    });
    assert.deepEqual(
      ours.map((e) => [e.event_type, e.event_data]),
      [
        ['auto_backup.backup_start', { name: 'Fires events' }],
        ['auto_backup.backup_successful', { name: 'Fires events', slug: made.slug }],
      ],
    );
    await vscode.workspace.getConfiguration('haBackups').update('homeAssistantEvents', false, vscode.ConfigurationTarget.Global);
    try {
      const quiet = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { name: 'Fires nothing', include: { folders: ['ssl'] } });
      assert.equal(quiet.status, 'succeeded', quiet.error);
      madeHere.push(quiet.slug!);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal((await emulator.homeAssistantEvents()).length, before + 2, 'nothing more on the bus');
    } finally {
      await vscode.workspace.getConfiguration('haBackups').update('homeAssistantEvents', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it("Take: Home Assistant's settings into the file, the key into secrets.yaml, never in clear", async () => {
    await ha.command({ type: 'backup/config/update', retention: { copies: 2, days: null } });
    const r = await vscode.commands.executeCommand<TakeAutomaticResult>('haBackups.takeAutomaticSettings', { keyToSecrets: true });
    assert.equal(r.status, 'written', r.error);
    assert.equal(r.secret, 'backup_encryption_key');
    const text = fs.readFileSync(policyFile(), 'utf8');
    assert.match(text, /encryption_key: !secret backup_encryption_key/);
    assert.match(text, /copies: 2/);
    assert.ok(!text.includes(TEST_KEY), 'the key is not in the policy file');
    assert.match(fs.readFileSync(secretsFile(), 'utf8'), new RegExp(`backup_encryption_key: "${TEST_KEY}"`));
    const again = await vscode.commands.executeCommand<ApplyAutomaticResult>('haBackups.applyAutomaticSettings');
    assert.equal(again.status, 'unchanged', JSON.stringify(again.changes));
  });
});
