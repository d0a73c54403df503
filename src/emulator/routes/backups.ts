// /backups routes (supervisor/api/backups.py, v1 field names).
import { promises as fsp } from 'node:fs';
import { DEFAULT_LOCATION, startBackup, startRestore } from '../backupJobs';
import type { CreateBackupOptions, RequestedLocation } from '../backupJobs';
import { JOB_FAULT_KINDS } from '../faults';
import { ApiError, readSupervisorJson } from '../http';
import type { RequestContext } from '../http';
import { SupervisorError } from '../jobs';
import {
  ALL_APPS_FLAG,
  ALL_FOLDERS,
  LOCATION_CLOUD_BACKUP,
  SCHEMA_BACKUP_FULL,
  SCHEMA_BACKUP_PARTIAL,
  SCHEMA_OPTIONS,
  SCHEMA_REMOVE,
  SCHEMA_RESTORE_FULL,
  SCHEMA_RESTORE_PARTIAL,
} from '../requestSchemas';
import type { BackupFullBody, BackupPartialBody, RestoreFullBody, RestorePartialBody } from '../requestSchemas';
import type { Location, StoredBackup } from '../store';
import { AbortedError } from '../supervisor';
import { pyRepr } from '../pyFormat';
import { atLeast } from '../version';
import type { Supervisor } from '../supervisor';
import { validateOrMessage } from '../validation';
import type { Validator } from '../validation';

const LOCATION_LOCAL = '.local';

function sizeMiB(bytes: number): number {
  return Math.round((bytes / 1048576) * 100) / 100;
}

function locationAttributes(b: StoredBackup): Record<string, { protected: boolean; size_bytes: number }> {
  const out: Record<string, { protected: boolean; size_bytes: number }> = {};
  for (const loc of b.locations) {
    const copy = b.copies.get(loc);
    if (copy) out[loc ?? LOCATION_LOCAL] = { protected: copy.protected, size_bytes: copy.sizeBytes };
  }
  return out;
}

/** One entry of GET /backups. */
export function listItem(b: StoredBackup): Record<string, unknown> {
  const primary = b.primary;
  return {
    slug: b.slug,
    name: b.meta.name,
    date: b.meta.date,
    type: b.meta.type,
    size: sizeMiB(primary.sizeBytes),
    size_bytes: primary.sizeBytes,
    location: b.location,
    locations: b.locations,
    protected: primary.protected,
    location_attributes: locationAttributes(b),
    compressed: b.meta.compressed,
    content: { homeassistant: b.meta.homeassistant !== null, addons: b.meta.addons.map((a) => a.slug), folders: b.meta.folders },
  };
}

export function listBackups(sup: Supervisor): Record<string, unknown>[] {
  return sup.store.list().map(listItem);
}

function backupInfo(b: StoredBackup): Record<string, unknown> {
  const primary = b.primary;
  return {
    slug: b.slug,
    type: b.meta.type,
    name: b.meta.name,
    date: b.meta.date,
    size: sizeMiB(primary.sizeBytes),
    size_bytes: primary.sizeBytes,
    compressed: b.meta.compressed,
    protected: primary.protected,
    location_attributes: locationAttributes(b),
    supervisor_version: b.meta.supervisorVersion,
    homeassistant: b.meta.homeassistant?.version ?? null,
    location: b.location,
    locations: b.locations,
    addons: b.meta.addons.map((a) => ({ slug: a.slug, name: a.name, version: a.version, size: a.size })),
    repositories: b.meta.repositories,
    folders: b.meta.folders,
    homeassistant_exclude_database: b.meta.homeassistant?.exclude_database ?? null,
    extra: b.meta.extra,
  };
}

async function validated<T>(ctx: RequestContext, validator: Validator): Promise<T> {
  const data = await readSupervisorJson(ctx.req);
  const result = validateOrMessage(validator, data);
  if (!result.ok) throw new ApiError(result.message);
  return result.value as T;
}

/**
 * APIBackups._extract_slug (supervisor/api/backups.py): an unknown slug is "Backup does not exist",
 * 404 since 2024.12.0 (commit 774aef74, #5479: APINotFound), 400 before (APIError).
 */
export function extractBackup(ctx: RequestContext, sup: Supervisor): StoredBackup {
  const backup = sup.store.get(ctx.params.slug ?? '');
  if (!backup) throw new ApiError('Backup does not exist', atLeast(sup.supervisorVersion, RELEASES.unknownSlugIs404) ? 404 : 400);
  return backup;
}

function rejectCloudBackup(locations: (string | null)[]): void {
  if (locations.includes(LOCATION_CLOUD_BACKUP)) throw new ApiError(`Location ${LOCATION_CLOUD_BACKUP} is only available for Home Assistant`, 403);
}

