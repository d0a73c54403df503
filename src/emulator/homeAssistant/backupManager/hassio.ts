// Core's backup manager on a Supervisor install (home-assistant/core homeassistant/components/hassio/backup.py):
// the hassio agents — `hassio.local` (the Supervisor's `.local`) and `hassio.<mount name>` for each backup
// mount — over the emulated Supervisor, and SupervisorBackupReaderWriter: a backup is one Supervisor partial
// backup whose job id is the manager's job id, a restore is a Supervisor partial restore. Other agents
// (`cloud.cloud`, …) keep their copies in folders, as on a Core install. The emulated Core reaches the
// Supervisor in-process (its backup store, its job runners), not over HTTP.
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { startBackup, startRestore } from '../../backupJobs';
import type { StartedJob } from '../../backupJobs';
import { JOB_FAULT_KINDS } from '../../faults';
import { ApiError } from '../../http';
import type { Job } from '../../jobs';
import { pyRepr } from '../../pyFormat';
import { isSecureTar, secureTarV2PasswordMatches } from '../../secureTarV2';
import { buildTar } from '../../tar';
import type { TarInput } from '../../tar';
import { LOCATION_CLOUD_BACKUP } from '../../requestSchemas';
import type { Location, StoredBackup } from '../../store';
import type { Supervisor } from '../../supervisor';
import type { SupervisorBackupCopy } from '../homeAssistantScenario';
import { FolderAgent } from './agents';
import type { AgentCopy } from './agents';
import type { CoreBackupJson } from './coreArchive';
import { decryptV2, pyJsonDumps, readCoreArchive, slugify, suggestedFilename } from './coreArchive';
import { backupNotFound, incorrectPassword, ManagerError, unknownError } from './errors';
import { idleEvent, progressEvent } from './events';
import { BackupManager } from './manager';
import type { BackupManagerOptions, GenerateParams, RestoreParams } from './manager';

/** aiohasupervisor LOCATION_LOCAL_STORAGE. */
export const LOCATION_LOCAL_STORAGE = '.local';
const SEED_MARKER = '.emulator-hassio-copies-seeded';

/** CreateBackupStage / RestoreBackupStage values Core knows (try_parse_enum: other Supervisor stages send no event). */
const CREATE_STAGES = new Set([
  'addon_repositories',
  'addons',
  'await_addon_restarts',
  'docker_config',
  'finishing_file',
  'folders',
  'home_assistant',
  'upload_to_agents',
  'app_repositories',
  'apps',
  'await_app_restarts',
  'cleaning_up',
]);
const RESTORE_STAGES = new Set([
  'addon_repositories',
  'addons',
  'await_addon_restarts',
  'await_home_assistant_restart',
  'check_home_assistant',
  'docker_config',
  'download_from_agent',
  'folders',
  'home_assistant',
  'remove_delta_addons',
  'app_repositories',
  'apps',
  'await_app_restarts',
  'remove_delta_apps',
]);

/** The Supervisor's store location of an aiohasupervisor location name (`.local` is null). */
const storeLocation = (location: string): Location => (location === LOCATION_LOCAL_STORAGE ? null : location);

/**
 * SupervisorBackupAgent: `name = unique_id = "local"` for `.local`, the mount name for a mount. Its copies
 * are the Supervisor's copies in its location; `protected`/`size` come from that location's attributes.
 */
export class HassioAgent extends FolderAgent {
  constructor(
    private readonly sup: Supervisor,
    name: string,
    /** `.local` or the mount name. */
    readonly location: string,
  ) {
    super(`hassio.${name}`, name, sup.store.locationDir(storeLocation(location)));
  }

  override get isLocal(): boolean {
    return this.location === LOCATION_LOCAL_STORAGE;
  }

  private toCopy(backup: StoredBackup): AgentCopy | null {
    const copy = backup.copies.get(storeLocation(this.location));
    if (!copy) return null;
    // BackupComplete: backup.json as the Supervisor read it, `protected` of this location.
    const json = { ...backup.meta.data, protected: copy.protected } as CoreBackupJson;
    return { file: copy.path, size: copy.sizeBytes, json };
  }

