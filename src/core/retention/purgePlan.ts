// The product's purge plan over Home Assistant backups: which backups a purge pass removes, and why each
// one stays or goes, in words a UI can show.
//
// A backup is removed only when a rule positively marks it:
//   * its keep_days expiry has passed, strictly `now > expiry` (as Auto Backup's purge), or
//   * the generational retention rules of the policy that manages it (restic semantics, applyPolicy) do not keep it;
// and nothing overrides that. Overrides, which always keep a backup:
//   * it is pinned;
//   * nobody manages it (manual backups, Home Assistant's automatic and app-update backups, other tools),
//     unless the caller opts in with `includeUnmanaged`;
//   * it is the newest backup of its policy;
//   * its date cannot be read.
import type { RuleMatch } from './applyPolicy';
import { formatMatch, runRules } from './applyPolicy';
import type { RetentionRules } from './rules';
import { formatDuration, hasNoRules, validateRules } from './rules';
import type { Instant, TimeColumns, Timestamp } from './time';
import { isAfter, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, parseTimestamp, parseTimestampInto, timeColumns, toTimestamp } from './time';
import type { ZoneOffsets } from './zone';
import { zoneOffsets } from './zone';

/** A pass that would remove more backups than this asks for confirmation, unless the caller says otherwise. */
export const DEFAULT_CONFIRM_ABOVE = 5;

/** What the plan needs of a backup (the Supervisor's `Backup` has both). */
export interface PurgeBackup {
  slug: string;
  /** ISO 8601 with an offset, as the Supervisor reports it. */
  date: string;
}

/**
 * Which policy manages a backup:
 * * `false`, `null`, `undefined` or `''`: none. The backup is never removed (unless `includeUnmanaged`).
 * * `true`: the default policy, whose rules are `PurgeOptions.rules`.
 * * a policy id: the policy of that id, whose rules are in `PurgeOptions.rulesByPolicy`. An id with no entry
 *   there still makes the backup managed (its expiry applies, it counts for "newest of its policy"), with no
 *   generational rule: the default policy's rules never apply to another policy's backups.
 */
export type PolicyOwner = boolean | string | null | undefined;

/** An expiry: the instant (ISO 8601 with offset, or a Date), or an object with it, like the extension's `ExpiryStore` entries. */
export type ExpiryValue = string | Date | { expires: string | Date };

export interface PurgeOptions<B extends PurgeBackup> {
  /**
   * Which policy manages `backup` (see {@link PolicyOwner}); src/core/deletion/plan.ts decides it from
   * the extension's ledger.
   */
  managed: (backup: B) => PolicyOwner;
  /** The generational retention rules of the default policy (backups `managed` answers `true` for). No rule set: nothing is removed by rules. */
  rules?: RetentionRules;
  /** Generational retention rules by policy id, for backups `managed` answers an id for. */
  rulesByPolicy?: ReadonlyMap<string, RetentionRules> | Readonly<Record<string, RetentionRules>>;
  /** keep_days expiries by slug. A managed backup is expired when `now > expiry`, strictly. */
  expiries?: ReadonlyMap<string, ExpiryValue> | Readonly<Record<string, ExpiryValue>>;
  /** Slugs that are never removed. */
  pins?: ReadonlySet<string> | readonly string[];
  now: Instant;
  /** Home Assistant's time zone: generational buckets follow its calendar instead of each date's own offset. */
  timeZone?: string;
  /** More removals than this need confirmation (default {@link DEFAULT_CONFIRM_ABOVE}; `Infinity` = never). */
  confirmAbove?: number;
  /**
   * Opt-in: backups nobody manages are treated as managed by the default policy (its `rules` and their expiries apply),
   * e.g. to thin out manual and Home Assistant backups too. Pins still win.
   */
  includeUnmanaged?: boolean;
  /** Tags for the `tags` rules (backups have none by default). */
  tags?: (backup: B) => readonly string[] | null | undefined;
}

/** A reason, structured (for localisation); `PurgeDecision.reasons` has the same in English. */
export type PurgeReason =
  | { code: 'pinned' }
  | { code: 'unreadable-date'; date: string }
  | { code: 'not-managed' }
  | { code: 'newest-of-policy'; policy: string | true }
  | { code: 'kept-by-policy'; policy: string | true; match: RuleMatch }
  | { code: 'not-kept-by-policy'; policy: string | true }
  | { code: 'expires'; expires: string; inMs: number }
  | { code: 'expired'; expires: string; agoMs: number }
  | { code: 'unreadable-expiry'; expires: string };

export interface PurgeDecision<B extends PurgeBackup> {
  slug: string;
  backup: B;
  action: 'keep' | 'remove';
  /**
   * For a UI, e.g. `pinned`, `not managed`, `newest of its policy`, `weekly 2/4`, `expires in 3 d`,
   * `expired 2 d ago`, `not kept by its policy`. Overrides come first, then the policy's verdict, then the
   * expiry. A kept backup also lists what would have removed it (`pinned`, `expired 2 d ago`).
   */
  reasons: string[];
  details: PurgeReason[];
  /** The managing policy: `true` = the default one, an id, or undefined when none. */
  policy: string | true | undefined;
}

