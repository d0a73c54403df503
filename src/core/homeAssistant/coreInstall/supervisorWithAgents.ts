// Home Assistant OS and Supervised, reached through Home Assistant: the Supervisor keeps the backups in
// its locations (this system, backup mounts), and Home Assistant's backup manager adds copies on its
// other agents (Home Assistant Cloud, WebDAV, Google Drive…), which the Supervisor never sees. Core's
// hassio agents are the Supervisor's own locations (hassio.local, hassio.<mount>; backup/hassio.py), so
// only the other agents' copies are added here, as locations named by agent id. The Supervisor does
// what it can do more of (partial backups by add-on and folder, per-location delete, mounts, jobs);
// Core reads, writes and deletes the agents' copies. When Core's backup manager cannot be asked (a
// version before 2025.1), the list is the Supervisor's alone.
import type { BackupClient } from '../../backups/client';
import { agentDomain, type BackupRecord } from '../../backups/record';
import {
  SupervisorError,
  type Backup,
  type BackupList,
  type CallOptions,
  type Location,
  type Mounts,
  type StreamResponse,
  type SupervisorClient,
  type UploadSource,
} from '../../supervisor';
import type { HomeAssistantCommands } from '../backupConfig';
import {
  agentsInfo,
  backupInfo,
  canDecryptOnDownload,
  deleteBackup,
  generateWithAutomaticSettings,
  type CanDecryptOutcome,
  type HomeAssistantBackupHttp,
} from '../backupManager';
import { HomeAssistantSide } from './homeAssistantSide';
import { asStreamResponse, asSupervisorBackup } from './asSupervisor';
import { agentMounts, agentNameIn, managerStatusOf, remainingCopies, scheduleOf, type BackupManagerStatus } from './managerStatus';

/** A copy Home Assistant keeps outside the Supervisor's locations. */
export function isAgentLocation(location: Location | undefined): location is string {
  return typeof location === 'string' && location.includes('.') && agentDomain(location) !== 'hassio' && location !== '.local';
}

/** The hassio agent of a Supervisor location (backup/hassio.py: `.local` → hassio.local, a mount → hassio.<mount>). */
function hassioAgentOf(location: Location): string {
  return location === null || location === '.local' ? 'hassio.local' : `hassio.${location}`;
}

export interface SupervisorWithAgentsParts {
  supervisor: SupervisorClient;
  homeAssistant: () => Promise<HomeAssistantCommands>;
  http: () => HomeAssistantBackupHttp;
  /**
   * Problems worth a log line (Core's list failed; the Supervisor's is shown alone): once when it starts
   * failing, again only after a list that worked.
   */
  warn?: (message: string) => void;
}

export class SupervisorWithAgentsClient extends HomeAssistantSide implements BackupClient {
  readonly system = 'supervisor' as const;
  private lastStatus: BackupManagerStatus | undefined;
  private agentCopies = new Map<string, BackupRecord>();
  /** Core's list failed last time and that was warned about (refreshes repeat it: an add-on without homeassistant_api, Core before 2025.1). */
  private coreFailureWarned = false;

  constructor(private readonly parts: SupervisorWithAgentsParts) {
    super();
  }

  protected homeAssistant(): Promise<HomeAssistantCommands> {
    return this.parts.homeAssistant();
  }

  get transport() {
    return this.parts.supervisor.transport;
  }

  /** Home Assistant's backup manager as of the last list; undefined when it could not be asked. */
  get status(): BackupManagerStatus | undefined {
    return this.lastStatus;
  }

  info(opts?: CallOptions) {
    return this.parts.supervisor.info(opts);
  }

  async listBackups(opts: CallOptions = {}): Promise<BackupList> {
    const [list, core] = await Promise.all([this.parts.supervisor.listBackups(opts), this.coreList(opts)]);
    if (!core) return list;
    const bySlug = new Map(list.backups.map((b) => [b.slug, b]));
    const extra: Backup[] = [];
    for (const record of core.backups) {
      // Only Core knows which backups its automatic settings made (the retention of a with_automatic_settings policy).
      const known = bySlug.get(record.id);
      if (known && record.origin === 'automatic') bySlug.set(record.id, { ...known, automatic: true });
      const agents = Object.keys(record.copies).filter((a) => isAgentLocation(a));
      if (agents.length === 0) continue;
      const onAgents: BackupRecord = { ...record, copies: Object.fromEntries(agents.map((a) => [a, record.copies[a]!])) };
      const listed = bySlug.get(record.id);
      if (listed) bySlug.set(record.id, withAgentCopies(listed, onAgents));
      else extra.push(asSupervisorBackup(onAgents));
    }
    const backups = [...bySlug.values(), ...extra].sort((a, b) => Date.parse(b.date) - Date.parse(a.date) || a.slug.localeCompare(b.slug));
    return { backups, daysUntilStale: list.daysUntilStale };
  }

