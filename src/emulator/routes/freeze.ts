// POST /backups/freeze and /backups/thaw: freeze for external (VM) snapshots; no archive.
// Also a handy way for tests to leave the Supervisor in `freeze` without a running backup.
import { ApiError, readSupervisorJson } from '../http';
import type { RequestContext } from '../http';
import { SCHEMA_FREEZE } from '../requestSchemas';
import { AbortedError } from '../supervisor';
import type { Supervisor } from '../supervisor';
import { validateOrMessage } from '../validation';

const DEFAULT_FREEZE_TIMEOUT_S = 600;

/** The thaw job waits for POST /backups/thaw or the timeout, then thaws Core and add-ons. */
async function thawJob(sup: Supervisor, timeoutS: number): Promise<void> {
  const job = sup.jobs.create('backup_manager_thaw_all');
  job.start();
  let wake: () => void = () => undefined;
  const signalled = new Promise<void>((resolve) => (wake = resolve));
  sup.manualThaw = wake;
  const timer = setTimeout(wake, timeoutS * 1000);
  try {
    await signalled;
    clearTimeout(timer);
    job.stage = 'home_assistant';
    await sup.sleep(sup.scenario.jobStepDelayMs);
    // Freeze/thaw jobs are not mapped back to the legacy "addons" stage names.
    job.stage = `${sup.appWord}s`;
    await sup.sleep(sup.scenario.jobStepDelayMs);
  } finally {
    clearTimeout(timer);
  }
  sup.coreState = 'running';
  sup.manualThaw = null;
  job.finish();
  // cleanup=True: the job disappears once done.
  sup.jobs.remove(job.uuid);
}

const thawRuns = new WeakMap<Supervisor, Promise<void>>();

export async function postFreeze(ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  const data = await readSupervisorJson(ctx.req);
  const result = validateOrMessage(SCHEMA_FREEZE, data);
  if (!result.ok) throw new ApiError(result.message);
  const { timeout = DEFAULT_FREEZE_TIMEOUT_S } = result.value as { timeout?: number };
  if (sup.coreState !== 'running') throw new ApiError(`'BackupManager.freeze_all' blocked from execution, system is not running - ${sup.coreState}`);
  const job = sup.jobs.create('backup_manager_freeze_all');
  job.start();
  sup.coreState = 'freeze';
  const run = thawJob(sup, timeout).catch((e: unknown) => {
    if (!(e instanceof AbortedError)) throw e;
  });
  thawRuns.set(sup, run);
  job.stage = 'home_assistant';
  await sup.sleep(sup.scenario.jobStepDelayMs);
  job.stage = `${sup.appWord}s`;
  job.finish();
  sup.jobs.remove(job.uuid);
  return {};
}

export async function postThaw(_ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  if (sup.coreState !== 'freeze') throw new ApiError(`'BackupManager.thaw_all' blocked from execution, system is not frozen - ${sup.coreState}`);
  if (!sup.manualThaw) throw new ApiError('Freeze was not initiated by freeze API, cannot thaw this way');
  sup.manualThaw();
  await thawRuns.get(sup);
  return {};
}
