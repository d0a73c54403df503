// Retention rules: restic's `ExpirePolicy` (restic/restic internal/data/snapshot_policy.go
// @ a80be1478) with the key names of the test vectors in test/fixtures/retention-vectors.
//
// "Rules", not "policy": in this project a policy is an entry of the policy file (src/core/policy);
// a policy's generational retention is a set of these rules.

/** restic's `Duration`: calendar years, months (not minutes), days and hours. Missing parts are 0. */
export interface RetentionDuration {
  years?: number;
  months?: number;
  days?: number;
  hours?: number;
}

export const COUNT_RULES = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
export type CountRule = (typeof COUNT_RULES)[number];

/** The keep-within-<period> rules, in restic's order, and the period name each uses in reasons. */
export const WITHIN_RULES = ['withinHourly', 'withinDaily', 'withinWeekly', 'withinMonthly', 'withinYearly'] as const;
export type WithinRule = (typeof WITHIN_RULES)[number];
export type Period = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly';
export const WITHIN_PERIOD: Readonly<Record<WithinRule, Period>> = {
  withinHourly: 'hourly',
  withinDaily: 'daily',
  withinWeekly: 'weekly',
  withinMonthly: 'monthly',
  withinYearly: 'yearly',
};

/**
 * Generational retention rules (restic `forget`). Counts: a missing key or 0 turns the rule off, -1 is unlimited.
 * `tags`: each inner list must match completely (AND), the lists are alternatives (OR); `[""]` matches
 * untagged snapshots only.
 */
export interface RetentionRules {
  last?: number;
  hourly?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
  within?: RetentionDuration;
  withinHourly?: RetentionDuration;
  withinDaily?: RetentionDuration;
  withinWeekly?: RetentionDuration;
  withinMonthly?: RetentionDuration;
  withinYearly?: RetentionDuration;
  tags?: readonly (readonly string[])[];
}

/** A duration with every part present. */
export interface Duration {
  years: number;
  months: number;
  days: number;
  hours: number;
}

export function normalizeDuration(d: RetentionDuration | undefined): Duration {
  return { years: d?.years ?? 0, months: d?.months ?? 0, days: d?.days ?? 0, hours: d?.hours ?? 0 };
}

export function isZeroDuration(d: RetentionDuration | undefined): boolean {
  return !d || (!d.years && !d.months && !d.days && !d.hours);
}

/** restic's `Duration.String()`: `1y2m3d4h`, zero parts left out (so `{years: 1, days: 1, months: 1}` is `1y1m1d`). */
export function formatDuration(d: RetentionDuration): string {
  let s = '';
  if (d.years) s += `${d.years}y`;
  if (d.months) s += `${d.months}m`;
  if (d.days) s += `${d.days}d`;
  if (d.hours) s += `${d.hours}h`;
  return s;
}

/**
 * restic's `ParseDuration`: `NyNmNdNh` in any order, `m` = months, a repeated unit overwrites the earlier
 * one; no other units (no weeks). Throws a `SyntaxError` on anything else.
 */
export function parseDuration(text: string): Duration {
  const out: Duration = { years: 0, months: 0, days: 0, hours: 0 };
  const trimmed = text.trim();
  if (trimmed === '') throw new SyntaxError('empty duration');
  const re = /(\d+)([ymdh])/gy;
  let pos = 0;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    const n = Number(m[1]);
    const unit = m[2];
    if (unit === 'y') out.years = n;
    else if (unit === 'm') out.months = n;
    else if (unit === 'd') out.days = n;
    else out.hours = n;
    pos = re.lastIndex;
  }
  if (pos !== trimmed.length) throw new SyntaxError(`invalid duration ${JSON.stringify(text)}: use a number and one of y, m, d, h, e.g. 1y6m or 7d`);
  return out;
}

/** True when no rule is set: restic's `ApplyPolicy` then removes everything (its CLI refuses to run). */
export function hasNoRules(rules: RetentionRules): boolean {
  return (
    COUNT_RULES.every((k) => !rules[k]) &&
    isZeroDuration(rules.within) &&
    WITHIN_RULES.every((k) => isZeroDuration(rules[k])) &&
    (rules.tags === undefined || rules.tags.length === 0)
  );
}

/**
 * Checks rules the way restic's CLI does: counts are integers ≥ -1, duration parts non-negative
 * integers, tags lists of strings. Throws a `RangeError` naming the key, as `policy.<key>`.
 */
export function validateRules(p: RetentionRules): void {
  if (typeof p !== 'object' || p === null) throw new RangeError('policy must be an object');
  for (const k of COUNT_RULES) {
    const v = p[k];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < -1) throw new RangeError(`policy.${k} must be an integer ≥ 0, or -1 for unlimited (got ${String(v)})`);
  }
  for (const k of ['within', ...WITHIN_RULES] as const) {
    const d = p[k];
    if (d === undefined) continue;
    if (typeof d !== 'object' || d === null) throw new RangeError(`policy.${k} must be {years, months, days, hours}`);
    for (const part of ['years', 'months', 'days', 'hours'] as const) {
      const v = d[part];
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new RangeError(`policy.${k}.${part} must be a non-negative integer (got ${String(v)})`);
    }
  }
  if (p.tags !== undefined) {
    if (!Array.isArray(p.tags) || !p.tags.every((l) => Array.isArray(l) && l.every((t) => typeof t === 'string'))) {
      throw new RangeError('policy.tags must be a list of lists of tags');
    }
  }
}
