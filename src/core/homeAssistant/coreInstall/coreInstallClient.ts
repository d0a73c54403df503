// A Home Assistant Core or Container install has no Supervisor: its backups are Home Assistant Core's
// backup manager (websocket `backup/*`, HTTP `/api/backup/download|upload`; home-assistant/core
// homeassistant/components/backup/). This client answers the extension's BackupClient questions with
// it, in the Supervisor's shapes (asSupervisor.ts), and refuses, before anything starts, what Core
// cannot do there (refusals.ts). Creates and restores run as tasks followed through Core's events and
// reported as jobs (coreJobs.ts). Core keeps no `extra` for a backup it makes, so the extension's tag
// goes to a BackupTags store, keyed by the backup's id and date.
import type { BackupClient } from '../../backups/client';
import { preferredCopy, type BackupRecord } from '../../backups/record';
import {
  SupervisorError,
  readClockOf,
  type Addon,
  type BackupDetails,
  type BackupList,
  type CallOptions,
  type ClockReading,
  type Job,
  type Location,
  type Mounts,
  type NewBackupOptions,
  type NewPartialBackupOptions,
  type PartialRestoreOptions,
  type RestoreOptions,
  type StreamResponse,
  type SupervisorInfo,
  type SupervisorTransport,
  type UploadSource,
} from '../../supervisor';
import type { HomeAssistantCommands } from '../backupConfig';
import {
  agentsInfo,
  backupDetails,
  backupInfo,
  canDecryptOnDownload,
  createAndFollow,
  deleteBackup,
  restore,
  subscribeBackupEvents,
  type BackupManagerEvent,
  type CanDecryptOutcome,
  type CreateRequest,
  type GenerateOptions,
  type HomeAssistantBackupHttp,
  type HomeAssistantEventSource,
} from '../backupManager';
import { getConfigSchema } from '../backupManager/schemas';
import { HomeAssistantSide } from './homeAssistantSide';
import { agentOfLocation, asStreamResponse, asSupervisorBackup, asSupervisorDetails, CORE_LOCAL_AGENT } from './asSupervisor';
import { agentMounts, agentNameIn, managerStatusOf, remainingCopies, scheduleOf, type BackupManagerStatus } from './managerStatus';
import { CoreJobs } from './coreJobs';
import { refusalOf, refusalOfRestore } from './refusals';
import type { BackupTags } from './tags';

export interface CoreInstallParts {
  /** For closing and for Home Assistant's clock (`Date` of `GET /api/`). */
  transport: SupervisorTransport;
  /** The websocket, for commands and events (HomeAssistantTransport). */
  homeAssistant: () => Promise<HomeAssistantCommands & HomeAssistantEventSource>;
  http: () => HomeAssistantBackupHttp;
  tags: BackupTags;
  /** How long a restore may keep Home Assistant away while it restarts (default 15 minutes). */
  restartTimeoutMs?: number;
  /** Between tries to reach Home Assistant again after a restart (default 2 s). */
  restartPollMs?: number;
}

export const CORE_CREATE_JOB = 'backup_manager_create_backup';
export const CORE_RESTORE_JOB = 'backup_manager_restore_backup';

export class CoreInstallClient extends HomeAssistantSide implements BackupClient {
  readonly system = 'home_assistant' as const;
  readonly transport: SupervisorTransport;
  private readonly jobList = new CoreJobs();
  private records = new Map<string, BackupRecord>();
  private lastStatus: BackupManagerStatus | undefined;
  private nextJob = 0;

  constructor(private readonly parts: CoreInstallParts) {
    super();
    this.transport = parts.transport;
  }

  protected homeAssistant(): ReturnType<CoreInstallParts['homeAssistant']> {
    return this.parts.homeAssistant();
  }

  get target(): string {
    return this.transport.target;
  }

  /** From the last list; undefined before the first. */
  get status(): BackupManagerStatus | undefined {
    return this.lastStatus;
  }

  async info(opts: CallOptions = {}): Promise<SupervisorInfo> {
    const ha = await this.parts.homeAssistant();
    const config = getConfigSchema.parse(await ha.command({ type: 'get_config' }, opts));
    // No Supervisor: an empty version (supervisorAtLeast treats it as new, so `extra` and `filename` are
    // passed here, and this client keeps the one and lets Core name the file).
    return { supervisor: '', homeassistant: config.version, hostname: null, state: 'running', timezone: config.time_zone ?? null };
  }

