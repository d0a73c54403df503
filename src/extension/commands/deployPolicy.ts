// Deploy Policy as Home Assistant Automations: writes a policy as automations that call the Auto
// Backup integration (packages/ha_backups.yaml in the config folder), so Home Assistant runs it 24/7
// and purges by keep_days. Refused when Home Assistant cannot be asked or Auto Backup is missing;
// the automations are checked locally and by Home Assistant (`validate_config`) before a confirmation
// that lists them; configuration.yaml gets the packages line only as part of that confirmation;
// automation.reload only after asking; the policy's `run_by` becomes auto_backup so VS Code stops
// running it. Nothing is written when anything before the confirmation fails or is cancelled.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AUTO_BACKUP_DOMAIN, isSecretRef, REQUIRED_SERVICES, type DeployedAutomation } from '../../core/autoBackup/deploy';
import { withPolicyRunBy } from '../../core/policy/writeRunBy';
import { deployPlan, type DeployPlan } from '../deploy/deployPlan';
import { describeError } from '../errors';
import { configFolder, parsePolicyText, policyFilePath, readPolicies } from '../policy/policyFile';
import type { Services } from '../services';
import { registerConnectedCommand } from './command';

export interface DeployResult {
  status: 'deployed' | 'cancelled' | 'refused' | 'failed';
  automations?: string[];
  packageFile?: string;
  configurationChanged?: boolean;
  reloaded?: boolean;
  error?: string;
}

export function registerDeployPolicy(s: Services): vscode.Disposable {
  return registerConnectedCommand(s, 'haBackups.deployPolicy', async (connection, name?: string): Promise<DeployResult> => {
    const refuse = (message: string): DeployResult => {
      s.log.warn(`deploy: ${message}`);
      void vscode.window.showWarningMessage(message);
      return { status: 'refused', error: message };
    };
    if (!vscode.workspace.isTrusted) return refuse(vscode.l10n.t('Policies are deployed only from a trusted workspace.'));
    const client = connection.client;
    if (!client.services || !client.callService) {
      return refuse(
        vscode.l10n.t(
          'Deploying a policy needs a connection through Home Assistant (the Auto Backup integration runs in Home Assistant): connect through Home Assistant first.',
        ),
      );
    }
    const file = policyFilePath();
    if (!file || !configFolder()) return refuse(vscode.l10n.t('Open the Home Assistant config folder (the one with configuration.yaml) first.'));
    if (vscode.workspace.textDocuments.some((d) => d.isDirty && path.resolve(d.uri.fsPath) === file))
      return refuse(vscode.l10n.t('Save the policy file first: what is saved is deployed.'));
    try {
      const services = await client.services();
      const missing = REQUIRED_SERVICES.filter((service) => services[AUTO_BACKUP_DOMAIN]?.[service] === undefined);
      if (missing.length) {
        return refuse(
          vscode.l10n.t(
            'The Auto Backup integration is not installed in Home Assistant (it has no {0}). Install it (HACS: jcwillox/hass-auto-backup) and add it under Settings → Devices & services, then deploy again.',
            missing.map((m) => `${AUTO_BACKUP_DOMAIN}.${m}`).join(', '),
          ),
        );
      }
      const policies = readPolicies({ savedOnly: true })?.parsed.policies ?? [];
      const policyName =
        name ??
        (await vscode.window.showQuickPick(
          policies.map((p) => p.name),
          { title: vscode.l10n.t('Deploy Policy as Home Assistant Automations') },
        ));
      if (!policyName) return { status: 'cancelled' };
      const policy = policies.find((p) => p.name === policyName);
      if (!policy) return refuse(vscode.l10n.t('The policy "{0}" is not in {1}, or it has errors (see Problems).', policyName, path.basename(file)));
      const planned = deployPlan(policy, file, client.system === 'home_assistant' ? 'core' : 'supervisor');
      if (!planned.ok) return refuse(planned.reason);
      const plan = planned.plan;
      const validate = client.validateConfig?.bind(client);
      const invalid = validate ? await homeAssistantProblems(plan.automations, validate) : [];
      if (invalid.length) {
        const message = vscode.l10n.t('Home Assistant does not accept the automations of policy "{0}": {1}', policy.name, invalid.join('; '));
        s.log.error(`deploy: ${message}`);
        void vscode.window.showErrorMessage(message);
        return { status: 'failed', error: message };
      }
      if (!(await confirm(plan, policy.name, policy.schedule?.description ?? ''))) return { status: 'cancelled' };
      await write(plan, file, policy.name);
      const ids = plan.automations.map((a) => a.automation.id);
      s.log.info(
        `deploy: policy "${policy.name}" written as ${ids.join(', ')} to ${plan.packageFile}${plan.configurationText ? ' (packages line added to configuration.yaml)' : ''}; run_by: auto_backup`,
      );
      s.deployDrift.check();
      const reload = vscode.l10n.t('Reload Automations');
      const choice = await vscode.window.showInformationMessage(
        vscode.l10n.t('Policy "{0}" is written as {1} automations. Reload the automations in Home Assistant now, so they run?', policy.name, ids.length),
        {
          modal: true,
          detail: vscode.l10n.t('Until then Home Assistant keeps the automations it loaded before. If they do not appear after the reload, restart Home Assistant.'),
        },
        reload,
      );
      let reloaded = false;
      if (choice === reload) {
        await client.callService('automation', 'reload');
        reloaded = true;
        s.log.info('deploy: automation.reload called in Home Assistant');
        void vscode.window.showInformationMessage(vscode.l10n.t('Home Assistant reloaded its automations: policy "{0}" now runs there, 24/7.', policy.name));
      } else {
        void vscode.window.showWarningMessage(
          vscode.l10n.t('The automations are written but not loaded: reload the automations in Home Assistant (Developer tools → YAML) to run them.'),
        );
      }
      return { status: 'deployed', automations: ids, packageFile: plan.packageFile, configurationChanged: plan.configurationText !== undefined, reloaded };
    } catch (e) {
      const message = vscode.l10n.t('The policy was not deployed: {0}', describeError(e, connection.url));
      s.log.error(message);
      void vscode.window.showErrorMessage(message);
      return { status: 'failed', error: message };
    }
  });
}

