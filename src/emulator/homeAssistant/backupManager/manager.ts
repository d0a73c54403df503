// Core's backup manager (home-assistant/core homeassistant/components/backup/manager.py, BackupManager with
// the CoreBackupReaderWriter of a Core/Container install): agents, the merged backup list, create, receive,
// delete and restore with their state events. No Supervisor: only Home Assistant's config goes into a backup.
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../clock';
import { seededBytes } from '../../content';
import { pyRepr } from '../../pyFormat';
import type { CoreAgentSettings, CoreScenarioBackup, HomeAssistantBackupConfig } from '../homeAssistantScenario';
import { FolderAgent, LOCAL_AGENT_ID } from './agents';
import {
  buildCoreArchive,
  configFiles,
  coreBackupId,
  decryptCoreArchive,
  encryptCoreArchive,
  isCoreOnly,
  passwordOpens,
  readCoreArchive,
  suggestedFilename,
} from './coreArchive';
import type { CoreBackupJson } from './coreArchive';
import { backupNotFound, busy, incorrectPassword, ManagerError, readerWriterError, unknownError } from './errors';
import { EventHub, idleEvent, progressEvent, uploadEvent } from './events';
import { atLeast } from '../../version';
import { isoInZone } from './localTime';
import { deleteBackupsExceedingConfiguredCount } from './retention';

const SEED_MARKER = '.emulator-core-seeded';
export const CLOUD_AGENT_ID = 'cloud.cloud';
/** The first release with upload progress events (frontend 20260325.0). */
const UPLOAD_PROGRESS_RELEASE = '2026.4.0';

export interface BackupManagerOptions {
  dataDir: string;
  clock: Clock;
  timeZone: string;
  haVersion: () => string;
  instanceId: string;
  config: HomeAssistantBackupConfig;
  agents: CoreAgentSettings[];
  stepDelayMs: number;
  restartDelayMs: number;
  payloadBytes: number;
  /** Core restarts: every websocket closes and Core answers nothing for `downMs`; resolves when it is back. */
  restartCore: (downMs: number) => Promise<void>;
}

export interface AgentStatus {
  protected: boolean;
  size: number;
}

/** A backup as the manager merges it from its agents (ManagerBackup before it is shaped for a Home Assistant version). */
export interface MergedBackup {
  json: CoreBackupJson;
  agents: Map<string, AgentStatus>;
  failedAgentIds: string[];
}

export interface GenerateParams {
  agent_ids: string[];
  include_addons?: string[] | null;
  include_all_addons: boolean;
  include_database: boolean;
  include_folders?: string[] | null;
  include_homeassistant: boolean;
  name?: string | null;
  password?: string | null;
}

