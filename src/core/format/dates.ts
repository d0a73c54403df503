// Dates in the Home Assistant time zone (from the Supervisor's /info), with date-fns + @date-fns/tz.
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

/** The seed integration's default name: `strftime("%A, %b %d, %Y")` in the HA time zone. */
export function defaultBackupName(now: Date, timeZone: string | null | undefined): string {
  return format(inZone(now, timeZone), 'EEEE, MMM dd, yyyy');
}

/** A full date and time for tooltips, with the zone's abbreviation or offset. */
export function formatDateTime(date: Date, timeZone: string | null | undefined): string {
  return format(inZone(date, timeZone), 'yyyy-MM-dd HH:mm:ss xxx');
}

function inZone(date: Date, timeZone: string | null | undefined): Date {
  if (!timeZone) return date;
  const zoned = new TZDate(date.getTime(), timeZone);
  // An unknown zone name yields an invalid date; it must not break display, so fall back to the machine's zone.
  return Number.isNaN(zoned.getTime()) ? date : zoned;
}

/** Date and minute for short labels, e.g. `2026-12-05 03:00`. */
export function formatShortDateTime(date: Date, timeZone: string | null | undefined): string {
  return format(inZone(date, timeZone), 'yyyy-MM-dd HH:mm');
}