/** Body `location` (list) → first target + extra copies; omitted → default backup mount. */
function resolveTargets(sup: Supervisor, locations: (string | null)[] | undefined): { location: RequestedLocation; additional: Location[] } {
  if (locations === undefined) return { location: DEFAULT_LOCATION, additional: [] };
  rejectCloudBackup(locations);
  const resolved = locations.map((l) => sup.resolveLocation(l));
  return { location: resolved[0] ?? null, additional: resolved.slice(1) };
}

export const getBackups = (_ctx: RequestContext, sup: Supervisor): Promise<unknown> => Promise.resolve({ backups: listBackups(sup) });

export const getBackupsInfo = (_ctx: RequestContext, sup: Supervisor): Promise<unknown> =>
  Promise.resolve({ backups: listBackups(sup), days_until_stale: sup.daysUntilStale });

export async function postOptions(ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  const body = await validated<{ days_until_stale?: number }>(ctx, SCHEMA_OPTIONS);
  if (body.days_until_stale !== undefined) sup.daysUntilStale = body.days_until_stale;
  return {};
}

export async function postReload(_ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  await sup.reload();
  return {};
}

export const getBackupInfo = (ctx: RequestContext, sup: Supervisor): Promise<unknown> => Promise.resolve(backupInfo(extractBackup(ctx, sup)));

async function runCreate(
  ctx: RequestContext,
  sup: Supervisor,
  body: BackupFullBody,
  opts: Omit<CreateBackupOptions, 'faults' | 'name' | 'filename' | 'password' | 'compressed' | 'location' | 'additionalLocations' | 'excludeDatabase' | 'extra'>,
): Promise<unknown> {
  const { location, additional } = resolveTargets(sup, body.location);
  const started = startBackup(sup, {
    ...opts,
    name: body.name ?? '',
    filename: body.filename,
    password: body.password ? body.password : null,
    // `compressed: null` means uncompressed (Backup.new: `if not compressed`).
    compressed: body.compressed === undefined ? true : Boolean(body.compressed),
    location,
    additionalLocations: additional,
    excludeDatabase: body.homeassistant_exclude_database ?? null,
    extra: body.extra ?? {},
    faults: () => sup.faults.take(ctx.method, ctx.path, JOB_FAULT_KINDS),
  });
  const { job, result } = started;
  if (body.background) {
    result.catch(() => undefined);
    return { job_id: job.uuid };
  }
  let backup: StoredBackup | null;
  try {
    backup = await result;
  } catch (e) {
    if (e instanceof AbortedError) throw new ApiError('Unknown error, see Supervisor logs');
    throw e;
  }
  if (backup) return { job_id: job.uuid, slug: backup.slug };
  throw new ApiError(`An error occurred while making backup, check job '${job.uuid}' or supervisor logs for details`, 400, { jobId: job.uuid });
}

export async function postNewFull(ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  const body = await validated<BackupFullBody>(ctx, SCHEMA_BACKUP_FULL);
  return runCreate(ctx, sup, body, { kind: 'full', homeassistant: true, addonSlugs: sup.addons.map((a) => a.slug), folders: [...ALL_FOLDERS] });
}

export async function postNewPartial(ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  const body = await validated<BackupPartialBody>(ctx, SCHEMA_BACKUP_PARTIAL);
  const addonSlugs = body.addons === ALL_APPS_FLAG ? sup.addons.map((a) => a.slug) : (body.addons ?? []);
  let folders = body.folders ?? [];
  let homeassistant = body.homeassistant ?? false;
  if (folders.includes('homeassistant')) {
    folders = folders.filter((f) => f !== 'homeassistant');
    homeassistant = true;
  }
  return runCreate(ctx, sup, body, { kind: 'partial', homeassistant, addonSlugs, folders });
}

async function runRestore(ctx: RequestContext, sup: Supervisor, full: boolean): Promise<unknown> {
  const backup = extractBackup(ctx, sup);
  const body = full ? await validated<RestoreFullBody>(ctx, SCHEMA_RESTORE_FULL) : await validated<RestorePartialBody>(ctx, SCHEMA_RESTORE_PARTIAL);
  const partial = body as RestorePartialBody;
  rejectCloudBackup([body.location === undefined ? backup.location : body.location]);
  const { job, result } = await startRestore(sup, backup, {
    full,
    password: body.password ?? null,
    location: body.location === undefined ? DEFAULT_LOCATION : body.location,
    homeassistant: partial.homeassistant ?? false,
    addons: partial.addons ?? [],
    folders: partial.folders ?? [],
    faults: () => sup.faults.take(ctx.method, ctx.path, JOB_FAULT_KINDS),
  });
  if (body.background) {
    result.catch(() => undefined);
    return { job_id: job.uuid };
  }
  let success: boolean;
  try {
    success = await result;
  } catch (e) {
    if (e instanceof SupervisorError) throw new ApiError(e.message, e.status);
    throw new ApiError('Unknown error, see Supervisor logs');
  }
  // A part that could not be restored (recorded on its child job) makes the restore unsuccessful.
  if (!success) throw new ApiError(`An error occurred during restore of ${backup.slug}, check job '${job.uuid}' or supervisor logs for details`, 400, { jobId: job.uuid });
  return { job_id: job.uuid };
}

