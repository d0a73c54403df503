// restic's `ApplyPolicy` (restic/restic internal/data/snapshot_policy.go @ a80be1478, v0.18+
// semantics), rule for rule. The numbered steps in runPolicy follow the order of ApplyPolicy's
// code; test/fixtures/retention-vectors holds restic's golden cases for it.
//
// Cost: one hand-written parse per snapshot, one sort (O(n) for ordered or spread-out histories, at worst
// O(n log n)), then a single pass with integer bucket keys that stops once no rule can keep anything.
import { hourKey, isoWeekKey, monthKey, wallDay, yearKey } from './buckets';
import type { CountRule, Duration, Period, RetentionPolicy, WithinRule } from './policy';
import { COUNT_RULES, WITHIN_PERIOD, WITHIN_RULES, formatDuration, isZeroDuration, normalizeDuration, validatePolicy } from './policy';
import type { Instant, TimeColumns, Timestamp } from './time';
import { dayKeyOf, GO_ZERO_TIME_MS, isAfter, parseTimestampInto, timeColumns, toTimestamp } from './time';
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
export type PolicyMatch =
  | { kind: 'tags'; tags: readonly string[] }
  | { kind: 'within'; duration: Duration }
  | {
      kind: 'count';
      rule: CountRule;
      /** Kept only by the oldest-snapshot rule: its period already had a kept snapshot. */
      oldest: boolean;
      /** This is the rule's n-th pick (1-based). */
      ordinal: number;
      /** The rule's count from the policy; -1 = unlimited. */
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
  matches: readonly PolicyMatch[];
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
export function formatMatch(m: PolicyMatch): string {
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

/** Tags of the snapshot at input position `i` (only asked for when the policy has tag rules). */
export type TagsAt = (i: number) => readonly string[] | null | undefined;

/** restic's `Snapshot.HasTags(l)`. */
function hasTags(tags: readonly string[] | null | undefined, list: readonly string[]): boolean {
  for (const tag of list) {
    if (tag === '' && (!tags || tags.length === 0)) return true;
    if (!tags || !tags.includes(tag)) return false;
  }
  return true;
}

const NO_MATCHES: readonly PolicyMatch[] = Object.freeze([]);
const BUCKET_LAST = 0;
const BUCKET_HOURLY = 1;
const BUCKET_DAILY = 2;
const BUCKET_WEEKLY = 3;
const BUCKET_MONTHLY = 4;
// 5 = yearly

// Local bindings: the hot loop then calls plain functions instead of going through module export objects.
const wallDayFn = wallDay;
const dayKeyFn = dayKeyOf;
const isAfterFn = isAfter;
const parseInto = parseTimestampInto;
const hourKeyFn = hourKey;
const isoWeekKeyFn = isoWeekKey;
const monthKeyFn = monthKey;
const yearKeyFn = yearKey;

function bucketKey(bucket: number, wallMs: number, day: number, dayKey: number): number {
  switch (bucket) {
    case BUCKET_HOURLY:
      return hourKeyFn(wallMs, dayKey);
    case BUCKET_DAILY:
      return dayKey;
    case BUCKET_WEEKLY:
      return isoWeekKeyFn(day);
    case BUCKET_MONTHLY:
      return monthKeyFn(dayKey);
    default:
      return yearKeyFn(dayKey);
  }
}

/** `hits[i * lists.length + l]` = 1 when snapshot `i` has the tags of `lists[l]`. */
function tagMatrix(n: number, tagsAt: TagsAt, lists: readonly (readonly string[])[]): Uint8Array {
  const hits = new Uint8Array(n * lists.length);
  for (let i = 0; i < n; i++) {
    const tags = tagsAt(i);
    for (let l = 0; l < lists.length; l++) hits[i * lists.length + l] = hasTags(tags, lists[l] as readonly string[]) ? 1 : 0;
  }
  return hits;
}

/** Each time's wall clock as UTC milliseconds: in its own offset, or in `zone`. */
function wallClocks(times: TimeColumns, zone: ZoneOffsets | undefined): Float64Array {
  const { ms, offsetMs } = times;
  const wall = new Float64Array(ms.length);
  if (zone) for (let i = 0; i < ms.length; i++) wall[i] = (ms[i] as number) + zone.offsetAt(ms[i] as number);
  else for (let i = 0; i < ms.length; i++) wall[i] = (ms[i] as number) + (offsetMs[i] as number);
  return wall;
}

/**
 * Input indices by instant, newest first, equal instants in input order. O(n) when already ordered either
 * way; otherwise a bucket sort on the millisecond (O(n) for spread-out histories) with a comparison sort
 * inside each bucket, so never worse than O(n log n).
 */
export function sortNewestFirst(ms: Float64Array, ns: Float64Array): Int32Array {
  const n = ms.length;
  const order = new Int32Array(n);
  let desc = true; // non-increasing: the identity is the stable order
  let asc = true; // strictly increasing: the reverse is
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const m = ms[i] as number;
    if (m < min) min = m;
    if (m > max) max = m;
    if (i > 0) {
      const d = m - (ms[i - 1] as number) || (ns[i] as number) - (ns[i - 1] as number);
      if (d > 0) desc = false;
      if (d <= 0) asc = false;
    }
  }
  if (desc || asc) {
    for (let i = 0; i < n; i++) order[i] = desc ? i : n - 1 - i;
    return order;
  }
  const cmp = (a: number, b: number): number => (ms[b] as number) - (ms[a] as number) || (ns[b] as number) - (ns[a] as number) || a - b;
  if (!(max > min)) {
    for (let i = 0; i < n; i++) order[i] = i;
    return order.sort(cmp);
  }
  // Bucket k holds instants in the k-th slice of [max, min]; the mapping is monotonic, so buckets are in order.
  const scale = (n - 1) / (max - min);
  const bucket = new Int32Array(n);
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const k = Math.min(n - 1, Math.floor((max - (ms[i] as number)) * scale));
    bucket[i] = k;
    start[k + 1] = (start[k + 1] as number) + 1;
  }
  for (let k = 0; k < n; k++) start[k + 1] = (start[k + 1] as number) + (start[k] as number);
  const fill = start.slice(0, n);
  for (let i = 0; i < n; i++) {
    const k = bucket[i] as number;
    order[fill[k] as number] = i; // ascending i: input order within a bucket
    fill[k] = (fill[k] as number) + 1;
  }
  for (let k = 0; k < n; k++) {
    const from = start[k] as number;
    const to = start[k + 1] as number;
    if (to - from < 2) continue;
    if (to - from > 16) {
      order.subarray(from, to).sort(cmp);
      continue;
    }
    for (let x = from + 1; x < to; x++) {
      const v = order[x] as number;
      let y = x - 1;
      while (y >= from && cmp(order[y] as number, v) > 0) {
        order[y + 1] = order[y] as number;
        y--;
      }
      order[y + 1] = v;
    }
  }
  return order;
}

