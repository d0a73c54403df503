// Following a background job (home-assistant/supervisor supervisor/api/jobs.py APIJobs.job_info
// @090ef31e): poll GET /jobs/{uuid} until `done`. Success means no errors on the job itself; errors
// of child jobs (one add-on or folder that failed) are warnings, because the Supervisor still keeps
// the backup (tests/api/test_backups.py::test_api_backup_errors there).
import type { BackupClient } from '../backups/client';
import { SupervisorError } from './errors';
import type { Job } from './schemas';

export interface JobOutcome {
  job: Job;
  /** The backup slug (the job's `reference`), also set when a failed backup was removed again. */
  slug: string | null;
  failed: boolean;
  error?: string;
  warnings: string[];
}

export interface WaitOptions {
  signal?: AbortSignal;
  intervalMs?: number;
  onUpdate?: (job: Job) => void;
  /**
   * How long polling may keep failing (network errors: a laptop that sleeps, Wi-Fi, a busy
   * Supervisor) before giving up, with back-off up to 30 s between tries. Default 2 minutes.
   */
  tolerateErrorsForMs?: number;
  /** Which errors count as passing (default: network errors). A restore of Core, say, drops Core's connection for a while. */
  isTransient?: (e: SupervisorError) => boolean;
}

/**
 * The job could not be followed to its end: polling kept failing, or the Supervisor no longer knows
 * the job (it restarted). That is not a failure of the backup: the caller should look for it.
 */
export class JobLostError extends Error {
  constructor(
    message: string,
    readonly lastSeen: Job | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'JobLostError';
  }
}

const TRANSIENT = new Set(['connection_refused', 'connection_reset', 'timeout', 'network', 'dns']);
const isNetworkError = (e: SupervisorError) => TRANSIENT.has(e.kind);

export async function waitForJob(client: Pick<BackupClient, 'job'>, uuid: string, opts: WaitOptions = {}): Promise<JobOutcome> {
  const interval = opts.intervalMs ?? 1000;
  const tolerate = opts.tolerateErrorsForMs ?? 120_000;
  const isTransient = opts.isTransient ?? isNetworkError;
  let lastSeen: Job | undefined;
  let failingSince: number | undefined;
  let wait = interval;
  for (;;) {
    try {
      const job = await client.job(uuid, { signal: opts.signal });
      lastSeen = job;
      failingSince = undefined;
      wait = interval;
      opts.onUpdate?.(job);
      if (job.done === true) return outcomeOf(job);
    } catch (e) {
      if (!(e instanceof SupervisorError) || e.kind === 'aborted') throw e;
      if (e.kind === 'not_found') throw new JobLostError(`The Supervisor no longer knows job ${uuid} (did it restart?)`, lastSeen, { cause: e });
      if (!isTransient(e)) throw e;
      failingSince ??= Date.now();
      if (Date.now() - failingSince > tolerate) throw new JobLostError(`Lost track of job ${uuid}: ${e.message}`, lastSeen, { cause: e });
      wait = Math.min(wait * 2, 30_000);
    }
    await sleep(wait, opts.signal);
  }
}

export function outcomeOf(job: Job): JobOutcome {
  const failed = job.errors.length > 0;
  return {
    job,
    slug: job.reference,
    failed,
    error: failed ? job.errors.map((e) => e.message).join('; ') : undefined,
    warnings: childWarnings(job),
  };
}

/**
 * Errors of child jobs, deepest first. The Supervisor records a failing add-on on its own job
 * (`backup_addon_save`) and again on the parent (`backup_store_addons`); each failure is told once.
 */
function childWarnings(job: Job): string[] {
  return collect(job).map((w) => w.text);
}

function collect(job: Job): { message: string; text: string }[] {
  const out: { message: string; text: string }[] = [];
  for (const child of job.child_jobs) {
    const nested = collect(child);
    out.push(...nested);
    for (const e of child.errors) {
      if (nested.some((n) => n.message === e.message)) continue;
      out.push({ message: e.message, text: `${child.name ?? 'job'}${child.reference ? ` (${child.reference})` : ''}: ${e.message}` });
    }
  }
  return out;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted', 'AbortError');
}
