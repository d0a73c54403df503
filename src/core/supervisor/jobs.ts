// Following a background job (supervisor-api.md §3): poll GET /jobs/{uuid} until `done`.
// Success means no errors on the job itself; errors of child jobs (one add-on or folder that
// failed) are warnings, because the Supervisor still keeps the backup (§2.6).
import type { SupervisorClient } from './client';
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
  /** Network errors tolerated in a row (the Supervisor may be busy) before giving up. */
  maxConsecutiveErrors?: number;
}

const TRANSIENT = new Set(['connection_refused', 'connection_reset', 'timeout', 'network']);

export async function waitForJob(client: SupervisorClient, uuid: string, opts: WaitOptions = {}): Promise<JobOutcome> {
  const interval = opts.intervalMs ?? 1000;
  const maxErrors = opts.maxConsecutiveErrors ?? 5;
  let errorsInRow = 0;
  for (;;) {
    let job: Job | undefined;
    try {
      job = await client.job(uuid, { signal: opts.signal });
      errorsInRow = 0;
    } catch (e) {
      if (!(e instanceof SupervisorError) || !TRANSIENT.has(e.kind) || ++errorsInRow > maxErrors) throw e;
    }
    if (job) {
      opts.onUpdate?.(job);
      if (job.done === true) return outcomeOf(job);
    }
    await sleep(interval, opts.signal);
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
