// The emulated Home Assistant host's clock: real time plus an offset that tests set through
// POST /_emulator/settings {clockOffsetMs}. Everything the Supervisor (and Core, on the same host)
// stamps with "now" reads it: the HTTP Date header of every response, the date of new backups, job
// `created` times, tar member times and file modification times of archives it writes.
import { promises as fsp } from 'node:fs';
import { microsToIso } from './pyFormat';

/** |offset| ≤ 10 years (of 365.25 days). */
export const MAX_CLOCK_OFFSET_MS = 10 * 365.25 * 24 * 60 * 60 * 1000;

export class Clock {
  private offset = 0;
  private lastMicros = 0;

  get offsetMs(): number {
    return this.offset;
  }

  setOffset(ms: number): void {
    if (!Number.isInteger(ms) || Math.abs(ms) > MAX_CLOCK_OFFSET_MS) throw new RangeError(`clock offset must be an integer of at most ${MAX_CLOCK_OFFSET_MS} ms either way`);
    this.offset = ms;
    // Moving the clock back must not leave "now" stuck at the old time.
    this.lastMicros = 0;
  }

  /** Milliseconds since the epoch on the emulated host. */
  now(): number {
    return Date.now() + this.offset;
  }

  /** Seconds since the epoch (float), as Python's time.time(). */
  nowSeconds(): number {
    return this.now() / 1000;
  }

  /** The same instant as a Date (for file times). */
  nowDate(): Date {
    return new Date(this.now());
  }

  /**
   * `datetime.now(timezone.utc).isoformat()`: microseconds and `+00:00`. Microseconds are made
   * strictly increasing so two calls never collide (backup slugs hash the date).
   */
  isoNow(): string {
    let micros = this.now() * 1000 + Math.floor(Math.random() * 1000);
    if (micros <= this.lastMicros) micros = this.lastMicros + 1;
    this.lastMicros = micros;
    return microsToIso(micros);
  }

  /** An HTTP date (RFC 9110 IMF-fixdate), as aiohttp writes it in the Date header. */
  httpDate(): string {
    return new Date(this.now()).toUTCString();
  }
}

/**
 * A file the Supervisor just wrote (or copied) gets the emulated host's "now" as its access and
 * modification time, as the host's file system would stamp it (the download's Last-Modified).
 */
export async function stampFile(file: string, clock: Clock): Promise<void> {
  const now = clock.nowDate();
  await fsp.utimes(file, now, now);
}
