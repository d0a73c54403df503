// When a policy is due, decided from facts anyone can see again: its schedule, when this machine
// first saw the policy, and the newest backup the policy already has on the Supervisor. Running
// again is harmless to decide twice: a second window sees the first window's backup and waits.
import { previousRun, type Schedule } from './schedule';

export interface DueInput {
  schedule: Schedule;
  enabled: boolean;
  /** When the scheduler first saw this policy: runs due before that are not caught up. */
  firstSeen: Date;
  /** Date of the policy's newest backup on the Supervisor (made by any window or machine). */
  newestBackup: Date | undefined;
}

export type DueDecision =
  | { due: true; scheduledFor: Date; catchUp: boolean }
  | { due: false; reason: 'disabled' | 'not-yet' | 'done' | 'before-first-seen' };

/**
 * Due when the latest scheduled time is after both the first sighting and the newest backup. Only
 * the latest missed run counts, so a VS Code closed for a week catches up once, not seven times.
 */
export function isDue(input: DueInput, now: Date, timeZone: string, toleranceMs = 10_000): DueDecision {
  if (!input.enabled) return { due: false, reason: 'disabled' };
  const scheduled = previousRun(input.schedule, new Date(now.getTime() + 1), timeZone);
  if (!scheduled) return { due: false, reason: 'not-yet' };
  if (scheduled.getTime() < input.firstSeen.getTime()) return { due: false, reason: 'before-first-seen' };
  // A backup started a little before the scheduled minute (clock skew, or a run that began at
  // the minute itself) still counts for it.
  if (input.newestBackup && input.newestBackup.getTime() >= scheduled.getTime() - toleranceMs) return { due: false, reason: 'done' };
  return { due: true, scheduledFor: scheduled, catchUp: now.getTime() - scheduled.getTime() > 5 * 60_000 };
}
