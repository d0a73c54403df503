import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ageOf, daysSince } from '../../src/core/format/age';
import { defaultBackupName, formatDateTime } from '../../src/core/format/dates';
import { formatSize } from '../../src/core/format/size';

describe('defaultBackupName', () => {
  it('uses the Auto Backup style "%A, %b %d, %Y"', () => {
    assert.equal(defaultBackupName(new Date('2025-01-06T10:00:00Z'), 'UTC'), 'Monday, Jan 06, 2025');
  });
  it('takes the date in the Home Assistant time zone, not UTC', () => {
    // 23:30 UTC on Sunday is already Monday in Amsterdam and still Sunday in New York.
    const instant = new Date('2025-01-05T23:30:00Z');
    assert.equal(defaultBackupName(instant, 'Europe/Amsterdam'), 'Monday, Jan 06, 2025');
    assert.equal(defaultBackupName(instant, 'America/New_York'), 'Sunday, Jan 05, 2025');
  });
  it('survives an unknown zone name', () => {
    assert.match(defaultBackupName(new Date('2025-01-06T12:00:00Z'), 'Not/AZone'), /^Monday, Jan 06, 2025$/);
  });
});

describe('formatDateTime', () => {
  it('shows the offset of the zone', () => {
    assert.equal(formatDateTime(new Date('2025-07-01T12:00:00Z'), 'Europe/Amsterdam'), '2025-07-01 14:00:00 +02:00');
    assert.equal(formatDateTime(new Date('2025-01-01T12:00:00Z'), 'Europe/Amsterdam'), '2025-01-01 13:00:00 +01:00');
  });
});

describe('ageOf', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  const ago = (ms: number) => ageOf(new Date(now.getTime() - ms), now);
  it('picks the unit by size', () => {
    assert.deepEqual(ago(30_000), { unit: 'now', count: 0 });
    assert.deepEqual(ago(5 * 60_000), { unit: 'minute', count: 5 });
    assert.deepEqual(ago(3 * 3_600_000 + 59 * 60_000), { unit: 'hour', count: 3 });
    assert.deepEqual(ago(6 * 86_400_000), { unit: 'day', count: 6 });
    assert.deepEqual(ago(59 * 86_400_000), { unit: 'day', count: 59 });
    assert.deepEqual(ago(90 * 86_400_000), { unit: 'month', count: 2 });
    assert.deepEqual(ago(800 * 86_400_000), { unit: 'year', count: 2 });
  });
  it('treats a date in the future as now', () => {
    assert.deepEqual(ago(-60_000), { unit: 'now', count: 0 });
  });
  it('counts whole days for staleness', () => {
    assert.equal(daysSince(new Date(now.getTime() - 29.9 * 86_400_000), now), 29);
    assert.equal(daysSince(new Date(now.getTime() - 30 * 86_400_000), now), 30);
  });
});

describe('formatSize', () => {
  it('formats 1024-based like Home Assistant', () => {
    assert.equal(formatSize(0), '0 B');
    assert.equal(formatSize(1023), '1023 B');
    assert.equal(formatSize(1536), '1.5 KB');
    assert.equal(formatSize(12.34 * 1024 * 1024), '12.3 MB');
    assert.equal(formatSize(512 * 1024 * 1024), '512 MB');
    assert.equal(formatSize(3 * 1024 ** 3), '3.0 GB');
  });
});
