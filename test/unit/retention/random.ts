// A small seeded PRNG and generators for the retention property tests (no fast-check in this project).
import type { RetentionDuration, RetentionRules } from '../../../src/core/retention';

/** mulberry32: 32-bit state, good enough for test data, identical on every platform. */
export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}

/** Base seed: `RETENTION_SEED` from the environment, else a fixed one, so runs are reproducible. */
export const BASE_SEED = Number.parseInt(process.env.RETENTION_SEED ?? '', 10) || 20250310;

/**
 * Runs `check` for `cases` seeds (BASE_SEED + i). A failure is rethrown with the seed and a way to
 * reproduce it alone: `RETENTION_SEED=<seed> RETENTION_CASES=1`.
 */
export function forAll(cases: number, check: (rng: Rng, caseNo: number) => void): void {
  const n = Number.parseInt(process.env.RETENTION_CASES ?? '', 10) || cases;
  for (let i = 0; i < n; i++) {
    const seed = (BASE_SEED + i) >>> 0;
    try {
      check(new Rng(seed), i);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const wrapped = new Error(`property failed for seed ${seed} (case ${i}; reproduce with RETENTION_SEED=${seed} RETENTION_CASES=1):\n${message}`);
      (wrapped as Error & { cause?: unknown }).cause = err;
      throw wrapped;
    }
  }
}

export const NOW_MS = Date.parse('2025-03-10T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Offsets in minutes east of UTC, with half and three-quarter hours and both extremes. */
export const OFFSETS = [0, 60, 120, -300, 330, -210, 765, -660, 840, -720];

export interface GenTime {
  ms: number;
  ns: number;
  offsetMin: number;
}

/** RFC 3339 text of an instant written with the given offset (`Z` for 0 half of the time). */
export function formatTime(t: GenTime, rng?: Rng): string {
  const wall = new Date(t.ms + t.offsetMin * 60_000).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  let text = wall.slice(0, 19);
  const msPart = wall.slice(20, 23);
  if (t.ns !== 0) text += `.${msPart}${String(t.ns).padStart(6, '0')}`;
  else if (msPart !== '000' || rng?.chance(0.3)) text += `.${msPart}`;
  if (t.offsetMin === 0 && (!rng || rng.chance(0.5))) return `${text}Z`;
  const sign = t.offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(t.offsetMin);
  return `${text}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export interface HistoryShape {
  /** One offset for all (bucket values then run monotonically) or a mix. */
  mixedOffsets: boolean;
  /** Keep UTC times between 10:00 and 14:00, and offsets within ±9 h, so calendar days agree across them. */
  midday?: boolean;
}

const MIDDAY_OFFSETS = [0, 60, 120, -300, 330, -210, -240];

/** A random backup history: bursts, ties, a few future entries, over at most ~3 years before NOW. */
export function genTimes(rng: Rng, n: number, shape: HistoryShape): GenTime[] {
  const span = rng.pick([2 * DAY, 20 * DAY, 120 * DAY, 1100 * DAY]);
  const offsets = shape.midday ? MIDDAY_OFFSETS : OFFSETS;
  const single = rng.pick(offsets);
  const out: GenTime[] = [];
  for (let i = 0; i < n; i++) {
    let ms: number;
    if (out.length > 0 && rng.chance(0.1)) {
      ms = rng.pick<GenTime>(out).ms; // a tie (maybe with different sub-ms digits)
    } else if (out.length > 0 && rng.chance(0.15)) {
      ms = rng.pick<GenTime>(out).ms + rng.int(-2 * HOUR, 2 * HOUR); // a burst
    } else {
      ms = NOW_MS - rng.int(0, span) + (rng.chance(0.03) ? rng.int(1, 3 * DAY) : 0); // a few in the future
    }
    if (shape.midday) {
      const day = Math.floor(ms / DAY) * DAY;
      ms = day + 10 * HOUR + rng.int(0, 4 * HOUR - 1);
    }
    const ns = rng.chance(0.1) ? rng.int(0, 999_999) : 0;
    out.push({ ms, ns, offsetMin: shape.mixedOffsets ? rng.pick(offsets) : single });
  }
  return out;
}

const TAGS = ['a', 'b', 'c', ''];

function genDuration(rng: Rng): RetentionDuration {
  const d: RetentionDuration = {};
  if (rng.chance(0.2)) d.years = rng.int(0, 2);
  if (rng.chance(0.4)) d.months = rng.int(0, 14);
  if (rng.chance(0.6)) d.days = rng.int(0, 40);
  if (rng.chance(0.4)) d.hours = rng.int(0, 48);
  return d;
}

export function genCount(rng: Rng): number {
  return rng.chance(0.15) ? -1 : rng.int(0, 12);
}

/** Random retention rules: each rule on with some probability; may come out empty. */
export function genRules(rng: Rng, kinds: { counts?: boolean; within?: boolean; tags?: boolean } = { counts: true, within: true, tags: true }): RetentionRules {
  const p: RetentionRules = {};
  if (kinds.counts) {
    for (const k of ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const) if (rng.chance(0.35)) p[k] = genCount(rng);
  }
  if (kinds.within) {
    for (const k of ['within', 'withinHourly', 'withinDaily', 'withinWeekly', 'withinMonthly', 'withinYearly'] as const) if (rng.chance(0.15)) p[k] = genDuration(rng);
  }
  if (kinds.tags && rng.chance(0.25)) {
    p.tags = Array.from({ length: rng.int(1, 2) }, () => Array.from({ length: rng.int(0, 2) }, () => rng.pick(TAGS)));
  }
  return p;
}

export function genTags(rng: Rng): string[] {
  return TAGS.filter((t) => t !== '' && rng.chance(0.3));
}
