// A policy deployed as Home Assistant automations that call the Auto Backup integration (issue #12),
// through Home Assistant on the emulated Home Assistant OS: refused clearly while Auto Backup is not
// installed; Deploy writes packages/ha_backups.yaml (and the packages line into configuration.yaml,
// its comments and tags kept) whose automations the emulated Home Assistant's validate_config accepts,
// sets the policy's run_by, and reloads the automations only after the person agrees; a hand edit of
// the package file shows as drift on the policy, with Deploy again.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import { HomeAssistantTransport } from '../../src/core/homeAssistant/homeAssistantTransport';
import type { ConnectResult } from '../../src/extension/commands/connect';
import type { DeployResult } from '../../src/extension/commands/deployPolicy';
import { connectToEmulator } from './support/connection';
import { emulator } from './support/emulatorControl';
import { itWithUi } from './support/harness';
import { screenshot } from './support/screenshot';
import { registerScanText, registerSecret } from './support/secretScan';
import { NotificationRecorder } from './support/notifications';
import { clickButton } from './support/ui';
import { waitFor } from './support/waitFor';

const ADMIN_LLAT = 'test-admin-llat';
const PASSWORD = 'deploy-test-password-not-real';
const POLICY = `# nightly backups, deployed to Home Assistant
policies:
  - name: nightly
    schedule: daily 02:30
    backup:
      password: !secret deploy_backup_password
      exclude:
        addons: [core_*]
    retention:
      daily: 7
      weekly: 4
`;

type Automation = { id: string; triggers: unknown; conditions?: unknown; actions: { action: string; data: Record<string, unknown> }[] };

