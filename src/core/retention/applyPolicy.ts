// restic's `ApplyPolicy` (restic/restic internal/data/snapshot_policy.go @ a80be1478, v0.18+
// semantics), rule for rule; test/fixtures/retention-vectors holds restic's golden cases for it.
// `applyPolicy` (and ApplyPolicyOptions/Result) keep restic's function name; what it applies are retention rules.
//
// restic walks the snapshots newest first and asks every rule about each one. A snapshot is
// kept when at least one rule keeps it, and every rule that does is a reason:
//   * tags: it has all the tags of one of the lists (tags are never counted);
//   * within: it is newer than the duration back from the anchor, the newest snapshot before now;
//   * last, hourly, daily, weekly, monthly, yearly: it is the newest snapshot of its period (for `last`:
//     every snapshot is a period), until the rule has kept its count (-1: never);
//   * within-hourly … within-yearly: it is the newest snapshot of its period and within the duration;
//   * the oldest rule: every period rule still running keeps the oldest snapshot too, even when its period
//     already has one, so the history kept reaches back as far as the rules allow.
//
// Cost: one hand-written parse per snapshot, one sort (O(n) for ordered or spread-out histories, at worst
// O(n log n)), then a single pass with integer period keys that stops once no rule can keep anything.
// The snapshots' times are columns of typed arrays (no object per snapshot), read by index with `!`:
// the indices are in range by construction, which noUncheckedIndexedAccess cannot see.
import { PeriodKeys } from './buckets';
import { sortNewestFirst } from './newestFirst';
import type { CountRule, Duration, Period, RetentionRules, WithinRule } from './rules';
import { COUNT_RULES, WITHIN_PERIOD, WITHIN_RULES, formatDuration, isZeroDuration, normalizeDuration, validateRules } from './rules';
import type { Instant, TimeColumns, Timestamp } from './time';
import { GO_ZERO_TIME_MS, isAfter, parseTimestampInto, timeColumns, toTimestamp } from './time';
import type { Anchor } from './within';
import { withinThreshold } from './within';
import type { ZoneOffsets } from './zone';
import { zoneOffsets } from './zone';

/** What `applyPolicy` needs of a snapshot; other fields are carried along untouched. */
export interface SnapshotLike {
  id: string;
  /** RFC 3339 with an offset, e.g. `2024-01-02T00:30:00+02:00`; nanoseconds are kept. */
  time: string;
  tags?: readonly string[] | null;
}

export interface ApplyPolicyOptions {
  /** The wall clock: only used to pick the keep-within anchor (the newest snapshot strictly before `now`). */
  now: Instant;
  /**
   * IANA zone (e.g. Home Assistant's `Europe/Amsterdam`): bucket by that zone's wall clock, and do the
   * keep-within calendar arithmetic in it, instead of each timestamp's own offset (restic's behaviour).
   */
  timeZone?: string;
}

/** Why a snapshot is kept, one entry per matching rule, in restic's order. */
export type RuleMatch =
  | { kind: 'tags'; tags: readonly string[] }
  | { kind: 'within'; duration: Duration }
  | {
      kind: 'count';
      rule: CountRule;
      /** Kept only by the oldest-snapshot rule: its period already had a kept snapshot. */
      oldest: boolean;
      /** This is the rule's n-th pick (1-based). */
      ordinal: number;
      /** The rule's count as given; -1 = unlimited. */
      count: number;
    }
  | { kind: 'withinPeriod'; rule: WithinRule; period: Period; oldest: boolean; duration: Duration };

/** Remaining counts after a snapshot, as restic prints them: rules at 0 (used up or off) left out, -1 = unlimited. */
export type Counters = Partial<Record<CountRule, number>>;

export interface SnapshotEvaluation<S> {
  snapshot: S;
  /** Position in the input. */
  index: number;
  keep: boolean;
  /** Empty when removed. */
  matches: readonly RuleMatch[];
  /** Set when kept. */
  counters: Counters | undefined;
}

/** The shape test/fixtures/retention-vectors expects: ids newest first (ties in input order), reasons and counters by id. */
export interface ApplyPolicyResult {
  keep: string[];
  remove: string[];
  reasons: Record<string, string[]>;
  counters: Record<string, Counters>;
}

/** restic's reason text for a match, e.g. `has tags [a, b]`, `within 1y2m`, `oldest daily snapshot`, `weekly within 1m`. */
export function formatMatch(m: RuleMatch): string {
  switch (m.kind) {
    case 'tags':
      return `has tags [${m.tags.join(', ')}]`;
    case 'within':
      return `within ${formatDuration(m.duration)}`;
    case 'count':
      return `${m.oldest ? 'oldest ' : ''}${m.rule} snapshot`;
    case 'withinPeriod':
      return `${m.oldest ? 'oldest ' : ''}${m.period} within ${formatDuration(m.duration)}`;
  }
}