export interface PurgePlan<B extends PurgeBackup> {
  /** One per backup, in input order. */
  decisions: PurgeDecision<B>[];
  /** Slugs to delete, newest first. */
  remove: string[];
  /** `remove.length > confirmAbove`. */
  needsConfirmation: boolean;
  confirmAbove: number;
}

/** `3 d`, `5 h`, `12 min`, `< 1 min` (whole units, rounded down). */
export function formatSpan(ms: number): string {
  if (ms < MS_PER_MINUTE) return '< 1 min';
  if (ms < MS_PER_HOUR) return `${Math.floor(ms / MS_PER_MINUTE)} min`;
  if (ms < MS_PER_DAY) return `${Math.floor(ms / MS_PER_HOUR)} h`;
  return `${Math.floor(ms / MS_PER_DAY)} d`;
}

/** A rule match for a UI: `weekly 2/4`, `last 3/∞`, `monthly 5/6 (oldest)`, `daily within 7d`; tags and `within` as restic words them. */
export function describeMatch(m: RuleMatch): string {
  switch (m.kind) {
    case 'tags':
    case 'within':
      return formatMatch(m);
    case 'count':
      return `${m.rule} ${m.ordinal}/${m.count === -1 ? '∞' : m.count}${m.oldest ? ' (oldest)' : ''}`;
    case 'withinPeriod':
      return `${m.period} within ${formatDuration(m.duration)}${m.oldest ? ' (oldest)' : ''}`;
  }
}

export function describeReason(r: PurgeReason): string {
  switch (r.code) {
    case 'pinned':
      return 'pinned';
    case 'unreadable-date':
      return 'date not readable';
    case 'not-managed':
      return 'not managed';
    case 'newest-of-policy':
      return 'newest of its policy';
    case 'kept-by-policy':
      return describeMatch(r.match);
    case 'not-kept-by-policy':
      return 'not kept by its policy';
    case 'expires':
      return `expires in ${formatSpan(r.inMs)}`;
    case 'expired':
      return `expired ${formatSpan(r.agoMs)} ago`;
    case 'unreadable-expiry':
      return 'expiry not readable';
  }
}

const DEFAULT_GROUP = '\u0000default';

