// Where the policy file's `automatic_backups:` section and Home Assistant's own automatic-backup
// settings differ, as diagnostics on the section's keys, with two quick fixes: make Home Assistant
// match the file, or write Home Assistant's settings into the file. Checked when the saved file
// changes, when the backup list reloads (at most once a minute) and after either fix.
import * as vscode from 'vscode';
import { automaticDrift, type AutomaticChange } from '../../core/homeAssistant/automaticSettings';
import { managedAutomaticSection, type AutomaticBackupsSection, type ManagedAutomaticSection, type Range } from '../../core/policy';
import type { BackupManagerConfig } from '../../core/homeAssistant/backupManager';
import { describeError } from '../errors';
import type { EventLog } from '../log';
import { isPolicyFile, policyFilePath, readPolicies } from '../policy/policyFile';
import type { BackupStore } from '../store/backupStore';

export const DRIFT_CODE = 'automatic-drift';
export const UNAVAILABLE_CODE = 'automatic-unavailable';
const RECHECK_MS = 60_000;

function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** The drift of the settings the file manages; a retention that is a policy's cap says whose. */
export function automaticDriftOf(found: ManagedAutomaticSection, config: BackupManagerConfig): ReturnType<typeof automaticDrift> {
  const drift = automaticDrift(found.section, config);
  if (!found.capOf) return drift;
  const label = `retention (the cap of the policy "${found.capOf}")`;
  return { ...drift, changes: drift.changes.map((c) => (c.key === 'retention' ? { ...c, label } : c)) };
}

export class AutomaticSettingsDrift implements vscode.Disposable, vscode.CodeActionProvider {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('haBackups.automaticBackups');
  private readonly subscription: vscode.Disposable;
  private lastCheck = 0;
  /** The differences found by the last check (tests and commands read them). */
  changes: AutomaticChange[] = [];
  private checking: Promise<void> | undefined;

  constructor(
    private readonly store: BackupStore,
    private readonly log: EventLog,
  ) {
    this.subscription = vscode.Disposable.from(
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (isPolicyFile(d.uri)) void this.check();
      }),
      store.onDidChange(() => {
        if (store.status === 'ready' && Date.now() - this.lastCheck > RECHECK_MS) void this.check();
      }),
      vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/*.{yaml,yml}' }, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    );
  }

  /** Compares the saved section with Home Assistant's settings now; one check at a time. */
  check(): Promise<void> {
    this.checking ??= this.compare().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async compare(): Promise<void> {
    this.lastCheck = Date.now();
    const file = policyFilePath();
    const read = readPolicies({ savedOnly: true });
    const found = read && managedAutomaticSection(read.parsed);
    if (!file || !found) {
      this.changes = [];
      this.diagnostics.clear();
      return;
    }
    const uri = vscode.Uri.file(file);
    const client = this.store.connection?.client;
    if (!client?.automaticSettings) {
      this.changes = [];
      this.diagnostics.set(uri, [this.unavailable(found)]);
      return;
    }
    try {
      const drift = automaticDriftOf(found, await client.automaticSettings());
      this.changes = drift.changes;
      this.diagnostics.set(
        uri,
        drift.changes.map((c) => this.driftDiagnostic(c, found)),
      );
    } catch (e) {
      this.log.warn(`automatic backups: Home Assistant's settings could not be read: ${describeError(e, this.store.connection?.url)}`);
    }
  }

  private driftDiagnostic(c: AutomaticChange, found: AutomaticBackupsSection): vscode.Diagnostic {
    const range = found.keyRanges[c.key] ?? found.range;
    const d = new vscode.Diagnostic(
      toRange(range),
      vscode.l10n.t("Home Assistant's {0} is {1}; this file says {2}.", c.label, c.homeAssistant, c.file),
      vscode.DiagnosticSeverity.Warning,
    );
    d.source = 'Home Assistant Backups';
    d.code = DRIFT_CODE;
    return d;
  }

  private unavailable(found: AutomaticBackupsSection): vscode.Diagnostic {
    const d = new vscode.Diagnostic(
      toRange(found.range),
      vscode.l10n.t("This section is Home Assistant's own automatic backup settings: connect through Home Assistant (or use the add-on) to compare and apply it."),
      vscode.DiagnosticSeverity.Information,
    );
    d.source = 'Home Assistant Backups';
    d.code = UNAVAILABLE_CODE;
    return d;
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (!isPolicyFile(document.uri)) return [];
    const drift = context.diagnostics.filter((d) => d.code === DRIFT_CODE);
    if (!drift.length) return [];
    const apply = new vscode.CodeAction(vscode.l10n.t('Apply to Home Assistant…'), vscode.CodeActionKind.QuickFix);
    apply.command = { command: 'haBackups.applyAutomaticSettings', title: apply.title };
    apply.diagnostics = drift;
    apply.isPreferred = true;
    const take = new vscode.CodeAction(vscode.l10n.t("Take Home Assistant's Settings into the File…"), vscode.CodeActionKind.QuickFix);
    take.command = { command: 'haBackups.takeAutomaticSettings', title: take.title };
    take.diagnostics = drift;
    return [apply, take];
  }

  dispose(): void {
    this.subscription.dispose();
    this.diagnostics.dispose();
  }
}