export interface EngineResult {
  /** Input indices, newest first (stable: equal instants keep input order). */
  order: Int32Array;
  /** By sorted position: 1 = kept. */
  keep: Uint8Array;
  /** Kept snapshots only, in sorted order (the k-th kept snapshot's matches are `matches[k]`). */
  matches: (readonly PolicyMatch[])[];
  /** Kept snapshots only, like `matches`. */
  counters: Counters[];
}

/**
 * The engine: restic's algorithm over already parsed times. `zone` replaces each time's own offset by the
 * zone's (for bucket keys and the keep-within anchor's location).
 */
export function runPolicy(times: TimeColumns, tagsAt: TagsAt, policy: RetentionPolicy, now: Timestamp, zone?: ZoneOffsets): EngineResult {
  validatePolicy(policy);
  const { ms, ns } = times;
  const n = ms.length;
  const wall = wallClocks(times, zone);

  // 1. Newest first; equal instants in input order (Go's sort.Stable).
  const order = sortNewestFirst(ms, ns);

  const result: EngineResult = { order, keep: new Uint8Array(n), matches: [], counters: [] };
  // 2. Empty list.
  if (n === 0) return result;

  // 3. Anchor: the newest time strictly before now (and after Go's zero time, where it starts).
  let anchor = { ms: GO_ZERO_TIME_MS, ns: 0, offsetMs: 0 };
  let anchorZone: ZoneOffsets | undefined; // Go's zero time is in UTC, whatever the zone
  for (const i of order) {
    const m = ms[i] as number;
    const s = ns[i] as number;
    if (isAfter(now.ms, now.ns, m, s) && isAfter(m, s, anchor.ms, anchor.ns)) {
      anchor = { ms: m, ns: s, offsetMs: (wall[i] as number) - m };
      anchorZone = zone;
      break; // sorted newest first: the first one before now is the newest
    }
  }

  // 4. State.
  const counts = COUNT_RULES.map((k) => policy[k] ?? 0);
  const policyCounts = counts.slice();
  const picks = counts.map(() => 0);
  const lastVal = counts.map(() => -1);
  // Rules that can still keep something. Count buckets die when used up; within windows close for good at
  // the first snapshot outside them (the list is newest first). When nothing is alive, the rest goes.
  let liveCounts = counts.filter((c) => c > 0 || c === -1).length;

  const within = isZeroDuration(policy.within) ? undefined : normalizeDuration(policy.within);
  const withinT = within ? withinThreshold(anchor, within, anchorZone) : undefined;
  const wDur = WITHIN_RULES.map((k) => (isZeroDuration(policy[k]) ? undefined : normalizeDuration(policy[k])));
  const wT = wDur.map((d) => (d ? withinThreshold(anchor, d, anchorZone) : undefined));
  const wLast = wDur.map(() => -1);
  const wLive = wDur.map(Boolean);
  let liveWithin = wLive.filter(Boolean).length + (within ? 1 : 0);
  let withinLive = !!within;
  const tagLists = policy.tags ?? [];
  // Tag matches up front, in input order: reading the snapshots in memory order is much cheaper than in
  // time order when they are many.
  const tagHits = tagLists.length > 0 ? tagMatrix(n, tagsAt, tagLists) : undefined;

  // 5. One pass.
  for (let nr = 0; nr < n; nr++) {
    if (liveCounts === 0 && liveWithin === 0 && tagLists.length === 0) break; // keep[] is 0 for the rest
    const i = order[nr] as number;
    const m = ms[i] as number;
    const s = ns[i] as number;
    const isOldest = nr === n - 1;
    let found: PolicyMatch[] | undefined;

    // 5.1 tags
    if (tagHits) {
      for (let l = 0; l < tagLists.length; l++) {
        if (tagHits[i * tagLists.length + l]) (found ??= []).push({ kind: 'tags', tags: tagLists[l] as readonly string[] });
      }
    }
    // 5.2 within
    if (withinLive && within && withinT) {
      if (isAfterFn(m, s, withinT.ms, withinT.ns)) {
        (found ??= []).push({ kind: 'within', duration: within });
      } else {
        withinLive = false;
        liveWithin--;
      }
    }

    // Bucket keys: the day key is computed once per snapshot, and only when a bucket needs it.
    const w = wall[i] as number;
    let day = 0;
    let dayKey = Number.NaN;

    // 5.3 count buckets
    if (liveCounts > 0) {
      for (let b = 0; b < 6; b++) {
        const c = counts[b] as number;
        if (!(c > 0 || c === -1)) continue;
        let val: number;
        if (b === BUCKET_LAST) {
          val = nr;
        } else {
          if (dayKey !== dayKey) {
            day = wallDayFn(w);
            dayKey = dayKeyFn(day);
          }
          val = bucketKey(b, w, day, dayKey);
        }
        const prev = lastVal[b] as number;
        if (val !== prev || isOldest) {
          picks[b] = (picks[b] as number) + 1;
          (found ??= []).push({
            kind: 'count',
            rule: COUNT_RULES[b] as CountRule,
            oldest: val === prev && isOldest,
            ordinal: picks[b] as number,
            count: policyCounts[b] as number,
          });
          lastVal[b] = val;
          if (c > 0) {
            counts[b] = c - 1;
            if (c === 1) liveCounts--;
          }
        }
      }
    }
    // 5.4 within buckets
    if (liveWithin > 0) {
      for (let b = 0; b < 5; b++) {
        const d = wDur[b];
        const t = wT[b];
        if (!wLive[b] || !d || !t) continue;
        if (!isAfterFn(m, s, t.ms, t.ns)) {
          wLive[b] = false;
          liveWithin--;
          continue;
        }
        if (dayKey !== dayKey) {
          day = wallDayFn(w);
          dayKey = dayKeyFn(day);
        }
        const val = bucketKey(b + 1, w, day, dayKey);
        const prev = wLast[b] as number;
        if (val !== prev || isOldest) {
          const rule = WITHIN_RULES[b] as WithinRule;
          (found ??= []).push({ kind: 'withinPeriod', rule, period: WITHIN_PERIOD[rule], oldest: val === prev && isOldest, duration: d });
          wLast[b] = val;
        }
      }
    }

    // 5.5
    if (found) {
      result.keep[nr] = 1;
      result.matches.push(found);
      const counters: Counters = {};
      for (let b = 0; b < 6; b++) {
        const c = counts[b] as number;
        if (c !== 0) counters[COUNT_RULES[b] as CountRule] = c;
      }
      result.counters.push(counters);
    }
  }
  return result;
}

