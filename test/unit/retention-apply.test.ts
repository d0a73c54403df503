// applyPolicy beyond the vectors in test/fixtures/retention-vectors: parsing, calendar helpers, errors,
// and the timeZone option.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SnapshotLike } from '../../src/core/retention';
import { applyPolicy, evaluateRules, formatDuration, hasNoRules, parseDuration, parseTimestamp } from '../../src/core/retention';
import { isoWeekKey } from '../../src/core/retention/buckets';
import { dayKeyOf, daysFromCivil } from '../../src/core/retention/time';
import { withinThreshold } from '../../src/core/retention/within';
import { parseLongOffset, ZoneOffsets } from '../../src/core/retention/zone';

const snap = (id: string, time: string, tags: string[] = []): SnapshotLike => ({ id, time, tags });

describe('parseTimestamp', () => {
  it('keeps the offset and nanoseconds', () => {
    assert.deepEqual(parseTimestamp('2024-01-02T00:30:00+02:00'), { ms: Date.parse('2024-01-01T22:30:00Z'), ns: 0, offsetMs: 7_200_000 });
    assert.deepEqual(parseTimestamp('2024-11-21T17:58:38.135597+00:00'), { ms: Date.parse('2024-11-21T17:58:38.135Z'), ns: 597_000, offsetMs: 0 });
    assert.deepEqual(parseTimestamp('2024-01-01T00:00:00.000000002Z'), { ms: Date.parse('2024-01-01T00:00:00Z'), ns: 2, offsetMs: 0 });
    assert.deepEqual(parseTimestamp('2024-01-01t10:00:00.5-05:30'), { ms: Date.parse('2024-01-01T15:30:00.5Z'), ns: 0, offsetMs: -19_800_000 });
    assert.equal(parseTimestamp('2024-01-01 10:00:00z')?.ms, Date.parse('2024-01-01T10:00:00Z'));
  });

  it('handles years Date.UTC would shift (0001) and before 1970', () => {
    assert.equal(parseTimestamp('0001-01-01T00:00:00Z')?.ms, -62_135_596_800_000);
    assert.equal(parseTimestamp('1969-12-31T23:59:59.999999999Z')?.ns, 999_999);
    assert.equal(parseTimestamp('1969-12-31T23:59:59.999999999Z')?.ms, -1);
  });

  it('rejects what is not RFC 3339 with an offset', () => {
    for (const bad of [
      '2024-01-01T10:00:00',
      '2024-02-30T10:00:00Z',
      '2023-02-29T00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T10:00:60Z',
      '2024-1-01T10:00:00Z',
      '2024-01-01T10:00:00+2:00',
      '2024-01-01T10:00:00.Z',
      'yesterday',
      '',
    ]) {
      assert.equal(parseTimestamp(bad), null, bad);
    }
    assert.ok(parseTimestamp('2024-02-29T00:00:00Z'));
  });
});

describe('calendar helpers', () => {
  it('day numbers agree with Date for a wide range and round-trip, negative years included', () => {
    for (let day = -800_000; day <= 800_000; day += 997) {
      const key = dayKeyOf(day);
      const y = Math.floor(key / 10000);
      const m = Math.floor((key - y * 10000) / 100);
      const d = key - y * 10000 - m * 100;
      assert.equal(daysFromCivil(y, m, d), day);
      if (y >= 100) assert.equal(Date.UTC(y, m - 1, d) / 86_400_000, day);
    }
  });

  it('normalises out-of-range months and days like Go', () => {
    assert.equal(dayKeyOf(daysFromCivil(2024, 2, 31)), 20240302);
    assert.equal(dayKeyOf(daysFromCivil(2023, 2, 29)), 20230301);
    assert.equal(dayKeyOf(daysFromCivil(2024, 0, 15)), 20231215);
    assert.equal(dayKeyOf(daysFromCivil(2024, -13, 1)), 20221101);
    assert.equal(dayKeyOf(daysFromCivil(2024, 3, 0)), 20240229);
  });

  it('ISO weeks as Go ISOWeek', () => {
    const week = (y: number, m: number, d: number) => isoWeekKey(daysFromCivil(y, m, d));
    assert.equal(week(2021, 1, 3), 202053);
    assert.equal(week(2019, 12, 30), 202001);
    assert.equal(week(2020, 12, 31), 202053);
    assert.equal(week(2024, 12, 30), 202501);
    assert.equal(week(2026, 1, 1), 202601);
    assert.equal(week(2027, 1, 1), 202653);
    assert.equal(week(2024, 3, 10), 202410);
    assert.equal(week(2024, 3, 11), 202411);
  });
});