  /** async_list_backups: the Supervisor's backups with a copy in this location. */
  override listNow(): Promise<AgentCopy[]> {
    return Promise.resolve(this.sup.store.list().flatMap((b) => this.toCopy(b) ?? []));
  }

  override copyOf(backupId: string): Promise<AgentCopy | null> {
    const backup = this.sup.store.get(backupId);
    return Promise.resolve(backup ? this.toCopy(backup) : null);
  }

  /** async_upload_backup: skipped when the location has the backup; else the Supervisor's upload with `location={…}`. */
  override async store(backupId: string, archive: Buffer, suggestedName: string): Promise<void> {
    if (await this.copyOf(backupId)) return;
    await importIntoSupervisor(this.sup, archive, storeLocation(this.location), suggestedName);
  }

  /** async_delete_backup: the Supervisor's remove with `location={…}`; no copy here is BackupNotFound. */
  override async delete(backupId: string): Promise<boolean> {
    await this.reach();
    const backup = this.sup.store.get(backupId);
    const location = storeLocation(this.location);
    const copy = backup?.copies.get(location);
    if (!backup || !copy) return false;
    await fsp.rm(copy.path, { force: true });
    this.sup.store.removeCopy(backup, location);
    return true;
  }
}

/** The Supervisor's upload (POST /backups/new/upload) into one location, in-process. */
async function importIntoSupervisor(sup: Supervisor, archive: Buffer, location: Location, filename: string): Promise<StoredBackup> {
  if (location !== null && !sup.isLocationUp(location)) throw new Error(`Backup mount '${location}' is down`);
  const dir = sup.store.locationDir(location);
  await fsp.mkdir(dir, { recursive: true });
  const target = path.join(dir, filename);
  if (existsSync(target)) throw new Error(`Cannot import backup to ${target}, file already exists!`);
  await fsp.writeFile(target, archive);
  const loaded = await sup.store.loadCopy(target);
  if (!loaded) {
    await fsp.rm(target, { force: true });
    throw new Error('Unknown error, see Supervisor logs');
  }
  return sup.store.addCopy(loaded.meta, location, { ...loaded.copy, path: target });
}

export interface HassioBackupManagerOptions extends BackupManagerOptions {
  supervisor: Supervisor;
  /** Copies of Supervisor backups that the non-hassio agents hold when the data folder is first used. */
  supervisorBackupCopies: SupervisorBackupCopy[];
}

/** BackupManager with SupervisorBackupReaderWriter: no `backup.local`, the hassio agents first. */
export class HassioBackupManager extends BackupManager {
  private readonly sup: Supervisor;

  constructor(private readonly hassioOpts: HassioBackupManagerOptions) {
    super(hassioOpts);
    this.sup = hassioOpts.supervisor;
    // The Core local agent lists nothing and is not an agent when is_hassio.
    const others = [...this.agents.values()].filter((a) => !a.isLocal);
    this.agents.clear();
    this.agents.set('hassio.local', new HassioAgent(this.sup, 'local', LOCATION_LOCAL_STORAGE));
    for (const mount of this.sup.mounts) if (mount.usage === 'backup') this.agents.set(`hassio.${mount.name}`, new HassioAgent(this.sup, mount.name, mount.name));
    for (const agent of others) this.agents.set(agent.agentId, agent);
  }

  /** Core's own folder for temporary files (not the workspace the Supervisor scenario calls `config/`). */
  override get configDir(): string {
    return path.join(this.opts.dataDir, 'homeassistant-core');
  }

  /** Copies of Supervisor backups on the other agents, written once per data folder. */
  override async seed(): Promise<void> {
    const marker = path.join(this.opts.dataDir, SEED_MARKER);
    if (existsSync(marker)) return;
    for (const c of this.hassioOpts.supervisorBackupCopies) {
      const backup = this.sup.store.get(c.backup) ?? this.sup.store.list().find((b) => b.meta.name === c.backup);
      // Gone from a data folder that is kept between runs: nothing to copy.
      if (!backup) continue;
      const archive = await fsp.readFile(backup.primary.path);
      for (const id of c.agents) {
        const agent = this.agents.get(id);
        if (!agent || agent instanceof HassioAgent) throw new Error(`core.supervisorBackupCopies: ${id} is not one of core.agents`);
        await agent.store(backup.slug, archive, `${backup.slug}.tar`);
      }
    }
    await fsp.mkdir(this.opts.dataDir, { recursive: true });
    await fsp.writeFile(marker, `${new Date().toISOString()}\n`);
  }

