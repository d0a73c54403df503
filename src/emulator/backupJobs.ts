// Backup and restore as Supervisor jobs (backups/manager.py): validation first (errors come
// back at once), then the job walks its stages in the background with child jobs, keeping
// the Supervisor in `freeze` until it is done.
import { createDecipheriv } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { assembleArchive, normalizeBackupJson } from './archive';
import type { InnerPart } from './archive';
import { addonPart, backupJson, createSlug, folderPart, homeAssistantPart, repositoriesFor, supervisorConfigPart } from './backupBuilder';
import type { AddonRef, PartOptions } from './backupBuilder';
import { seededBytes } from './content';
import type { Fault } from './faults';
import { ApiError } from './http';
import { SupervisorError } from './jobs';
import type { Job } from './jobs';
import { stampFile } from './clock';
import { pyStr } from './pyFormat';
import { AbortedError, compareVersions } from './supervisor';
import type { Supervisor } from './supervisor';
import type { Location, StoredBackup } from './store';
import { deriveIv, isSecureTar, passwordToKey, secureTarV2PasswordMatches } from './secureTarV2';
import { listTarFileMembers, readTarFileMember } from './tar';

/** "Not given": the Supervisor then uses the default backup mount (or local). */
export const DEFAULT_LOCATION = Symbol('default location');
export type RequestedLocation = Location | typeof DEFAULT_LOCATION;

export interface StartedJob<T> {
  job: Job;
  /** Settles when the job is done; rejects with AbortedError on a Supervisor restart. */
  result: Promise<T>;
}

const ENOSPC = '[Errno 28] No space left on device';

function frozenError(method: string): ApiError {
  return new ApiError(`'BackupManager.${method}' blocked from execution, system is not running - freeze`);
}

/** Fail a job before its background part starts: the error is on the job, and answered without job_id. */
function failEarly(job: Job, err: SupervisorError): never {
  job.failWith(err);
  throw new ApiError(err.message, err.status, { errorKey: err.errorKey, extraFields: err.extraFields });
}

function mountDownError(mount: string): SupervisorError {
  return new SupervisorError('BackupMountDownError', `Backup mount '${mount}' is down`, 'backup_mount_down', { mount });
}

/**
 * Run a child job: it waits its share of the stage, then does its work (which may throw).
 * References follow the real job groups: Backup methods carry the slug, per-item jobs the
 * add-on slug / folder / location, BackupManager helpers none.
 */
async function runChild(sup: Supervisor, parent: Job, name: string, reference: string | null, delayMs: number, work: () => void | Promise<void>): Promise<void> {
  const child = sup.jobs.create(name, parent);
  child.reference = reference;
  child.start();
  await sup.sleep(delayMs);
  try {
    await work();
  } catch (e) {
    if (e instanceof SupervisorError) child.failWith(e);
    throw e;
  }
  child.finish();
}

// ------------------------------------------------------------------------------ create

export interface CreateBackupOptions {
  kind: 'full' | 'partial';
  name: string;
  filename?: string;
  password: string | null;
  compressed: boolean;
  location: RequestedLocation;
  additionalLocations: Location[];
  homeassistant: boolean;
  excludeDatabase: boolean | null;
  addonSlugs: string[];
  folders: string[];
  extra: Record<string, unknown>;
  /** Takes the job faults for this request; called only once the job really starts. */
  faults: () => Fault[];
}

export function startBackup(sup: Supervisor, opts: CreateBackupOptions): StartedJob<StoredBackup | null> {
  if (sup.coreState !== 'running') throw frozenError(`do_backup_${opts.kind}`);
  const job = sup.jobs.create(`backup_manager_${opts.kind}_backup`);
  job.start();

  const location = opts.location === DEFAULT_LOCATION ? sup.defaultBackupMount : opts.location;
  if (location !== null && !sup.isLocationUp(location)) failEarly(job, mountDownError(location));

  // BackupManager._create_backup: utcnow().isoformat() on the emulated host.
  const date = sup.clock.isoNow();
  const slug = createSlug(opts.name, date);
  job.reference = slug;
  job.stage = 'addon_repositories';
  sup.coreState = 'freeze';
  return { job, result: runBackup(sup, job, opts, { slug, date, location, faults: opts.faults() }) };
}

