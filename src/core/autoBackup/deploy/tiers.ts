// A policy's retention as Auto Backup's keep_days, one value per tier, the way the integration's
// "Automatic Backups" blueprint does it (jcwillox/home-assistant-blueprints automation/automatic_backups.yaml:
// on each run the first tier that matches wins: yearly on January 1, monthly on day 1, weekly on
// Monday, else daily). Auto Backup forgets a backup by its own expiry date, so a generation's count
// becomes a lifetime:
//
//   rule                 tier      runs on                     keep_days
//   keep_days: D         all       every run                   D
//   (no retention)       all       every run                   none (kept forever)
//   daily: N             daily     days no other tier takes    N
//   weekly: N            weekly    Mondays                     7 × N
//   monthly: N           monthly   day 1 of each month         N × 365/12 (30.4167), 4 decimals
//   yearly: N            yearly    January 1                   365 × N
//   any of them: -1      that tier as above                    none (kept forever)
//
// A day that no enabled tier takes makes no backup (weekly: 4 alone backs up on Mondays only). The
// rules last, hourly and within… keep "the newest N" or "everything within a time", which a fixed
// lifetime per backup cannot express: they are refused by name.
import type { Retention } from '../../policy';
import { DeployRefusal } from './scheduleParts';

export type TierName = 'all' | 'daily' | 'weekly' | 'monthly' | 'yearly';

export interface Tier {
  name: TierName;
  /** undefined: kept until deleted by hand. */
  keepDays: number | undefined;
  /** Jinja test for the days this tier takes; undefined: every run. */
  test: string | undefined;
}

const DAY_TESTS: Record<Exclude<TierName, 'all'>, string> = {
  yearly: 'now().month == 1 and now().day == 1',
  monthly: 'now().day == 1',
  weekly: 'now().weekday() == 0',
  daily: 'true',
};

const DAYS_PER: Record<Exclude<TierName, 'all'>, number> = { daily: 1, weekly: 7, monthly: 365 / 12, yearly: 365 };

/** First match wins, as in the blueprint's `choose`. */
const ORDER = ['yearly', 'monthly', 'weekly', 'daily'] as const;

const UNMAPPABLE = ['last', 'hourly', 'within', 'withinHourly', 'withinDaily', 'withinWeekly', 'withinMonthly', 'withinYearly'] as const;
const WRITTEN: Record<(typeof UNMAPPABLE)[number], string> = {
  last: 'last',
  hourly: 'hourly',
  within: 'within',
  withinHourly: 'within_hourly',
  withinDaily: 'within_daily',
  withinWeekly: 'within_weekly',
  withinMonthly: 'within_monthly',
  withinYearly: 'within_yearly',
};

export function keepDaysFor(tier: Exclude<TierName, 'all'>, count: number): number | undefined {
  if (count < 0) return undefined;
  return Math.round(count * DAYS_PER[tier] * 10_000) / 10_000;
}

/** The tiers of a retention; throws DeployRefusal naming a rule that cannot map. */
export function tiersOf(retention: Retention | null, daily: boolean): Tier[] {
  if (!retention) return [{ name: 'all', keepDays: undefined, test: undefined }];
  if (retention.kind === 'keep_days') return [{ name: 'all', keepDays: retention.keepDays, test: undefined }];
  const rules = retention.rules;
  for (const key of UNMAPPABLE) {
    if (rules[key] !== undefined) {
      throw new DeployRefusal(
        `the retention rule '${WRITTEN[key]}' cannot be deployed: Auto Backup deletes each backup a fixed number of days after it was made (keep_days), which expresses daily, weekly, monthly and yearly generations but not '${WRITTEN[key]}'`,
      );
    }
  }
  const enabled = ORDER.filter((name) => (rules[name] ?? 0) !== 0);
  // Several runs a day would each get the day's lifetime: far more backups kept than the rule says.
  if (!daily) throw new DeployRefusal("generational retention needs a schedule that runs at most once a day: each backup is given the lifetime of its day's tier");
  return enabled.map((name, index) => {
    const higher = enabled.slice(0, index).map((other) => DAY_TESTS[other]);
    const own = name === 'daily' ? [] : [DAY_TESTS[name]];
    const parts = [...own, ...higher.map((test) => `not (${test})`)];
    return { name, keepDays: keepDaysFor(name, rules[name] as number), test: parts.length ? parts.join(' and ') : undefined };
  });
}