  async listBackups(opts: CallOptions = {}): Promise<BackupList> {
    const ha = await this.parts.homeAssistant();
    const [info, agents, schedule] = await Promise.all([backupInfo(ha, opts), agentsInfo(ha, opts).catch(() => this.lastStatus?.agents ?? []), scheduleOf(ha, opts)]);
    const tags = await this.parts.tags.read();
    this.records = new Map(info.backups.map((r) => [r.id, r]));
    this.lastStatus = managerStatusOf(info, agents, schedule);
    // Forgets tags of backups that are gone (or replaced by another with the same id).
    await this.parts.tags.keepOnly(
      info.backups.map((b) => ({ id: b.id, date: b.date })),
      tags,
    );
    return { backups: info.backups.map(asSupervisorBackup), daysUntilStale: 30 };
  }

  async backupInfo(slug: string, opts: CallOptions = {}): Promise<BackupDetails> {
    const record = await this.record(slug, opts);
    const tag = (await this.parts.tags.read()).get(slug);
    const details = asSupervisorDetails(record);
    if (tag && tag.date === record.date) details.extra = { ...details.extra, ...tag.extra };
    return details;
  }

  async startFullBackup(options: NewBackupOptions, opts: CallOptions = {}): Promise<string> {
    return this.startCreate(options, false, opts);
  }

  async startPartialBackup(options: NewPartialBackupOptions, opts: CallOptions = {}): Promise<string> {
    return this.startCreate(options, true, opts);
  }

  jobs(): Promise<Job[]> {
    return Promise.resolve(this.jobList.list());
  }

  job(uuid: string): Promise<Job> {
    const job = this.jobList.get(uuid);
    if (job) return Promise.resolve(job);
    return Promise.reject(
      new SupervisorError(`No backup or restore with job id ${uuid} was started by this window`, { kind: 'not_found', method: 'GET', path: `job ${uuid}` }),
    );
  }

  /**
   * Deletes the backup from every agent: Core's `backup/delete` has no per-agent form, so a delete of
   * some locations only is refused. Copies an agent could not delete are an error naming them.
   */
  async deleteBackup(slug: string, opts: CallOptions & { location?: Location[] } = {}): Promise<'deleted' | 'already_gone'> {
    if (opts.location)
      throw refused(
        'backup/delete',
        'Home Assistant deletes a backup from every location at once; one copy alone cannot be deleted on a Home Assistant Core or Container install',
      );
    const ha = await this.parts.homeAssistant();
    const { backup, agentErrors: unknown } = await backupDetails(ha, slug, opts);
    // Gone only when every agent answered: an unreachable one may still hold a copy.
    if (!backup && Object.keys(unknown).length === 0) return 'already_gone';
    const outcome = await deleteBackup(ha, slug, opts);
    const remaining = remainingCopies(slug, outcome.agentErrors, backup?.copies, unknown, (a) => this.agentName(a));
    if (remaining) throw remaining;
    return backup ? 'deleted' : 'already_gone';
  }

  async startFullRestore(slug: string, options: RestoreOptions): Promise<string> {
    return this.startRestore(slug, options, { homeassistant: true, addons: [], folders: [] });
  }

  async startPartialRestore(slug: string, options: PartialRestoreOptions): Promise<string> {
    return this.startRestore(slug, options, { homeassistant: options.homeassistant ?? false, addons: options.addons ?? [], folders: options.folders ?? [] });
  }

  /** Uploads to the agents of `locations` (this system when none); Core reads the id from the archive. */
  async uploadBackup(source: UploadSource, opts: CallOptions & { locations?: Location[]; filename?: string } = {}): Promise<string> {
    const agents = opts.locations?.length ? opts.locations.map(agentOfLocation) : [CORE_LOCAL_AGENT];
    const { backupId } = await this.parts.http().upload(agents, source, opts);
    return backupId;
  }

  readClock(opts: CallOptions = {}): Promise<ClockReading | undefined> {
    return readClockOf(this.transport, opts);
  }

  /** Every agent but the local disk, as backup locations; one that could not be listed is not `active`. */
  async mounts(opts: CallOptions = {}): Promise<Mounts> {
    const status = this.lastStatus ?? { agents: await agentsInfo(await this.parts.homeAssistant(), opts), agentErrors: {} };
    return { default_backup_mount: null, mounts: agentMounts(status, (id) => id !== CORE_LOCAL_AGENT) };
  }

