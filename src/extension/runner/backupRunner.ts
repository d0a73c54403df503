// Runs a backup from request to finish: plan it (planRun.ts), check it, start the job, and follow the
// job (followJob.ts) independently of its progress (runProgress.ts). Cancelling the notification or
// the backup timeout stops the wait, not the backup: a late backup is still recorded, given its expiry
// and downloaded to its download paths (runOutcomes.ts; Auto Backup loses track of it — its most
// reported bug).
import * as vscode from 'vscode';
import type { BackupPlan, BackupRequestInput } from '../../core/options';
import type { Verifier } from '../browse/verifier';
import type { Connection } from '../connection/connectionManager';
import type { Downloads } from '../downloads';
import { describeError } from '../errors';
import type { BackupEvents } from '../events';
import type { EventLog } from '../log';
import type { BackupStore } from '../store/backupStore';
import type { LedgerStore } from '../store/ledgerStore';
import type { BackupRun, StartedRun } from './backupRun';
import { followJob } from './followJob';
import { planRun } from './planRun';
import { RunOutcomes } from './runOutcomes';
import { showRunProgress } from './runProgress';
import type { RunResult } from './runResult';

export interface RunOptions {
  /** The policy the backup is made for. */
  policy?: string;
  /** Scheduled runs: progress in the status bar, not a cancellable notification. */
  quiet?: boolean;
  /** Verify the backup when it succeeds (a policy's `verify: true`). */
  verify?: boolean;
  /** A safety-net backup: the config files being edited (tagged in `extra`, kept in the ledger). */
  safetyNet?: string[];
}

export class BackupRunner implements vscode.Disposable {
  /** Aborted when VS Code closes: the jobs go on, the waits stop. */
  private readonly stopping = new AbortController();
  private readonly outcomes: RunOutcomes;

  constructor(
    private readonly store: BackupStore,
    private readonly events: BackupEvents,
    private readonly log: EventLog,
    downloads: Downloads,
    ledger: LedgerStore,
    verifier: Verifier,
  ) {
    this.outcomes = new RunOutcomes(store, events, log, downloads, ledger, verifier);
  }

  /**
   * Plans and runs one backup. Problems found before starting are shown and returned, nothing is
   * sent. `policy` names the policy the backup is made for: it is written into the backup's `extra`
   * and, when the backup succeeds, recorded in the ledger with the backup's identity — the only
   * ground on which retention may later delete it without asking.
   */
  async create(request: BackupRequestInput, options: RunOptions = {}): Promise<RunResult> {
    const connection = this.store.connection;
    if (!connection) throw new Error(vscode.l10n.t('Not connected to a Home Assistant Supervisor.'));
    const plan = await planRun(this.store, connection, request, options.policy, options.safetyNet);
    const name = plan.body.name ?? '';
    if (plan.errors.length) return this.refuse(name, plan);
    for (const w of plan.warnings) this.log.warn(`backup "${name}": ${w}`);
    if (plan.warnings.length) void vscode.window.showWarningMessage(vscode.l10n.t('Backup "{0}": {1}', name, plan.warnings.join(' ')));

    const run: BackupRun = {
      connection,
      name,
      plan,
      policy: options.policy,
      safetyNet: options.safetyNet,
      startedAt: new Date(),
      verify: options.verify ? { password: plan.body.password ?? undefined } : undefined,
    };
    this.events.fire('backup_start', { name }, { type: plan.label, keep_days: plan.keepDays ?? undefined, policy: options.policy });
    let jobId: string;
    try {
      jobId = await startJob(connection, plan);
    } catch (e) {
      return this.outcomes.failed(run, describeError(e, connection.url));
    }
    this.log.info(`backup job ${jobId} started for "${name}" (${plan.label})`);
    this.store.addRunning({ jobId, name, startedAt: run.startedAt });
    const started: StartedRun = Object.assign(run, { jobId });
    const finished = this.follow(started);
    return showRunProgress(started, finished, options.quiet === true, this.store, this.log);
  }

  private refuse(name: string, plan: BackupPlan): RunResult {
    const message = vscode.l10n.t('The backup was not started: {0}', plan.errors.join(' '));
    this.log.error(message);
    void vscode.window.showErrorMessage(message);
    return { status: 'invalid', name, errors: plan.errors, warnings: plan.warnings };
  }

  private async follow(run: StartedRun): Promise<RunResult> {
    const followed = await followJob(run, this.store, this.log, this.stopping.signal);
    switch (followed.kind) {
      case 'stopped':
        // VS Code is closing: the backup goes on; nothing is known about its end, so nothing is recorded.
        return { status: 'still_running', name: run.name, jobId: run.jobId };
      case 'lost':
        return this.outcomes.lost(run, followed.error);
      case 'error':
        return this.outcomes.failed(run, describeError(followed.error, run.connection.url));
      case 'ended':
        return this.outcomes.ended(run, followed.outcome);
    }
  }

  dispose(): void {
    this.stopping.abort();
  }
}

function startJob(connection: Connection, plan: BackupPlan): Promise<string> {
  return plan.endpoint === 'full' ? connection.client.startFullBackup(plan.body) : connection.client.startPartialBackup(plan.body);
}
