// UTC offsets of a named time zone (the Home Assistant zone), for bucketing by that zone's wall clock
// instead of each timestamp's own offset. `tzOffset` from @date-fns/tz goes through Intl, which costs
// microseconds per call; offsets are therefore cached per UTC day, with the exact switching instant
// found by bisection on days that contain a transition (at most ~30 Intl calls per transition).
import { tzOffset } from '@date-fns/tz';
import { MS_PER_DAY, MS_PER_MINUTE } from './time';

interface DayOffsets {
  before: number;
  after: number;
  /** First millisecond of the day that has `after`; `Infinity` when the whole day has `before`. */
  switchAt: number;
}

export class ZoneOffsets {
  private readonly days = new Map<number, DayOffsets>();

  constructor(readonly timeZone: string) {
    if (!Number.isFinite(tzOffset(timeZone, new Date(0)))) throw new RangeError(`Unknown time zone: ${JSON.stringify(timeZone)}`);
  }

  /** Offset of the zone at the instant `utcMs`, in milliseconds (positive east of Greenwich). */
  offsetAt(utcMs: number): number {
    const day = Math.floor(utcMs / MS_PER_DAY);
    let entry = this.days.get(day);
    if (!entry) {
      entry = this.scanDay(day);
      this.days.set(day, entry);
    }
    return utcMs < entry.switchAt ? entry.before : entry.after;
  }

  /**
   * The instant at which the zone's wall clock shows `wallMs` (wall clock written as if it were UTC),
   * resolved the way Go's `time.Date` does: take the offset in force around that wall time; if the
   * result is not actually in that offset's period (a gap or an overlap), use the offset at the result.
   */
  instantOfWall(wallMs: number): number {
    const guess = this.offsetAt(wallMs);
    const utc = wallMs - guess;
    const actual = this.offsetAt(utc);
    return actual === guess ? utc : wallMs - actual;
  }

  private raw(utcMs: number): number {
    const minutes = tzOffset(this.timeZone, new Date(utcMs));
    // Intl cannot format instants beyond Date's range; treat those (never real backups) as UTC.
    return Number.isFinite(minutes) ? Math.round(minutes * MS_PER_MINUTE) : 0;
  }

  private scanDay(day: number): DayOffsets {
    const start = day * MS_PER_DAY;
    const before = this.raw(start);
    const after = this.raw(start + MS_PER_DAY - 1);
    if (before === after) return { before, after, switchAt: Number.POSITIVE_INFINITY };
    let lo = start;
    let hi = start + MS_PER_DAY - 1;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.raw(mid) === before) lo = mid;
      else hi = mid;
    }
    return { before, after, switchAt: hi };
  }
}

const zones = new Map<string, ZoneOffsets>();

/** A shared {@link ZoneOffsets} per zone name (zone rules do not change while the extension runs). */
export function zoneOffsets(timeZone: string): ZoneOffsets {
  let zone = zones.get(timeZone);
  if (!zone) {
    zone = new ZoneOffsets(timeZone);
    zones.set(timeZone, zone);
  }
  return zone;
}
