// `dt_util.now().isoformat()` in Home Assistant's time zone: microseconds and the zone's offset,
// e.g. 2026-12-05T23:40:01.123456+01:00 (Core dates its backups and automatic-backup stamps this way).

/** The offset of `timeZone` from UTC at the instant `ms`, in minutes. */
export function offsetMinutes(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

export function isoInZone(ms: number, timeZone: string, micros = Math.floor(ms % 1000) * 1000): string {
  const offset = offsetMinutes(ms, timeZone);
  const local = new Date(Math.floor(ms / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}.${String(micros).padStart(6, '0')}${sign}${hh}:${mm}`;
}
