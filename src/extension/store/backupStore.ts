// The extension's view of the Supervisor: the backup list, the HA time zone, running backup jobs and
// the last success/failure. The tree and the status bar render from it; commands change it.
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readAutoBackupOptions } from '../../core/autoBackup/configEntry';
import { readAutoBackupStore } from '../../core/autoBackup/snapshotsExpiry';
import { CoreInstallClient, SupervisorWithAgentsClient, type BackupManagerStatus } from '../../core/homeAssistant/coreInstall';
import { setAgentNames } from '../locations/agentNames';
import { ServerClock, sleep, type Backup, type BackupDetails } from '../../core/supervisor';
import type { Connection, ConnectionManager } from '../connection/connectionManager';
import { describeError } from '../errors';

export interface RunningBackup {
  jobId: string;
  name: string;
  startedAt: Date;
}

export interface BackupResult {
  name: string;
  at: Date;
  slug?: string;
  error?: string;
}

export interface AutoBackupState {
  expiries: Map<string, Date>;
  installed: boolean;
  /** Its "automatically delete expired backups" option. */
  autoPurge: boolean;
}

export type StoreStatus = 'disconnected' | 'loading' | 'ready' | 'error';

const LAST_RESULT_KEY = 'haBackups.lastResults';

export class BackupStore implements vscode.Disposable {
  status: StoreStatus = 'disconnected';
  backups: Backup[] = [];
  daysUntilStale = 30;
  timeZone: string | null = null;
  /** From GET /info: decides which request keys this Supervisor knows (e.g. `filename` ≥ 2025.01.1). */
  supervisorVersion: string | undefined;
  haVersion: string | undefined;
  addonNames = new Map<string, string>();
  /** Home Assistant's backup manager on a Core or Container install: agents, unreachable agents, automatic backups. */
  manager: BackupManagerStatus | undefined;
  /** What the Auto Backup integration tracks in the workspace's Home Assistant config folder. */
  autoBackup: AutoBackupState | undefined;
  /** Home Assistant's clock (read with every list). */
  readonly clock = new ServerClock();
  /** When the current list was asked for (this machine's clock), and how many lists have come in. */
  listedAt = 0;
  listCount = 0;
  error: string | undefined;
  running: RunningBackup[] = [];
  lastSuccess: BackupResult | undefined;
  lastFailure: BackupResult | undefined;

  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private inFlight: Promise<void> | undefined;
  /** Backup details never change once a backup exists, so they are kept per slug. */
  private readonly detailsCache = new Map<string, BackupDetails>();
  private generation = 0;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly connections: ConnectionManager,
    private readonly memento: vscode.Memento,
    /** Problems worth a log line, not a notification. */
    private readonly warn: (message: string) => void = () => undefined,
  ) {
    this.subscription = connections.onDidChange((c) => this.reset(c));
  }

  get connection(): Connection | undefined {
    return this.connections.connection;
  }

  /** Reloads the list; concurrent callers share one request. Never throws: errors become `status`. */
  refresh(): Promise<void> {
    if (!this.inFlight) {
      const load: Promise<void> = this.load().finally(() => {
        if (this.inFlight === load) this.inFlight = undefined;
      });
      this.inFlight = load;
    }
    return this.inFlight;
  }

  /**
   * A list asked for after this call: one already under way may have been asked before what the caller
   * just did (a backup that finished), so it is waited for and the list is loaded again.
   */
  async refreshNow(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    return this.refresh();
  }

  /** After a change, refreshes until `done` holds (the Supervisor may lag behind) or tries run out. */
  async refreshUntil(done: (backups: Backup[]) => boolean, tries = 10, intervalMs = 500): Promise<boolean> {
    for (let i = 0; i < tries; i++) {
      await this.refresh();
      if (done(this.backups)) return true;
      await sleep(intervalMs);
    }
    return false;
  }

  /** Home Assistant's time now (this machine's while it is not known). */
  haNow(): Date {
    return this.clock.now();
  }

  cachedDetails(slug: string): BackupDetails | undefined {
    return this.detailsCache.get(slug);
  }

  /** Loads a backup's details once; undefined when they cannot be had (the tooltip then stays brief). */
  async details(slug: string, token?: { onCancellationRequested: (f: () => void) => unknown }): Promise<BackupDetails | undefined> {
    const cached = this.detailsCache.get(slug);
    if (cached || !this.connection) return cached;
    const abort = new AbortController();
    token?.onCancellationRequested(() => abort.abort());
    try {
      const details = await this.connection.client.backupInfo(slug, { signal: abort.signal });
      this.detailsCache.set(slug, details);
      return details;
    } catch {
      return undefined;
    }
  }

  /** Re-renders listeners (e.g. a job's stage changed) without asking the Supervisor. */
  notifyChanged(): void {
    this.changed.fire();
  }

  addRunning(job: RunningBackup): void {
    this.running.push(job);
    this.changed.fire();
  }

  /** A job ended: with a success, a failure, or neither (it could not be followed to its end). */
  finishRunning(jobId: string, result: { success?: BackupResult; failure?: BackupResult }): void {
    this.running = this.running.filter((r) => r.jobId !== jobId);
    if (result.success) this.lastSuccess = result.success;
    if (result.failure) this.lastFailure = result.failure;
    void this.saveResults();
    this.changed.fire();
  }

  /** True when the most recent backup attempt failed (and nothing newer succeeded since). */
  get lastAttemptFailed(): boolean {
    if (!this.lastFailure) return false;
    const newest = this.backups[0] ? Date.parse(this.backups[0].date) : 0;
    const success = this.lastSuccess?.at.getTime() ?? 0;
    return this.lastFailure.at.getTime() > Math.max(newest, success);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  private reset(connection: Connection | undefined): void {
    this.generation++;
    // A load for the previous connection may still run; the new one must not wait for (and lose to) it.
    this.inFlight = undefined;
    this.detailsCache.clear();
    this.clock.reset();
    this.backups = [];
    this.manager = undefined;
    setAgentNames([]);
    this.running = [];
    this.error = undefined;
    this.status = connection ? 'loading' : 'disconnected';
    this.restoreResults();
    this.changed.fire();
    if (connection) void this.refresh();
  }

  private async load(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    const generation = this.generation;
    const listedAt = Date.now();
    try {
      const [info, list, clock] = await Promise.all([connection.client.info(), connection.client.listBackups(), connection.client.readClock().catch(() => undefined)]);
      // Add-on names make the tooltip readable; a backup-role token may not list add-ons, which is fine.
      const addons = await connection.client.addons().catch(() => undefined);
      const autoBackup = await this.readAutoBackup();
      if (generation !== this.generation) return;
      this.clock.update(clock);
      this.listedAt = listedAt;
      this.listCount++;
      this.timeZone = info.timezone ?? null;
      this.supervisorVersion = info.supervisor;
      this.haVersion = info.homeassistant ?? undefined;
      this.backups = list.backups;
      this.daysUntilStale = list.daysUntilStale;
      if (addons) this.addonNames = new Map(addons.map((a) => [a.slug, a.name]));
      this.autoBackup = autoBackup;
      this.manager = connection.client instanceof CoreInstallClient || connection.client instanceof SupervisorWithAgentsClient ? connection.client.status : undefined;
      setAgentNames(this.manager?.agents ?? []);
      this.status = 'ready';
      this.error = undefined;
    } catch (e) {
      if (generation !== this.generation) return;
      this.status = 'error';
      this.error = describeError(e, connection.url);
    }
    this.changed.fire();
  }

  /** Only the workspace folders themselves are looked at (one stat each), never a search. */
  private async readAutoBackup(): Promise<AutoBackupState | undefined> {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file' || !fs.existsSync(path.join(folder.uri.fsPath, 'configuration.yaml'))) continue;
      try {
        const store = await readAutoBackupStore(folder.uri.fsPath);
        if (!store) return undefined;
        // Unreadable options: as if its automatic purge were off (its expiries are then only shown).
        const options = await readAutoBackupOptions(folder.uri.fsPath).catch((e: unknown) => {
          this.warn(e instanceof Error ? e.message : String(e));
          return { installed: false, autoPurge: false };
        });
        return { expiries: store.expiries, ...options };
      } catch (e) {
        // A damaged store must not hide the backups; say so once per refresh in the log instead.
        this.warn(e instanceof Error ? e.message : String(e));
      }
    }
    return undefined;
  }

  private resultsKey(): string {
    return `${LAST_RESULT_KEY}:${this.connection?.url ?? ''}`;
  }

  private restoreResults(): void {
    const saved = this.memento.get<{ success?: SavedResult; failure?: SavedResult }>(this.resultsKey());
    this.lastSuccess = fromSaved(saved?.success);
    this.lastFailure = fromSaved(saved?.failure);
  }

  private async saveResults(): Promise<void> {
    await this.memento.update(this.resultsKey(), { success: toSaved(this.lastSuccess), failure: toSaved(this.lastFailure) });
  }
}

type SavedResult = Omit<BackupResult, 'at'> & { at: string };
const toSaved = (r: BackupResult | undefined): SavedResult | undefined => (r ? { ...r, at: r.at.toISOString() } : undefined);
const fromSaved = (r: SavedResult | undefined): BackupResult | undefined => (r ? { ...r, at: new Date(r.at) } : undefined);