describe('durations', () => {
  it("parse and print restic's NyNmNdNh", () => {
    assert.deepEqual(parseDuration('1y1d1m'), { years: 1, months: 1, days: 1, hours: 0 });
    assert.equal(formatDuration(parseDuration('1y1d1m')), '1y1m1d');
    assert.deepEqual(parseDuration('2d5d'), { years: 0, months: 0, days: 5, hours: 0 });
    assert.equal(formatDuration({ days: 13, hours: 23 }), '13d23h');
    for (const bad of ['1w', '', 'd', '1.5d', '-1d', '1y 2m']) assert.throws(() => parseDuration(bad), SyntaxError, bad);
  });

  it('within thresholds use AddDate then hours, in the anchor offset', () => {
    const anchor = { ms: Date.parse('2024-03-31T12:00:00Z'), ns: 0, offsetMs: 0 };
    assert.equal(new Date(withinThreshold(anchor, { years: 0, months: 1, days: 0, hours: 0 }).ms).toISOString(), '2024-03-02T12:00:00.000Z');
    assert.equal(new Date(withinThreshold(anchor, { years: 0, months: 1, days: 0, hours: 13 }).ms).toISOString(), '2024-03-01T23:00:00.000Z');
  });
});

describe('applyPolicy: edges', () => {
  const three = [snap('a', '2024-01-03T00:00:00Z'), snap('b', '2024-01-02T00:00:00Z'), snap('c', '2024-01-01T00:00:00Z')];

  it('no rules remove everything (restic function semantics)', () => {
    assert.ok(hasNoRules({}));
    assert.ok(hasNoRules({ last: 0, within: { days: 0 }, tags: [] }));
    assert.deepEqual(applyPolicy(three, {}, { now: '2025-01-01T00:00:00Z' }), { keep: [], remove: ['a', 'b', 'c'], reasons: {}, counters: {} });
  });

  it('takes now as a Date or epoch milliseconds too', () => {
    const expected = applyPolicy(three, { within: { days: 1 } }, { now: '2024-01-02T12:00:00Z' });
    assert.deepEqual(applyPolicy(three, { within: { days: 1 } }, { now: new Date('2024-01-02T12:00:00Z') }), expected);
    assert.deepEqual(applyPolicy(three, { within: { days: 1 } }, { now: Date.parse('2024-01-02T12:00:00Z') }), expected);
    // a is after now, so the anchor is b; c is exactly one day before b, and within is strict.
    assert.deepEqual(expected.keep, ['a', 'b']);
  });

  it('treats ids such as __proto__ as ordinary keys', () => {
    const r = applyPolicy([snap('__proto__', '2024-01-01T00:00:00Z')], { last: 1 }, { now: '2025-01-01T00:00:00Z' });
    assert.deepEqual(Object.keys(r.reasons), ['__proto__']);
    assert.deepEqual(r.reasons.__proto__, ['last snapshot']);
  });

  it('rejects invalid input with a clear error', () => {
    const now = { now: '2025-01-01T00:00:00Z' };
    assert.throws(() => applyPolicy([snap('x', '2024-01-01 noon')], { last: 1 }, now), { name: 'TypeError', message: /snapshot "x" \(#0\)/ });
    assert.throws(() => applyPolicy(three, { last: -2 }, now), { name: 'RangeError', message: /policy\.last/ });
    assert.throws(() => applyPolicy(three, { daily: 1.5 }, now), RangeError);
    assert.throws(() => applyPolicy(three, { within: { days: -1 } }, now), { name: 'RangeError', message: /policy\.within\.days/ });
    assert.throws(() => applyPolicy(three, { last: 1 }, { now: 'soon' }), TypeError);
    assert.throws(() => applyPolicy(three, { last: 1 }, { now: new Date(Number.NaN) }), TypeError);
    assert.throws(() => applyPolicy(three, { last: 1 }, { ...now, timeZone: 'Nowhere/Special' }), RangeError);
  });

  it('evaluateRules gives structured matches, newest first, with input positions', () => {
    const ev = evaluateRules([three[2]!, three[0]!, three[1]!], { daily: 2 }, { now: '2025-01-01T00:00:00Z' });
    assert.deepEqual(
      ev.map((e) => [e.snapshot.id, e.index, e.keep]),
      [
        ['a', 1, true],
        ['b', 2, true],
        ['c', 0, false],
      ],
    );
    assert.deepEqual(ev[1]?.matches, [{ kind: 'count', rule: 'daily', oldest: false, ordinal: 2, count: 2 }]);
    assert.deepEqual(ev[1]?.counters, {});
  });
});

describe('applyPolicy: timeZone', () => {
  it("buckets by the zone's calendar instead of each time's own offset", () => {
    // 23:30 UTC and 00:30 UTC the next day: two UTC days, one day in New York (18:30 and 19:30 EST).
    const snaps = [snap('late', '2024-01-02T00:30:00Z'), snap('early', '2024-01-01T23:30:00Z'), snap('older', '2023-12-30T12:00:00Z')];
    const now = '2024-02-01T00:00:00Z';
    assert.deepEqual(applyPolicy(snaps, { daily: 2 }, { now }).keep, ['late', 'early']);
    assert.deepEqual(applyPolicy(snaps, { daily: 2 }, { now, timeZone: 'America/New_York' }).keep, ['late', 'older']);
  });

  it('hourly buckets follow the wall clock: the repeated hour when DST ends is one bucket', () => {
    // 2024-10-27 in Amsterdam: 02:30 CEST (00:30Z) and 02:30 CET (01:30Z) show the same wall-clock hour.
    const snaps = [snap('cet', '2024-10-27T01:30:00Z'), snap('cest', '2024-10-27T00:30:00Z'), snap('before', '2024-10-26T23:30:00Z')];
    const now = '2024-11-01T00:00:00Z';
    assert.deepEqual(applyPolicy(snaps, { hourly: 2 }, { now }).keep, ['cet', 'cest']);
    assert.deepEqual(applyPolicy(snaps, { hourly: 2 }, { now, timeZone: 'Europe/Amsterdam' }).keep, ['cet', 'before']);
  });

  it('keep-within keeps the wall clock across a DST change (Go with a Local zone), fixed offsets do not', () => {
    // Anchor 2024-04-01 12:00 CEST (10:00Z); 1 month back is 2024-03-01 12:00 CET = 11:00Z, not 10:00Z.
    const snaps = [snap('anchor', '2024-04-01T12:00:00+02:00'), snap('edge', '2024-03-01T10:30:00Z')];
    const now = '2024-05-01T00:00:00Z';
    assert.deepEqual(applyPolicy(snaps, { within: { months: 1 } }, { now }).keep, ['anchor', 'edge']);
    assert.deepEqual(applyPolicy(snaps, { within: { months: 1 } }, { now, timeZone: 'Europe/Amsterdam' }).keep, ['anchor']);
  });

  it('resolves wall clocks in DST gaps and overlaps as Go does', () => {
    const zone = new ZoneOffsets('Europe/Amsterdam');
    // Overlap (02:30 happens twice on 2024-10-27): Go takes the offset in force around it.
    const overlap = zone.instantOfWall(Date.parse('2024-10-27T02:30:00Z'));
    assert.ok(overlap === Date.parse('2024-10-27T00:30:00Z') || overlap === Date.parse('2024-10-27T01:30:00Z'));
    // Gap (02:30 does not exist on 2024-03-31): some instant within an hour of it.
    const gap = zone.instantOfWall(Date.parse('2024-03-31T02:30:00Z'));
    assert.ok(gap === Date.parse('2024-03-31T00:30:00Z') || gap === Date.parse('2024-03-31T01:30:00Z'));
    assert.equal(zone.offsetAt(Date.parse('2024-03-31T00:59:59.999Z')), 3_600_000);
    assert.equal(zone.offsetAt(Date.parse('2024-03-31T01:00:00Z')), 7_200_000);
  });

  it('with a zone whose offsets match the stored ones, nothing changes', () => {
    const snaps = Array.from({ length: 200 }, (_, i) => {
      const ms = Date.parse('2024-01-01T00:00:00Z') + i * 7 * 3_600_000;
      const wall = new Date(ms + 19_800_000).toISOString().replace('Z', '+05:30'); // Asia/Kolkata, no DST
      return snap(`s${i}`, wall);
    });
    const rules = { hourly: 10, daily: 10, weekly: 5, monthly: 3, yearly: 2, withinDaily: { days: 20 } };
    const now = '2025-01-01T00:00:00Z';
    assert.deepEqual(applyPolicy(snaps, rules, { now, timeZone: 'Asia/Kolkata' }), applyPolicy(snaps, rules, { now }));
  });
});

describe('applyPolicy: size', () => {
  it('handles 100 000 shuffled snapshots with full generational rules quickly (O(n log n) guard)', () => {
    const n = 100_000;
    const start = Date.parse('2014-01-01T00:00:00Z');
    const snaps = Array.from({ length: n }, (_, i) => snap(`s${i}`, new Date(start + i * 3_600_000 + ((i * 7919) % 3_000_000)).toISOString(), i % 97 === 0 ? ['manual'] : []));
    for (let i = n - 1; i > 0; i--) {
      const j = (i * 2_654_435_761) % (i + 1);
      [snaps[i], snaps[j]] = [snaps[j]!, snaps[i]!];
    }
    const rules = { last: 10, hourly: 48, daily: 14, weekly: 8, monthly: 24, yearly: 10, withinDaily: { days: 30 }, withinWeekly: { months: 6 }, tags: [['manual']] };
    const t0 = performance.now();
    const r = applyPolicy(snaps, rules, { now: '2026-01-01T00:00:00Z' });
    const ms = performance.now() - t0;
    assert.equal(r.keep.length + r.remove.length, n);
    // The target is ≤ 200 ms; this only catches an accidental quadratic step on a busy CI machine.
    assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
  });
});

describe('time zone offsets between −01:00 and 00:00', () => {
  it("reads Monrovia's −00:44:30 (until 1972) with its sign, and the other offset forms", () => {
    assert.equal(parseLongOffset('1/1/1970, GMT-00:44:30'), -(44 * 60 + 30) * 1000);
    assert.equal(parseLongOffset('GMT+01:00'), 3_600_000);
    assert.equal(parseLongOffset('GMT\u221203:30'), -(3 * 60 + 30) * 60_000);
    assert.equal(parseLongOffset('GMT'), 0);
    assert.ok(Number.isNaN(parseLongOffset('UTC+1')));
    const zone = new ZoneOffsets('Africa/Monrovia');
    assert.equal(zone.offsetAt(Date.UTC(1970, 0, 1)), -(44 * 60 + 30) * 1000);
    assert.equal(zone.offsetAt(Date.UTC(2020, 0, 1)), 0);
  });
});
