// Supervisor jobs (supervisor/jobs/__init__.py + api/jobs.py): uuid4 hex ids, a parent/child
// tree, progress 0 → 100, errors with type/message/stage, finished jobs kept until DELETE.
import { randomUUID } from 'node:crypto';
import { pyUtcNowIso } from './pyFormat';

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

export interface JobDict {
  name: string | null;
  reference: string | null;
  uuid: string;
  progress: number;
  stage: string | null;
  done: boolean | null;
  errors: JobError[];
  created: string;
  extra: Record<string, unknown> | null;
  child_jobs: JobDict[];
}

let sequence = 0;

export class Job {
  readonly uuid = randomUUID().replace(/-/g, '');
  readonly created = pyUtcNowIso();
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

  create(name: string, parent: Job | null = null): Job {
    const job = new Job(name, parent ? parent.uuid : null);
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

  /** One job with its subtree; children oldest first. */
  toDict(job: Job): JobDict {
    return {
      name: job.name,
      reference: job.reference,
      uuid: job.uuid,
      progress: Math.round(job.progress * 10) / 10,
      stage: job.stage,
      done: job.done,
      errors: job.errors.map((e) => ({ ...e })),
      created: job.created,
      extra: job.extra,
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
