// restic's bucket functions (snapshot_policy.go: ymdh, ymd, yw, ym, y), computed from a wall clock given as
// milliseconds "as if UTC" (instant + offset) with integer arithmetic only.
import type { Period } from './rules';
import { daysFromCivil, dayKeyOf, MS_PER_DAY, MS_PER_HOUR } from './time';

/** Day number (days since 1970-01-01) of a wall clock. */
export function wallDay(wallMs: number): number {
  return Math.floor(wallMs / MS_PER_DAY);
}

/** `Y*1000000 + M*10000 + D*100 + hour`. */
export function hourKey(wallMs: number, dayKey: number): number {
  const hour = Math.floor((wallMs - wallDay(wallMs) * MS_PER_DAY) / MS_PER_HOUR);
  return dayKey * 100 + hour;
}

/** `Y*100 + M`. */
export function monthKey(dayKey: number): number {
  return Math.floor(dayKey / 100);
}

/** `Y`: the calendar year, not the ISO year. */
export function yearKey(dayKey: number): number {
  return Math.floor(dayKey / 10000);
}

/** Go's `ISOWeek()` as `isoYear*100 + isoWeek`: weeks run Monday to Sunday, week 1 holds the year's first Thursday. */
export function isoWeekKey(day: number): number {
  const weekday = (((day + 3) % 7) + 7) % 7; // Monday = 0; 1970-01-01 was a Thursday
  const thursday = day - weekday + 3;
  const isoYear = Math.floor(dayKeyOf(thursday) / 10000);
  const week = Math.floor((thursday - daysFromCivil(isoYear, 1, 1)) / 7) + 1;
  return isoYear * 100 + week;
}

/**
 * The periods one wall clock falls in, keyed like restic's bucket functions: two snapshots are in the same
 * hour, day, week, month or year when their keys are equal. The day's key (and its ISO week) is worked out
 * once per day, and only when a rule asks: this runs for every snapshot while any period rule is running.
 */
export class PeriodKeys {
  private wallMs = 0;
  /** The day worked out last, kept while the wall clocks stay on it (snapshots of one day come one after another). */
  private day = Number.NaN;
  private dayKey = Number.NaN;
  private weekKey = Number.NaN;

  /** Moves on to another wall clock. */
  set(wallMs: number): void {
    this.wallMs = wallMs;
  }

  key(period: Period): number {
    const day = wallDay(this.wallMs);
    if (day !== this.day) {
      this.day = day;
      this.dayKey = dayKeyOf(day);
      this.weekKey = Number.NaN;
    }
    switch (period) {
      case 'hourly':
        return hourKey(this.wallMs, this.dayKey);
      case 'daily':
        return this.dayKey;
      case 'weekly':
        if (Number.isNaN(this.weekKey)) this.weekKey = isoWeekKey(this.day);
        return this.weekKey;
      case 'monthly':
        return monthKey(this.dayKey);
      case 'yearly':
        return yearKey(this.dayKey);
    }
  }
}
