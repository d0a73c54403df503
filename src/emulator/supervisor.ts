// The emulated Supervisor's state: core state (running/freeze), mounts, add-ons, backups,
// jobs, faults, tokens. Routes and job runners all work on one instance of this.
import { randomBytes } from 'node:crypto';
import { Clock } from './clock';
import { FaultRegistry } from './faults';
import { ApiError } from './http';
import { JobManager } from './jobs';
import { LOCATION_CLOUD_BACKUP } from './requestSchemas';
import type { ResolvedScenario, Role, ScenarioAddon, ScenarioMount } from './scenario';
import { BackupStore } from './store';
import type { Location } from './store';
import { atLeast, compareVersions } from './version';

export { compareVersions } from './version';

export type CoreState = 'running' | 'freeze';

/** The first Supervisor release whose unknown mount name answers 404 (MountNotFound became an APINotFound). */
export const MOUNT_NOT_FOUND_IS_404 = '2026.06.2';
/** The first Supervisor release whose MountNotFound has error_key "mount_not_found_error". */
export const MOUNT_NOT_FOUND_HAS_ERROR_KEY = '2026.08.0';

export class AbortedError extends Error {}

export class Supervisor {
  coreState: CoreState = 'running';
  daysUntilStale: number;
  defaultBackupMount: string | null;
  readonly store: BackupStore;
  /** The emulated host's clock (real time + an offset tests set). */
  readonly clock = new Clock();
  readonly jobs = new JobManager(() => this.supervisorVersion, this.clock);
  readonly faults = new FaultRegistry();
  readonly mounts: ScenarioMount[];
  readonly addons: ScenarioAddon[];
  readonly tokens = new Map<string, Role>();
  readonly machineId = randomBytes(16).toString('hex');
  /** API requests seen since the last reset, by "METHOD /path" (for tests: polling only while visible). */
  readonly requestCounts = new Map<string, number>();
  private aborts = new AbortController();
  /** Set while frozen through POST /backups/freeze: wakes the thaw job early. */
  manualThaw: (() => void) | null = null;

  constructor(
    readonly dataDir: string,
    readonly scenario: ResolvedScenario,
    mainToken: string,
  ) {
    this.daysUntilStale = scenario.daysUntilStale;
    this.defaultBackupMount = scenario.defaultBackupMount;
    this.mounts = scenario.mounts.map((m) => ({ ...m }));
    this.addons = scenario.addons.map((a) => ({ ...a }));
    for (const t of scenario.tokens) this.tokens.set(t.token, t.role);
    this.tokens.set(mainToken, 'manager');
    this.store = new BackupStore(dataDir);
  }

  get supervisorVersion(): string {
    return this.scenario.supervisorVersion;
  }

  /** Since 2026.04.1 child job names say "app" where they used to say "addon". */
  get appWord(): 'app' | 'addon' {
    return compareVersions(this.supervisorVersion, '2026.04.1') >= 0 ? 'app' : 'addon';
  }

  /** Since 2026.03.3 a backup has a supervisor_config stage (and supervisor.tar when mounts exist). */
  get storesSupervisorConfig(): boolean {
    return compareVersions(this.supervisorVersion, '2026.03.3') >= 0;
  }

  mount(name: string): ScenarioMount | undefined {
    return this.mounts.find((m) => m.name === name);
  }

  /** Locations that are scanned: local + every active backup mount. */
  activeBackupLocations(): Location[] {
    return [null, ...this.mounts.filter((m) => m.usage === 'backup' && m.state === 'active').map((m) => m.name)];
  }

  /** `.cloud_backup` (Core's temporary location, only reachable from the emulated Core) is always up. */
  isLocationUp(location: Location): boolean {
    return location === null || location === LOCATION_CLOUD_BACKUP || this.mount(location)?.state === 'active';
  }

  /**
   * api/backups.py::_location_to_mount: validate a requested location name.
   * `.cloud_backup` is Core-only; unknown names and non-backup mounts are rejected.
   */
  resolveLocation(location: string | null): Location {
    if (location === null) return null;
    if (location === LOCATION_CLOUD_BACKUP) throw new ApiError(`Location ${LOCATION_CLOUD_BACKUP} is only available for Home Assistant`, 403);
    const mount = this.mount(location);
    if (!mount) throw this.mountNotFound(location);
    if (mount.usage !== 'backup') throw new ApiError(`Mount ${mount.name} is not used for backups, cannot backup to there`);
    return mount.name;
  }

  /**
   * MountManager.get's MountNotFound (supervisor/mounts/manager.py), raised with the message
   * "No mount exists with name '<name>'" and no `name=` argument, so never with extra_fields.
   * Before 2026.06.2 MountError was a plain HassioError: api_process answered 400. Since 2026.06.2
   * (commit dae48c62, #6946) MountNotFound is an APINotFound: 404. Since 2026.08.0 (commit 143da593,
   * #7146) it also has error_key "mount_not_found_error" (supervisor/exceptions.py).
   */
  mountNotFound(name: string): ApiError {
    const message = `No mount exists with name '${name}'`;
    if (!atLeast(this.supervisorVersion, MOUNT_NOT_FOUND_IS_404)) return new ApiError(message, 400);
    return new ApiError(message, 404, atLeast(this.supervisorVersion, MOUNT_NOT_FOUND_HAS_ERROR_KEY) ? { errorKey: 'mount_not_found_error' } : {});
  }

  async reload(): Promise<void> {
    await this.store.reload(this.activeBackupLocations());
  }

  /**
   * `sys_create_task(self.reload(location))`: a rescan of one location that runs after the answer
   * is sent (the real one does file I/O in an executor first). A location that is not an active
   * backup location is not in BackupManager.backup_locations: the real task fails with a KeyError and
   * changes nothing.
   */
  reloadLocationInBackground(location: Location): void {
    if (!this.activeBackupLocations().includes(location)) return;
    setImmediate(() => void this.store.reloadLocation(location).catch(() => undefined));
  }

  /** Signal that aborts when the Supervisor "restarts" (running jobs die with it). */
  get abortSignal(): AbortSignal {
    return this.aborts.signal;
  }

  sleep(ms: number): Promise<void> {
    const signal = this.aborts.signal;
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(new AbortedError('aborted'));
        return;
      }
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new AbortedError('aborted'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Supervisor restart: running work is dropped, jobs are forgotten, backups rescanned. */
  async restart(): Promise<void> {
    this.aborts.abort();
    this.aborts = new AbortController();
    this.jobs.clear();
    this.manualThaw = null;
    this.coreState = 'running';
    await this.reload();
  }

  /** Stop everything that is still running (server shutdown). */
  shutdown(): void {
    this.aborts.abort();
  }
}