  private isHassio(agentId: string): boolean {
    return this.agents.get(agentId) instanceof HassioAgent;
  }

  /** async_initiate_backup with SupervisorBackupReaderWriter.async_create_backup: the job id is the Supervisor job's. */
  override initiateBackup(p: GenerateParams, automatic: boolean): { backup_job_id: string } {
    this.assertIdle();
    if (automatic) this.config.last_attempted_automatic_backup = this.now();
    this.events.emit(progressEvent('create_backup', 'in_progress'));
    try {
      const available = p.agent_ids.filter((id) => this.agents.has(id));
      const unavailable = p.agent_ids.filter((id) => !this.agents.has(id));
      if (available.length === 0) throw new ManagerError(`At least one available backup agent must be selected, got ${pyRepr(p.agent_ids)}`);
      if (p.include_all_addons && p.include_addons?.length) throw new ManagerError('Cannot include all addons and specify specific addons');
      const name = p.name?.trim() || `${automatic ? 'Automatic' : 'Custom'} backup ${this.opts.haVersion()}`;
      if (!p.include_homeassistant && p.include_database) throw new ManagerError('Cannot create a backup with database but without Home Assistant');

      // Encrypted and decrypted hassio locations; the Supervisor makes the group with local storage, else
      // the larger one (ties: encrypted). The other hassio agents get the backup from Core's upload.
      const hassioAgents = available.map((id) => this.agents.get(id)).filter((a): a is HassioAgent => a instanceof HassioAgent);
      let password = p.password ?? null;
      const encrypted: string[] = [];
      const decrypted: string[] = [];
      for (const agent of hassioAgents) {
        const setting = this.config.agents[agent.agentId];
        if (password !== null && (setting ? setting.protected : true)) encrypted.push(agent.location);
        else decrypted.push(agent.location);
      }
      const localFirst = (list: string[]): string[] => [LOCATION_LOCAL_STORAGE, ...list.filter((l) => l !== LOCATION_LOCAL_STORAGE)];
      let locations: string[] = [];
      if (decrypted.includes(LOCATION_LOCAL_STORAGE)) {
        locations = localFirst(decrypted);
        password = null;
      } else if (encrypted.includes(LOCATION_LOCAL_STORAGE)) {
        locations = localFirst(encrypted);
      }
      if (locations.length === 0 && hassioAgents.length > 0) {
        if (encrypted.length >= decrypted.length) locations = encrypted;
        else {
          locations = decrypted;
          password = null;
        }
      }
      if (locations.length === 0) locations = [LOCATION_CLOUD_BACKUP];

      const date = this.now();
      const extra = { instance_id: this.opts.instanceId, with_automatic_settings: automatic, 'supervisor.backup_request_date': date };
      const folders = [...new Set([...(p.include_folders ?? []), ...(p.include_homeassistant ? ['ssl'] : [])])];
      let started: StartedJob<StoredBackup | null>;
      try {
        // POST /backups/new/partial with background=True.
        started = startBackup(this.sup, {
          kind: 'partial',
          name,
          filename: suggestedFilename(slugify(name), date),
          password,
          compressed: true,
          location: storeLocation(locations[0] as string),
          additionalLocations: locations.slice(1).map(storeLocation),
          homeassistant: p.include_homeassistant,
          excludeDatabase: !p.include_database,
          addonSlugs: p.include_all_addons ? this.sup.addons.map((a) => a.slug) : (p.include_addons ?? []),
          folders,
          extra,
          faults: () => this.sup.faults.take('POST', '/backups/new/partial', JOB_FAULT_KINDS),
        });
      } catch (e) {
        throw new ManagerError(`Error creating backup: ${(e as Error).message}`, { errorCode: 'backup_reader_writer_error' });
      }
      started.result.catch(() => undefined);
      const others = available.filter((id) => {
        const agent = this.agents.get(id);
        return !(agent instanceof HassioAgent && locations.includes(agent.location));
      });
      setTimeout(() => void this.finishHassioBackup(started, { locations, others, unavailable, automatic, password: p.password ?? null }), 0);
      return { backup_job_id: started.job.uuid };
    } catch (e) {
      this.events.emit(progressEvent('create_backup', 'failed', null, e instanceof ManagerError ? e.errorCode : 'unknown_error'));
      this.events.emit(idleEvent());
      throw e;
    }
  }

