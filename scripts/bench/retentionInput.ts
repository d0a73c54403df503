// The retention benchmark's input: `count` backups about an hour apart, with the timestamps Home
// Assistant writes (microseconds, a +01:00/+02:00 offset), in a shuffled order (applyPolicy's worst case).
import type { SnapshotLike } from '../../src/core/retention/index';

const START = Date.parse('2014-01-01T00:00:00Z');

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `2024-05-01T03:00:12.345678+02:00` for a UTC instant, with a summer/winter offset by month. */
function haTimestamp(utcMs: number, micros: number): string {
  const month = new Date(utcMs).getUTCMonth();
  const offsetHours = month >= 3 && month <= 9 ? 2 : 1;
  const local = new Date(utcMs + offsetHours * 3_600_000).toISOString(); // 2024-05-01T03:00:12.345Z
  return `${local.slice(0, 23)}${pad(micros, 3)}+${pad(offsetHours, 2)}:00`;
}

export function retentionSnapshots(count: number): SnapshotLike[] {
  const snapshots: SnapshotLike[] = [];
  for (let i = 0; i < count; i++) {
    // About an hour apart with up to ~50 minutes of jitter (deterministic).
    const ms = START + i * 3_600_000 + ((i * 7919) % 3_000_000);
    snapshots.push({ id: i.toString(16).padStart(8, '0'), time: haTimestamp(ms, (i * 37) % 1000) });
  }
  // Deterministic Fisher–Yates shuffle.
  for (let i = count - 1; i > 0; i--) {
    const j = (i * 2_654_435_761) % (i + 1);
    [snapshots[i], snapshots[j]] = [snapshots[j] as SnapshotLike, snapshots[i] as SnapshotLike];
  }
  return snapshots;
}
