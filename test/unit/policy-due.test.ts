import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDue, parseSchedule, type Schedule } from '../../src/core/policy';

const schedule = (text: string): Schedule => {
  const parsed = parseSchedule(text);
  assert.ok(parsed.ok);
  return parsed.schedule;
};
const TZ = 'Europe/Amsterdam';
const at = (iso: string) => new Date(iso);

describe('isDue', () => {
  const daily = schedule('daily 02:30');
  const firstSeen = at('2026-11-01T00:00:00Z');

  it('is due once the scheduled time has passed and the policy has no backup since', () => {
    // 02:30 in Amsterdam is 01:30 UTC in November.
    const d = isDue({ schedule: daily, enabled: true, firstSeen, newestBackup: at('2026-11-25T01:30:20Z') }, at('2026-11-26T01:31:00Z'), TZ);
    assert.deepEqual(d, { due: true, scheduledFor: at('2026-11-26T01:30:00Z'), catchUp: false });
  });
  it('is not due before the time, nor after a backup for it was made (by any window)', () => {
    assert.deepEqual(isDue({ schedule: daily, enabled: true, firstSeen, newestBackup: at('2026-11-25T01:30:20Z') }, at('2026-11-26T01:29:00Z'), TZ), { due: false, reason: 'done' });
    assert.deepEqual(isDue({ schedule: daily, enabled: true, firstSeen, newestBackup: at('2026-11-26T01:30:05Z') }, at('2026-11-26T01:40:00Z'), TZ), { due: false, reason: 'done' });
  });
  it('catches up only the latest missed run after a week away', () => {
    const d = isDue({ schedule: daily, enabled: true, firstSeen, newestBackup: at('2026-11-18T01:30:00Z') }, at('2026-11-26T09:00:00Z'), TZ);
    assert.equal(d.due, true);
    assert.ok(d.due && d.catchUp);
    assert.deepEqual(d.due && d.scheduledFor, at('2026-11-26T01:30:00Z'));
  });
  it('does not run a policy for times before it was first seen, nor a disabled one', () => {
    assert.deepEqual(isDue({ schedule: daily, enabled: true, firstSeen: at('2026-11-26T08:00:00Z'), newestBackup: undefined }, at('2026-11-26T09:00:00Z'), TZ), { due: false, reason: 'before-first-seen' });
    assert.deepEqual(isDue({ schedule: daily, enabled: false, firstSeen, newestBackup: undefined }, at('2026-11-26T09:00:00Z'), TZ), { due: false, reason: 'disabled' });
  });
  it('a backup started a few seconds before the minute counts for it', () => {
    const d = isDue({ schedule: daily, enabled: true, firstSeen, newestBackup: at('2026-11-26T01:29:55Z') }, at('2026-11-26T01:35:00Z'), TZ);
    assert.deepEqual(d, { due: false, reason: 'done' });
  });
});
