// Retention as written in a policy, and the normalized form handed to the retention module
// (src/core/retention): restic's `forget` rules (restic/restic internal/data/snapshot_policy.go
// ExpirePolicy @ a80be1478) with its keys last/hourly/daily/weekly/monthly/yearly (-1 = unlimited)
// and within… durations {years, months, days, hours}; or Auto Backup's simpler `keep_days`.

import type { RetentionDuration as LooseDuration, RetentionRules } from '../retention';

/** A duration as this file parses it: every part present (0 when not written). */
export type RetentionDuration = Required<LooseDuration>;

/** restic's ExpirePolicy as a policy file gives it: the retention module's rules without tags. */
export type GenerationalRules = Omit<RetentionRules, 'tags'>;

export type Retention =
  /** Each backup expires `keepDays` days (fractions allowed) after it was made. */
  | { kind: 'keep_days'; keepDays: number }
  /** Generations, restic semantics, over this policy's backups only. */
  | { kind: 'generational'; rules: GenerationalRules };

export const COUNT_KEYS = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
export const WITHIN_KEYS = ['within', 'within_hourly', 'within_daily', 'within_weekly', 'within_monthly', 'within_yearly'] as const;
export type CountKey = (typeof COUNT_KEYS)[number];
export type WithinKey = (typeof WITHIN_KEYS)[number];

const WITHIN_FIELDS: Record<WithinKey, keyof GenerationalRules> = {
  within: 'within',
  within_hourly: 'withinHourly',
  within_daily: 'withinDaily',
  within_weekly: 'withinWeekly',
  within_monthly: 'withinMonthly',
  within_yearly: 'withinYearly',
};

/** A count as written: a whole number ≥ -1, or "unlimited". */
export type CountInput = number | 'unlimited';
/** A duration as written: "7d", "1y6m", "2 weeks", "48h", or {years, months, days, hours}. */
export type DurationInput = string | Partial<RetentionDuration>;

export type RetentionInput = { keep_days?: number } & Partial<Record<CountKey, CountInput>> & Partial<Record<WithinKey, DurationInput>>;

const UNITS: Record<string, keyof RetentionDuration | 'weeks'> = {
  y: 'years',
  year: 'years',
  years: 'years',
  m: 'months',
  month: 'months',
  months: 'months',
  w: 'weeks',
  week: 'weeks',
  weeks: 'weeks',
  d: 'days',
  day: 'days',
  days: 'days',
  h: 'hours',
  hour: 'hours',
  hours: 'hours',
};

/** Upper bound for each part, far beyond any retention; keeps date arithmetic in range. */
const PART_LIMIT = 1_000_000;

/**
 * Parses "1y6m", "7d", "2 weeks", "48h", "1 year, 6 months" (m = months, as in restic; w = 7 days).
 * Friendlier than restic's own syntax (src/core/retention `parseDuration`): weeks and words are
 * allowed, a unit given twice is an error instead of overwriting. Returns the duration or an error message.
 */
export function parsePolicyDuration(text: string): RetentionDuration | string {
  const duration: RetentionDuration = { years: 0, months: 0, days: 0, hours: 0 };
  const seen = new Set<string>();
  const pattern = /(\d+)\s*([a-z]+)\s*,?\s*/giy;
  const trimmed = text.trim();
  if (trimmed === '') return 'empty duration: expected e.g. 7d, 4w, 6m, 1y or 1y6m';
  let index = 0;
  while (index < trimmed.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(trimmed);
    if (!match) return `'${text}' is not a duration: expected e.g. 7d, 4w, 6m (months), 1y, 48h or 1y6m`;
    index = pattern.lastIndex;
    const unit = UNITS[(match[2] as string).toLowerCase()];
    if (!unit) return `'${match[2]}' is not a unit: use y (years), m (months), w (weeks), d (days) or h (hours)`;
    if (seen.has(unit)) return `'${text}' gives the ${unit} twice`;
    seen.add(unit);
    const value = Number(match[1]);
    if (value > PART_LIMIT) return `${match[1]} ${unit} is too long`;
    if (unit === 'weeks') duration.days += value * 7;
    else duration[unit] += value;
  }
  if (isZero(duration)) return `'${text}' is zero: remove the rule to turn it off`;
  return duration;
}

export function isZero(duration: RetentionDuration): boolean {
  return duration.years === 0 && duration.months === 0 && duration.days === 0 && duration.hours === 0;
}

/** A duration input as {years, months, days, hours}, or an error message. */
export function durationOf(input: DurationInput): RetentionDuration | string {
  if (typeof input === 'string') return parsePolicyDuration(input);
  const duration = { years: input.years ?? 0, months: input.months ?? 0, days: input.days ?? 0, hours: input.hours ?? 0 };
  return isZero(duration) ? 'the duration is zero: remove the rule to turn it off' : duration;
}

/** Normalizes a retention block that passed the schema. */
export function toRetention(input: RetentionInput): Retention {
  if (input.keep_days !== undefined) return { kind: 'keep_days', keepDays: input.keep_days };
  const rules: GenerationalRules = {};
  for (const key of COUNT_KEYS) {
    const value = input[key];
    if (value === undefined || value === 0) continue;
    rules[key] = value === 'unlimited' ? -1 : value;
  }
  for (const key of WITHIN_KEYS) {
    const value = input[key];
    if (value === undefined) continue;
    const duration = durationOf(value);
    if (typeof duration !== 'string') (rules as Record<string, RetentionDuration>)[WITHIN_FIELDS[key]] = duration;
  }
  return { kind: 'generational', rules };
}

/** Whether a retention block has at least one rule that keeps something. */
export function hasActiveRule(input: RetentionInput): boolean {
  if (input.keep_days !== undefined) return true;
  if (COUNT_KEYS.some((key) => input[key] !== undefined && input[key] !== 0)) return true;
  return WITHIN_KEYS.some((key) => input[key] !== undefined);
}