/** Parses every time (and collects the ids) in input order, which is memory order for parsed JSON. */
function prepare(snapshots: readonly SnapshotLike[]): { cols: TimeColumns; ids: string[] } {
  const cols = timeColumns(snapshots.length);
  const ids: string[] = [];
  for (let i = 0; i < snapshots.length; i++) {
    const sn = snapshots[i] as SnapshotLike;
    if (!parseInto(sn.time, cols, i)) {
      throw new TypeError(`snapshot ${JSON.stringify(sn.id)} (#${i}): time is not RFC 3339 with an offset: ${JSON.stringify(sn.time)}`);
    }
    ids.push(sn.id);
  }
  return { cols, ids };
}

function run(snapshots: readonly SnapshotLike[], policy: RetentionPolicy, options: ApplyPolicyOptions): EngineResult & { ids: string[] } {
  const now = toTimestamp(options.now, 'now');
  const zone = options.timeZone ? zoneOffsets(options.timeZone) : undefined;
  const { cols, ids } = prepare(snapshots);
  return { ...runPolicy(cols, (i) => (snapshots[i] as SnapshotLike).tags, policy, now, zone), ids };
}

/**
 * Every snapshot with its decision, newest first (equal instants in input order), with structured
 * matches (for UIs) and the counts left after it.
 */