  /**
   * async_receive_backup with SupervisorBackupReaderWriter: one Supervisor upload (no filename: `<slug>.tar`) into
   * the chosen hassio agents' locations; the manager's upload to every agent then skips the hassio agents that have it.
   */
  override async receiveBackup(agentIds: string[], archive: Buffer): Promise<string> {
    this.assertIdle();
    const slug = await readCoreArchive(archive).then(
      (r) => r.json.slug,
      () => null,
    );
    for (const id of agentIds) {
      const agent = this.agents.get(id);
      if (slug === null || !(agent instanceof HassioAgent) || (await agent.copyOf(slug))) continue;
      // A failure here comes back from the manager's own upload to that agent.
      await importIntoSupervisor(this.sup, archive, storeLocation(agent.location), `${slug}.tar`).catch(() => undefined);
    }
    return super.receiveBackup(agentIds, archive);
  }

  /**
   * util.decrypt_backup on a Supervisor archive: backup.json with `"protected": false`, every SecureTar v2 inner
   * tar (homeassistant, add-ons, folders) decrypted, other members copied unchanged. A wrong password ends
   * the stream after what was written before the first member it cannot open.
   */
  override async decryptArchive(archive: Buffer, password: string): Promise<{ head: Buffer; archive: Buffer | null }> {
    const { json, members } = await readCoreArchive(archive);
    const jsonBytes = Buffer.from(pyJsonDumps({ ...json, protected: false }), 'utf8');
    const entries: TarInput[] = [];
    for (const m of members) {
      if (m.typeflag !== '0' && m.typeflag !== '\0' && m.typeflag !== '') continue;
      let data = archive.subarray(m.dataOffset, m.dataOffset + m.size);
      if (m.name.replace(/^\.\//, '') === 'backup.json') data = jsonBytes;
      else if (/\.(tar|tgz|tar\.gz)$/.test(m.name) && isSecureTar(data) && data[9] === 2) {
        if (!secureTarV2PasswordMatches(data, password)) {
          // The members before this one: a header block and the data padded to 512 each.
          const written = entries.reduce((n, e) => n + 512 + Math.ceil((e.data?.length ?? 0) / 512) * 512, 0);
          return { head: buildTar(entries).subarray(0, written), archive: null };
        }
        data = decryptV2(data, password);
      }
      entries.push({ name: m.name, type: 'file', mode: 0o644, mtime: m.mtime, data });
    }
    const whole = buildTar(entries);
    return { head: whole.subarray(0, 1024), archive: whole };
  }

  /** Forwards the Supervisor job's known stages as progress events until it is done. */
  private followJob(job: Job, stages: Set<string>, manager: 'create_backup' | 'restore_backup'): () => void {
    let last: string | null = null;
    const timer = setInterval(() => {
      if (job.stage !== last && job.stage !== null && stages.has(job.stage)) this.events.emit(progressEvent(manager, 'in_progress', job.stage));
      last = job.stage;
    }, 5);
    return () => clearInterval(timer);
  }

  /** _async_wait_for_backup, then the manager's upload to the other agents and (for `.cloud_backup`) the removal. */
  private async finishHassioBackup(
    started: StartedJob<StoredBackup | null>,
    job: { locations: string[]; others: string[]; unavailable: string[]; automatic: boolean; password: string | null },
  ): Promise<void> {
    const stop = this.followJob(started.job, CREATE_STAGES, 'create_backup');
    let backup: StoredBackup | null;
    try {
      backup = await started.result;
    } catch {
      backup = null;
    } finally {
      stop();
    }
    if (!backup || started.job.errors.length > 0) {
      // BackupReaderWriterError("Backup failed: …") re-raised as BackupManagerError.
      this.events.emit(progressEvent('create_backup', 'failed', null, 'backup_manager_error'));
      this.events.emit(idleEvent());
      return;
    }
    let success = false;
    try {
      const first = backup.copies.get(storeLocation(job.locations[0] as string)) ?? backup.primary;
      const archive = await fsp.readFile(first.path);
      const filename = path.basename(first.path);
      this.events.emit(progressEvent('create_backup', 'in_progress', 'upload_to_agents'));
      const agentErrors = await this.upload(backup.slug, archive, job.others, job.password, filename);
      if (job.locations[0] === LOCATION_CLOUD_BACKUP) {
        // release_stream: the Supervisor's remove with location={.cloud_backup}.
        await fsp.rm(first.path, { force: true });
        this.sup.store.removeCopy(backup, LOCATION_CLOUD_BACKUP);
      }
      this.knownBackups.set(backup.slug, [...Object.keys(agentErrors), ...job.unavailable]);
      if (Object.keys(agentErrors).length === 0) {
        if (job.automatic) {
          this.config.last_completed_automatic_backup = this.now();
          this.config.last_completed_automatic_backup_id = backup.slug;
        }
        success = true;
      }
      await this.applyCopiesRetention();
    } catch {
      success = false;
    }
    this.events.emit(success ? progressEvent('create_backup', 'completed') : progressEvent('create_backup', 'failed', null, 'upload_failed'));
    this.events.emit(idleEvent());
  }

  /**
   * async_restore_backup with SupervisorBackupReaderWriter: a Supervisor partial restore with the agent's
   * location; a copy on another agent is first uploaded into `.cloud_backup`. Answers when the job is done.
   */
  override async restore(p: RestoreParams): Promise<void> {
    this.assertIdle();
    this.events.emit(progressEvent('restore_backup', 'in_progress'));
    try {
      const agent = this.agents.get(p.agent_id);
      if (!agent) throw unknownError(pyRepr(p.agent_id));
      const copy = await agent.get(p.backup_id);
      if (!copy) throw backupNotFound();
      const ha = copy.json.homeassistant ?? null;
      const databaseIncluded = ha !== null && !ha.exclude_database;
      if (p.restore_homeassistant && p.restore_database !== databaseIncluded) throw new ManagerError('Restore database must match backup');
      if (!p.restore_homeassistant && p.restore_database) throw new ManagerError('Cannot restore database without Home Assistant');
      let location: Location;
      if (agent instanceof HassioAgent) location = storeLocation(agent.location);
      else {
        const existing = this.sup.store.get(p.backup_id)?.copies.get(LOCATION_CLOUD_BACKUP);
        if (!existing) await importIntoSupervisor(this.sup, await fsp.readFile(copy.file), LOCATION_CLOUD_BACKUP, `${p.backup_id}.tar`);
        location = LOCATION_CLOUD_BACKUP;
      }
      const backup = this.sup.store.get(p.backup_id);
      if (!backup) throw backupNotFound();
      let started: StartedJob<boolean>;
      try {
        started = await startRestore(this.sup, backup, {
          full: false,
          password: p.password ?? null,
          location,
          homeassistant: p.restore_homeassistant,
          addons: p.restore_addons ?? [],
          folders: p.restore_folders ?? [],
          faults: () => this.sup.faults.take('POST', `/backups/${backup.slug}/restore/partial`, JOB_FAULT_KINDS),
        });
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) throw backupNotFound();
        const message = (e as Error).message;
        if (message.startsWith('Invalid password for backup')) throw incorrectPassword();
        throw new ManagerError(message);
      }
      const stop = this.followJob(started.job, RESTORE_STAGES, 'restore_backup');
      try {
        await started.result.catch(() => false);
      } finally {
        stop();
      }
      if (started.job.errors.length > 0) throw new ManagerError(`Restore failed: ${pyRepr(started.job.errors.map((e) => ({ type: e.type, message: e.message })))}`);
    } catch (e) {
      this.events.emit(progressEvent('restore_backup', 'failed', null, e instanceof ManagerError ? e.errorCode : 'unknown_error'));
      this.events.emit(idleEvent());
      throw e;
    }
    this.events.emit(progressEvent('restore_backup', 'completed'));
    this.events.emit(idleEvent());
  }
}
