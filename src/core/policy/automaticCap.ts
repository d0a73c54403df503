// The cap on Home Assistant's own retention for a policy that manages its automatic backups
// (`with_automatic_settings: true`). The policy's generational rules run only while VS Code runs;
// Home Assistant's retention (`copies`, home-assistant/core homeassistant/components/backup/config.py)
// runs after every backup, around the clock. Set to `copies`, it must
//  - never delete a backup the policy keeps: right after the policy's purge at most `keeps` automatic
//    backups are left, so Home Assistant deletes nothing until `copies - keeps` more were made;
//  - bound the disk when VS Code stays closed: at most `copies` automatic backups ever.
// Assumption, said wherever the cap is shown: Home Assistant makes at most one automatic backup a day
// (its schedule is daily or on chosen days), so `ABSENCE_DAYS` more fit after the policy's last purge.
import type { Duration } from '../retention/rules';
import type { GenerationalRules } from './retention';

/** Days without VS Code running the policy before Home Assistant's cap may delete one the policy keeps. */
export const ABSENCE_DAYS = 30;

export interface AutomaticCap {
  /** The most automatic backups the policy can keep; null: its rules keep an unlimited number. */
  keeps: number | null;
  /** Home Assistant's `retention.copies`; null when the policy keeps an unlimited number (no cap is safe). */
  copies: number | null;
}

const COUNTS = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
const WITHINS = ['within', 'withinHourly', 'withinDaily', 'withinWeekly', 'withinMonthly', 'withinYearly'] as const;

/** Whole days a duration can span at most (a month as 31 days, a year as 366). */
function spanDays(d: Partial<Duration>): number {
  return (d.years ?? 0) * 366 + (d.months ?? 0) * 31 + (d.days ?? 0) + Math.ceil((d.hours ?? 0) / 24);
}

export function automaticCap(rules: GenerationalRules): AutomaticCap {
  let keeps = 0;
  for (const key of COUNTS) {
    const n = rules[key];
    if (n === undefined || n === 0) continue;
    if (n < 0) return { keeps: null, copies: null };
    keeps += n;
  }
  // One automatic backup a day at most: a within-rule keeps at most one per day of its span, plus the newest.
  for (const key of WITHINS) {
    const d = rules[key];
    if (d) {
      const days = spanDays(d);
      if (days > 0) keeps += days + 1;
    }
  }
  return { keeps, copies: keeps + ABSENCE_DAYS };
}
