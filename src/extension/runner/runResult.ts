// What a backup run ends with, for the command that asked for it and the scheduler.
export type RunStatus = 'succeeded' | 'failed' | 'still_running' | 'invalid' | 'lost';

export interface RunResult {
  status: RunStatus;
  name: string;
  jobId?: string;
  slug?: string;
  error?: string;
  /** Problems that stopped the backup before it started (status `invalid`). */
  errors?: string[];
  warnings?: string[];
  /** Settles when the job is over, also after the user stopped waiting. */
  finished?: Promise<RunResult>;
}