async function runBackup(
  sup: Supervisor,
  job: Job,
  opts: CreateBackupOptions,
  b: { slug: string; date: string; location: Location; faults: Fault[] },
): Promise<StoredBackup | null> {
  const delay = sup.scenario.jobStepDelayMs;
  const has = (kind: Fault['kind']): Fault | undefined => b.faults.find((f) => f.kind === kind);
  const diskFull = has('disk_full');
  const dir = sup.store.locationDir(b.location);
  const target = path.join(dir, opts.filename ?? `${b.slug}.tar`);
  const addons: AddonRef[] = opts.addonSlugs.flatMap((s) => sup.addons.filter((a) => a.slug === s).map((a) => ({ ...a })));
  const saved: AddonRef[] = [];
  const savedFolders: string[] = [];
  const parts: InnerPart[] = [];
  const partOpts: PartOptions = { slug: b.slug, compressed: opts.compressed, password: opts.password, mtime: () => sup.clock.nowSeconds() };
  const payload = seededBytes(`payload:${b.slug}`, sup.scenario.newBackupPayloadBytes);
  const haVersion = sup.scenario.homeassistantVersion;
  let written = false;

  try {
    if (existsSync(target)) throw new SupervisorError('BackupFileExistError', `Cannot make new backup at ${target}, file already exists!`);
    await sup.sleep(delay);

    if (opts.homeassistant) {
      job.stage = 'home_assistant';
      await runChild(sup, job, 'backup_store_homeassistant', b.slug, delay, () => {
        if (diskFull) throw new SupervisorError('HomeAssistantBackupError', `Can't backup Home Assistant Core config folder: ${ENOSPC}`);
        parts.push(homeAssistantPart(partOpts, haVersion, opts.excludeDatabase ?? false, payload, sup.scenario.configFiles));
      });
    }

    if (addons.length > 0) {
      job.stage = 'addons';
      const store = sup.jobs.create(`backup_store_${sup.appWord}s`, job);
      store.reference = b.slug;
      store.start();
      const childFailure = has('child_job_failure');
      for (const [i, addon] of addons.entries()) {
        try {
          await runChild(sup, store, `backup_${sup.appWord}_save`, addon.slug, delay / addons.length, () => {
            // A failing add-on is recorded on its child jobs; the backup goes on without it.
            if (i === 0 && childFailure) throw new SupervisorError('BackupError', childFailure.message ?? `Can't create backup for ${addon.slug}: simulated failure`);
            parts.push(addonPart(partOpts, addon, !opts.homeassistant && opts.folders.length === 0 && i === 0 ? payload : undefined));
            saved.push(addon);
          });
        } catch (e) {
          if (!(e instanceof SupervisorError)) throw e;
          store.captureError(e);
        }
      }
      store.finish();
    }

    if (opts.folders.length > 0) {
      job.stage = 'folders';
      const store = sup.jobs.create('backup_store_folders', job);
      store.reference = b.slug;
      store.start();
      const childFailure = addons.length === 0 ? has('child_job_failure') : undefined;
      try {
        for (const [i, folder] of opts.folders.entries()) {
          try {
            await runChild(sup, store, 'backup_folder_save', folder, delay / opts.folders.length, () => {
              if (diskFull) throw new SupervisorError('BackupFatalIOError', `Can't write tarfile: ${ENOSPC}`);
              if (i === 0 && childFailure) throw new SupervisorError('BackupError', childFailure.message ?? `Can't write tarfile: simulated failure`);
              parts.push(folderPart(partOpts, folder, !opts.homeassistant && i === 0 ? payload : undefined));
              savedFolders.push(folder);
            });
          } catch (e) {
            if (!(e instanceof SupervisorError) || e.type === 'BackupFatalIOError') throw e;
            store.captureError(new SupervisorError('BackupError', `Can't backup folder ${folder}: ${e.message}`));
          }
        }
      } catch (e) {
        if (e instanceof SupervisorError) store.failWith(e);
        throw e;
      }
      store.finish();
    }

    if (sup.storesSupervisorConfig) {
      job.stage = 'supervisor_config';
      await runChild(sup, job, 'backup_store_supervisor_config', b.slug, delay, () => {
        if (sup.mounts.length > 0) parts.push(supervisorConfigPart(partOpts, sup.mounts, sup.defaultBackupMount));
      });
    }

    job.stage = 'finishing_file';
    await sup.sleep(delay);
    const failure = has('job_failure');
    if (failure) throw new SupervisorError('BackupError', failure.message ?? `Backup ${b.slug} error, see supervisor logs`);
    if (diskFull) throw new SupervisorError('BackupFatalIOError', `Can't write backup metadata: ${ENOSPC}`);

    const json = backupJson({
      slug: b.slug,
      name: opts.name,
      date: b.date,
      type: opts.kind,
      supervisorVersion: sup.supervisorVersion,
      extra: opts.extra,
      compressed: opts.compressed,
      password: opts.password,
      homeassistant: opts.homeassistant ? { version: haVersion, excludeDatabase: opts.excludeDatabase ?? false } : null,
      folders: savedFolders,
      addons: saved,
      repositories: repositoriesFor(sup.addons.map((a) => a.slug)),
    });
    await fsp.mkdir(dir, { recursive: true });
    const archive = assembleArchive(parts, json, sup.clock.nowSeconds());
    // corrupt_archive: the backup "succeeds" but bytes inside its first part are damaged (a bad disk).
    if (has('corrupt_archive')) damageFirstPart(archive);
    await fsp.writeFile(target, archive);
    written = true;
    await stampFile(target, sup.clock);
    const meta = normalizeBackupJson(JSON.parse(JSON.stringify(json)));
    if (!meta) throw new SupervisorError('BackupError', `Backup ${b.slug} error, see supervisor logs`);
    const backup = sup.store.addCopy(meta, b.location, { path: target, protected: meta.protected, sizeBytes: (await fsp.stat(target)).size });

    if (opts.additionalLocations.length > 0) {
      job.stage = 'copy_additional_locations';
      await copyToLocations(sup, job, backup, opts.additionalLocations);
    }
    sup.coreState = 'running';
    job.finish();
    return backup;
  } catch (e) {
    if (e instanceof AbortedError) throw e;
    // A failed backup leaves no archive; the job ends normally (progress 100) with the error.
    if (written) await fsp.rm(target, { force: true });
    const err = e instanceof SupervisorError ? e : new SupervisorError('BackupError', `Backup ${b.slug} error, see supervisor logs`);
    job.captureError(err);
    sup.coreState = 'running';
    job.finish();
    return null;
  }
}

