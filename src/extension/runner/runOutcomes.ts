// What each end of a backup run is owed. A success: its event, its place in the status bar, the
// ledger entry, the downloads, the verification and the automatic purge; a failure: its event; a job
// that could not be followed: a warning that claims neither. Failures on the way are reported, not hidden.
import * as vscode from 'vscode';
import { isSupervisorError, type JobLostError, type JobOutcome } from '../../core/supervisor';
import type { Verifier } from '../browse/verifier';
import type { Downloads } from '../downloads';
import { describeError } from '../errors';
import type { BackupEvents } from '../events';
import type { EventLog } from '../log';
import type { BackupStore } from '../store/backupStore';
import type { LedgerStore } from '../store/ledgerStore';
import type { BackupRun, StartedRun } from './backupRun';
import { downloadNewBackup } from './downloadNewBackup';
import { recordBackup } from './recordBackup';
import type { RunResult } from './runResult';
import { verifyNewBackup } from './verifyNewBackup';

export class RunOutcomes {
  constructor(
    private readonly store: BackupStore,
    private readonly events: BackupEvents,
    private readonly log: EventLog,
    private readonly downloads: Downloads,
    private readonly ledger: LedgerStore,
    private readonly verifier: Verifier,
  ) {}

  /** The job ended. A job can end with an error after the backup was stored: then it is a success with a warning. */
  async ended(run: StartedRun, outcome: JobOutcome): Promise<RunResult> {
    const slug = outcome.slug ?? undefined;
    if (outcome.failed) {
      // E.g. the copy to an extra location failed (home-assistant/supervisor supervisor/backups/manager.py
      // BackupManager._copy_to_additional_locations @090ef31e): if the backup is there, it succeeded.
      const exists = slug ? await this.store.refreshUntil((list) => list.some((b) => b.slug === slug), 3) : false;
      if (!exists) return this.failed(run, outcome.error ?? vscode.l10n.t('unknown error'), slug);
      outcome.warnings.unshift(outcome.error ?? '');
    }
    return this.succeeded(run, slug, outcome.warnings);
  }

  async succeeded(run: StartedRun, slug: string | undefined, warnings: string[]): Promise<RunResult> {
    const { name, jobId, plan, policy } = run;
    const finishedAt = new Date();
    for (const w of warnings) this.log.warn(`backup "${name}" (${slug}) finished with a warning: ${w}`);
    this.events.fire('backup_successful', { name, slug, durationSeconds: (finishedAt.getTime() - run.startedAt.getTime()) / 1000 }, { policy });
    this.store.finishRunning(jobId, { success: { name, slug, at: finishedAt } });
    if (warnings.length) void vscode.window.showWarningMessage(vscode.l10n.t('Backup "{0}" finished, but some parts failed: {1}', name, warnings.join('; ')));
    if (slug) await this.store.refreshUntil((list) => list.some((b) => b.slug === slug));
    if (slug && (policy !== undefined || plan.keepDays !== null)) await recordBackup(run, slug, this.store, this.ledger, this.log);
    await downloadNewBackup(run, slug, this.store, this.downloads, this.events);
    if (run.verify) {
      const problem = await verifyNewBackup(this.verifier, this.store, slug, run.verify.password);
      if (problem) warnings.push(problem);
    }
    await this.purgeAfter(name, warnings);
    return { status: 'succeeded', name, jobId, slug, warnings: [...plan.warnings, ...warnings] };
  }

  /**
   * As Auto Backup's "automatically delete expired backups", but only after a complete success: a
   * backup with a failed part (or that failed verification) must not become the reason an older,
   * complete one is deleted.
   */
  private async purgeAfter(name: string, warnings: string[]): Promise<void> {
    if (!vscode.workspace.getConfiguration('haBackups').get<boolean>('autoPurge', true) || !vscode.workspace.isTrusted) return;
    if (warnings.length) this.log.warn(`no automatic purge after "${name}": ${warnings.join('; ')}`);
    else await vscode.commands.executeCommand('haBackups.purgeBackups', { unattended: true });
  }

  /** The job could not be followed to its end. If the backup exists, it succeeded; otherwise say so without claiming a failure. */
  async lost(run: StartedRun, e: JobLostError): Promise<RunResult> {
    const { name, jobId, connection } = run;
    const slug = e.lastSeen?.reference ?? undefined;
    this.log.warn(`${e.message}${slug ? `; looking for backup ${slug}` : ''}`);
    if (slug && (await this.store.refreshUntil((list) => list.some((b) => b.slug === slug), 5))) {
      return this.succeeded(run, slug, [vscode.l10n.t('its job could not be followed to the end, but the backup is there')]);
    }
    // A job the Supervisor no longer knows says only "Job does not exist": say what that means.
    const vanished = isSupervisorError(e.cause) && e.cause.kind === 'not_found';
    const reason = vanished ? vscode.l10n.t('the Supervisor no longer knows its job; did it restart?') : describeError(e.cause ?? e, connection.url);
    const message = vscode.l10n.t('Lost track of the backup "{0}" ({1}). Check the Backups view or the Supervisor’s log.', name, reason);
    this.store.finishRunning(jobId, {});
    void vscode.window.showWarningMessage(message);
    return { status: 'lost', name, jobId, slug, error: message };
  }

  failed(run: BackupRun, error: string, slug?: string): RunResult {
    const { name, jobId } = run;
    const durationSeconds = (Date.now() - run.startedAt.getTime()) / 1000;
    this.events.fire('backup_failed', { name, error, slug, durationSeconds }, { job: jobId });
    this.store.finishRunning(jobId ?? '', { failure: { name, error, at: new Date(), slug } });
    return { status: 'failed', name, jobId, slug, error };
  }
}
