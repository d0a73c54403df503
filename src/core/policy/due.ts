// When a policy is due, decided from facts anyone can see again: its schedule, when this machine
// first saw the policy, and the newest backup the policy already has on the Supervisor. Running
// again is harmless to decide twice: a second window sees the first window's backup and waits.
// All times are Home Assistant's (the scheduler reads its clock), so a wrong clock here neither
// skips nor repeats runs.
import { previousRun, type Schedule } from './schedule';

/** A backup dated later than this past Home Assistant's now is "in the future" (ignored by schedules and retention). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** A due run not made within this time is overdue. */
export const OVERDUE_GRACE_MS = 60 * 60_000;

export interface DueInput {
  schedule: Schedule | string;
  enabled: boolean;
  /** When the scheduler first saw this policy: runs due before that are not caught up. */
  firstSeen: Date;
  /** Date of the policy's newest backup on the Supervisor (made by any window or machine), not counting backups dated in the future. */
  newestBackup: Date | undefined;
}

export type DueDecision = { due: true; scheduledFor: Date; catchUp: boolean } | { due: false; reason: 'disabled' | 'not-yet' | 'done' | 'before-first-seen' };

/**
 * Due when the latest scheduled time is after both the first sighting and the newest backup. Only
 * the latest missed run counts, so a VS Code closed for a week catches up once, not seven times.
 * A newest backup dated in the future counts as none: it may not hold a policy back until that date
 * (a first sighting in the future is set right where it is remembered, seen.ts).
 */
export function isDue(input: DueInput, now: Date, timeZone: string, toleranceMs = 10_000): DueDecision {
  if (!input.enabled) return { due: false, reason: 'disabled' };
  const scheduled = previousRun(input.schedule, new Date(now.getTime() + 1), timeZone);
  if (!scheduled) return { due: false, reason: 'not-yet' };
  if (scheduled.getTime() < input.firstSeen.getTime()) return { due: false, reason: 'before-first-seen' };
  const newest = input.newestBackup && input.newestBackup.getTime() <= now.getTime() + FUTURE_TOLERANCE_MS ? input.newestBackup : undefined;
  // A backup started a little before the scheduled minute (clock skew, or a run that began at
  // the minute itself) still counts for it.
  if (newest && newest.getTime() >= scheduled.getTime() - toleranceMs) return { due: false, reason: 'done' };
  return { due: true, scheduledFor: scheduled, catchUp: now.getTime() - scheduled.getTime() > 5 * 60_000 };
}

/**
 * The latest scheduled run that is more than `graceMs` old and still has no backup (whatever the
 * cause), if any: a policy that misses its runs shows as overdue an hour after the first missed one,
 * also when newer runs keep coming (an hourly policy).
 */
export function overdueSince(input: DueInput, now: Date, timeZone: string, graceMs = OVERDUE_GRACE_MS, toleranceMs = 10_000): Date | undefined {
  if (!input.enabled) return undefined;
  const missed = previousRun(input.schedule, new Date(now.getTime() - graceMs + 1), timeZone);
  if (!missed || missed.getTime() < input.firstSeen.getTime()) return undefined;
  const newest = input.newestBackup && input.newestBackup.getTime() <= now.getTime() + FUTURE_TOLERANCE_MS ? input.newestBackup : undefined;
  return newest && newest.getTime() >= missed.getTime() - toleranceMs ? undefined : missed;
}
