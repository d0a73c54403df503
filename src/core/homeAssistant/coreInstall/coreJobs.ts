// Core's backup manager has no jobs to poll: a create or restore is told only through events
// (`backup/subscribe_events`). CoreInstallClient runs each as a task and keeps a job in the Supervisor's
// shape up to date, so the extension follows it as it follows a Supervisor job (waitForJob).
import type { Job } from '../../supervisor';

export class CoreJobs {
  private readonly jobs = new Map<string, Job>();

  add(uuid: string, name: string): Job {
    const job: Job = { name, reference: null, uuid, progress: 0, stage: null, done: false, errors: [], created: new Date().toISOString(), child_jobs: [] };
    this.jobs.set(uuid, job);
    return job;
  }

  get(uuid: string): Job | undefined {
    const job = this.jobs.get(uuid);
    return job && { ...job, errors: [...job.errors], child_jobs: [...job.child_jobs] };
  }

  list(): Job[] {
    return [...this.jobs.keys()].map((uuid) => this.get(uuid)).filter((j): j is Job => j !== undefined);
  }

  stage(uuid: string, stage: string | null): void {
    const job = this.jobs.get(uuid);
    if (job && !job.done && stage) job.stage = stage;
  }

  succeed(uuid: string, reference: string | null, warnings: string[] = []): void {
    const job = this.jobs.get(uuid);
    if (!job) return;
    job.reference = reference;
    job.done = true;
    job.progress = 100;
    // Warnings are errors of child jobs, as the Supervisor reports a failed add-on (jobs.ts childWarnings).
    job.child_jobs = warnings.map((message, i) => ({ ...childOf(job, i), errors: [{ type: 'BackupManagerWarning', message }] }));
  }

  fail(uuid: string, message: string): void {
    const job = this.jobs.get(uuid);
    if (!job) return;
    job.done = true;
    job.errors = [{ type: 'BackupManagerError', message }];
  }
}

function childOf(job: Job, i: number): Job {
  return { name: job.name, reference: null, uuid: `${job.uuid}-${i}`, progress: 100, stage: null, done: true, errors: [], child_jobs: [] };
}
