// The safety net: when a file of the config folder is first changed in a session and no backup of
// the configuration is younger than `haBackups.safetyNet.maxAgeHours`, a configuration-only backup
// (no database, no add-ons, keep_days `haBackups.safetyNet.keepDays`, tagged with the files being
// edited) is started in the background — after asking, with `haBackups.safetyNet.mode: ask`. Never
// blocking an edit or a save; only in a trusted workspace. Changing a safety-net setting re-arms it.
import * as vscode from 'vscode';
import { FUTURE_TOLERANCE_MS } from '../../core/policy/due';
import type { EventLog } from '../log';
import { configRelative } from '../policy/policyFile';
import type { BackupRunner } from '../runner/backupRunner';
import type { RunResult } from '../runner/runResult';
import type { BackupStore } from '../store/backupStore';

export type SafetyNetMode = 'off' | 'ask' | 'on';

/** What the safety net did about the first edit of the session (tests read it through the probe). */
export type SafetyNetOutcome =
  { kind: 'recent'; file: string; backup: string } | { kind: 'declined'; file: string } | { kind: 'started'; file: string; files: string[]; result: Promise<RunResult> };

export class SafetyNet implements vscode.Disposable {
  private armed = true;
  /** The last decision, for the log and the tests. */
  last: SafetyNetOutcome | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly store: BackupStore,
    private readonly runner: BackupRunner,
    private readonly log: EventLog,
  ) {
    this.subscription = vscode.Disposable.from(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length) this.edited(e.document.uri);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('haBackups.safetyNet')) this.armed = true;
      }),
    );
  }

  private edited(uri: vscode.Uri): void {
    if (!this.armed) return;
    const mode = settings().get<SafetyNetMode>('mode', 'ask');
    const file = configRelative(uri);
    if (mode === 'off' || file === undefined || !vscode.workspace.isTrusted) return;
    // Not connected (yet): the next edit looks again.
    if (!this.store.connection || this.store.status !== 'ready') return;
    this.armed = false;
    void this.consider(file, mode).catch((e: unknown) => this.log.error(`safety net: ${e instanceof Error ? e.message : String(e)}`));
  }

  private async consider(file: string, mode: SafetyNetMode): Promise<void> {
    const maxAgeHours = Math.max(0, settings().get<number>('maxAgeHours', 24));
    const now = this.store.haNow().getTime();
    const recent = this.store.backups.find((b) => {
      const age = now - Date.parse(b.date);
      return b.content.homeassistant && age < maxAgeHours * 3_600_000 && age > -FUTURE_TOLERANCE_MS;
    });
    if (recent) {
      this.last = { kind: 'recent', file, backup: recent.slug };
      this.log.info(`safety net: ${file} changed; "${recent.name || recent.slug}" (${recent.date}) backs up the configuration, younger than ${maxAgeHours} h: none started`);
      return;
    }
    if (mode === 'ask' && !(await this.agreed(file, maxAgeHours))) {
      this.last = { kind: 'declined', file };
      this.log.info(`safety net: ${file} changed; no recent backup of the configuration, and none was wanted`);
      return;
    }
    const files = editedFiles(file);
    const keepDays = settings().get<number>('keepDays', 7);
    this.log.info(`safety net: ${file} changed and no backup of the configuration is younger than ${maxAgeHours} h: starting one (${files.join(', ')})`);
    const result = this.runner.create(
      { name: 'Safety net %Y-%m-%d %H:%M', include: { folders: ['homeassistant'] }, exclude_database: true, keep_days: keepDays },
      { quiet: true, safetyNet: files },
    );
    this.last = { kind: 'started', file, files, result };
    await result;
  }

  private async agreed(file: string, maxAgeHours: number): Promise<boolean> {
    const now = vscode.l10n.t('Back Up Now');
    const always = vscode.l10n.t('Always');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('You are editing {0}, and no backup of the configuration is younger than {1} hours. Back up the configuration first?', file, maxAgeHours),
      now,
      always,
    );
    if (choice === always) await settings().update('mode', 'on', vscode.ConfigurationTarget.Global);
    // The setting's change re-armed it; this edit is already being handled.
    this.armed = false;
    return choice === now || choice === always;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('haBackups.safetyNet');
}

/** The file just changed, and every other config file with unsaved changes. */
function editedFiles(first: string): string[] {
  const others = vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => configRelative(d.uri));
  return [...new Set([first, ...others.filter((f): f is string => f !== undefined)])];
}