/** Tags of the snapshot at input position `i` (only asked for when there are tag rules). */
export type TagsAt = (i: number) => readonly string[] | null | undefined;

/** restic's `Snapshot.HasTags(l)`. */
function hasTags(tags: readonly string[] | null | undefined, list: readonly string[]): boolean {
  for (const tag of list) {
    if (tag === '' && (!tags || tags.length === 0)) return true;
    if (!tags || !tags.includes(tag)) return false;
  }
  return true;
}

const NO_MATCHES: readonly RuleMatch[] = Object.freeze([]);

/** `hits[i * lists.length + l]` = 1 when snapshot `i` has the tags of `lists[l]`. */
function tagMatrix(n: number, tagsAt: TagsAt, lists: readonly (readonly string[])[]): Uint8Array {
  const hits = new Uint8Array(n * lists.length);
  for (let i = 0; i < n; i++) {
    const tags = tagsAt(i);
    lists.forEach((list, l) => (hits[i * lists.length + l] = hasTags(tags, list) ? 1 : 0));
  }
  return hits;
}

/**
 * Each time's wall clock as UTC milliseconds: in its own offset, or in `zone`. With a zone, in time order:
 * consecutive snapshots then mostly share a day, which the zone remembers.
 */
function wallClocks({ ms, offsetMs }: TimeColumns, zone: ZoneOffsets | undefined, order: Int32Array): Float64Array {
  const wall = new Float64Array(ms.length);
  if (zone) {
    for (let nr = 0; nr < order.length; nr++) {
      const i = order[nr]!;
      wall[i] = ms[i]! + zone.offsetAt(ms[i]!);
    }
  } else {
    for (let i = 0; i < ms.length; i++) wall[i] = ms[i]! + offsetMs[i]!;
  }
  return wall;
}

/** An instant with nanoseconds; a snapshot strictly after it is within a rule's duration. */
interface Threshold {
  ms: number;
  ns: number;
}

/** Whether the instant `(ms, ns)` is within a rule's duration: strictly after its threshold, as Go's `After`. */
function isWithin(ms: number, ns: number, threshold: Threshold): boolean {
  return ms > threshold.ms || (ms === threshold.ms && ns > threshold.ns);
}

const GO_ZERO_TIME: Anchor = { ms: GO_ZERO_TIME_MS, ns: 0, offsetMs: 0 };

/**
 * restic's `findLatestTimestamp`: the newest snapshot strictly before `now`, which the within rules count
 * back from, with the offset of its wall clock. Undefined when there is none (after Go's zero time).
 */
function withinAnchor(times: TimeColumns, order: Int32Array, wall: Float64Array, now: Timestamp): Anchor | undefined {
  for (const i of order) {
    const ms = times.ms[i]!;
    const ns = times.ns[i]!;
    // Newest first: the first one before now is the newest, and if it is not after Go's zero time, none is.
    if (isAfter(now.ms, now.ns, ms, ns)) return isAfter(ms, ns, GO_ZERO_TIME.ms, GO_ZERO_TIME.ns) ? { ms, ns, offsetMs: wall[i]! - ms } : undefined;
  }
  return undefined;
}

/** A count rule as the walk goes: restic's `buckets[i]`. */
interface CountState {
  readonly rule: CountRule;
  /** The count as given (-1 = unlimited), for the match's `count`. */
  readonly count: number;
  /** restic's `Count`: how many the rule may still keep; -1 = unlimited, 0 = done. */
  left: number;
  /** restic's `Last`: the key of the period the rule last kept a snapshot in; -1 before the first. */
  lastKey: number;
  /** How many snapshots the rule has kept: the next match's `ordinal` is one more. */
  kept: number;
}

/** A keep-within-<period> rule as the walk goes: restic's `bucketsWithin[i]`. */
interface WithinPeriodState {
  readonly rule: WithinRule;
  readonly period: Period;
  readonly duration: Duration;
  readonly threshold: Threshold;
  /** False from the first snapshot outside the duration: all later ones are older still. */
  open: boolean;
  lastKey: number;
}

/** The plain keep-within rule. */
interface WithinState {
  readonly duration: Duration;
  readonly threshold: Threshold;
  open: boolean;
}

/** The rules that are on, in restic's order, with their state for the walk. */
interface RuleStates {
  tags: readonly (readonly string[])[];
  within: WithinState | undefined;
  counts: CountState[];
  withinPeriods: WithinPeriodState[];
}

