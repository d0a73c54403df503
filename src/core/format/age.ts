// Relative age of a backup as a number and a unit; the VS Code layer turns it into localized text.
export type AgeUnit = 'now' | 'minute' | 'hour' | 'day' | 'month' | 'year';

export interface Age {
  unit: AgeUnit;
  count: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function ageOf(date: Date, now: Date): Age {
  const ms = Math.max(0, now.getTime() - date.getTime());
  if (ms < MINUTE) return { unit: 'now', count: 0 };
  if (ms < HOUR) return { unit: 'minute', count: Math.floor(ms / MINUTE) };
  if (ms < DAY) return { unit: 'hour', count: Math.floor(ms / HOUR) };
  const days = Math.floor(ms / DAY);
  if (days < 60) return { unit: 'day', count: days };
  if (days < 730) return { unit: 'month', count: Math.floor(days / 30.4375) };
  return { unit: 'year', count: Math.floor(days / 365.25) };
}

/** Whole days since `date` (fractional days rounded down), as the Supervisor's staleness check counts. */
export function daysSince(date: Date, now: Date): number {
  return Math.floor((now.getTime() - date.getTime()) / DAY);
}