  /** A Core install has no add-ons. */
  addons(): Promise<Addon[]> {
    return Promise.resolve([]);
  }

  /** The archive of the copy in `location` (the preferred copy when undefined): as stored, or decrypted by Core with `password`. */
  async download(slug: string, opts: CallOptions & { location?: Location; password?: string } = {}): Promise<StreamResponse> {
    const agentId = opts.location === undefined ? await this.preferredAgent(slug, opts) : agentOfLocation(opts.location);
    return asStreamResponse(await this.parts.http().download(slug, agentId, opts));
  }

  async canDecryptOnDownload(slug: string, location: Location | undefined, password: string, opts: CallOptions = {}): Promise<CanDecryptOutcome> {
    const agentId = location === undefined ? await this.preferredAgent(slug, opts) : agentOfLocation(location);
    return canDecryptOnDownload(await this.parts.homeAssistant(), { backupId: slug, agentId, password }, opts);
  }

  /** The agent's name from the last list (`backup/agents/info`), else its id. */
  agentName(agentId: string): string {
    return agentNameIn(this.lastStatus, agentId);
  }

  private async record(slug: string, opts: CallOptions): Promise<BackupRecord> {
    const { backup } = await backupDetails(await this.parts.homeAssistant(), slug, opts);
    if (!backup) throw new SupervisorError('Backup does not exist', { kind: 'not_found', method: 'WS', path: 'backup/details', status: 404 });
    this.records.set(slug, backup);
    return backup;
  }

  private async preferredAgent(slug: string, opts: CallOptions): Promise<string> {
    const record = this.records.get(slug) ?? (await this.record(slug, opts));
    const preferred = preferredCopy(record);
    if (!preferred) throw new SupervisorError(`No location holds a copy of backup ${slug}`, { kind: 'not_found', method: 'WS', path: 'backup/details' });
    return preferred.agentId;
  }