function ruleStates(rules: RetentionRules, anchor: Anchor | undefined, zone: ZoneOffsets | undefined): RuleStates {
  // Without an anchor restic counts back from Go's zero time, which is in UTC whatever the zone.
  const thresholdOf = (d: Duration): Threshold => (anchor ? withinThreshold(anchor, d, zone) : withinThreshold(GO_ZERO_TIME, d));
  const states: RuleStates = { tags: rules.tags ?? [], within: undefined, counts: [], withinPeriods: [] };
  if (!isZeroDuration(rules.within)) {
    const duration = normalizeDuration(rules.within);
    states.within = { duration, threshold: thresholdOf(duration), open: true };
  }
  for (const rule of COUNT_RULES) {
    const count = rules[rule] ?? 0; // 0 or missing: off
    if (count !== 0) states.counts.push({ rule, count, left: count, lastKey: -1, kept: 0 });
  }
  for (const rule of WITHIN_RULES) {
    if (isZeroDuration(rules[rule])) continue;
    const duration = normalizeDuration(rules[rule]);
    states.withinPeriods.push({ rule, period: WITHIN_PERIOD[rule], duration, threshold: thresholdOf(duration), open: true, lastKey: -1 });
  }
  return states;
}

/** The counts left after a kept snapshot, as restic prints them: rules at 0 left out. */
function countersLeft(counts: readonly CountState[]): Counters {
  const counters: Counters = {};
  for (const c of counts) if (c.left !== 0) counters[c.rule] = c.left;
  return counters;
}

export interface EngineResult {
  /** Input indices, newest first (stable: equal instants keep input order). */
  order: Int32Array;
  /** By sorted position: 1 = kept. */
  keep: Uint8Array;
  /** Kept snapshots only, in sorted order (the k-th kept snapshot's matches are `matches[k]`). */
  matches: (readonly RuleMatch[])[];
  /** Kept snapshots only, like `matches`. */
  counters: Counters[];
}

/**
 * The engine: restic's algorithm over already parsed times. `zone` replaces each time's own offset by the
 * zone's (for period keys and the keep-within anchor's location).
 */
export function runRules(times: TimeColumns, tagsAt: TagsAt, rules: RetentionRules, now: Timestamp, zone?: ZoneOffsets): EngineResult {
  validateRules(rules);
  // Newest first; equal instants in input order (restic: sort.Stable).
  const order = sortNewestFirst(times.ms, times.ns);
  const n = order.length;
  if (n === 0) return { order, keep: new Uint8Array(0), matches: [], counters: [] };
  const wall = wallClocks(times, zone, order);
  const states = ruleStates(rules, withinAnchor(times, order, wall, now), zone);
  // Tag matches up front, in input order: reading the snapshots in memory order is much cheaper than in
  // time order when they are many.
  const tagHits = states.tags.length > 0 ? tagMatrix(n, tagsAt, states.tags) : undefined;
  return walk(times, wall, order, states, tagHits);
}

/** restic's loop: every snapshot, newest first, through every rule that is on. */
function walk(times: TimeColumns, wall: Float64Array, order: Int32Array, states: RuleStates, tagHits: Uint8Array | undefined): EngineResult {
  const n = order.length;
  const { tags, within, counts, withinPeriods } = states;
  const result: EngineResult = { order, keep: new Uint8Array(n), matches: [], counters: [] };
  // Rules that can still keep something: a count rule stops when it has kept its count, a within rule at
  // the first snapshot outside its duration. Once none is left, only tags can keep the rest.
  let running = counts.length + withinPeriods.length + (within ? 1 : 0);
  const periods = new PeriodKeys();
  for (let nr = 0; nr < n && (running > 0 || tagHits); nr++) {
    const i = order[nr]!;
    const ms = times.ms[i]!;
    const ns = times.ns[i]!;
    const isOldest = nr === n - 1;
    periods.set(wall[i]!);
    let found: RuleMatch[] | undefined; // allocated only for a snapshot that is kept: most are not

    // Each tag list the snapshot has is a reason of its own; tags are not counted.
    if (tagHits) {
      for (let l = 0; l < tags.length; l++) if (tagHits[i * tags.length + l]) (found ??= []).push({ kind: 'tags', tags: tags[l]! });
    }

    if (within?.open) {
      if (isWithin(ms, ns, within.threshold)) {
        (found ??= []).push({ kind: 'within', duration: within.duration });
      } else {
        within.open = false;
        running--;
      }
    }

    // The newest snapshot of each period keeps its period's place, for `last` every snapshot; the oldest
    // snapshot of all is kept even in a period that has one (the oldest rule).
    for (let r = 0; r < counts.length; r++) {
      const c = counts[r]!;
      if (c.left === 0) continue;
      const key = c.rule === 'last' ? nr : periods.key(c.rule);
      if (key === c.lastKey && !isOldest) continue;
      c.kept++;
      (found ??= []).push({ kind: 'count', rule: c.rule, oldest: key === c.lastKey, ordinal: c.kept, count: c.count });
      c.lastKey = key;
      if (c.left > 0 && --c.left === 0) running--; // -1 (unlimited) is never used up
    }

    // The same per period, without a count: while the snapshots are within the duration.
    for (let r = 0; r < withinPeriods.length; r++) {
      const w = withinPeriods[r]!;
      if (!w.open) continue;
      if (!isWithin(ms, ns, w.threshold)) {
        w.open = false;
        running--;
        continue;
      }
      const key = periods.key(w.period);
      if (key === w.lastKey && !isOldest) continue;
      (found ??= []).push({ kind: 'withinPeriod', rule: w.rule, period: w.period, oldest: key === w.lastKey, duration: w.duration });
      w.lastKey = key;
    }

    if (found) {
      result.keep[nr] = 1;
      result.matches.push(found);
      result.counters.push(countersLeft(counts)); // the counts left after this snapshot
    }
  }
  return result;
}

