// Fault injection for tests: answer with a status, delay, drop the connection, ignore a Range header
// (as a proxy that strips it does), or make a backup/restore job fail. Faults are matched on "METHOD /path" (with * wildcards).
import { z } from 'zod';

export const FAULT_KINDS = ['status', 'delay', 'reset', 'ignore_range', 'job_failure', 'child_job_failure', 'disk_full', 'corrupt_archive'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Faults that act on the HTTP exchange. `ignore_range` (downloads only): the Range and If-Range
 * headers are ignored and the whole file is sent with 200, as through Core's `/api/hassio` proxy,
 * which does not forward Range for backups, or any proxy that strips it.
 */
export const HTTP_FAULT_KINDS: readonly FaultKind[] = ['status', 'delay', 'reset', 'ignore_range'];

/**
 * Faults that change how a backup/restore job runs rather than the HTTP exchange: job_failure
 * (backup, restore), child_job_failure (one add-on/folder of a backup or restore), disk_full
 * (writing a backup, storing an upload).
 */
export const JOB_FAULT_KINDS: readonly FaultKind[] = ['job_failure', 'child_job_failure', 'disk_full', 'corrupt_archive'];

export const FaultSchema = z.strictObject({
  /** "METHOD /path"; `*` in the path matches anything, a method of `*` matches every method. */
  match: z.string().regex(/^([A-Z]+|\*) \/\S*$/, 'expected "METHOD /path", e.g. "POST /backups/new/full"'),
  kind: z.enum(FAULT_KINDS),
  status: z.number().int().min(100).max(599).optional(),
  body: z.string().optional(),
  message: z.string().optional(),
  delayMs: z.number().int().min(0).optional(),
  times: z.number().int().min(0).default(1),
});

export const FaultsBodySchema = z.strictObject({ faults: z.array(FaultSchema) });

export type Fault = z.output<typeof FaultSchema>;

interface ActiveFault extends Fault {
  /** How many times it has fired. */
  hits: number;
  pattern: RegExp;
}

function compile(match: string): RegExp {
  const [rawMethod = '', path = ''] = match.split(' ');
  const method = rawMethod === '*' ? '[A-Z]+' : rawMethod;
  const escaped = path
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${method} ${escaped}$`);
}

export class FaultRegistry {
  private faults: ActiveFault[] = [];

  add(faults: Fault[]): void {
    for (const f of faults) this.faults.push({ ...f, hits: 0, pattern: compile(f.match) });
  }

  clear(): void {
    this.faults = [];
  }

  list(): (Fault & { hits: number })[] {
    return this.faults.map(({ pattern: _pattern, ...rest }) => ({ ...rest }));
  }

  /**
   * Take (and count) the faults of the given kinds that match this request. A fault with
   * `times` n is removed after n hits; 0 means forever.
   */
  take(method: string, path: string, kinds: readonly FaultKind[]): Fault[] {
    const key = `${method} ${path}`;
    const taken: Fault[] = [];
    for (const f of this.faults) {
      if (!kinds.includes(f.kind) || !f.pattern.test(key)) continue;
      f.hits += 1;
      taken.push(f);
    }
    this.faults = this.faults.filter((f) => f.times === 0 || f.hits < f.times);
    return taken;
  }
}
