// A time axis for the retention picture: a linear scale and month (or year) ticks in Home Assistant's
// time zone, so a tick sits where that zone's month begins.
import { TZDate } from '@date-fns/tz';
import { addDays, addMonths, startOfDay, startOfMonth } from 'date-fns';

export interface TimeScale {
  from: number;
  to: number;
  /** x of a time, between `left` and `right`. */
  x: (time: number) => number;
}

export interface Tick {
  time: number;
  label: string;
}

const MS_PER_DAY = 86_400_000;

/** A scale over `times` (with `extra` times that must be visible too), padded so no mark sits on the edge. */
export function timeScale(times: readonly number[], left: number, right: number): TimeScale {
  const valid = times.filter((t) => Number.isFinite(t));
  let from = valid.length ? Math.min(...valid) : Date.now();
  let to = valid.length ? Math.max(...valid) : from;
  const pad = Math.max((to - from) * 0.04, MS_PER_DAY / 2);
  from -= pad;
  to += pad;
  return { from, to, x: (time) => left + ((time - from) / (to - from)) * (right - left) };
}

/** Ticks between `from` and `to`: days for a span of two months or less, else months. */
export function timeTicks(from: number, to: number, timeZone: string, locale: string, most = 12): Tick[] {
  return to - from <= 62 * MS_PER_DAY ? dayTicks(from, to, timeZone, locale, most) : monthTicks(from, to, timeZone, locale, most);
}

/** Day starts every 1, 2, 7 or 14 days so that at most `most` fit. */
export function dayTicks(from: number, to: number, timeZone: string, locale: string, most = 12): Tick[] {
  const step = [1, 2, 7, 14].find((s) => (to - from) / MS_PER_DAY / s <= most) ?? 14;
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone });
  const ticks: Tick[] = [];
  let at: Date = startOfDay(new TZDate(from, timeZone));
  if (at.getTime() < from) at = addDays(at, 1);
  for (; at.getTime() <= to; at = addDays(at, step)) ticks.push({ time: at.getTime(), label: day.format(at.getTime()) });
  return ticks;
}

/** Month starts between `from` and `to`, every 1, 2, 3, 6 or 12 months so that at most `most` fit; January and the first tick say the year. */
export function monthTicks(from: number, to: number, timeZone: string, locale: string, most = 12): Tick[] {
  const spanMonths = (to - from) / (30.4 * MS_PER_DAY);
  const step = [1, 2, 3, 6, 12].find((s) => spanMonths / s <= most) ?? 12;
  const month = new Intl.DateTimeFormat(locale, { month: 'short', timeZone });
  const monthYear = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone });
  const ticks: Tick[] = [];
  let at: Date = startOfMonth(new TZDate(from, timeZone));
  if (at.getTime() < from) at = addMonths(at, 1);
  // Steps of several months start at a month they divide (Jan, Apr, Jul, Oct for 3).
  while (at.getMonth() % step !== 0) at = addMonths(at, 1);
  for (; at.getTime() <= to; at = addMonths(at, step)) {
    const time = at.getTime();
    ticks.push({ time, label: (ticks.length === 0 || at.getMonth() === 0 ? monthYear : month).format(time) });
  }
  return ticks;
}
