// Timestamps as restic (Go) sees them: an instant with nanosecond precision plus the wall clock of the
// offset it was written with. Calendar arithmetic is done by hand on day numbers (proleptic Gregorian,
// any year), which is exact, allocation-free and much cheaper than going through Date or date-fns for
// every snapshot.

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/**
 * A parsed RFC 3339 timestamp. `ms` is the instant in whole milliseconds since the epoch (rounded down)
 * and `ns` the nanoseconds below that (0 ≤ ns < 1 000 000), so `(ms, ns)` orders instants exactly.
 * `offsetMs` is the UTC offset the text was written with; `ms + offsetMs` is the wall clock as UTC.
 */
export interface Timestamp {
  ms: number;
  ns: number;
  offsetMs: number;
}

/** Days since 1970-01-01 (Howard Hinnant's `days_from_civil`). `d` may be out of range: it rolls over like Go's `time.Date`. */
export function daysFromCivil(y: number, m: number, d: number): number {
  // Normalise the month first (Go does the same), then the day is linear.
  const m0 = m - 1;
  y += Math.floor(m0 / 12);
  m = (((m0 % 12) + 12) % 12) + 1;
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The Go-style day key `Y*10000 + M*100 + D` of a day number (inverse of {@link daysFromCivil}). */
export function dayKeyOf(days: number): number {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10000 + m * 100 + d;
}

/** Year, month (1–12) and day of a day key from {@link dayKeyOf}. Works for negative years too. */
export function splitDayKey(key: number): [year: number, month: number, day: number] {
  const y = Math.floor(key / 10000);
  const md = key - y * 10000;
  const m = Math.floor(md / 100);
  return [y, m, md - m * 100];
}

/** Go's zero time, 0001-01-01T00:00:00Z, in epoch milliseconds. */
export const GO_ZERO_TIME_MS = daysFromCivil(1, 1, 1) * MS_PER_DAY;

function digits(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (RFC 3339, as Go's `time.RFC3339Nano` and Python's
 * `isoformat()` write it; `t`/`z` and a space instead of `T` are accepted too). Up to nine fraction digits
 * count, more are truncated. Returns `null` for anything else, including a missing offset: without it the
 * instant is unknown.
 */
export function parseTimestamp(s: string): Timestamp | null {
  if (typeof s !== 'string' || s.length < 20) return null;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return null;
  if (s[4] !== '-' || s[7] !== '-' || s[13] !== ':' || s[16] !== ':') return null;
  const sep = s[10];
  if (sep !== 'T' && sep !== 't' && sep !== ' ') return null;
  if (d > (mo === 2 && !isLeap(y) ? 28 : (DAYS_IN_MONTH[mo - 1] ?? 31))) return null;
  let i = 19;
  let fracNs = 0;
  if (s[i] === '.' || s[i] === ',') {
    i++;
    const start = i;
    let scale = 100_000_000;
    while (i < s.length) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      fracNs += c * scale;
      scale = Math.floor(scale / 10);
      i++;
    }
    if (i === start) return null;
  }
  let offsetMs: number;
  const z = s[i];
  if ((z === 'Z' || z === 'z') && i + 1 === s.length) {
    offsetMs = 0;
  } else if ((z === '+' || z === '-') && i + 6 === s.length && s[i + 3] === ':') {
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return null;
    offsetMs = (z === '-' ? -1 : 1) * (oh * MS_PER_HOUR + om * MS_PER_MINUTE);
  } else {
    return null;
  }
  const fracMs = Math.floor(fracNs / 1_000_000);
  const wall = daysFromCivil(y, mo, d) * MS_PER_DAY + h * MS_PER_HOUR + mi * MS_PER_MINUTE + sec * 1000 + fracMs;
  return { ms: wall - offsetMs, ns: fracNs - fracMs * 1_000_000, offsetMs };
}

/** A `now` given as a Date, epoch milliseconds or an RFC 3339 string. */
export type Instant = Date | number | string;

export function toTimestamp(value: Instant, what: string): Timestamp {
  if (typeof value === 'string') {
    const t = parseTimestamp(value);
    if (t) return t;
    throw new TypeError(`${what}: not an RFC 3339 timestamp with an offset: ${JSON.stringify(value)}`);
  }
  const ms = typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new TypeError(`${what}: not a valid time`);
  const whole = Math.floor(ms);
  return { ms: whole, ns: Math.round((ms - whole) * 1_000_000), offsetMs: 0 };
}

/** `a` after `b`, strictly, with nanosecond precision. */
export function isAfter(aMs: number, aNs: number, bMs: number, bNs: number): boolean {
  return aMs > bMs || (aMs === bMs && aNs > bNs);
}
