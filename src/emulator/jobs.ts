// Supervisor jobs (supervisor/jobs/__init__.py + api/jobs.py): uuid4 hex ids, a parent/child
// tree, progress 0 → 100, errors with type/message/stage, finished jobs kept until DELETE.
import { randomUUID } from 'node:crypto';
import { Clock } from './clock';
import { compareVersions } from './version';

export interface JobError {
  type: string;
  message: string;
  stage: string | null;
  error_key: string | null;
  extra_fields: Record<string, unknown> | null;
}

/** An error raised inside a job: mirrors HassioError (class name, message, error_key, extra_fields). */
export class SupervisorError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly errorKey: string | null = null,
    readonly extraFields: Record<string, unknown> | null = null,
    /** HTTP status when the error reaches the API (400 for everything but APINotFound & co). */
    readonly status = 400,
  ) {
    super(message);
  }
}

/** A job error as the API sends it; older Supervisors send fewer fields (see JOB_FIELDS_SINCE). */
export type JobErrorDict = Pick<JobError, 'type' | 'message'> & Partial<Omit<JobError, 'type' | 'message'>>;

export interface JobDict {
  name: string | null;
  reference: string | null;
  uuid: string;
  progress: number;
  stage: string | null;
  done: boolean | null;
  errors: JobErrorDict[];
  created?: string;
  extra?: Record<string, unknown> | null;
  child_jobs: JobDict[];
}

/**
 * The Supervisor release that first sent each field of a job (SupervisorJob.as_dict) or job error
 * (SupervisorJobError.as_dict) in supervisor/jobs/__init__.py, home-assistant/supervisor.
 */
export const JOB_FIELDS_SINCE = {
  /** `created`: commit 600bf91c "Sort jobs by creation in API" (#5545). */
  created: '2025.01.0',
  /** error `stage`: commit 9222a3c9 "Report stage with error in jobs" (#5784). */
  errorStage: '2025.03.4',
  /** `extra`: commit 207b665e "Send progress updates during image pull for install/update" (#6102). */
  extra: '2025.08.2',
  /** error `error_key` and `extra_fields`: commit 81b7e54b "Remove unknown errors from addons and auth" (#6303). */
  errorKey: '2025.12.2',
} as const;

let sequence = 0;

export class Job {
  readonly uuid = randomUUID().replace(/-/g, '');
  /** Creation order; `created` strings can tie. */
  readonly seq = ++sequence;
  reference: string | null = null;
  progress = 0;
  stage: string | null = null;
  done: boolean | null = null;
  errors: JobError[] = [];
  extra: Record<string, unknown> | null = null;

  constructor(
    readonly name: string,
    readonly parentId: string | null,
    /** `datetime.now(UTC).isoformat()` on the emulated host when the job was made (SupervisorJob.created). */
    readonly created: string,
  ) {}

  start(): void {
    this.done = false;
  }

  /** Normal end of the job body: progress 100, done. */
  finish(): void {
    this.progress = 100;
    this.done = true;
  }

  /** The job body raised: the error is recorded, done, but progress stays where it was. */
  failWith(err: SupervisorError): void {
    this.captureError(err);
    this.done = true;
  }

  captureError(err: SupervisorError): void {
    this.errors.push({ type: err.type, message: err.message, stage: this.stage, error_key: err.errorKey, extra_fields: err.extraFields });
  }
}

export class JobManager {
  private readonly jobs = new Map<string, Job>();

  /** `supervisorVersion` decides which fields the job dicts have; `clock` stamps `created`. */
  constructor(
    private readonly supervisorVersion: () => string = () => '9999.0.0',
    private readonly clock: Clock = new Clock(),
  ) {}

  private since(version: string): boolean {
    return compareVersions(this.supervisorVersion(), version) >= 0;
  }

  create(name: string, parent: Job | null = null): Job {
    const job = new Job(name, parent ? parent.uuid : null, this.clock.isoNow());
    this.jobs.set(job.uuid, job);
    return job;
  }

  get(uuid: string): Job | undefined {
    return this.jobs.get(uuid);
  }

  /** Remove a job (and its children, which are meaningless without it). */
  remove(uuid: string): void {
    for (const job of [...this.jobs.values()]) if (job.parentId === uuid) this.remove(job.uuid);
    this.jobs.delete(uuid);
  }

  clear(): void {
    this.jobs.clear();
  }

  private children(uuid: string): Job[] {
    return [...this.jobs.values()].filter((j) => j.parentId === uuid).sort((a, b) => a.seq - b.seq);
  }

  /** One job with its subtree; children oldest first. Keys in the order the Supervisor sends them. */
  toDict(job: Job): JobDict {
    const errorDict = (e: JobError): JobErrorDict => ({
      type: e.type,
      message: e.message,
      ...(this.since(JOB_FIELDS_SINCE.errorStage) ? { stage: e.stage } : {}),
      ...(this.since(JOB_FIELDS_SINCE.errorKey) ? { error_key: e.error_key, extra_fields: e.extra_fields } : {}),
    });
    return {
      name: job.name,
      reference: job.reference,
      uuid: job.uuid,
      progress: Math.round(job.progress * 10) / 10,
      stage: job.stage,
      done: job.done,
      errors: job.errors.map(errorDict),
      ...(this.since(JOB_FIELDS_SINCE.created) ? { created: job.created } : {}),
      ...(this.since(JOB_FIELDS_SINCE.extra) ? { extra: job.extra } : {}),
      child_jobs: this.children(job.uuid).map((c) => this.toDict(c)),
    };
  }

  /** The `GET /jobs/info` tree: root jobs newest first. */
  tree(): JobDict[] {
    return [...this.jobs.values()]
      .filter((j) => j.parentId === null || !this.jobs.has(j.parentId))
      .sort((a, b) => b.seq - a.seq)
      .map((j) => this.toDict(j));
  }
}
