import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDue, overdueSince, parseSchedule, updateSeen, type Schedule } from '../../src/core/policy';

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
    assert.deepEqual(isDue({ schedule: daily, enabled: true, firstSeen, newestBackup: at('2026-11-25T01:30:20Z') }, at('2026-11-26T01:29:00Z'), TZ), {
      due: false,
      reason: 'done',
    });
    assert.deepEqual(isDue({ schedule: daily, enabled: true, firstSeen, newestBackup: at('2026-11-26T01:30:05Z') }, at('2026-11-26T01:40:00Z'), TZ), {
      due: false,
      reason: 'done',
    });
  });
  it('catches up only the latest missed run after a week away', () => {
    const d = isDue({ schedule: daily, enabled: true, firstSeen, newestBackup: at('2026-11-18T01:30:00Z') }, at('2026-11-26T09:00:00Z'), TZ);
    assert.equal(d.due, true);
    assert.ok(d.due && d.catchUp);
    assert.deepEqual(d.due && d.scheduledFor, at('2026-11-26T01:30:00Z'));
  });
  it('does not run a policy for times before it was first seen, nor a disabled one', () => {
    assert.deepEqual(isDue({ schedule: daily, enabled: true, firstSeen: at('2026-11-26T08:00:00Z'), newestBackup: undefined }, at('2026-11-26T09:00:00Z'), TZ), {
      due: false,
      reason: 'before-first-seen',
    });
    assert.deepEqual(isDue({ schedule: daily, enabled: false, firstSeen, newestBackup: undefined }, at('2026-11-26T09:00:00Z'), TZ), { due: false, reason: 'disabled' });
  });
  it('a backup started a few seconds before the minute counts for it', () => {
    const d = isDue({ schedule: daily, enabled: true, firstSeen, newestBackup: at('2026-11-26T01:29:55Z') }, at('2026-11-26T01:35:00Z'), TZ);
    assert.deepEqual(d, { due: false, reason: 'done' });
  });

  it('a backup dated in the future does not hold the policy back (case 3a)', () => {
    // A clock glitch dated the newest backup a month ahead: the run of today is still due.
    const d = isDue({ schedule: daily, enabled: true, firstSeen, newestBackup: at('2026-12-26T01:30:00Z') }, at('2026-11-26T02:00:00Z'), TZ);
    assert.deepEqual(d, { due: true, scheduledFor: at('2026-11-26T01:30:00Z'), catchUp: true });
  });
});

describe('updateSeen: what the scheduler remembers', () => {
  const daily = schedule('daily 02:30');
  const now = at('2026-11-26T09:00:00Z');
  const nightly = { name: 'nightly', enabled: true, schedule: daily };

  it('a first sighting later than now (a clock that was ahead) counts from now (case 3c)', () => {
    const { seen, clamped } = updateSeen({ nightly: { firstSeen: '2026-11-28T00:00:00.000Z', cron: daily.cron } }, [nightly], false, now);
    assert.deepEqual(clamped, ['nightly']);
    assert.equal(seen.nightly?.firstSeen, now.toISOString());
    // And so the next scheduled time is due when it comes (it would have waited until the 28th).
    assert.equal(isDue({ schedule: daily, enabled: true, firstSeen: new Date(seen.nightly.firstSeen), newestBackup: undefined }, at('2026-11-27T01:31:00Z'), TZ).due, true);
  });
  it('forgets nothing while the file has errors, so the missed runs are caught up after the fix (case 3b)', () => {
    const before = { nightly: { firstSeen: '2026-11-01T00:00:00.000Z', cron: daily.cron } };
    // A YAML error: no policy parses.
    const broken = updateSeen(before, [], true, now);
    assert.deepEqual(broken.seen, before);
    // Fixed, two days later: the first sighting is the old one, so the latest missed run is due.
    const fixed = updateSeen(broken.seen, [nightly], false, at('2026-11-28T09:00:00Z'));
    assert.equal(fixed.seen.nightly?.firstSeen, '2026-11-01T00:00:00.000Z');
    assert.equal(
      isDue({ schedule: daily, enabled: true, firstSeen: new Date(fixed.seen.nightly.firstSeen), newestBackup: at('2026-11-25T01:30:00Z') }, at('2026-11-28T09:00:00Z'), TZ)
        .due,
      true,
    );
  });
  it('forgets a disabled or removed policy of a valid file (enabled again, it starts from now)', () => {
    const before = { nightly: { firstSeen: '2026-11-01T00:00:00.000Z', cron: daily.cron }, old: { firstSeen: '2026-10-01T00:00:00.000Z', cron: daily.cron } };
    assert.deepEqual(Object.keys(updateSeen(before, [{ ...nightly, enabled: false }], false, now).seen), []);
    assert.deepEqual(updateSeen(before, [nightly], false, now).seen, { nightly: before.nightly });
  });
});

describe('overdueSince', () => {
  const daily = schedule('daily 02:30');
  const firstSeen = at('2026-11-01T00:00:00Z');
  it('names a run missed for more than an hour, whatever the cause', () => {
    const madeYesterday = { schedule: daily, enabled: true, firstSeen, newestBackup: at('2026-11-25T01:30:05Z') };
    assert.equal(overdueSince(madeYesterday, at('2026-11-26T02:20:00Z'), TZ), undefined, "today's run is due, but within the hour");
    assert.deepEqual(overdueSince(madeYesterday, at('2026-11-26T02:31:00Z'), TZ), at('2026-11-26T01:30:00Z'));
    assert.equal(overdueSince({ ...madeYesterday, newestBackup: at('2026-11-26T01:30:05Z') }, at('2026-11-26T09:00:00Z'), TZ), undefined, 'made');
    assert.equal(overdueSince({ ...madeYesterday, enabled: false }, at('2026-11-28T09:00:00Z'), TZ), undefined, 'disabled');
  });
  it('an hourly policy that stopped is overdue, though a newer run is always coming', () => {
    const hourly = { schedule: schedule('hourly :00'), enabled: true, firstSeen, newestBackup: at('2026-11-26T06:00:03Z') };
    assert.equal(overdueSince(hourly, at('2026-11-26T07:45:00Z'), TZ), undefined, 'the 07:00 run is less than an hour late');
    assert.deepEqual(overdueSince(hourly, at('2026-11-26T08:10:00Z'), TZ), at('2026-11-26T07:00:00Z'));
  });
  it('takes a cron expression as remembered by the scheduler, and nothing before the first sighting', () => {
    assert.deepEqual(overdueSince({ schedule: '30 2 * * *', enabled: true, firstSeen, newestBackup: undefined }, at('2026-11-26T09:00:00Z'), TZ), at('2026-11-26T01:30:00Z'));
    assert.equal(
      overdueSince({ schedule: '30 2 * * *', enabled: true, firstSeen: at('2026-11-26T08:30:00Z'), newestBackup: undefined }, at('2026-11-26T09:00:00Z'), TZ),
      undefined,
    );
  });
});
