// What a policy will hold after 1, 6 and 12 months: its schedule's runs from now on as hypothetical
// backups, its retention applied after each one (as the automatic purge does after a real run),
// starting from the backups it keeps today.
import { TZDate } from '@date-fns/tz';
import { addMonths } from 'date-fns';
import type { Retention } from '../policy/retention';
import { nextRuns, type Schedule } from '../policy/schedule';
import { planPurge, type PurgeReason } from '../retention/purgePlan';
import type { RetentionRules } from '../retention/rules';
import { ruleOf, type MarkRule } from './model';

/** What the projection needs of a policy (the policy file's `Policy` has it). */
export interface ProjectionPolicy {
  name: string;
  enabled: boolean;
  schedule: Schedule | string;
  retention: Retention | null;
}

export interface ProjectionInput {
  policy: ProjectionPolicy;
  /** The policy's backups that stay after today's purge. */
  backups: readonly { slug: string; date: string }[];
  pins?: ReadonlySet<string>;
  /** Home Assistant's now. */
  now: Date;
  timeZone: string;
  /** Default 1, 6 and 12. */
  months?: readonly number[];
}

export interface ProjectedBackup {
  date: string;
  /** A backup that exists today (not a hypothetical run). */
  existing: boolean;
  rule: MarkRule;
}

export interface ProjectionPoint {
  months: number;
  at: Date;
  count: number;
  /** Oldest first. */
  backups: ProjectedBackup[];
}

export interface Projection {
  policy: string;
  /** No retention: every backup stays. */
  keepsAll: boolean;
  /** Disabled: no runs, what it has stays as it is. */
  disabled: boolean;
  /** Points the simulation did not reach: the schedule runs more than {@link MAX_RUNS} times before them. */
  unreached: number[];
  points: ProjectionPoint[];
}

/**
 * More runs than this in the projected time are not simulated (a cron every minute would be 525 600 a year);
 * an hourly schedule (at most 8 784 a year) still is. Working out runs in a time zone is the slow part (croner,
 * about 0.25 ms a run here), then a purge per run.
 */
export const MAX_RUNS = 10_000;
const MS_PER_DAY = 86_400_000;

interface Held {
  slug: string;
  date: string;
  existing: boolean;
  /** The last purge's reasons for keeping it (worded only at the points: a purge runs after every run). */
  details: readonly PurgeReason[];
}

export function projectPolicy(input: ProjectionInput): Projection {
  const { policy, now, timeZone } = input;
  const months = [...(input.months ?? [1, 6, 12])].sort((a, b) => a - b);
  const horizons = months.map((m) => addMonths(new TZDate(now.getTime(), timeZone), m).getTime());
  const last = horizons[horizons.length - 1] ?? now.getTime();
  const runs = policy.enabled ? runsUntil(policy.schedule, now, last, timeZone) : [];
  const keepsAll = policy.retention === null;
  let held: Held[] = input.backups.map((b) => ({ ...b, existing: true, details: [] }));
  if (!keepsAll && held.length) held = purge(held, policy, input.pins, now, timeZone);

  const points: ProjectionPoint[] = [];
  const unreached: number[] = [];
  let next = 0;
  const lastRun = runs.length ? (runs[runs.length - 1] as Date).getTime() : -Infinity;
  months.forEach((m, k) => {
    const at = horizons[k] as number;
    if (runs.length >= MAX_RUNS && at > lastRun) {
      unreached.push(m);
      return;
    }
    for (; next < runs.length && (runs[next] as Date).getTime() <= at; next++) {
      const run = runs[next] as Date;
      held.push({ slug: `projected-${next}`, date: run.toISOString(), existing: false, details: [] });
      if (!keepsAll) held = purge(held, policy, input.pins, run, timeZone);
    }
    const backups = held
      .map(({ date, existing, details }): ProjectedBackup => ({ date, existing, rule: keepsAll ? { kind: 'no-retention' } : ruleOf(details, true) }))
      .sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
    points.push({ months: m, at: new Date(at), count: backups.length, backups });
  });
  return { policy: policy.name, keepsAll, disabled: !policy.enabled, unreached, points };
}

function runsUntil(schedule: Schedule | string, now: Date, until: number, timeZone: string): Date[] {
  const runs: Date[] = [];
  let after = now;
  while (runs.length < MAX_RUNS) {
    const batch = nextRuns(schedule, after, timeZone, 500);
    for (const run of batch) {
      if (run.getTime() > until || runs.length >= MAX_RUNS) return runs;
      runs.push(run);
    }
    if (batch.length < 500) return runs;
    after = batch[batch.length - 1] as Date;
  }
  return runs;
}

/** The automatic purge after a run at `now`, over what the policy holds: the kept ones with their rule. */
function purge(held: Held[], policy: ProjectionPolicy, pins: ReadonlySet<string> | undefined, now: Date, timeZone: string): Held[] {
  const retention = policy.retention as Retention;
  const rulesByPolicy = new Map<string, RetentionRules>(retention.kind === 'generational' ? [[policy.name, retention.rules]] : []);
  const expiries = new Map<string, string>();
  if (retention.kind === 'keep_days') for (const h of held) expiries.set(h.slug, new Date(Date.parse(h.date) + retention.keepDays * MS_PER_DAY).toISOString());
  const plan = planPurge(held, { managed: () => policy.name, rulesByPolicy, expiries, pins: pins ?? new Set(), now, timeZone, confirmAbove: Infinity });
  const kept: Held[] = [];
  plan.decisions.forEach((d, i) => {
    if (d.action === 'keep') kept.push({ ...(held[i] as Held), details: d.details });
  });
  return kept;
}