function lookup<V>(source: ReadonlyMap<string, V> | Readonly<Record<string, V>> | undefined, key: string): V | undefined {
  if (!source) return undefined;
  if (source instanceof Map) return (source as ReadonlyMap<string, V>).get(key);
  const record = source as Readonly<Record<string, V>>;
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

function everyRules(source: PurgeOptions<PurgeBackup>['rulesByPolicy']): RetentionRules[] {
  if (!source) return [];
  if (source instanceof Map) return [...(source as ReadonlyMap<string, RetentionRules>).values()];
  return Object.values(source as Readonly<Record<string, RetentionRules>>);
}

function expiryText(v: ExpiryValue): string {
  const raw = typeof v === 'object' && !(v instanceof Date) ? v.expires : v;
  return raw instanceof Date ? (Number.isNaN(raw.getTime()) ? 'Invalid Date' : raw.toISOString()) : String(raw);
}

interface Group {
  owner: string | true;
  /** The owner's retention rules; undefined when it has none. */
  rules: RetentionRules | undefined;
  /** Backup indices with a readable date, in input order. */
  members: number[];
}

/** Each backup's owner, whether its date can be read, and the groups of backups with one owner. */
function groupByOwner<B extends PurgeBackup>(backups: readonly B[], options: PurgeOptions<B>, times: TimeColumns) {
  const readable = new Uint8Array(backups.length);
  const owners: (string | true | undefined)[] = [];
  const groups = new Map<string, Group>();
  backups.forEach((b, i) => {
    readable[i] = parseTimestampInto(b.date, times, i) ? 1 : 0;
    const answer = options.managed(b);
    let owner: string | true | undefined = answer === true ? true : typeof answer === 'string' && answer !== '' ? answer : undefined;
    if (owner === undefined && options.includeUnmanaged) owner = true;
    owners.push(owner);
    if (owner === undefined || !readable[i]) return;
    const key = owner === true ? DEFAULT_GROUP : owner;
    let g = groups.get(key);
    if (!g) {
      const rules = owner === true ? options.rules : lookup(options.rulesByPolicy, owner);
      g = { owner, rules: rules && !hasNoRules(rules) ? rules : undefined, members: [] };
      groups.set(key, g);
    }
    g.members.push(i);
  });
  return { readable, owners, groups };
}

/** Per group: its newest backup, and the generational verdict (restic's rules) when it has rules. */
function judgeGroups<B extends PurgeBackup>(
  backups: readonly B[],
  groups: Iterable<Group>,
  times: TimeColumns,
  tagsOf: PurgeOptions<B>['tags'],
  now: Timestamp,
  zone: ZoneOffsets | undefined,
) {
  const newest = new Uint8Array(backups.length);
  const keptByRules = new Int8Array(backups.length); // 0: no rules; 1: kept; -1: not kept
  const ruleMatches = new Map<number, readonly RuleMatch[]>();
  for (const g of groups) {
    let best = g.members[0] as number;
    for (const i of g.members) {
      if (isAfter(times.ms[i] as number, times.ns[i] as number, times.ms[best] as number, times.ns[best] as number)) best = i;
    }
    newest[best] = 1;
    if (!g.rules) continue;
    const sub = timeColumns(g.members.length);
    g.members.forEach((i, k) => {
      sub.ms[k] = times.ms[i] as number;
      sub.ns[k] = times.ns[i] as number;
      sub.offsetMs[k] = times.offsetMs[i] as number;
    });
    const r = runRules(sub, (k) => (tagsOf ? tagsOf(backups[g.members[k] as number] as B) : undefined), g.rules, now, zone);
    let kept = 0;
    r.order.forEach((k, nr) => {
      const i = g.members[k] as number;
      keptByRules[i] = r.keep[nr] ? 1 : -1;
      if (r.keep[nr]) ruleMatches.set(i, r.matches[kept++] as readonly RuleMatch[]);
    });
  }
  return { newest, keptByRules, ruleMatches };
}

/** What an expiry says now: not readable, expired (strictly after it), or still to come. */
function expiryReason(exp: ExpiryValue, now: Timestamp): PurgeReason {
  const text = expiryText(exp);
  const at = exp instanceof Date ? (Number.isNaN(exp.getTime()) ? null : toTimestamp(exp, 'expiry')) : parseTimestamp(text);
  if (!at) return { code: 'unreadable-expiry', expires: text };
  if (isAfter(now.ms, now.ns, at.ms, at.ns)) return { code: 'expired', expires: text, agoMs: now.ms - at.ms };
  return { code: 'expires', expires: text, inMs: at.ms - now.ms };
}

/**
 * Plans a purge pass over `backups` (see the rules at the top of this file). Pure: deletes nothing.
 * Throws `RangeError` for invalid rules, time zone or `confirmAbove`, `TypeError` for an invalid `now`.
 */
export function planPurge<B extends PurgeBackup>(backups: readonly B[], options: PurgeOptions<B>): PurgePlan<B> {
  const now = toTimestamp(options.now, 'now');
  const zone = options.timeZone ? zoneOffsets(options.timeZone) : undefined;
  const confirmAbove = options.confirmAbove ?? DEFAULT_CONFIRM_ABOVE;
  if (typeof confirmAbove !== 'number' || Number.isNaN(confirmAbove) || confirmAbove < 0) {
    throw new RangeError(`confirmAbove must be a number ≥ 0 (got ${String(confirmAbove)})`);
  }
  for (const rules of [options.rules, ...everyRules(options.rulesByPolicy)]) if (rules) validateRules(rules);
  const pins = options.pins instanceof Set ? (options.pins as ReadonlySet<string>) : new Set(options.pins ?? []);

  const times: TimeColumns = timeColumns(backups.length);
  const { readable, owners, groups } = groupByOwner(backups, options, times);
  const { newest, keptByRules, ruleMatches } = judgeGroups(backups, groups.values(), times, options.tags, now, zone);

  const decisions: PurgeDecision<B>[] = [];
  const removed: number[] = [];
  backups.forEach((b, i) => {
    const owner = owners[i];
    // Overrides keep a backup whatever the verdict says; the verdict marks it, or not.
    const overrides: PurgeReason[] = [];
    if (pins.has(b.slug)) overrides.push({ code: 'pinned' });
    if (!readable[i]) overrides.push({ code: 'unreadable-date', date: String(b.date) });
    if (owner === undefined) overrides.push({ code: 'not-managed' });
    else if (newest[i]) overrides.push({ code: 'newest-of-policy', policy: owner });

    const verdict: PurgeReason[] = [];
    if (owner !== undefined && keptByRules[i] === 1) {
      for (const match of ruleMatches.get(i) ?? []) verdict.push({ code: 'kept-by-policy', policy: owner, match });
    } else if (owner !== undefined && keptByRules[i] === -1) {
      verdict.push({ code: 'not-kept-by-policy', policy: owner });
    }
    const exp = lookup(options.expiries, b.slug);
    if (exp !== undefined && exp !== null) verdict.push(expiryReason(exp, now));
    const marked = owner !== undefined && verdict.some((r) => r.code === 'not-kept-by-policy' || r.code === 'expired');

    const remove = marked && overrides.length === 0;
    if (remove) removed.push(i);
    const details = [...overrides, ...verdict];
    decisions.push({ slug: b.slug, backup: b, action: remove ? 'remove' : 'keep', reasons: details.map(describeReason), details, policy: owner });
  });

  // Removed backups all have readable dates: newest first, equal instants in input order.
  removed.sort((a, c) => (times.ms[c] as number) - (times.ms[a] as number) || (times.ns[c] as number) - (times.ns[a] as number) || a - c);
  const remove = removed.map((i) => (backups[i] as B).slug);
  return { decisions, remove, needsConfirmation: remove.length > confirmAbove, confirmAbove };
}
