// Follows a backup job to its end by polling the Supervisor (src/core/supervisor waitForJob). Each new
// stage is noted on the run (the progress shows it) and logged. How the wait ended is returned, never
// thrown: the runner decides what each end means.
import * as vscode from 'vscode';
import { JobLostError, waitForJob, type JobOutcome } from '../../core/supervisor';
import type { EventLog } from '../log';
import type { BackupStore } from '../store/backupStore';
import type { StartedRun } from './backupRun';

export type FollowedJob =
  /** The job ended (successfully or not) and the Supervisor said how. */
  | { kind: 'ended'; outcome: JobOutcome }
  /** The wait was stopped (VS Code is closing): nothing is known about the end. */
  | { kind: 'stopped' }
  /** The job could not be followed to its end. */
  | { kind: 'lost'; error: JobLostError }
  /** Asking about the job failed otherwise. */
  | { kind: 'error'; error: unknown };

export async function followJob(run: StartedRun, store: BackupStore, log: EventLog, signal: AbortSignal): Promise<FollowedJob> {
  const intervalMs = vscode.workspace.getConfiguration('haBackups').get<number>('jobPollIntervalMilliseconds') ?? 1000;
  try {
    const outcome = await waitForJob(run.connection.client, run.jobId, {
      intervalMs,
      signal,
      onUpdate: (job) => {
        if (job.stage && run.stage !== job.stage) {
          run.stage = job.stage;
          log.info(`backup job ${run.jobId} stage ${job.stage}`);
          store.notifyChanged();
        }
      },
    });
    return { kind: 'ended', outcome };
  } catch (e) {
    if (signal.aborted) return { kind: 'stopped' };
    if (e instanceof JobLostError) return { kind: 'lost', error: e };
    return { kind: 'error', error: e };
  } finally {
    run.stage = undefined;
  }
}
