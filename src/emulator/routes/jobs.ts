// /jobs routes (supervisor/api/jobs.py).
import { ApiError } from '../http';
import type { RequestContext } from '../http';
import type { Job } from '../jobs';
import type { Supervisor } from '../supervisor';

function extractJob(ctx: RequestContext, sup: Supervisor): Job {
  const job = sup.jobs.get(ctx.params.uuid ?? '');
  if (!job) throw new ApiError('Job does not exist', 404);
  return job;
}

export const getJobsInfo = (_ctx: RequestContext, sup: Supervisor): Promise<unknown> => Promise.resolve({ ignore_conditions: [], jobs: sup.jobs.tree() });

export const getJob = (ctx: RequestContext, sup: Supervisor): Promise<unknown> => Promise.resolve(sup.jobs.toDict(extractJob(ctx, sup)));

export function deleteJob(ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  const job = extractJob(ctx, sup);
  if (!job.done) throw new ApiError(`Job ${job.uuid} is not done!`);
  sup.jobs.remove(job.uuid);
  return Promise.resolve({});
}
