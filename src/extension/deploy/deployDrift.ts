// Where a policy deployed as Auto Backup automations (`run_by: auto_backup`) and the automations in
// the package file differ — edited by hand, a tier missing or left over, or the policy changed since
// — as a warning on the policy's name, with the quick fix "Deploy again". Checked from the files
// alone (no connection needed) when a YAML file of the config folder is saved or changes on disk.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Range } from '../../core/policy';
import type { EventLog } from '../log';
import { isPolicyFile, policyFilePath, readPolicies } from '../policy/policyFile';
import { driftOf, type DriftResult } from './deployPlan';

export const DEPLOY_DRIFT_CODE = 'deploy-drift';

function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export class DeployDrift implements vscode.Disposable, vscode.CodeActionProvider {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('haBackups.deployDrift');
  private readonly subscription: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;
  /** The last check's result per deployed policy (tests read it). */
  results = new Map<string, DriftResult>();

  constructor(private readonly log: EventLog) {
    const later = (): void => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.check(), 300);
    };
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}');
    this.subscription = vscode.Disposable.from(
      watcher,
      watcher.onDidChange(later),
      watcher.onDidCreate(later),
      watcher.onDidDelete(later),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (/\.ya?ml$/.test(d.uri.fsPath)) later();
      }),
      vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/*.{yaml,yml}' }, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    );
    later();
  }

  /** Compares every `run_by: auto_backup` policy of the saved file with the package file now. */
  check(): void {
    const file = policyFilePath();
    const read = readPolicies({ savedOnly: true });
    this.results = new Map();
    if (!file || !read) {
      this.diagnostics.clear();
      return;
    }
    const found: vscode.Diagnostic[] = [];
    for (const policy of read.parsed.policies) {
      if (policy.runBy !== 'auto_backup') continue;
      const result = driftOf(policy, file);
      this.results.set(policy.name, result);
      if (result.kind === 'in-sync') continue;
      const message =
        result.kind === 'problem'
          ? vscode.l10n.t('This policy runs through Auto Backup automations, but: {0}', result.reason)
          : vscode.l10n.t(
              'The Home Assistant automations of this policy differ from it ({0}): {1}. Deploy it again to make them match.',
              path.basename(result.packageFile),
              describe(result),
            );
      const d = new vscode.Diagnostic(toRange(policy.nameRange), message, vscode.DiagnosticSeverity.Warning);
      d.source = 'Home Assistant Backups';
      d.code = DEPLOY_DRIFT_CODE;
      found.push(d);
    }
    if (found.length) this.log.debug(`deploy: ${found.length} deployed polic${found.length === 1 ? 'y differs' : 'ies differ'} from the package file`);
    this.diagnostics.set(vscode.Uri.file(file), found);
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (!isPolicyFile(document.uri)) return [];
    const drift = context.diagnostics.filter((d) => d.code === DEPLOY_DRIFT_CODE);
    const policies = readPolicies()?.parsed.policies ?? [];
    return drift.flatMap((d) => {
      const policy = policies.find((p) => p.nameRange.start.line === d.range.start.line);
      if (!policy) return [];
      const action = new vscode.CodeAction(vscode.l10n.t('Deploy again…'), vscode.CodeActionKind.QuickFix);
      action.command = { command: 'haBackups.deployPolicy', title: action.title, arguments: [policy.name] };
      action.diagnostics = [d];
      action.isPreferred = true;
      return [action];
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    this.diagnostics.dispose();
  }
}

function describe(result: Extract<DriftResult, { kind: 'drift' }>): string {
  const parts: string[] = [];
  if (result.drift.changed.length) parts.push(vscode.l10n.t('changed: {0}', result.drift.changed.join(', ')));
  if (result.drift.missing.length) parts.push(vscode.l10n.t('missing: {0}', result.drift.missing.join(', ')));
  if (result.drift.extra.length) parts.push(vscode.l10n.t('no longer in the policy: {0}', result.drift.extra.join(', ')));
  return parts.join('; ');
}