/** Flips 32 bytes inside the data of the first inner archive (found by its ustar header's name). */
function damageFirstPart(archive: Buffer): void {
  for (let at = 0; at + 1024 <= archive.length; at += 512) {
    const name = archive
      .subarray(at, at + 100)
      .toString('latin1')
      .replace(/\0.*$/s, '');
    if (!/\.tar(\.gz)?$/.test(name) || archive.subarray(at + 257, at + 262).toString('latin1') !== 'ustar') continue;
    const start = at + 512 + 100;
    for (let i = start; i < Math.min(start + 32, archive.length); i++) archive[i] = archive[i]! ^ 0xff;
    return;
  }
}

/** backup_copy_to_additional_locations → backup_copy_to_location per extra location. */
async function copyToLocations(sup: Supervisor, parent: Job, backup: StoredBackup, locations: Location[]): Promise<void> {
  const copyJob = sup.jobs.create('backup_copy_to_additional_locations', parent);
  copyJob.start();
  const source = backup.primary;
  for (const location of locations) {
    try {
      await runChild(sup, copyJob, 'backup_copy_to_location', location, sup.scenario.jobStepDelayMs / locations.length, async () => {
        if (location !== null && !sup.isLocationUp(location)) throw mountDownError(location);
        const dir = sup.store.locationDir(location);
        await fsp.mkdir(dir, { recursive: true });
        const dest = path.join(dir, path.basename(source.path));
        await fsp.copyFile(source.path, dest);
        // shutil.copy does not keep the source's times: the copy is new.
        await stampFile(dest, sup.clock);
        sup.store.addCopy(backup.meta, location, { path: dest, protected: source.protected, sizeBytes: source.sizeBytes });
      });
    } catch (e) {
      if (!(e instanceof SupervisorError)) throw e;
      copyJob.captureError(e);
    }
  }
  copyJob.finish();
}

