// Home Assistant's automatic backups on a Core or Container install, as data for the status bar, the
// Backups view and the warnings (the extension puts it into words). From what the backup manager said
// with the last list (BackupManagerStatus) and, when it was read, the schedule of `backup/config/info`.
//
// The rules are the frontend's (home-assistant/frontend ha-backup-overview-summary.ts): the last
// automatic backup failed when it was attempted after the last one completed. Core stamps
// last_attempted_automatic_backup when an automatic backup starts and last_completed_automatic_backup
// only when it was created and uploaded to every agent (components/backup/manager.py
// _async_finish_backup), so an upload that failed to some agents is a failure as well; the manager's
// last action then ends `failed` with `upload_failed`, and the backup keeps the agents it missed
// (`failed_agent_ids`). While a create is in progress the attempt is stamped but not yet over: no failure.
import type { BackupManagerConfig } from '../backupManager';
import { CORE_LOCAL_AGENT } from './asSupervisor';
import type { BackupManagerStatus } from './managerStatus';

/** `backup/config/info`'s schedule: `never`, `daily`, `custom_days` (with `days`), at `time` (null: 04:45 and some random minutes). */
export type AutomaticSchedule = BackupManagerConfig['schedule'];

/** An agent by id with the name Home Assistant gives it (null when it did not list it). */
export interface NamedAgent {
  agentId: string;
  name: string | null;
  /** Home Assistant's own disk (`backup.local`): "this system". */
  local: boolean;
}

export interface AutomaticFailure {
  /** When the failed automatic backup was attempted; a failure is known by it (a newer one is another failure). */
  attempted: Date;
  /**
   * Core's reason (`upload_failed`, `unknown_error`, `backup_manager_error`, `backup_reader_writer_error`,
   * `backup_agent_error`, …: an open set) when the manager's last action was a create that failed;
   * null when it cannot be told (Home Assistant restarted since, or did something else after it).
   */
  reason: string | null;
  /** The agents the backup could not be uploaded to (empty when it was not made at all, or none is known). */
  failedAgents: NamedAgent[];
}

export interface AutomaticSummary {
  /**
   * Home Assistant plans automatic backups. With the schedule: its recurrence is not `never` (and
   * `custom_days` has days); without it: Home Assistant names the next one.
   */
  enabled: boolean;
  /** The schedule when it was read (`backup/config/info`), else null. */
  schedule: AutomaticSchedule | null;
  next: Date | null;
  /** The next one makes up for a missed slot, at the next daily time. */
  nextAdditional: boolean;
  /** The next one's time has come (Home Assistant may be busy, or starting it). */
  nextDue: boolean;
  lastAttempted: Date | null;
  lastCompleted: Date | null;
  /** A backup is being created (the manager's last action is a create in progress). */
  creating: boolean;
  /** The last automatic backup failed; null when it did not (or none was attempted, or one is being created). */
  failure: AutomaticFailure | null;
}

export interface UnreachableAgent extends NamedAgent {
  /** Why Home Assistant could not list its backups (Core's text). */
  reason: string;
}

/** What the last list says about the automatic backups, as of `now` (Home Assistant's clock). */
export function summarizeAutomatic(status: BackupManagerStatus, now: Date, schedule?: AutomaticSchedule | null): AutomaticSummary {
  const { automatic, lastAction } = status;
  const next = dateOf(automatic.next);
  const lastAttempted = dateOf(automatic.lastAttempted);
  const lastCompleted = dateOf(automatic.lastCompleted);
  // Core stamps last_attempted when it starts: while it still makes that backup, nothing has failed.
  const creating = (lastAction?.managerState === 'create_backup' && lastAction.state === 'in_progress') || status.managerState === 'create_backup';
  let failure: AutomaticFailure | null = null;
  if (lastAttempted && !creating && (!lastCompleted || lastAttempted.getTime() > lastCompleted.getTime())) {
    const reason = lastAction?.managerState === 'create_backup' && lastAction.state === 'failed' ? (lastAction.reason ?? null) : null;
    // A create that failed before anything was made leaves no backup: the newest automatic one (and
    // the agents it missed) is then an older one.
    const uploaded = reason === null || reason === 'upload_failed';
    failure = { attempted: lastAttempted, reason, failedAgents: uploaded ? status.failedAgentsOfLastAutomatic.map((id) => namedAgent(status, id)) : [] };
  }
  return {
    enabled: schedule ? scheduled(schedule) : next !== null,
    schedule: schedule ?? null,
    next,
    nextAdditional: next !== null && automatic.nextAdditional,
    nextDue: next !== null && next.getTime() <= now.getTime(),
    lastAttempted,
    lastCompleted,
    creating,
    failure,
  };
}

/** The agents Home Assistant could not list (their copies are missing from the list), in the order of its agents. */
export function unreachableAgents(status: BackupManagerStatus): UnreachableAgent[] {
  const order = new Map(status.agents.map((a, i) => [a.agentId, i]));
  return Object.entries(status.agentErrors)
    .sort(([a], [b]) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || a.localeCompare(b))
    .map(([agentId, reason]) => ({ ...namedAgent(status, agentId), reason }));
}

/**
 * Tells a failure of an automatic backup seen while watching from one that was there before: the
 * first summary sets what is old (its last attempt, also one still being made), later ones report a
 * failed attempt newer than that, once. One watch per Home Assistant: a new connection starts a new one.
 */
export class AutomaticFailureWatch {
  private baseline: number | null | undefined;
  private reported: number | undefined;

  /**
   * Returns the failure the first time one newer than the first summary is seen; null otherwise.
   * `ownRun`: the extension made a backup since the last summary (or makes one now). A new attempt is
   * then its own (Create Backup with Home Assistant's automatic settings), which it reports itself:
   * it becomes old instead.
   */
  observe(summary: AutomaticSummary | undefined, ownRun = false): AutomaticFailure | null {
    if (!summary) return null;
    const attempted = summary.lastAttempted?.getTime() ?? null;
    if (this.baseline === undefined || (ownRun && attempted !== null && (this.baseline === null || attempted > this.baseline))) {
      this.baseline = attempted;
      return null;
    }
    const failure = summary.failure;
    if (!failure) return null;
    const at = failure.attempted.getTime();
    if ((this.baseline !== null && at <= this.baseline) || at === this.reported) return null;
    this.reported = at;
    return failure;
  }
}

function scheduled(schedule: AutomaticSchedule): boolean {
  if (schedule.recurrence === 'never') return false;
  return schedule.recurrence !== 'custom_days' || schedule.days.length > 0;
}

function namedAgent(status: BackupManagerStatus, agentId: string): NamedAgent {
  const name = status.agents.find((a) => a.agentId === agentId)?.name ?? null;
  return { agentId, name, local: agentId === CORE_LOCAL_AGENT };
}

function dateOf(iso: string | null): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}
