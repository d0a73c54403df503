// Above each valid policy: "Run now" and "Preview retention", and when it runs next. In an untrusted
// workspace the file is still checked, but the lenses only offer to trust it: nothing runs there.
import * as vscode from 'vscode';
import { formatDateTime } from '../../core/format/dates';
import { nextRun } from '../../core/policy';
import type { BackupStore } from '../store/backupStore';
import { isPolicyFile, parsePolicyText } from './policyFile';
import type { PolicyDiagnostics } from './policyDiagnostics';

export class PolicyCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    diagnostics: PolicyDiagnostics,
    private readonly store: BackupStore,
  ) {
    this.subscriptions = [
      diagnostics.onDidCheck(() => this.changed.fire()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
      store.onDidChange(() => this.changed.fire()),
    ];
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!isPolicyFile(document.uri)) return [];
    const { policies } = parsePolicyText(document.getText(), document.uri.fsPath);
    const lenses: vscode.CodeLens[] = [];
    for (const policy of policies) {
      const range = new vscode.Range(policy.nameRange.start.line, 0, policy.nameRange.start.line, 0);
      if (!vscode.workspace.isTrusted) {
        lenses.push(new vscode.CodeLens(range, { title: `$(shield) ${vscode.l10n.t('Trust this workspace to run policies')}`, command: 'workbench.trust.manage' }));
        continue;
      }
      lenses.push(
        new vscode.CodeLens(range, { title: `$(play) ${vscode.l10n.t('Run now')}`, command: 'haBackups.runPolicy', arguments: [policy.name] }),
        new vscode.CodeLens(range, { title: `$(eye) ${vscode.l10n.t('Preview retention')}`, command: 'haBackups.previewRetention', arguments: [policy.name] }),
      );
      const zone = this.store.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
      const next = policy.enabled ? nextRun(policy.schedule, this.store.haNow(), zone) : undefined;
      const when = !policy.enabled
        ? vscode.l10n.t('disabled')
        : next
          ? vscode.l10n.t('next run {0}', formatDateTime(next, this.store.timeZone))
          : vscode.l10n.t('no next run');
      lenses.push(new vscode.CodeLens(range, { title: when, command: '' }));
    }
    return lenses;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
