// keep-within thresholds: `latest.AddDate(-Y, -M, -D).Add(-H * time.Hour)` as Go computes it. AddDate works
// on the anchor's wall clock in the anchor's location and normalises out-of-range days like `time.Date`
// (2024-03-31 − 1m = "2024-02-31" = 2024-03-02, not clamped); the hours come off afterwards, in absolute time.
import type { Duration } from './rules';
import { daysFromCivil, splitDayKey, dayKeyOf, MS_PER_DAY, MS_PER_HOUR } from './time';
import type { ZoneOffsets } from './zone';

/** An anchor: instant `(ms, ns)` and the offset of its location at that instant. */
export interface Anchor {
  ms: number;
  ns: number;
  offsetMs: number;
}

/**
 * The keep-within threshold for `d` counted back from `anchor`: a snapshot is within when it is strictly
 * after the returned instant `(ms, ns)`. With `zone`, the anchor's location is that zone (Go's `Local` with
 * DST: the wall clock is kept and re-resolved); without, its own fixed offset.
 */
export function withinThreshold(anchor: Anchor, d: Duration, zone?: ZoneOffsets): { ms: number; ns: number } {
  const wall = anchor.ms + anchor.offsetMs;
  const day = Math.floor(wall / MS_PER_DAY);
  const timeOfDay = wall - day * MS_PER_DAY;
  const [y, m, dd] = splitDayKey(dayKeyOf(day));
  const newWall = daysFromCivil(y - d.years, m - d.months, dd - d.days) * MS_PER_DAY + timeOfDay;
  const instant = zone ? zone.instantOfWall(newWall) : newWall - anchor.offsetMs;
  return { ms: instant - d.hours * MS_PER_HOUR, ns: anchor.ns };
}
