// The retention picture's projection (src/core/retentionPicture/projection.ts): a policy's schedule run
// forward with its retention applied after every run. The counts are worked out by hand below.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeRule, projectPolicy, type ProjectionPolicy } from '../../src/core/retentionPicture';

// A Friday noon; the daily run at 02:30 UTC makes the first backup on Saturday 2 January 2027.
const NOW = new Date('2027-01-01T12:00:00Z');
const daily = (retention: ProjectionPolicy['retention'], enabled = true): ProjectionPolicy => ({ name: 'nightly', enabled, schedule: 'daily 02:30', retention });
const days = (point: { backups: { date: string }[] } | undefined) => point?.backups.map((b) => b.date.slice(0, 10));

describe('the retention projection', () => {
  it('daily 7, weekly 4, monthly 12 on a daily schedule holds 10, 15 and 19 backups after 1, 6 and 12 months', () => {
    const p = projectPolicy({ policy: daily({ kind: 'generational', rules: { daily: 7, weekly: 4, monthly: 12 } }), backups: [], now: NOW, timeZone: 'UTC' });
    // +1 month (1 Feb, 31 runs): daily Feb 1 and Jan 31–26 (7); weekly the ISO weeks' newest Feb 1, Jan 31, 24, 17 (+2);
    // monthly Feb 1, Jan 31 (2 of 12, so the rule also keeps the oldest, Jan 2: +1) = 10.
    // +6 months (1 Jul): daily Jul 1, Jun 30–25 (7); weekly Jul 1, Jun 27, 20, 13 (+2); monthly Jul 1, Jun 30, May 31, Apr 30,
    // Mar 31, Feb 28, Jan 31 (+5) and, 7 of 12, the oldest Jan 2 (+1) = 15.
    // +12 months (1 Jan 2028): daily Jan 1, Dec 31–26 (7); weekly Jan 1, Dec 26, 19, 12 (+2); monthly Jan 1, Dec 31, Nov 30 … Feb 28
    // (12 of 12: +10, no oldest) = 19.
    assert.deepEqual(
      p.points.map((x) => [x.months, x.at.toISOString(), x.count]),
      [
        [1, '2027-02-01T12:00:00.000Z', 10],
        [6, '2027-07-01T12:00:00.000Z', 15],
        [12, '2028-01-01T12:00:00.000Z', 19],
      ],
    );
    assert.deepEqual(days(p.points[0]), [
      '2027-01-02',
      '2027-01-17',
      '2027-01-24',
      '2027-01-26',
      '2027-01-27',
      '2027-01-28',
      '2027-01-29',
      '2027-01-30',
      '2027-01-31',
      '2027-02-01',
    ]);
    const rules = p.points[0]?.backups.map((b) => describeRule(b.rule, String));
    assert.equal(rules?.[0], 'monthly 3/12 (oldest)');
    assert.equal(rules?.[1], 'weekly 4/4');
    assert.equal(rules?.[8], 'daily 2/7, weekly 2/4, monthly 2/12');
    assert.equal(rules?.[9], 'newest of the policy');
    assert.deepEqual(days(p.points[2])?.slice(0, 2), ['2027-02-28', '2027-03-31']);
    assert.equal(p.keepsAll, false);
  });

  it('keep_days 3 holds the last four runs (an expiry at the very run time is not past yet)', () => {
    const p = projectPolicy({ policy: daily({ kind: 'keep_days', keepDays: 3 }), backups: [], now: NOW, timeZone: 'UTC' });
    assert.deepEqual(
      p.points.map((x) => x.count),
      [4, 4, 4],
    );
    assert.deepEqual(days(p.points[0]), ['2027-01-29', '2027-01-30', '2027-01-31', '2027-02-01']);
    assert.equal(
      describeRule(p.points[0]!.backups[0]!.rule, (d) => d.slice(0, 10)),
      'keep_days until 2027-02-01',
    );
  });

  it('without retention every backup stays: 31, 181 and 365 runs, plus what it has today', () => {
    const existing = [
      { slug: 'a', date: '2026-12-01T02:30:00Z' },
      { slug: 'b', date: '2026-12-31T02:30:00Z' },
    ];
    const p = projectPolicy({ policy: daily(null), backups: existing, now: NOW, timeZone: 'UTC' });
    assert.equal(p.keepsAll, true);
    assert.deepEqual(
      p.points.map((x) => x.count),
      [33, 183, 367],
    );
    assert.equal(p.points[0]?.backups[0]?.existing, true);
    assert.equal(describeRule(p.points[0].backups[0].rule, String), 'the policy keeps every backup');
  });

  it("starts from today's backups after today's purge, and a disabled policy makes no runs", () => {
    const existing = ['2026-12-29', '2026-12-30', '2026-12-31'].map((d, i) => ({ slug: `e${i}`, date: `${d}T02:30:00Z` }));
    const p = projectPolicy({ policy: daily({ kind: 'generational', rules: { last: 2 } }, false), backups: existing, now: NOW, timeZone: 'UTC' });
    assert.equal(p.disabled, true);
    assert.deepEqual(
      p.points.map((x) => days(x)),
      [
        ['2026-12-30', '2026-12-31'],
        ['2026-12-30', '2026-12-31'],
        ['2026-12-30', '2026-12-31'],
      ],
    );
  });

  it('a pinned backup stays through every run', () => {
    const existing = [{ slug: 'old', date: '2026-06-01T02:30:00Z' }];
    const p = projectPolicy({ policy: daily({ kind: 'generational', rules: { last: 2 } }), backups: existing, pins: new Set(['old']), now: NOW, timeZone: 'UTC' });
    assert.deepEqual(
      p.points.map((x) => x.count),
      [3, 3, 3],
    );
    assert.equal(describeRule(p.points[2]!.backups[0]!.rule, String), 'pinned');
  });

  it('a schedule that runs too often for the simulation says which points it did not reach', () => {
    const p = projectPolicy({
      policy: { name: 'busy', enabled: true, schedule: '* * * * *', retention: { kind: 'generational', rules: { last: 3 } } },
      backups: [],
      now: NOW,
      timeZone: 'UTC',
    });
    assert.deepEqual(p.unreached, [1, 6, 12]);
    assert.deepEqual(p.points, []);
  });
});
