// /_emulator/* — test control routes (no auth): faults, mount state, restart, state dump.
import path from 'node:path';
import { z } from 'zod';
import { MAX_CLOCK_OFFSET_MS } from '../clock';
import { FaultsBodySchema } from '../faults';
import { ApiError, readJson } from '../http';
import type { RequestContext } from '../http';
import type { Supervisor } from '../supervisor';
import { CONFIG_FILE_PATH } from '../scenario';
import { listBackups } from './backups';
import { downloadStats, resetDownloadStats } from './download';

function parse<T>(schema: z.ZodType<T>, data: unknown): T {
  const result = schema.safeParse(data);
  if (!result.success) throw new ApiError(result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return result.data;
}

export async function postFaults(ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  const body = parse(FaultsBodySchema, await readJson(ctx.req));
  sup.faults.add(body.faults);
  return { faults: sup.faults.list() };
}

export function deleteFaults(_ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  sup.faults.clear();
  return Promise.resolve({});
}

const MountStateBody = z.strictObject({
  state: z.enum(['active', 'activating', 'deactivating', 'failed', 'inactive', 'maintenance', 'reloading']).nullable(),
});

export async function postMountState(ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  const name = ctx.params.name ?? '';
  const mount = sup.mount(name);
  if (!mount) throw new ApiError(`No mount exists with name '${name}'`, 404);
  const body = parse(MountStateBody, await readJson(ctx.req));
  mount.state = body.state;
  // Backups on a mount that went down disappear from the list; they come back when it is up.
  await sup.reload();
  return { name: mount.name, state: mount.state };
}

export async function postRestart(_ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  await sup.restart();
  return {};
}

/**
 * The true state. `files` gives, for each cached backup and location (".local" or a mount name), its
 * archive's path relative to the data folder (`backup/<file>.tar`, `mounts/<name>/<file>.tar`): a test
 * that deletes or replaces such a file behind the emulator's back sees what the Supervisor does when an
 * archive vanishes (the cache keeps it until a reload).
 */
export function getState(_ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  const files: Record<string, Record<string, string>> = {};
  for (const b of sup.store.list()) {
    files[b.slug] = Object.fromEntries([...b.copies].map(([location, copy]) => [location ?? '.local', path.relative(sup.dataDir, copy.path).split(path.sep).join('/')]));
  }
  // `downloads`: per download path, requests, body bytes sent and statuses (reset with DELETE /_emulator/requests).
  return Promise.resolve({ backups: listBackups(sup), jobs: sup.jobs.tree(), state: sup.coreState, faults: sup.faults.list(), files, downloads: downloadStats(sup) });
}

const SettingsBody = z.strictObject({
  /** Time each stage of a backup/restore job takes; slow jobs let tests act while one runs. */
  jobStepDelayMs: z.number().int().min(0).max(600_000).optional(),
  /**
   * The emulated host's clock is real time + this (ms, may be negative, at most 10 years either way):
   * Date headers, new backups' dates, job `created`, archive and file times.
   */
  clockOffsetMs: z.number().int().min(-MAX_CLOCK_OFFSET_MS).max(MAX_CLOCK_OFFSET_MS).optional(),
  /** Bytes of seeded data in the first part of a new backup (Home Assistant's when included): big backups for ranged reads. */
  newBackupPayloadBytes: z
    .number()
    .int()
    .min(0)
    .max(1024 * 1024 * 1024)
    .optional(),
  /** Config files new backups hold (relative path → text), replacing the ones set before; {} for the defaults. */
  configFiles: z.record(z.string().regex(CONFIG_FILE_PATH), z.string()).optional(),
});

export async function postSettings(ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  const body = parse(SettingsBody, await readJson(ctx.req));
  if (body.jobStepDelayMs !== undefined) sup.scenario.jobStepDelayMs = body.jobStepDelayMs;
  if (body.clockOffsetMs !== undefined) sup.clock.setOffset(body.clockOffsetMs);
  if (body.newBackupPayloadBytes !== undefined) sup.scenario.newBackupPayloadBytes = body.newBackupPayloadBytes;
  if (body.configFiles !== undefined) sup.scenario.configFiles = body.configFiles;
  return {
    jobStepDelayMs: sup.scenario.jobStepDelayMs,
    clockOffsetMs: sup.clock.offsetMs,
    now: new Date(sup.clock.now()).toISOString(),
    newBackupPayloadBytes: sup.scenario.newBackupPayloadBytes,
    configFiles: Object.keys(sup.scenario.configFiles),
  };
}

export function getRequests(_ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  return Promise.resolve(Object.fromEntries(sup.requestCounts));
}

export function deleteRequests(_ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  sup.requestCounts.clear();
  resetDownloadStats(sup);
  return Promise.resolve({});
}