// ------------------------------------------------------------------------------ restore

export interface RestoreOptions {
  full: boolean;
  password: string | null;
  location: RequestedLocation;
  homeassistant: boolean;
  addons: string[];
  folders: string[];
  /** Takes the job faults for this request; called only once the job really starts. */
  faults: () => Fault[];
}

/** Decrypt the first block of a SecureTar v1 entry (no header, salt first) and look for gzip/tar. */
function legacyPasswordMatches(entry: Buffer, password: string): boolean {
  if (entry.length < 16 + 512 && entry.length < 32) return false;
  try {
    const key = passwordToKey(password);
    const salt = entry.subarray(0, 16);
    const body = entry.subarray(16, 16 + Math.min(512, Math.floor((entry.length - 16) / 16) * 16));
    const decipher = createDecipheriv('aes-128-cbc', key, deriveIv(key, salt));
    decipher.setAutoPadding(false);
    const plain = decipher.update(body);
    return (plain[0] === 0x1f && plain[1] === 0x8b) || plain.subarray(257, 262).toString('latin1') === 'ustar';
  } catch {
    return false;
  }
}

/** Backup.validate_backup: decrypt the first inner archive with the password. */
async function checkPassword(backup: StoredBackup, location: Location, password: string | null): Promise<void> {
  const copy = backup.copies.get(location);
  if (!copy) return;
  let members;
  try {
    members = await listTarFileMembers(copy.path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SupervisorError('BackupFileNotFoundError', `Cannot validate backup at ${copy.path}, file does not exist!`, null, null, 404);
    }
    throw new SupervisorError('BackupInvalidError', `Invalid password for backup ${backup.slug}`);
  }
  if (!copy.protected) return;
  const ending = `.tar${backup.meta.compressed ? '.gz' : ''}`;
  const first = members.find((m) => m.name.endsWith(ending));
  if (!first) return;
  const entry = await readTarFileMember(copy.path, first);
  let ok: boolean;
  if (!password) ok = false;
  else if (isSecureTar(entry))
    ok = entry[9] === 2 ? secureTarV2PasswordMatches(entry, password) : true; // v3 needs libsodium: not checked
  else ok = legacyPasswordMatches(entry, password);
  if (!ok) throw new SupervisorError('BackupInvalidError', `Invalid password for backup ${backup.slug}`);
}

/** Validation part of do_restore_full/partial; throws ApiError (job kept with the error). */
export async function startRestore(sup: Supervisor, backup: StoredBackup, opts: RestoreOptions): Promise<StartedJob<boolean>> {
  const method = opts.full ? 'do_restore_full' : 'do_restore_partial';
  if (sup.coreState !== 'running') throw frozenError(method);
  const job = sup.jobs.create(`backup_manager_${opts.full ? 'full' : 'partial'}_restore`);
  job.start();
  job.reference = backup.slug;
  // Freeze right away so a second request during validation is rejected like the real GROUP_REJECT.
  sup.coreState = 'freeze';
  try {
    if (opts.full && backup.meta.type !== 'full') throw new SupervisorError('BackupInvalidError', `${backup.slug} is only a partial backup!`);
    if (opts.location !== DEFAULT_LOCATION && !backup.copies.has(opts.location)) {
      throw new SupervisorError('BackupInvalidError', `Backup ${backup.slug} does not exist in ${pyStr(opts.location)}`);
    }
    const location = opts.location === DEFAULT_LOCATION ? backup.location : opts.location;
    await checkPassword(backup, location, opts.password);
    let homeassistant = opts.full ? true : opts.homeassistant;
    const folders = opts.full ? [...backup.meta.folders] : opts.folders.filter((f) => f !== 'homeassistant');
    if (!opts.full && opts.folders.includes('homeassistant')) homeassistant = true;
    if (!opts.full && homeassistant && backup.meta.homeassistant === null) throw new SupervisorError('BackupInvalidError', 'No Home Assistant Core data inside the backup');
    if (compareVersions(backup.meta.supervisorVersion, sup.supervisorVersion) > 0) {
      throw new SupervisorError(
        'BackupInvalidError',
        `Backup was made on supervisor version ${backup.meta.supervisorVersion}, can't restore on ${sup.supervisorVersion}. Must update supervisor first.`,
      );
    }
    const addons = opts.full ? backup.meta.addons.map((a) => a.slug) : opts.addons;
    return { job, result: runRestore(sup, job, { homeassistant, folders, addons, replace: opts.full, faults: opts.faults() }) };
  } catch (e) {
    sup.coreState = 'running';
    if (e instanceof SupervisorError) failEarly(job, e);
    throw e;
  }
}

