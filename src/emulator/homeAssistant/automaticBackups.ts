// Home Assistant's automatic backups on their schedule, and its daily deletion of automatic backups older
// than the retention's days (home-assistant/core homeassistant/components/backup/config.py:
// BackupSchedule._schedule_next's `_create_backup` at async_track_point_in_time(next_automatic_backup), and
// RetentionConfig.apply/_schedule_next's async_call_later(1 day)). Core's timers run on real time; here
// both follow the emulated host's clock, checked every TICK_MS, so moving the clock forward runs what
// falls due — once, like a Home Assistant that was running all along and whose timer fires late.
import type { Clock } from '../clock';
import { atLeast } from '../version';
import { adoptSchedule, applySchedule, scheduleNext } from './backupConfigUpdate';
import { BACKUP_MANAGER_RELEASE } from './backupManager/commands';
import type { BackupManager } from './backupManager/manager';
import { deleteBackupsOlderThanConfiguredDays } from './backupManager/retention';

/** How often the clock is looked at. */
export const TICK_MS = 250;
const DAY_MS = 86_400_000;

export interface AutomaticBackupsOptions {
  manager: BackupManager;
  clock: Clock;
  timeZone: string;
  haVersion: () => string;
  /** Core is not running (a restart): its timers do not fire. */
  isDown: () => boolean;
}

export class AutomaticBackups {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  /** A next_automatic_backup already past when the emulator started: shown, never run (see start). */
  private stale: string | null = null;
  /** When the retention's daily deletion is due (RetentionConfig's remove_next_delete_event), null: none. */
  private deleteDueAt: number | null = null;
  /** The retention settings (global and per agent) the deletion was armed for. */
  private retentionKey = '';

  constructor(private readonly opts: AutomaticBackupsOptions) {}

  private get config(): BackupManager['config'] {
    return this.opts.manager.config;
  }

  private now(): { ms: number; timeZone: string } {
    return { ms: this.opts.clock.now(), timeZone: this.opts.timeZone };
  }

  /**
   * BackupConfig.load when Core starts: the schedule is armed and the retention's daily deletion too.
   * A scenario's next_automatic_backup stands (Core computed it before); without one it is computed as
   * Core does. One already past is kept as it is and not run: a scenario's fixed dates would otherwise
   * make a backup (or move the date) depending on the day the emulator starts.
   */
  start(): void {
    if (this.timer) return;
    const { schedule, next_automatic_backup: next } = this.config;
    const active = schedule.recurrence === 'daily' || (schedule.recurrence === 'custom_days' && schedule.days.length > 0);
    const nextMs = next === null ? NaN : Date.parse(next);
    if (!active || Number.isNaN(nextMs)) applySchedule(this.config, this.now());
    else if (nextMs <= this.opts.clock.now()) this.stale = next;
    else adoptSchedule(this.config, nextMs);
    this.armDeletion();
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    // Never what keeps a process alive (the emulator's server does that).
    this.timer.unref();
  }

  /** Core stops: no more timers. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** RetentionConfig.apply: the deletion runs a day from now when the global or an agent's retention has days. */
  private armDeletion(): void {
    const { retention, agents } = this.config;
    this.retentionKey = this.currentRetentionKey();
    const hasDays = retention.days !== null || Object.values(agents).some((a) => a.retention && a.retention.days !== null);
    this.deleteDueAt = hasDays ? this.opts.clock.now() + DAY_MS : null;
  }

  private currentRetentionKey(): string {
    const { retention, agents } = this.config;
    return JSON.stringify([retention, Object.entries(agents).map(([id, a]) => [id, a.retention ?? null])]);
  }

  /** What is due now, oldest first: the scheduled backup and the retention's daily deletion. */
  async tick(): Promise<void> {
    if (this.busy || !this.timer || this.opts.isDown() || !atLeast(this.opts.haVersion(), BACKUP_MANAGER_RELEASE)) return;
    this.busy = true;
    try {
      // backup/config/update changed a retention: BackupConfig.update re-applies it (re-armed a day later).
      if (this.currentRetentionKey() !== this.retentionKey) this.armDeletion();
      const now = this.opts.clock.now();
      const next = this.config.next_automatic_backup;
      const backupAt = next !== null && next !== this.stale ? Date.parse(next) : NaN;
      const due: { at: number; run: () => Promise<void> }[] = [];
      if (backupAt <= now) due.push({ at: backupAt, run: () => Promise.resolve(this.runScheduledBackup()) });
      if (this.deleteDueAt !== null && this.deleteDueAt <= now) due.push({ at: this.deleteDueAt, run: () => this.runDeletion() });
      for (const d of due.sort((a, b) => a.at - b.at)) if (this.timer) await d.run();
    } finally {
      this.busy = false;
    }
  }

  /**
   * BackupSchedule._schedule_next's `_create_backup`: the next slot first (from the slot that fired; a
   * missed one gives the next daily time), then async_create_automatic_backup. A busy manager's
   * error is only logged by Core, and that slot's backup is not made.
   */
  private runScheduledBackup(): void {
    scheduleNext(this.config, this.now());
    const manager = this.opts.manager;
    try {
      manager.initiateBackup(manager.automaticBackupParams(), true);
    } catch {
      // Core: LOGGER.error("Error creating backup: %s", err)
    }
  }

  /** RetentionConfig._schedule_next's `_delete_backups`: re-armed a day later, then the deletion. */
  private async runDeletion(): Promise<void> {
    this.deleteDueAt = this.opts.clock.now() + DAY_MS;
    await deleteBackupsOlderThanConfiguredDays(this.opts.manager, () => this.opts.clock.now()).catch(() => undefined);
  }
}