  private async startCreate(options: NewPartialBackupOptions, partial: boolean, opts: CallOptions): Promise<string> {
    const refusal = refusalOf(options, partial);
    if (refusal) throw refused('backup/generate', refusal);
    const locations = options.location === undefined ? [null] : Array.isArray(options.location) ? options.location : [options.location];
    const generateOptions: GenerateOptions = {
      agentIds: locations.map(agentOfLocation),
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.password ? { password: options.password } : {}),
      includeHomeAssistant: true,
      includeDatabase: options.homeassistant_exclude_database !== true,
    };
    return this.follow({ automatic: false, options: generateOptions }, options.extra, opts);
  }

  /** A backup as Home Assistant's automatic backups make it (`backup/generate_with_automatic_settings`): its agents, content and key. */
  startAutomaticBackup(opts: CallOptions = {}): Promise<string> {
    return this.follow({ automatic: true }, undefined, opts);
  }

  /** Starts a create and follows it as a job; resolves with the job id once Core accepted it. */
  private async follow(request: CreateRequest, extra: Record<string, unknown> | undefined, opts: CallOptions): Promise<string> {
    const ha = await this.parts.homeAssistant();
    return new Promise<string>((resolve, reject) => {
      let jobId: string | undefined;
      let stage: string | null = null;
      const onEvent = (e: BackupManagerEvent): void => {
        stage = e.kind === 'manager' ? (e.stage ?? stage) : 'upload_to_agents';
        if (jobId) this.jobList.stage(jobId, stage);
      };
      const onStarted = (id: string): void => {
        jobId = id;
        this.jobList.add(id, CORE_CREATE_JOB);
        this.jobList.stage(id, stage);
        resolve(id);
      };
      createAndFollow(ha, ha, request, { installType: 'core_or_container', onEvent, onStarted, signal: opts.signal }).then(
        async (outcome) => {
          if (!jobId) return;
          // A failed upload to some agents still leaves the backup on the others (with failed_agent_ids).
          const backup = outcome.outcome === 'completed' ? outcome.backup : outcome.reason === 'upload_failed' ? await this.leftAfterFailure(jobId) : null;
          if (outcome.outcome === 'failed' && !backup) return this.jobList.fail(jobId, `Home Assistant could not make the backup (${outcome.reason ?? 'no reason given'})`);
          if (backup && extra && Object.keys(extra).length) await this.parts.tags.write(backup.id, backup.date, extra);
          const note = outcome.outcome === 'completed' ? outcome.note : null;
          const warnings = backup ? backup.failures.agents.map((a) => `the copy to ${this.agentName(a)} failed`) : note ? [note] : [];
          this.jobList.succeed(jobId, backup?.id ?? null, warnings);
        },
        (e: unknown) => {
          if (!jobId) return reject(e instanceof Error ? e : new Error(String(e)));
          this.jobList.fail(jobId, e instanceof Error ? e.message : String(e));
        },
      );
    });
  }

  /** On a Core install the job id is the backup's id: what of it is there after a failed upload. */
  private async leftAfterFailure(backupJobId: string): Promise<BackupRecord | null> {
    try {
      return (await backupDetails(await this.parts.homeAssistant(), backupJobId)).backup;
    } catch {
      return null;
    }
  }

  private async startRestore(slug: string, options: RestoreOptions, parts: { homeassistant: boolean; addons: string[]; folders: string[] }): Promise<string> {
    const refusal = refusalOfRestore(parts);
    if (refusal) throw refused('backup/restore', refusal);
    const agentId = options.location === undefined ? await this.preferredAgent(slug, {}) : agentOfLocation(options.location);
    const ha = await this.parts.homeAssistant();
    const jobId = `restore-${slug}-${Date.now()}-${this.nextJob++}`;
    let restarting = false;
    let ended = false;
    const finish = (fn: () => void): void => {
      if (ended) return;
      ended = true;
      fn();
    };
    const unsubscribe = await subscribeBackupEvents(
      ha,
      (e) => {
        if (e.kind !== 'manager' || e.managerState !== 'restore_backup') return;
        this.jobList.stage(jobId, e.state === 'core_restart' ? 'core_restart' : e.stage);
        if (e.state === 'core_restart') restarting = true;
        if (e.state === 'completed') finish(() => this.jobList.succeed(jobId, slug));
        if (e.state === 'failed') finish(() => this.jobList.fail(jobId, `Home Assistant could not restore backup ${slug} (${e.reason ?? 'no reason given'})`));
      },
      // Core restarts to restore: the connection drops; the result is read once it is back.
      { onEnd: () => void this.afterRestart(jobId, slug, () => ended, finish) },
    );
    this.jobList.add(jobId, CORE_RESTORE_JOB);
    try {
      await restore(ha, {
        backupId: slug,
        agentId,
        ...(options.password ? { password: options.password } : {}),
        restoreHomeAssistant: parts.homeassistant,
        restoreDatabase: parts.homeassistant,
      });
    } catch (e) {
      ended = true;
      await unsubscribe();
      throw e;
    }
    if (restarting) this.jobList.stage(jobId, 'core_restart');
    return jobId;
  }

  /** After the restart: asks until Home Assistant answers, then reads how the restore ended (`last_action_event`, 2025.4+). */
  private async afterRestart(jobId: string, slug: string, isEnded: () => boolean, finish: (fn: () => void) => void): Promise<void> {
    const deadline = Date.now() + (this.parts.restartTimeoutMs ?? 15 * 60_000);
    this.jobList.stage(jobId, 'core_restart');
    while (!isEnded() && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, this.parts.restartPollMs ?? 2000));
      try {
        const info = await backupInfo(await this.parts.homeAssistant(), { timeoutMs: 10_000 });
        const last = info.lastActionEvent;
        if (last?.managerState === 'restore_backup' && last.state === 'failed')
          return finish(() => this.jobList.fail(jobId, `Home Assistant restarted but could not restore backup ${slug} (${last.reason ?? 'no reason given'})`));
        if (last?.managerState === 'restore_backup' && last.state === 'completed') return finish(() => this.jobList.succeed(jobId, slug));
        if (info.state === 'restore_backup') continue;
        return finish(() => this.jobList.succeed(jobId, slug, ['Home Assistant restarted, but does not say how the restore ended (it tells from 2025.4 on)']));
      } catch {
        // still restarting
      }
    }
    finish(() =>
      this.jobList.fail(
        jobId,
        `Home Assistant did not come back within ${Math.round((this.parts.restartTimeoutMs ?? 15 * 60_000) / 60_000)} minutes of restarting to restore backup ${slug}`,
      ),
    );
  }
}

function refused(command: string, message: string): SupervisorError {
  return new SupervisorError(message, { kind: 'api', method: 'WS', path: command });
}