export function evaluatePolicy<S extends SnapshotLike>(snapshots: readonly S[], policy: RetentionPolicy, options: ApplyPolicyOptions): SnapshotEvaluation<S>[] {
  const r = run(snapshots, policy, options);
  let k = 0;
  return Array.from(r.order, (index, nr) => {
    const keep = r.keep[nr] === 1;
    return {
      snapshot: snapshots[index] as S,
      index,
      keep,
      matches: keep ? (r.matches[k] as readonly PolicyMatch[]) : NO_MATCHES,
      counters: keep ? r.counters[k++] : undefined,
    };
  });
}

/**
 * restic-exact `forget` policy over one group of snapshots:
 * `applyPolicy(snapshots, policy, { now })` → `{ keep, remove, reasons, counters }`, `keep` and `remove` as
 * ids newest first (equal instants in input order), `reasons[id]` restic's match texts and `counters[id]`
 * the counts left after that snapshot, for kept snapshots. An empty policy removes everything, as restic's
 * function does (its CLI refuses instead); ids are expected to be unique. Throws `TypeError` for a time
 * that is not RFC 3339 with an offset, `RangeError` for an invalid policy or time zone.
 */
export function applyPolicy(snapshots: readonly SnapshotLike[], policy: RetentionPolicy, options: ApplyPolicyOptions): ApplyPolicyResult {
  const r = run(snapshots, policy, options);
  const keep: string[] = [];
  const remove: string[] = [];
  const reasons: [string, string[]][] = [];
  const counters: [string, Counters][] = [];
  for (let nr = 0; nr < r.order.length; nr++) {
    const id = r.ids[r.order[nr] as number] as string;
    if (r.keep[nr]) {
      reasons.push([id, (r.matches[keep.length] as readonly PolicyMatch[]).map(formatMatch)]);
      counters.push([id, r.counters[keep.length] as Counters]);
      keep.push(id);
    } else {
      remove.push(id);
    }
  }
  // fromEntries defines own properties, so an id such as "__proto__" is an ordinary key.
  return { keep, remove, reasons: Object.fromEntries(reasons), counters: Object.fromEntries(counters) };
}
