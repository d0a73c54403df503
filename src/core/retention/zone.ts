// UTC offsets of a named time zone (the Home Assistant zone), for bucketing by that zone's wall clock
// instead of each timestamp's own offset. Asking Intl costs microseconds per call; offsets are therefore
// cached per UTC day, with the exact switching instant found by bisection on days that contain a
// transition (at most ~30 Intl calls per transition). A day is bounded by the offsets at its first
// millisecond and at the next day's, so neighbouring days share one Intl call: one call per day, not two.
import { tzOffset } from '@date-fns/tz';
import { MS_PER_DAY, MS_PER_MINUTE } from './time';

interface DayOffsets {
  before: number;
  after: number;
  /** First millisecond of the day that has `after`; `Infinity` when the whole day has `before`. */
  switchAt: number;
}

/** Two ASCII digits at `p`, or NaN. */
function digits2(s: string, p: number): number {
  const a = s.charCodeAt(p) - 48;
  const b = s.charCodeAt(p + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN;
}

/**
 * The offset at the end of an Intl `longOffset` date (`1/1/2024, GMT+01:00`, `GMT-03:30`, `GMT+00:17:30`,
 * `GMT` for UTC) in milliseconds; NaN for anything else. (tzOffset reads the same text, but gets the sign of
 * offsets between −01:00 and 00:00, such as Monrovia's −00:44:30 until 1972, wrong.)
 */
export function parseLongOffset(text: string): number {
  const gmt = text.lastIndexOf('GMT');
  if (gmt < 0) return Number.NaN;
  const p = gmt + 3;
  const rest = text.length - p;
  if (rest === 0) return 0;
  const c = text.charCodeAt(p);
  const sign = c === 43 ? 1 : c === 45 || c === 0x2212 ? -1 : 0; // + - −
  if (sign === 0 || (rest !== 6 && rest !== 9) || text.charCodeAt(p + 3) !== 58 || (rest === 9 && text.charCodeAt(p + 6) !== 58)) return Number.NaN;
  const seconds = rest === 9 ? digits2(text, p + 7) : 0;
  return sign * (digits2(text, p + 1) * 3_600_000 + digits2(text, p + 4) * MS_PER_MINUTE + seconds * 1000);
}

export class ZoneOffsets {
  private readonly days = new Map<number, DayOffsets>();
  /** The offset at the first millisecond of a UTC day, by day number: a day's `before`, the previous day's `after`. */
  private readonly dayStarts = new Map<number, number>();
  /** The last day asked for: consecutive instants mostly fall on the same day. */
  private lastDay = Number.NaN;
  private lastEntry: DayOffsets = { before: 0, after: 0, switchAt: Number.POSITIVE_INFINITY };
  /** Intl's `longOffset` format for the zone (`1/1/2024, GMT+01:00`); undefined when Intl does not know it. */
  private readonly format: ((utcMs: number) => string) | undefined;

  constructor(readonly timeZone: string) {
    if (!Number.isFinite(tzOffset(timeZone, new Date(0)))) throw new RangeError(`Unknown time zone: ${JSON.stringify(timeZone)}`);
    try {
      const intl = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
      this.format = (utcMs) => intl.format(utcMs);
    } catch {
      this.format = undefined; // e.g. `+05:00` on an ICU without offset zones: tzOffset reads it itself
    }
  }

  /** Offset of the zone at the instant `utcMs`, in milliseconds (positive east of Greenwich). */
  offsetAt(utcMs: number): number {
    const day = Math.floor(utcMs / MS_PER_DAY);
    let entry = this.lastEntry;
    if (day !== this.lastDay) {
      const known = this.days.get(day);
      if (known) {
        entry = known;
      } else {
        entry = this.scanDay(day);
        this.days.set(day, entry);
      }
      this.lastDay = day;
      this.lastEntry = entry;
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
    if (this.format) {
      // What tzOffset does, without its Date, split and string-keyed cache on every call.
      try {
        const offset = parseLongOffset(this.format(utcMs));
        if (!Number.isNaN(offset)) return offset;
      } catch {
        // Beyond Date's range Intl throws: tzOffset's answer below, as before.
      }
    }
    const minutes = tzOffset(this.timeZone, new Date(utcMs));
    // Intl cannot format instants beyond Date's range; treat those (never real backups) as UTC.
    return Number.isFinite(minutes) ? Math.round(minutes * MS_PER_MINUTE) : 0;
  }

  private startOf(day: number): number {
    let offset = this.dayStarts.get(day);
    if (offset === undefined) {
      offset = this.raw(day * MS_PER_DAY);
      this.dayStarts.set(day, offset);
    }
    return offset;
  }

  private scanDay(day: number): DayOffsets {
    const start = day * MS_PER_DAY;
    const before = this.startOf(day);
    // The next day's first millisecond: a switch exactly there leaves this day whole, as the bisection
    // below finds (switchAt = the next day's start).
    const after = this.startOf(day + 1);
    if (before === after) return { before, after, switchAt: Number.POSITIVE_INFINITY };
    let lo = start;
    let hi = start + MS_PER_DAY;
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