  backupInfo(slug: string, opts?: CallOptions) {
    return this.parts.supervisor.backupInfo(slug, opts);
  }

  async startFullBackup(...args: Parameters<SupervisorClient['startFullBackup']>): Promise<string> {
    this.refuseAgentLocations(args[0].location, 'backup');
    return this.parts.supervisor.startFullBackup(...args);
  }

  async startPartialBackup(...args: Parameters<SupervisorClient['startPartialBackup']>): Promise<string> {
    this.refuseAgentLocations(args[0].location, 'backup');
    return this.parts.supervisor.startPartialBackup(...args);
  }

  /**
   * A backup as Home Assistant's automatic backups make it (`backup/generate_with_automatic_settings`). With a
   * Supervisor, Core's job id is the Supervisor job's (hassio/backup.py), so it is followed there; the copies
   * to other agents follow after that job ends.
   */
  async startAutomaticBackup(opts: CallOptions = {}): Promise<string> {
    return (await generateWithAutomaticSettings(await this.parts.homeAssistant(), opts)).backupJobId;
  }

  jobs(opts?: CallOptions) {
    return this.parts.supervisor.jobs(opts);
  }

  job(uuid: string, opts?: CallOptions) {
    return this.parts.supervisor.job(uuid, opts);
  }

  /**
   * A backup with copies on Home Assistant's agents is deleted by Home Assistant, from every agent (the
   * Supervisor's locations included); one without, by the Supervisor, which can also delete one location.
   */
  async deleteBackup(slug: string, opts: CallOptions & { location?: Location[] } = {}): Promise<'deleted' | 'already_gone'> {
    const record = this.agentCopies.get(slug);
    if (!record) {
      this.refuseAgentLocations(opts.location, 'delete');
      return this.parts.supervisor.deleteBackup(slug, opts);
    }
    if (opts.location)
      throw new SupervisorError(
        `Backup ${slug} has copies on ${Object.keys(record.copies).filter(isAgentLocation).map(this.agentName).join(', ')}; Home Assistant deletes such a backup from every location at once, not one copy alone`,
        { kind: 'api', method: 'WS', path: 'backup/delete' },
      );
    const outcome = await deleteBackup(await this.parts.homeAssistant(), slug, opts);
    // An agent that could not be listed may hold a copy too.
    const remaining = remainingCopies(slug, outcome.agentErrors, record.copies, this.lastStatus?.agentErrors ?? {}, this.agentName);
    if (remaining) throw remaining;
    return 'deleted';
  }

  async startFullRestore(...args: Parameters<SupervisorClient['startFullRestore']>): Promise<string> {
    await this.refuseRestoreFromAgent(args[0], args[1].location);
    return this.parts.supervisor.startFullRestore(...args);
  }

  async startPartialRestore(...args: Parameters<SupervisorClient['startPartialRestore']>): Promise<string> {
    await this.refuseRestoreFromAgent(args[0], args[1].location);
    return this.parts.supervisor.startPartialRestore(...args);
  }

  /** The Supervisor restores from its own locations only: a copy on an agent alone is refused, naming it. */
  private async refuseRestoreFromAgent(slug: string, location: Location | undefined): Promise<void> {
    const onlyOnAgents = location === undefined && this.agentCopies.has(slug) && !(await this.inSupervisor(slug));
    this.refuseAgentLocations(onlyOnAgents ? this.firstAgent(slug) : location, 'restore');
  }

  /** To Home Assistant's agents (and the Supervisor's locations as hassio agents) when an agent is among them. */
  async uploadBackup(source: UploadSource, opts: CallOptions & { locations?: Location[]; filename?: string } = {}): Promise<string> {
    const locations = opts.locations ?? [];
    if (!locations.some(isAgentLocation)) return this.parts.supervisor.uploadBackup(source, opts);
    const agents = locations.map((l) => (isAgentLocation(l) ? l : hassioAgentOf(l)));
    return (await this.parts.http().upload(agents, source, opts)).backupId;
  }