/**
 * Restore one item per child job. A failing item (child_job_failure: the first add-on, or the first
 * folder when no add-on is restored) is recorded on its own child job only, and the restore goes on:
 * backup.py catches it and the restore ends without errors but unsuccessful (returns False).
 */
async function restoreItems(sup: Supervisor, parent: Job, childName: string, items: string[], failFirst: Fault | undefined): Promise<boolean> {
  let success = true;
  for (const [i, item] of items.entries()) {
    try {
      await runChild(sup, parent, childName, item, sup.scenario.jobStepDelayMs / items.length, () => {
        if (i === 0 && failFirst) throw new SupervisorError('BackupError', failFirst.message ?? `Can't restore backup ${item}`);
      });
    } catch (e) {
      if (!(e instanceof SupervisorError)) throw e;
      success = false;
    }
  }
  return success;
}

async function runRestore(sup: Supervisor, job: Job, r: { homeassistant: boolean; folders: string[]; addons: string[]; replace: boolean; faults: Fault[] }): Promise<boolean> {
  const delay = sup.scenario.jobStepDelayMs;
  const failure = r.faults.find((f) => f.kind === 'job_failure');
  const childFailure = r.faults.find((f) => f.kind === 'child_job_failure');
  const fail = (): void => {
    if (failure) throw new SupervisorError('BackupError', failure.message ?? `Restore ${job.reference ?? ''} error, see supervisor logs`);
  };
  let success = true;
  try {
    try {
      await sup.sleep(delay);
      if (r.folders.length > 0) {
        job.stage = 'folders';
        const parent = sup.jobs.create('backup_restore_folders', job);
        parent.reference = job.reference;
        parent.start();
        success = (await restoreItems(sup, parent, 'backup_folder_restore', r.folders, r.addons.length === 0 ? childFailure : undefined)) && success;
        parent.finish();
      }
      if (r.homeassistant) {
        job.stage = 'home_assistant';
        await runChild(sup, job, 'backup_restore_homeassistant', job.reference, delay, fail);
      }
      if (r.replace) {
        job.stage = 'remove_delta_addons';
        await runChild(sup, job, `backup_remove_delta_${sup.appWord}s`, job.reference, delay, () => undefined);
      }
      if (r.addons.length > 0) {
        job.stage = 'addon_repositories';
        await sup.sleep(delay);
        job.stage = 'addons';
        const parent = sup.jobs.create(`backup_restore_${sup.appWord}s`, job);
        parent.reference = job.reference;
        parent.start();
        success = (await restoreItems(sup, parent, `backup_${sup.appWord}_restore`, r.addons, childFailure)) && success;
        parent.finish();
      }
      if (sup.storesSupervisorConfig) {
        job.stage = 'supervisor_config';
        await runChild(sup, job, 'backup_restore_supervisor_config', job.reference, delay, () => undefined);
      }
      if (!r.homeassistant) fail();
    } finally {
      if (r.homeassistant && !sup.abortSignal.aborted) {
        job.stage = 'await_home_assistant_restart';
      }
    }
    if (r.homeassistant) await sup.sleep(delay);
    sup.coreState = 'running';
    job.finish();
    return success;
  } catch (e) {
    if (e instanceof AbortedError) throw e;
    // An exception ends the job with the error and progress left at 0 (Job decorator behaviour).
    const err = e instanceof SupervisorError ? e : new SupervisorError('BackupError', `Restore ${job.reference ?? ''} error, see supervisor logs`);
    sup.coreState = 'running';
    job.failWith(err);
    throw err;
  }
}