/** Parses every time (and collects the ids) in input order, which is memory order for parsed JSON. */
function prepare(snapshots: readonly SnapshotLike[]): { cols: TimeColumns; ids: string[] } {
  const n = snapshots.length;
  const cols = timeColumns(n);
  const ids = new Array<string>(n); // sized once: pushing 100 000 ids grows and copies the array again and again
  for (let i = 0; i < n; i++) {
    const sn = snapshots[i]!;
    if (!parseTimestampInto(sn.time, cols, i)) {
      throw new TypeError(`snapshot ${JSON.stringify(sn.id)} (#${i}): time is not RFC 3339 with an offset: ${JSON.stringify(sn.time)}`);
    }
    ids[i] = sn.id;
  }
  return { cols, ids };
}

function run(snapshots: readonly SnapshotLike[], rules: RetentionRules, options: ApplyPolicyOptions): EngineResult & { ids: string[] } {
  const now = toTimestamp(options.now, 'now');
  const zone = options.timeZone ? zoneOffsets(options.timeZone) : undefined;
  const { cols, ids } = prepare(snapshots);
  return { ...runRules(cols, (i) => snapshots[i]!.tags, rules, now, zone), ids };
}

/**
 * Every snapshot with its decision, newest first (equal instants in input order), with structured
 * matches (for UIs) and the counts left after it.
 */
export function evaluateRules<S extends SnapshotLike>(snapshots: readonly S[], rules: RetentionRules, options: ApplyPolicyOptions): SnapshotEvaluation<S>[] {
  const r = run(snapshots, rules, options);
  let k = 0;
  return Array.from(r.order, (index, nr) => {
    const keep = r.keep[nr] === 1;
    return {
      snapshot: snapshots[index]!,
      index,
      keep,
      matches: keep ? r.matches[k]! : NO_MATCHES,
      counters: keep ? r.counters[k++] : undefined,
    };
  });
}

/**
 * restic-exact `forget` rules over one group of snapshots:
 * `applyPolicy(snapshots, rules, { now })` → `{ keep, remove, reasons, counters }`, `keep` and `remove` as
 * ids newest first (equal instants in input order), `reasons[id]` restic's match texts and `counters[id]`
 * the counts left after that snapshot, for kept snapshots. No rules remove everything, as restic's
 * function does (its CLI refuses instead); ids are expected to be unique. Throws `TypeError` for a time
 * that is not RFC 3339 with an offset, `RangeError` for invalid rules or time zone.
 */
export function applyPolicy(snapshots: readonly SnapshotLike[], rules: RetentionRules, options: ApplyPolicyOptions): ApplyPolicyResult {
  const r = run(snapshots, rules, options);
  const kept = r.matches.length;
  const keep = new Array<string>(kept);
  const remove = new Array<string>(r.order.length - kept); // sized once, as the ids in prepare
  const reasons: [string, string[]][] = [];
  const counters: [string, Counters][] = [];
  let k = 0;
  for (let nr = 0; nr < r.order.length; nr++) {
    const id = r.ids[r.order[nr]!]!;
    if (r.keep[nr]) {
      reasons.push([id, r.matches[k]!.map(formatMatch)]);
      counters.push([id, r.counters[k]!]);
      keep[k++] = id;
    } else {
      remove[nr - k] = id;
    }
  }
  // fromEntries defines own properties, so an id such as "__proto__" is an ordinary key.
  return { keep, remove, reasons: Object.fromEntries(reasons), counters: Object.fromEntries(counters) };
}