export interface RestoreParams {
  backup_id: string;
  agent_id: string;
  password?: string;
  restore_addons?: string[];
  restore_database: boolean;
  restore_folders?: string[];
  restore_homeassistant: boolean;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class BackupManager {
  readonly events = new EventHub();
  readonly agents = new Map<string, FolderAgent>();
  /** KnownBackups (.storage/backup): failed_agent_ids by backup id. */
  readonly knownBackups = new Map<string, string[]>();
  /** Websocket commands and HTTP requests of the backup integration, counted for tests. */
  readonly requestCounts = new Map<string, number>();
  stepDelayMs: number;
  restartDelayMs: number;

  constructor(protected readonly opts: BackupManagerOptions) {
    this.stepDelayMs = opts.stepDelayMs;
    this.restartDelayMs = opts.restartDelayMs;
    this.agents.set(LOCAL_AGENT_ID, new FolderAgent(LOCAL_AGENT_ID, 'local', path.join(this.configDir, 'backups')));
    for (const a of opts.agents) this.setAgent(a);
  }

  /** Home Assistant's config folder (`/config`); backup.local keeps its archives in its `backups/`. */
  get configDir(): string {
    return path.join(this.opts.dataDir, 'config');
  }

  get config(): HomeAssistantBackupConfig {
    return this.opts.config;
  }

  count(what: string): void {
    this.requestCounts.set(what, (this.requestCounts.get(what) ?? 0) + 1);
  }

  /** Adds an agent or changes one (name, unreachable, delay). */
  setAgent(settings: Partial<CoreAgentSettings> & { agent_id: string }): FolderAgent {
    let agent = this.agents.get(settings.agent_id);
    if (!agent) {
      agent = new FolderAgent(settings.agent_id, settings.name ?? settings.agent_id, path.join(this.opts.dataDir, 'agents', settings.agent_id));
      this.agents.set(agent.agentId, agent);
    }
    if (settings.name !== undefined) agent.name = settings.name;
    if (settings.unreachable !== undefined) agent.unreachable = settings.unreachable;
    if (settings.delayMs !== undefined) agent.delayMs = settings.delayMs;
    return agent;
  }

  now(): string {
    return isoInZone(this.opts.clock.now(), this.opts.timeZone);
  }

  /** The scenario's backups, written once per data folder; their failed agents are known every time. */
  async seed(backups: CoreScenarioBackup[]): Promise<void> {
    await fsp.mkdir(path.join(this.configDir, 'backups'), { recursive: true });
    const marker = path.join(this.opts.dataDir, SEED_MARKER);
    const seeded = existsSync(marker);
    for (const b of backups) {
      const id = b.backupId ?? coreBackupId(b.date, b.name);
      if (b.failedAgentIds.length > 0) this.knownBackups.set(id, b.failedAgentIds);
      if (!seeded) await this.addBackup(b);
    }
    if (!seeded) await fsp.writeFile(marker, `${new Date().toISOString()}\n`);
  }

  /** Writes a backup onto its agents directly (a backup made earlier, or by another instance). */
  async addBackup(b: CoreScenarioBackup): Promise<string> {
    const backupId = b.backupId ?? coreBackupId(b.date, b.name);
    for (const id of b.agents) if (!this.agents.has(id)) throw new ManagerError(`Unknown agent ${id}`);
    const extra = b.automatic === null ? {} : { instance_id: this.opts.instanceId, with_automatic_settings: b.automatic };
    const input = {
      backupId,
      name: b.name,
      date: b.date,
      haVersion: b.homeassistantVersion ?? this.opts.haVersion(),
      database: b.database,
      extra,
      payload: seededBytes(`payload:${backupId}`, b.payloadBytes),
      mtime: Math.floor(Date.parse(b.date) / 1000),
    };
    const encrypted = buildCoreArchive({ ...input, password: b.password });
    const plain = b.password === null ? encrypted : buildCoreArchive({ ...input, password: null });
    for (const id of b.agents) {
      const unprotected = b.unprotectedAgents.includes(id) && id !== CLOUD_AGENT_ID;
      await this.agents.get(id)?.store(backupId, unprotected ? plain : encrypted, suggestedFilename(b.name, b.date));
    }
    if (b.failedAgentIds.length > 0) this.knownBackups.set(backupId, b.failedAgentIds);
    return backupId;
  }

  protected assertIdle(): void {
    if (this.events.state !== 'idle') throw busy(this.events.state);
  }

  private merge(backups: Map<string, MergedBackup>, agentId: string, json: CoreBackupJson, size: number): MergedBackup {
    let merged = backups.get(json.slug);
    if (!merged) {
      merged = { json, agents: new Map(), failedAgentIds: this.knownBackups.get(json.slug) ?? [] };
      backups.set(json.slug, merged);
    }
    merged.agents.set(agentId, { protected: json.protected === true, size });
    return merged;
  }

  /** async_get_backups: every agent at once; an agent's error goes into agent_errors. */
  async getBackups(): Promise<{ backups: Map<string, MergedBackup>; agentErrors: Record<string, string> }> {
    const agents = [...this.agents.values()];
    const results = await Promise.allSettled(agents.map((a) => a.list()));
    const backups = new Map<string, MergedBackup>();
    const agentErrors: Record<string, string> = {};
    results.forEach((r, i) => {
      const agent = agents[i] as FolderAgent;
      if (r.status === 'rejected') agentErrors[agent.agentId] = errorText(r.reason);
      else for (const copy of r.value) this.merge(backups, agent.agentId, copy.json, copy.size);
    });
    return { backups, agentErrors };
  }

  /** async_get_backup: not found is no error. */
  async getBackup(backupId: string): Promise<{ backup: MergedBackup | null; agentErrors: Record<string, string> }> {
    const agents = [...this.agents.values()];
    const results = await Promise.allSettled(agents.map((a) => a.get(backupId)));
    const backups = new Map<string, MergedBackup>();
    const agentErrors: Record<string, string> = {};
    results.forEach((r, i) => {
      const agent = agents[i] as FolderAgent;
      if (r.status === 'rejected') agentErrors[agent.agentId] = errorText(r.reason);
      else if (r.value) this.merge(backups, agent.agentId, r.value.json, r.value.size);
    });
    return { backup: backups.get(backupId) ?? null, agentErrors };
  }

  /** is_our_automatic_backup. */
  withAutomaticSettings(json: CoreBackupJson): boolean | null {
    if (json.extra.instance_id !== this.opts.instanceId) return null;
    const flag = json.extra.with_automatic_settings;
    return typeof flag === 'boolean' ? flag : null;
  }

  /** The parameters of async_create_automatic_backup: the automatic settings' create_backup, Home Assistant always. */
  automaticBackupParams(): GenerateParams {
    const c = this.config.create_backup;
    return {
      agent_ids: c.agent_ids,
      include_addons: c.include_addons,
      include_all_addons: c.include_all_addons,
      include_database: c.include_database,
      include_folders: c.include_folders,
      include_homeassistant: true,
      name: c.name,
      password: c.password,
    };
  }

  /**
   * _async_finish_backup's last step, after the upload (failed uploads included): delete_backups_exceeding_configured_count.
   * Its errors are only logged by Core.
   */
  protected async applyCopiesRetention(): Promise<void> {
    await deleteBackupsExceedingConfiguredCount(this).catch(() => undefined);
  }

  /** async_initiate_backup: validates, starts the backup and returns its job id (= the backup id on Core). */
  initiateBackup(p: GenerateParams, automatic: boolean): { backup_job_id: string } {
    this.assertIdle();
    if (automatic) this.config.last_attempted_automatic_backup = this.now();
    this.events.emit(progressEvent('create_backup', 'in_progress'));
    try {
      const available = p.agent_ids.filter((id) => this.agents.has(id));
      const unavailable = p.agent_ids.filter((id) => !this.agents.has(id));
      if (available.length === 0) throw new ManagerError(`At least one available backup agent must be selected, got ${pyRepr(p.agent_ids)}`);
      if (p.include_all_addons && p.include_addons?.length) throw new ManagerError('Cannot include all addons and specify specific addons');
      const name = p.name?.trim() || `${automatic ? 'Automatic' : 'Custom'} backup ${this.opts.haVersion()}`;
      const date = this.now();
      const backupId = coreBackupId(date, name);
      // CoreBackupReaderWriter.async_create_backup; its BackupReaderWriterError reaches the caller as a BackupManagerError.
      if (p.include_addons?.length || p.include_all_addons || p.include_folders?.length) throw new ManagerError('Addons and folders are not supported by core backup');
      if (!p.include_homeassistant) throw new ManagerError('Home Assistant must be included in backup');
      setTimeout(() => void this.finishBackup({ backupId, name, date, available, unavailable, automatic, database: p.include_database, password: p.password ?? null }), 0);
      return { backup_job_id: backupId };
    } catch (e) {
      this.events.emit(progressEvent('create_backup', 'failed', null, e instanceof ManagerError ? e.errorCode : 'unknown_error'));
      this.events.emit(idleEvent());
      throw e;
    }
  }

  private async finishBackup(job: {
    backupId: string;
    name: string;
    date: string;
    available: string[];
    unavailable: string[];
    automatic: boolean;
    database: boolean;
    password: string | null;
  }): Promise<void> {
    let success = false;
    try {
      this.events.emit(progressEvent('create_backup', 'in_progress', 'home_assistant'));
      await new Promise((r) => setTimeout(r, this.stepDelayMs));
      const archive = buildCoreArchive({
        backupId: job.backupId,
        name: job.name,
        date: job.date,
        haVersion: this.opts.haVersion(),
        database: job.database,
        password: job.password,
        extra: { instance_id: this.opts.instanceId, with_automatic_settings: job.automatic },
        payload: seededBytes(`payload:${job.backupId}`, this.opts.payloadBytes),
        mtime: this.opts.clock.nowSeconds(),
      });
      this.events.emit(progressEvent('create_backup', 'in_progress', 'upload_to_agents'));
      const agentErrors = await this.upload(job.backupId, archive, job.available, job.password, suggestedFilename(job.name, job.date));
      this.knownBackups.set(job.backupId, [...Object.keys(agentErrors), ...job.unavailable]);
      if (Object.keys(agentErrors).length === 0) {
        if (job.automatic) {
          this.config.last_completed_automatic_backup = this.now();
          this.config.last_completed_automatic_backup_id = job.backupId;
        }
        success = true;
      }
      await this.applyCopiesRetention();
    } catch {
      success = false;
    } finally {
      this.events.emit(success ? progressEvent('create_backup', 'completed') : progressEvent('create_backup', 'failed', null, 'upload_failed'));
      this.events.emit(idleEvent());
    }
  }

  /**
   * _async_upload_backup: to every agent at once, encrypted or decrypted as the agent's setting wants
   * (`config.agents[id].protected`, else protected when there is a password). Returns agent_errors.
   */
  protected async upload(backupId: string, archive: Buffer, agentIds: string[], password: string | null, filename: string): Promise<Record<string, string>> {
    const { json, members } = await readCoreArchive(archive);
    const isProtected = json.protected;
    // Re-encrypting covers Core's own archives only; a Supervisor archive (add-ons, folders) goes as it is.
    const convertible = isCoreOnly(members);
    const agentErrors: Record<string, string> = {};
    await Promise.all(
      agentIds.map(async (id) => {
        try {
          const setting = this.config.agents[id];
          const shouldEncrypt = setting ? setting.protected : password !== null;
          let data = archive;
          let copyProtected = isProtected;
          if (password !== null && shouldEncrypt !== isProtected && convertible) {
            data = shouldEncrypt ? await encryptCoreArchive(archive, password) : ((await decryptCoreArchive(archive, password)).archive ?? archive);
            copyProtected = shouldEncrypt;
          }
          const agent = this.agents.get(id) as FolderAgent;
          // home-assistant/core homeassistant/components/cloud/backup.py async_upload_backup.
          if (id === CLOUD_AGENT_ID && !copyProtected) {
            await agent.reach();
            throw new Error('Cloud backups must be protected');
          }
          // Upload progress events from 2026.4: the start and the end of each agent's upload.
          const progress = atLeast(this.opts.haVersion(), UPLOAD_PROGRESS_RELEASE);
          if (progress) this.events.emit(uploadEvent(this.events.state, id, 0, data.length));
          await agent.upload(backupId, data, filename);
          if (progress) this.events.emit(uploadEvent(this.events.state, id, data.length, data.length));
        } catch (e) {
          agentErrors[id] = errorText(e);
        }
      }),
    );
    return agentErrors;
  }

  /** async_receive_backup (HTTP upload): stored as it is on every agent asked for. */
  async receiveBackup(agentIds: string[], archive: Buffer): Promise<string> {
    this.assertIdle();
    this.events.emit(progressEvent('receive_backup', 'in_progress'));
    try {
      this.events.emit(progressEvent('receive_backup', 'in_progress', 'receive_file'));
      const { json } = await readCoreArchive(archive);
      this.events.emit(progressEvent('receive_backup', 'in_progress', 'upload_to_agents'));
      const known = agentIds.filter((id) => this.agents.has(id));
      const agentErrors = await this.upload(json.slug, archive, known, null, suggestedFilename(json.name, json.date));
      this.knownBackups.set(json.slug, [...Object.keys(agentErrors), ...agentIds.filter((id) => !this.agents.has(id))]);
      this.events.emit(progressEvent('receive_backup', 'completed'));
      return json.slug;
    } catch (e) {
      this.events.emit(progressEvent('receive_backup', 'failed', null, 'unknown_error'));
      throw e;
    } finally {
      this.events.emit(idleEvent());
    }
  }

  /**
   * async_delete_backup: from every agent (or the `agentIds` given, as retention does); a copy on an agent
   * that fails stays, and its error is returned. Without errors the backup is no longer a known backup.
   */
  async deleteBackup(backupId: string, agentIds?: string[]): Promise<Record<string, string>> {
    const agentErrors: Record<string, string> = {};
    const agents = agentIds ? agentIds.flatMap((id) => this.agents.get(id) ?? []) : [...this.agents.values()];
    await Promise.all(
      agents.map(async (agent) => {
        try {
          await agent.delete(backupId);
        } catch (e) {
          agentErrors[agent.agentId] = errorText(e);
        }
      }),
    );
    if (Object.keys(agentErrors).length === 0) this.knownBackups.delete(backupId);
    return agentErrors;
  }

  /** util.decrypt_backup for the download with a password (Core's archives: backup.json and homeassistant.tar.gz). */
  decryptArchive(archive: Buffer, password: string): Promise<{ head: Buffer; archive: Buffer | null }> {
    return decryptCoreArchive(archive, password);
  }

  /** async_can_decrypt_on_download. */
  async canDecrypt(backupId: string, agentId: string, password: string): Promise<void> {
    const agent = this.agents.get(agentId);
    if (!agent) throw new ManagerError(`Invalid agent selected: ${agentId}`);
    const copy = await agent.get(backupId);
    if (!copy) throw backupNotFound();
    if (!(await passwordOpens(await fsp.readFile(copy.file), password))) throw incorrectPassword();
  }

  /**
   * async_restore_backup with CoreBackupReaderWriter: checks, then `.HA_RESTORE` and a restart. The result
   * goes out before Core stops; after the restart the restore is done and the new Core reports it.
   */
  async restore(p: RestoreParams): Promise<void> {
    this.assertIdle();
    this.events.emit(progressEvent('restore_backup', 'in_progress'));
    let archive: Buffer;
    try {
      const agent = this.agents.get(p.agent_id);
      if (!agent) throw unknownError(pyRepr(p.agent_id));
      const copy = await agent.get(p.backup_id);
      if (!copy) throw backupNotFound();
      if (p.restore_addons?.length || p.restore_folders?.length) throw readerWriterError('Addons and folders are not supported in core restore');
      if (!p.restore_homeassistant && !p.restore_database) throw readerWriterError('Home Assistant or database must be included in restore');
      archive = await fsp.readFile(copy.file);
      if (!(await passwordOpens(archive, p.password ?? null))) throw incorrectPassword();
      await fsp.mkdir(this.configDir, { recursive: true });
      const instruction = {
        path: copy.file,
        password: p.password ?? null,
        remove_after_restore: !agent.isLocal,
        restore_database: p.restore_database,
        restore_homeassistant: p.restore_homeassistant,
      };
      await fsp.writeFile(path.join(this.configDir, '.HA_RESTORE'), JSON.stringify(instruction));
      this.events.emit(progressEvent('restore_backup', 'core_restart'));
    } catch (e) {
      this.events.emit(progressEvent('restore_backup', 'failed', null, e instanceof ManagerError ? e.errorCode : 'unknown_error'));
      this.events.emit(idleEvent());
      throw e;
    }
    // After the websocket result has gone out.
    setTimeout(() => void this.restartAndRestore(archive, p), 20);
  }

  /** homeassistant/backup_restore.py at the next start: the config files come back (backups/ and, unless restored, the database stay). */
  private async restartAndRestore(archive: Buffer, p: RestoreParams): Promise<void> {
    let failure: string | null = null;
    await this.opts.restartCore(this.restartDelayMs);
    try {
      const files = await configFiles(archive, p.password ?? null);
      for (const [name, data] of files) {
        if (name.startsWith('backups/')) continue;
        const isDatabase = name.startsWith('home-assistant_v2.db');
        if (isDatabase ? !p.restore_database : !p.restore_homeassistant) continue;
        const dest = path.join(this.configDir, name);
        await fsp.mkdir(path.dirname(dest), { recursive: true });
        await fsp.writeFile(dest, data);
      }
    } catch (e) {
      failure = errorText(e);
    }
    await fsp.rm(path.join(this.configDir, '.HA_RESTORE'), { force: true });
    // async_resume_restore_progress_after_restart: the result file's outcome, then idle.
    this.events.emit(failure === null ? progressEvent('restore_backup', 'completed') : progressEvent('restore_backup', 'failed', null, failure));
    this.events.emit(idleEvent());
  }
}