/** Home Assistant's own verdict on each automation; a password reference stands in as text (secrets are resolved when the file loads). */
async function homeAssistantProblems(
  automations: readonly DeployedAutomation[],
  validate: (parts: { triggers: unknown; conditions: unknown; actions: unknown }) => Promise<Record<string, { valid: boolean; error: string | null } | undefined>>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const { automation } of automations) {
    const actions = JSON.parse(JSON.stringify(automation.actions, (_k, v: unknown) => (isSecretRef(v) ? 'secret' : v))) as unknown;
    const answer = await validate({ triggers: automation.triggers, conditions: automation.conditions ?? [], actions });
    for (const [part, verdict] of Object.entries(answer)) if (verdict && !verdict.valid) problems.push(`${automation.id} ${part}: ${verdict.error ?? '?'}`);
  }
  return problems;
}

async function confirm(plan: DeployPlan, policyName: string, schedule: string): Promise<boolean> {
  const deploy = vscode.l10n.t('Deploy');
  const root = configFolder()?.uri.fsPath ?? path.dirname(plan.packageFile);
  const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');
  // Which days each tier takes (tiers.ts): the first that matches wins, so each day makes one backup.
  const days: Record<string, string> = {
    yearly: vscode.l10n.t('on January 1'),
    monthly: vscode.l10n.t('on the 1st of each month'),
    weekly: vscode.l10n.t('on Mondays'),
    daily: plan.automations.length > 1 ? vscode.l10n.t('on the other days') : '',
  };
  const lines = plan.automations.map((a) => {
    const keep = a.keepDays === undefined ? vscode.l10n.t('kept until deleted') : vscode.l10n.t('keep_days {0}', a.keepDays);
    const when = days[a.tier];
    return `• ${a.automation.id}: ${when ? `${when}, ` : ''}${keep}`;
  });
  const detail = [
    vscode.l10n.t('Schedule: {0}', schedule),
    ...lines,
    '',
    vscode.l10n.t('Written to {0}; other automations in it stay.', rel(plan.packageFile)),
    ...(plan.configurationText
      ? [vscode.l10n.t('configuration.yaml does not load packages yet: "packages: !include_dir_named packages" is added under homeassistant: (nothing else in it changes).')]
      : []),
    vscode.l10n.t(
      'The policy gets run_by: auto_backup: Home Assistant runs it 24/7 through Auto Backup, which deletes each backup after its keep_days; VS Code no longer runs it.',
    ),
  ].join('\n');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Deploy policy "{0}" as {1} Home Assistant automations?', policyName, plan.automations.length),
    { modal: true, detail },
    deploy,
  );
  return choice === deploy;
}

/** configuration.yaml, the package file, then run_by (through the editor when the policy file is open, so its undo and save keep working). */
async function write(plan: DeployPlan, policyFile: string, policyName: string): Promise<void> {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && path.resolve(d.uri.fsPath) === policyFile);
  const policyText = document?.getText() ?? fs.readFileSync(policyFile, 'utf8');
  const nextPolicy = withPolicyRunBy(policyText, policyName, 'auto_backup', (t) => parsePolicyText(t, policyFile));
  if (plan.configurationText !== undefined) fs.writeFileSync(plan.configurationFile, plan.configurationText);
  fs.mkdirSync(path.dirname(plan.packageFile), { recursive: true });
  fs.writeFileSync(plan.packageFile, plan.packageAfter);
  if (nextPolicy === policyText) return;
  if (!document) {
    fs.writeFileSync(policyFile, nextPolicy);
    return;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(policyText.length)), nextPolicy);
  await vscode.workspace.applyEdit(edit);
  await document.save();
}
