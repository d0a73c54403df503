// One backup run once it is planned: what it makes, for whom, and what is known of its job so far.
import type { BackupPlan } from '../../core/options';
import type { Connection } from '../connection/connectionManager';

export interface BackupRun {
  readonly connection: Connection;
  readonly name: string;
  readonly plan: BackupPlan;
  /** The policy the backup is made for (tagged in its `extra`, recorded in the ledger when it succeeds). */
  readonly policy: string | undefined;
  /** A safety-net backup: the config files being edited when it was started. */
  readonly safetyNet?: string[] | undefined;
  readonly startedAt: Date;
  /** A policy's `verify: true`: the backup is read completely when it succeeds, with this password. */
  readonly verify: { password: string | undefined } | undefined;
  /** Set once the Supervisor accepted the backup. */
  jobId?: string;
  /** The job's latest stage while it is followed, shown in the progress. */
  stage?: string;
}

/** A run whose job was started. */
export type StartedRun = BackupRun & { readonly jobId: string };