  readClock(opts?: CallOptions) {
    return this.parts.supervisor.readClock(opts);
  }

  /** The Supervisor's mounts, and Home Assistant's other agents as locations (not `active` when they could not be listed). */
  async mounts(opts?: CallOptions): Promise<Mounts> {
    const mounts = await this.parts.supervisor.mounts(opts);
    const status = this.lastStatus;
    if (!status) return mounts;
    return { ...mounts, mounts: [...mounts.mounts, ...agentMounts(status, isAgentLocation)] };
  }

  addons(opts?: CallOptions) {
    return this.parts.supervisor.addons(opts);
  }

  /** A copy on one of Home Assistant's agents comes through Home Assistant (decrypted when asked); the rest from the Supervisor. */
  async download(slug: string, opts: CallOptions & { location?: Location; password?: string } = {}): Promise<StreamResponse> {
    const location = opts.location ?? (this.agentCopies.has(slug) && !(await this.inSupervisor(slug)) ? this.firstAgent(slug) : undefined);
    if (!isAgentLocation(location) && opts.password === undefined) return this.parts.supervisor.download(slug, opts);
    const agentId = isAgentLocation(location) ? location : hassioAgentOf(location ?? null);
    return asStreamResponse(await this.parts.http().download(slug, agentId, opts));
  }

  async canDecryptOnDownload(slug: string, location: Location | undefined, password: string, opts: CallOptions = {}): Promise<CanDecryptOutcome> {
    const agentId = isAgentLocation(location) ? location : hassioAgentOf(location ?? null);
    return canDecryptOnDownload(await this.parts.homeAssistant(), { backupId: slug, agentId, password }, opts);
  }

  private readonly agentName = (agentId: string): string => agentNameIn(this.lastStatus, agentId);

  private firstAgent(slug: string): string | undefined {
    return Object.keys(this.agentCopies.get(slug)?.copies ?? {}).find(isAgentLocation);
  }

  private async inSupervisor(slug: string): Promise<boolean> {
    try {
      await this.parts.supervisor.backupInfo(slug);
      return true;
    } catch {
      return false;
    }
  }

  private refuseAgentLocations(location: Location | Location[] | undefined, what: 'backup' | 'delete' | 'restore'): void {
    const list = location === undefined ? [] : Array.isArray(location) ? location : [location];
    const agents = list.filter(isAgentLocation);
    if (agents.length === 0) return;
    const names = agents.map(this.agentName).join(', ');
    const why =
      what === 'backup'
        ? `A new backup goes to the Supervisor's locations; Home Assistant copies it to ${names} with its automatic backups, or upload a downloaded backup there`
        : what === 'delete'
          ? `A copy on ${names} cannot be deleted alone`
          : `Restoring from ${names} is not supported from VS Code yet; restore from a copy on this system or a mount, or download the copy and upload it`;
    throw new SupervisorError(why, { kind: 'api', method: 'POST', path: what });
  }

  private async coreList(opts: CallOptions): Promise<{ backups: BackupRecord[] } | undefined> {
    try {
      const ha = await this.parts.homeAssistant();
      const [info, agents, schedule] = await Promise.all([backupInfo(ha, opts), agentsInfo(ha, opts), scheduleOf(ha, opts)]);
      this.lastStatus = managerStatusOf(info, agents, schedule);
      this.agentCopies = new Map(info.backups.filter((b) => Object.keys(b.copies).some(isAgentLocation)).map((b) => [b.id, b]));
      this.coreFailureWarned = false;
      return info;
    } catch (e) {
      if (!this.coreFailureWarned)
        this.parts.warn?.(`Home Assistant's backup manager could not be asked; only the Supervisor's locations are shown (${e instanceof Error ? e.message : String(e)})`);
      this.coreFailureWarned = true;
      this.lastStatus = undefined;
      this.agentCopies = new Map();
      return undefined;
    }
  }
}

/** The Supervisor's entry with the agents' copies added as locations. */
function withAgentCopies(backup: Backup, onAgents: BackupRecord): Backup {
  const attributes = { ...(backup.location_attributes ?? {}) };
  const locations = [...backup.locations];
  for (const [agentId, copy] of Object.entries(onAgents.copies)) {
    if (!locations.includes(agentId)) locations.push(agentId);
    attributes[agentId] = { protected: copy.protected, size_bytes: Math.round(copy.size) };
  }
  return { ...backup, locations, location_attributes: attributes };
}