export const postRestoreFull = (ctx: RequestContext, sup: Supervisor): Promise<unknown> => runRestore(ctx, sup, true);
export const postRestorePartial = (ctx: RequestContext, sup: Supervisor): Promise<unknown> => runRestore(ctx, sup, false);

/** Supervisor releases that changed DELETE /backups/{slug} and what a missing archive file does. */
export const RELEASES = {
  /** APIBackups._extract_slug raises APINotFound (commit 774aef74, #5479). */
  unknownSlugIs404: '2024.12.0',
  /**
   * BackupManager.remove raises BackupFileNotFoundError (404) for a vanished file and BackupError for
   * other OS errors (commit 30cbb039, #5590); before, it logged and returned False (400 "Unknown error").
   */
  removeRaises: '2025.01.2',
  /** A vanished file makes remove() and download() reload that location in the background (commit 7f395382, #5596). */
  reloadVanishedLocation: '2025.02.0',
  /** "Could delete backup at …" became "Cannot delete backup at …" (commit 6ffd8d3e, #7000). */
  deleteMessageFixed: '2026.07.0',
} as const;

/** Python's str(OSError) for the errors an unlink can meet: "[Errno 21] Is a directory: '/path'". */
function pyOsErrorText(err: NodeJS.ErrnoException, file: string): string {
  const strerror: Record<string, string> = {
    EACCES: 'Permission denied',
    EPERM: 'Operation not permitted',
    EISDIR: 'Is a directory',
    EROFS: 'Read-only file system',
    EBUSY: 'Device or resource busy',
    EIO: 'Input/output error',
    EBADMSG: 'Bad message',
    ENOTDIR: 'Not a directory',
  };
  const text = (err.code && strerror[err.code]) ?? err.message;
  return err.errno === undefined ? text : `[Errno ${Math.abs(err.errno)}] ${text}: ${pyRepr(file)}`;
}

/**
 * DELETE /backups/{slug}: APIBackups.remove and BackupManager.remove (supervisor/api/backups.py,
 * supervisor/backups/manager.py). Copies are unlinked one by one, in the order of the request's
 * `location` list, or else in the order the Supervisor found them (all_locations: the local folder
 * first, then mounts, for backups it loaded; the creation order for backups it made). The first copy
 * whose file cannot be unlinked ends the request: copies before it are gone, it and the ones after it
 * stay. A vanished file answers 404 "Cannot delete backup at <path>, file does not exist!" and (since
 * 2025.02.0) rescans that location after answering, which drops the stale copy from the list (and the
 * backup, if that was its last copy).
 */
export async function deleteBackup(ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  const backup = extractBackup(ctx, sup);
  const body = await validated<{ location?: (string | null)[] }>(ctx, SCHEMA_REMOVE);
  let targets: Location[];
  // `if locations` in BackupManager.remove: an empty list deletes every copy, as no list does.
  if (body.location !== undefined) {
    rejectCloudBackup(body.location);
    const named = body.location.map((l) => sup.resolveLocation(l));
    targets = named.length > 0 ? named.filter((l) => backup.copies.has(l)) : [...backup.copies.keys()];
  } else {
    targets = [...backup.copies.keys()];
  }
  const version = sup.supervisorVersion;
  for (const location of targets) {
    const copy = backup.copies.get(location);
    if (!copy) continue;
    try {
      await fsp.unlink(copy.path);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      // Before 2025.01.2 remove() logged "Can't remove backup" and returned False: api_process's generic error.
      if (!atLeast(version, RELEASES.removeRaises)) throw new ApiError('Unknown error, see Supervisor logs');
      if (err.code === 'ENOENT') {
        if (atLeast(version, RELEASES.reloadVanishedLocation)) sup.reloadLocationInBackground(location);
        throw new ApiError(`Cannot delete backup at ${copy.path}, file does not exist!`, 404);
      }
      const verb = atLeast(version, RELEASES.deleteMessageFixed) ? 'Cannot' : 'Could';
      throw new ApiError(`${verb} delete backup at ${copy.path}: ${pyOsErrorText(err, copy.path)}`);
    }
    sup.store.removeCopy(backup, location);
  }
  return {};
}
