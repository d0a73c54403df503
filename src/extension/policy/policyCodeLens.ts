// Above each valid policy: "Run now" and "Preview retention", and when it runs next — while VS Code is
// open — or, for a policy deployed as Auto Backup automations (run_by: auto_backup), that Home Assistant
// runs it, and "Deploy again". Above the `automatic_backups:` section: that Home Assistant runs it around the clock, its next
// and last automatic backup, and Apply / Take. In an untrusted workspace the file is still checked, but
// the lenses only offer to trust it: nothing runs there.
import * as vscode from 'vscode';
import { formatDateTime } from '../../core/format/dates';
import { ABSENCE_DAYS, nextRun, type AutomaticCap } from '../../core/policy';
import type { AdoptionStore } from '../store/adoptionStore';
import { automaticSummaryOf } from '../automaticBackups';
import type { BackupStore } from '../store/backupStore';
import type { BackupWarnings } from '../warnings';
import { isPolicyFile, parsePolicyText } from './policyFile';
import type { PolicyDiagnostics } from './policyDiagnostics';

export class PolicyCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    diagnostics: PolicyDiagnostics,
    private readonly store: BackupStore,
    private readonly warnings?: BackupWarnings,
    private readonly adoption?: AdoptionStore,
  ) {
    this.subscriptions = [
      ...(warnings ? [warnings.onDidChange(() => this.changed.fire())] : []),
      ...(adoption ? [adoption.onDidChange(() => this.changed.fire())] : []),
      diagnostics.onDidCheck(() => this.changed.fire()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
      store.onDidChange(() => this.changed.fire()),
    ];
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!isPolicyFile(document.uri)) return [];
    const { policies, automaticBackups, automaticPolicy } = parsePolicyText(document.getText(), document.uri.fsPath);
    const lenses: vscode.CodeLens[] = automaticBackups ? this.automaticLenses(automaticBackups.range.start.line) : [];
    for (const policy of policies) {
      const range = new vscode.Range(policy.nameRange.start.line, 0, policy.nameRange.start.line, 0);
      if (!vscode.workspace.isTrusted) {
        lenses.push(new vscode.CodeLens(range, { title: `$(shield) ${vscode.l10n.t('Trust this workspace to run policies')}`, command: 'workbench.trust.manage' }));
        continue;
      }
      if (!policy.schedule) {
        lenses.push(...this.automaticPolicyLenses(range, policy.name, automaticPolicy?.name === policy.name ? automaticPolicy.cap : undefined));
        continue;
      }
      if (policy.runBy === 'auto_backup') {
        // Home Assistant runs and purges it: nothing here would run it, so nothing here offers to.
        lenses.push(
          new vscode.CodeLens(range, { title: `$(home) ${vscode.l10n.t('runs in Home Assistant (24/7) through Auto Backup automations')}`, command: '' }),
          new vscode.CodeLens(range, { title: vscode.l10n.t('Deploy again…'), command: 'haBackups.deployPolicy', arguments: [policy.name] }),
        );
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
      lenses.push(
        new vscode.CodeLens(range, { title: when, command: '' }),
        new vscode.CodeLens(range, { title: `$(vm) ${vscode.l10n.t('runs while VS Code is open')}`, command: '' }),
      );
      if (this.store.connection?.client.services) {
        lenses.push(new vscode.CodeLens(range, { title: vscode.l10n.t('Deploy to Home Assistant…'), command: 'haBackups.deployPolicy', arguments: [policy.name] }));
      }
      // It runs only here: a run missed while VS Code was closed (or for another reason) is said where it is written.
      const missed = this.warnings?.overdue(policy.name);
      if (missed) lenses.push(new vscode.CodeLens(range, { title: `$(warning) ${missed.text}`, command: 'haBackups.showLog' }));
    }
    return lenses;
  }

  /**
   * A policy of Home Assistant's automatic backups: Home Assistant makes them around the clock, the
   * policy's rules are applied while VS Code runs, and Home Assistant's own retention is capped (shown).
   */
  private automaticPolicyLenses(range: vscode.Range, name: string, cap: AutomaticCap | undefined): vscode.CodeLens[] {
    const lenses = [
      new vscode.CodeLens(range, { title: `$(home) ${vscode.l10n.t('made by Home Assistant (24/7), purged while VS Code runs')}`, command: '' }),
      new vscode.CodeLens(range, { title: `$(eye) ${vscode.l10n.t('Preview retention')}`, command: 'haBackups.previewRetention', arguments: [name] }),
    ];
    if (cap?.copies != null && cap.keeps != null) {
      lenses.push(
        new vscode.CodeLens(range, {
          title: vscode.l10n.t("Home Assistant's retention: at most {0} (this policy keeps up to {1}; {2} days without VS Code fit)", cap.copies, cap.keeps, ABSENCE_DAYS),
          command: '',
        }),
      );
    }
    const instance = this.store.connection?.url;
    if (instance && this.adoption) {
      const adopted = this.adoption.adopted(instance).has(name);
      lenses.push(new vscode.CodeLens(range, { title: adopted ? vscode.l10n.t('purges by itself') : vscode.l10n.t('its first purge asks'), command: '' }));
    }
    return lenses;
  }

  /** Home Assistant runs the section's backups: its next and last, and the two directions of sync. */
  private automaticLenses(line: number): vscode.CodeLens[] {
    const range = new vscode.Range(line, 0, line, 0);
    const lenses = [new vscode.CodeLens(range, { title: `$(home) ${vscode.l10n.t('runs in Home Assistant (24/7)')}`, command: '' })];
    const client = this.store.connection?.client;
    if (!client?.automaticSettings) return lenses;
    const summary = automaticSummaryOf(this.store);
    if (summary?.next) lenses.push(new vscode.CodeLens(range, { title: vscode.l10n.t('next {0}', formatDateTime(summary.next, this.store.timeZone)), command: '' }));
    if (summary?.failure) lenses.push(new vscode.CodeLens(range, { title: `$(error) ${vscode.l10n.t('the last one failed')}`, command: '' }));
    else if (summary?.lastCompleted)
      lenses.push(new vscode.CodeLens(range, { title: vscode.l10n.t('last {0}', formatDateTime(summary.lastCompleted, this.store.timeZone)), command: '' }));
    if (vscode.workspace.isTrusted) {
      lenses.push(
        new vscode.CodeLens(range, { title: vscode.l10n.t('Apply to Home Assistant…'), command: 'haBackups.applyAutomaticSettings' }),
        new vscode.CodeLens(range, { title: vscode.l10n.t("Take Home Assistant's Settings into the File…"), command: 'haBackups.takeAutomaticSettings' }),
      );
    }
    return lenses;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