describe('Deploy a policy as Auto Backup automations', () => {
  let ha: HomeAssistantTransport;
  let configurationBefore: string;
  let secretsBefore: string;
  const configDir = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const policyFile = () => path.join(configDir(), 'auto_backup.yaml');
  const configurationFile = () => path.join(configDir(), 'configuration.yaml');
  const secretsFile = () => path.join(configDir(), 'secrets.yaml');
  const packageFile = () => path.join(configDir(), 'packages', 'ha_backups.yaml');
  const drift = () => vscode.languages.getDiagnostics(vscode.Uri.file(policyFile())).filter((d) => d.code === 'deploy-drift');
  const deploy = () => vscode.commands.executeCommand<DeployResult>('haBackups.deployPolicy', 'nightly');

  before(async () => {
    ha = new HomeAssistantTransport({ baseUrl: emulator.url, token: ADMIN_LLAT });
    configurationBefore = fs.readFileSync(configurationFile(), 'utf8');
    secretsBefore = fs.readFileSync(secretsFile(), 'utf8');
    registerSecret(PASSWORD, 'deployAutomations.test.ts: the policy password in secrets.yaml');
    fs.writeFileSync(secretsFile(), `${secretsBefore}deploy_backup_password: ${PASSWORD}\n`);
    fs.writeFileSync(policyFile(), POLICY);
    await emulator.homeAssistantSettings({ autoBackupInstalled: false });
    await emulator.serviceCalls({ clear: true });
    const r = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', { mode: 'core', url: emulator.url, token: ADMIN_LLAT });
    assert.equal(r.ok, true, r.message);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Deleted through VS Code: the policy file's document was opened here, and a file deleted behind its back left
    // the next test file's editor of a new auto_backup.yaml refusing edits (policies.test.ts failed after this one).
    const edit = new vscode.WorkspaceEdit();
    edit.deleteFile(vscode.Uri.file(policyFile()), { ignoreIfNotExists: true });
    edit.deleteFile(vscode.Uri.file(path.dirname(packageFile())), { recursive: true, ignoreIfNotExists: true });
    await vscode.workspace.applyEdit(edit);
    fs.writeFileSync(configurationFile(), configurationBefore);
    fs.writeFileSync(secretsFile(), secretsBefore);
    await emulator.homeAssistantSettings({ autoBackupInstalled: false });
    await emulator.serviceCalls({ clear: true });
    await ha.close();
    await connectToEmulator();
  });

  it('refuses clearly, writing nothing, while the Auto Backup integration is not installed', async () => {
    const r = await deploy();
    assert.equal(r.status, 'refused');
    assert.match(r.error ?? '', /The Auto Backup integration is not installed in Home Assistant \(it has no auto_backup\.backup, auto_backup\.backup_partial\)/);
    assert.equal(fs.existsSync(packageFile()), false);
    assert.equal(fs.readFileSync(configurationFile(), 'utf8'), configurationBefore);
    assert.equal(fs.readFileSync(policyFile(), 'utf8'), POLICY);
  });

  itWithUi('Deploy writes automations Home Assistant accepts and sets run_by; Cancel on the reload reloads nothing', async () => {
    await emulator.homeAssistantSettings({ autoBackupInstalled: true });
    await vscode.commands.executeCommand('notifications.clearAll');
    const recorder = new NotificationRecorder();
    let r: Awaited<ReturnType<typeof deploy>>;
    try {
      const deploying = deploy();
      await clickButton('Deploy', '9e-deploy-confirm');
      // Only once the reload question is open: a toast's Cancel (a connection test) must not be the one clicked.
      await waitFor('the reload question', () => recorder.confirmations.length >= 2);
      await clickButton('Cancel', '9f-deploy-reload');
      r = await deploying;
    } finally {
      recorder.dispose();
    }
    assert.equal(r.status, 'deployed', r.error);
    assert.deepEqual(r.automations, ['ha_backups_nightly_weekly', 'ha_backups_nightly_daily']);
    assert.equal(r.configurationChanged, true);
    assert.equal(r.reloaded, false);
    assert.deepEqual(await emulator.serviceCalls(), [], 'no reload without agreeing');

    const text = fs.readFileSync(packageFile(), 'utf8');
    registerScanText('the deployed package file', text);
    assert.match(text, /password: !secret deploy_backup_password/);
    assert.ok(!text.includes(PASSWORD), 'the password is not in the package file');
    const automations = (parse(text, { version: '1.1', customTags: [{ tag: '!secret', resolve: () => 'secret' }] }) as { automation: Automation[] }).automation;
    assert.deepEqual(
      automations.map((a) => [a.id, a.actions[0]?.action, a.actions[0]?.data.keep_days]),
      [
        ['ha_backups_nightly_weekly', 'auto_backup.backup', 28],
        ['ha_backups_nightly_daily', 'auto_backup.backup', 7],
      ],
    );
    for (const a of automations) {
      const verdict = await ha.command({ type: 'validate_config', triggers: a.triggers, conditions: a.conditions ?? [], actions: a.actions });
      assert.deepEqual(verdict, { triggers: { valid: true, error: null }, conditions: { valid: true, error: null }, actions: { valid: true, error: null } }, a.id);
    }
    const configuration = fs.readFileSync(configurationFile(), 'utf8');
    assert.equal(
      configuration,
      configurationBefore.replace('homeassistant:\n', 'homeassistant:\n  packages: !include_dir_named packages\n'),
      'one line added, the rest as it was',
    );
    assert.match(fs.readFileSync(policyFile(), 'utf8'), / {2}- name: nightly\n {4}run_by: auto_backup\n {4}schedule: daily 02:30/);
  });

  it('says in the lens that Home Assistant runs the policy, and offers Deploy again', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(policyFile()));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 20);
    const titles = lenses.filter((l) => l.range.start.line === 2).map((l) => l.command?.title ?? '');
    assert.ok(titles.includes('$(home) runs in Home Assistant (24/7) through Auto Backup automations'), titles.join(' | '));
    assert.ok(titles.includes('Deploy again…'), titles.join(' | '));
    assert.ok(!titles.includes('$(play) Run now'), 'VS Code does not offer to run it');
  });

  itWithUi('shows drift after the package file is edited by hand; Deploy again with Reload reloads once', async () => {
    await waitFor('no drift right after deploying', () => drift().length === 0);
    fs.writeFileSync(packageFile(), fs.readFileSync(packageFile(), 'utf8').replace('keep_days: 28', 'keep_days: 30'));
    const found = await waitFor('the drift diagnostic', () => (drift().length === 1 ? drift()[0] : undefined));
    assert.equal(found.range.start.line, 2, 'on the policy name');
    assert.match(found.message, /differ from it \(ha_backups\.yaml\): changed: ha_backups_nightly_weekly/);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(policyFile()));
    await vscode.window.showTextDocument(doc);
    await screenshot('9g-deploy-drift');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, found.range);
    const again = actions.find((a) => a.title === 'Deploy again…');
    assert.deepEqual(again?.command?.arguments, ['nightly']);

    const deploying = vscode.commands.executeCommand<DeployResult>(again.command.command, ...again.command.arguments);
    await clickButton('Deploy');
    await clickButton('Reload Automations');
    const r = await deploying;
    assert.equal(r.status, 'deployed', r.error);
    assert.equal(r.reloaded, true);
    assert.equal(r.configurationChanged, false, 'the packages line is there now');
    assert.deepEqual(
      (await emulator.serviceCalls()).map((c) => `${c.domain}.${c.service}`),
      ['automation.reload'],
    );
    await waitFor('no drift after deploying again', () => drift().length === 0);
  });
});
