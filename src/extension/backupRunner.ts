// Runs a backup job from start to finish. The job is followed independently of the progress
// notification: cancelling stops the wait, not the backup, and the result is still recorded.
import * as vscode from 'vscode';
import { waitForJob, type NewBackupOptions } from '../core/supervisor';
import type { Connection } from './connection/connectionManager';
import { describeError } from './errors';
import { stageLabel } from './jobStages';
import type { BackupEvents } from './events';
import type { EventLog } from './log';
import type { BackupStore } from './store/backupStore';

export type RunStatus = 'succeeded' | 'failed' | 'still_running';

export interface RunResult {
  status: RunStatus;
  name: string;
  jobId?: string;
  slug?: string;
  error?: string;
  warnings?: string[];
  /** Settles when the job is over, also after the user stopped waiting. */
  finished?: Promise<RunResult>;
}

export class BackupRunner implements vscode.Disposable {
  private readonly stopping = new AbortController();
  /** Latest stage of each running job, shown in its progress notification. */
  private readonly stages = new Map<string, string>();

  constructor(
    private readonly store: BackupStore,
    readonly events: BackupEvents,
    private readonly log: EventLog,
  ) {}

  async createFull(options: NewBackupOptions & { name: string }): Promise<RunResult> {
    const connection = this.store.connection;
    if (!connection) throw new Error(vscode.l10n.t('Not connected to a Home Assistant Supervisor.'));
    const { name } = options;
    const startedAt = new Date();
    this.events.fire('backup_start', { name }, { type: 'full' });
    let jobId: string;
    try {
      jobId = await connection.client.startFullBackup(options);
    } catch (e) {
      return this.failed(name, startedAt, describeError(e, connection.url));
    }
    this.log.info(`backup job ${jobId} started for "${name}"`);
    this.store.addRunning({ jobId, name, startedAt });
    const finished = this.follow(connection, jobId, name, startedAt);
    return this.showProgress(name, jobId, finished);
  }

  private showProgress(name: string, jobId: string, finished: Promise<RunResult>): Thenable<RunResult> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Backing up "{0}"', name), cancellable: true },
      (progress, token) =>
        new Promise<RunResult>((resolve) => {
          progress.report({ message: vscode.l10n.t('started') });
          const onStage = this.store.onDidChange(() => {
            const stage = this.stages.get(jobId);
            if (stage) progress.report({ message: stageLabel(stage, 'backup') });
          });
          void finished.then((r) => {
            onStage.dispose();
            resolve(r);
          });
          token.onCancellationRequested(() => {
            onStage.dispose();
            this.log.info(`stopped waiting for backup job ${jobId}; it goes on and is still tracked`);
            void vscode.window.setStatusBarMessage(vscode.l10n.t('The backup "{0}" goes on in the background.', name), 5000);
            resolve({ status: 'still_running', name, jobId, finished });
          });
        }),
    );
  }

  private async follow(connection: Connection, jobId: string, name: string, startedAt: Date): Promise<RunResult> {
    const intervalMs = vscode.workspace.getConfiguration('haBackups').get<number>('jobPollIntervalMilliseconds') ?? 1000;
    try {
      const outcome = await waitForJob(connection.client, jobId, {
        intervalMs,
        signal: this.stopping.signal,
        onUpdate: (job) => {
          if (job.stage && this.stages.get(jobId) !== job.stage) {
            this.stages.set(jobId, job.stage);
            this.log.info(`backup job ${jobId} stage ${job.stage}`);
          }
        },
      });
      if (outcome.failed) return this.failed(name, startedAt, outcome.error ?? vscode.l10n.t('unknown error'), jobId, outcome.slug ?? undefined);
      const slug = outcome.slug ?? undefined;
      const durationSeconds = (Date.now() - startedAt.getTime()) / 1000;
      for (const w of outcome.warnings) this.log.warn(`backup "${name}" (${slug}) finished with a warning: ${w}`);
      this.events.fire('backup_successful', { name, slug, durationSeconds });
      this.store.finishRunning(jobId, { success: { name, slug, at: new Date() } });
      if (outcome.warnings.length) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Backup "{0}" finished, but some parts failed: {1}', name, outcome.warnings.join('; ')));
      }
      if (slug) await this.store.refreshUntil((list) => list.some((b) => b.slug === slug));
      return { status: 'succeeded', name, jobId, slug, warnings: outcome.warnings };
    } catch (e) {
      return this.failed(name, startedAt, describeError(e, connection.url), jobId);
    } finally {
      this.stages.delete(jobId);
    }
  }

  private failed(name: string, startedAt: Date, error: string, jobId?: string, slug?: string): RunResult {
    const durationSeconds = (Date.now() - startedAt.getTime()) / 1000;
    this.events.fire('backup_failed', { name, error, slug, durationSeconds }, { job: jobId });
    if (jobId) this.store.finishRunning(jobId, { failure: { name, error, at: new Date(), slug } });
    else this.store.finishRunning('', { failure: { name, error, at: new Date() } });
    return { status: 'failed', name, jobId, slug, error };
  }

  dispose(): void {
    this.stopping.abort();
  }
}
