// Run Policy: makes the backup a policy describes, now, tagged with the policy's name (retention
// only ever touches the backups of the policy). Only in a trusted workspace.
import * as vscode from 'vscode';
import type { RunResult } from '../runner/runResult';
import { readPolicies, requestOf } from '../policy/policyFile';
import type { Services } from '../services';
import { registerConnectedCommand } from './command';

export function registerRunPolicy(s: Services): vscode.Disposable {
  return registerConnectedCommand(s, 'haBackups.runPolicy', async (_connection, name?: string): Promise<RunResult | undefined> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Policies run only in a trusted workspace.'));
      return undefined;
    }
    const loaded = readPolicies();
    if (!loaded) {
      void vscode.window.showWarningMessage(vscode.l10n.t('There is no policy file yet: run "Create Policy File".'));
      return undefined;
    }
    const policies = loaded.parsed.policies;
    const policyName =
      name ??
      (await vscode.window.showQuickPick(
        policies.map((p) => p.name),
        { title: vscode.l10n.t('Run Policy') },
      ));
    if (!policyName) return undefined;
    const policy = policies.find((p) => p.name === policyName);
    if (!policy) {
      const message = vscode.l10n.t('The policy "{0}" is not in {1}, or it has errors (see Problems).', policyName, loaded.file);
      void vscode.window.showErrorMessage(message);
      return { status: 'invalid', name: policyName, errors: [message] };
    }
    if (policy.runBy === 'auto_backup') {
      const message = vscode.l10n.t('The policy "{0}" runs in Home Assistant through Auto Backup (run_by: auto_backup): run its automation there.', policy.name);
      void vscode.window.showWarningMessage(message);
      return { status: 'invalid', name: policy.name, errors: [message] };
    }
    // Home Assistant makes this policy's backups: now means one backup with its automatic settings.
    if (policy.withAutomaticSettings) return vscode.commands.executeCommand<RunResult | undefined>('haBackups.createAutomaticBackup');
    return s.runner.create(requestOf(policy), { policy: policy.name, verify: policy.verify });
  });
}

export function registerRunDuePolicies(s: Services): vscode.Disposable {
  return registerConnectedCommand(s, 'haBackups.runDuePolicies', () => s.scheduler.tick());
}
