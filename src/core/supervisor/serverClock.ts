// Home Assistant's clock, as seen from this machine. Expiries, "dated in the future" and schedules
// follow Home Assistant's time, not this machine's: a desktop whose clock is days ahead must not
// expire keep_days backups early. Every aiohttp answer carries an HTTP `Date` header (whole seconds),
// so the offset is read from a cheap request and applied to this machine's clock.

import type { RequestOptions, SupervisorTransport } from './transport';

/** Offsets smaller than this are reading noise (the header has whole seconds), not a skew. */
const NOISE_MS = 2_000;

export interface ClockReading {
  /** Home Assistant's time minus this machine's, in ms (0 within reading noise). */
  offsetMs: number;
  /** When it was read (this machine's clock). */
  readAt: number;
}

/** The offset from one `Date` header and this machine's clock before and after the request. */
export function readClock(dateHeader: string | undefined, sentAt: number, receivedAt: number): ClockReading | undefined {
  const server = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  if (Number.isNaN(server)) return undefined;
  // The header is truncated to the second: its middle is half a second later.
  const offset = server + 500 - (sentAt + receivedAt) / 2;
  return { offsetMs: Math.abs(offset) < NOISE_MS ? 0 : Math.round(offset), readAt: receivedAt };
}

/** One reading through a transport's `Date` (undefined when it cannot tell). */
export async function readClockOf(transport: Pick<SupervisorTransport, 'serverDate'>, opts: RequestOptions = {}): Promise<ClockReading | undefined> {
  const sentAt = Date.now();
  const date = await transport.serverDate(opts);
  return readClock(date, sentAt, Date.now());
}

export class ServerClock {
  private reading: ClockReading | undefined;

  constructor(private readonly localNow: () => number = Date.now) {}

  update(reading: ClockReading | undefined): void {
    if (reading) this.reading = reading;
  }

  /** Forgets the offset (another instance). */
  reset(): void {
    this.reading = undefined;
  }

  /** Home Assistant's offset when it has been read. */
  get offsetMs(): number | undefined {
    return this.reading?.offsetMs;
  }

  /** Home Assistant's time now (this machine's time while the offset is unknown). */
  now(): Date {
    return new Date(this.localNow() + (this.reading?.offsetMs ?? 0));
  }
}
