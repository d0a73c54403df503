// Retention as written in a policy → the normalized form for the retention module (restic keys).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolicyDuration as parseDuration, retentionSchema, toRetention } from '../../src/core/policy';

describe('parsePolicyDuration', () => {
  it('reads restic-style and worded durations (m = months, w = 7 days)', () => {
    assert.deepEqual(parseDuration('7d'), { years: 0, months: 0, days: 7, hours: 0 });
    assert.deepEqual(parseDuration('1y6m'), { years: 1, months: 6, days: 0, hours: 0 });
    assert.deepEqual(parseDuration('2w'), { years: 0, months: 0, days: 14, hours: 0 });
    assert.deepEqual(parseDuration('1 year, 2 months 3 days 4 hours'), { years: 1, months: 2, days: 3, hours: 4 });
    assert.deepEqual(parseDuration(' 48H '), { years: 0, months: 0, days: 0, hours: 48 });
    assert.deepEqual(parseDuration('1w3d'), { years: 0, months: 0, days: 10, hours: 0 });
  });

  it('rejects what it cannot read', () => {
    assert.match(parseDuration('') as string, /empty duration/);
    assert.match(parseDuration('7') as string, /not a duration/);
    assert.match(parseDuration('7x') as string, /'x' is not a unit/);
    assert.match(parseDuration('1d2d') as string, /days twice/);
    assert.match(parseDuration('0d') as string, /zero/);
    assert.match(parseDuration('d7') as string, /not a duration/);
    assert.match(parseDuration('9999999d') as string, /too long/);
  });
});

describe('toRetention', () => {
  const normalized = (input: unknown) => {
    const parsed = retentionSchema.safeParse(input);
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
    return toRetention(parsed.data);
  };

  it('keep_days', () => {
    assert.deepEqual(normalized({ keep_days: 0.5 }), { kind: 'keep_days', keepDays: 0.5 });
  });

  it('generations: unlimited and -1 are -1, 0 turns a rule off, withins become camelCase durations', () => {
    assert.deepEqual(normalized({ last: 2, hourly: 0, daily: -1, yearly: 'unlimited', within_hourly: '2d', within_monthly: { years: 1 } }), {
      kind: 'generational',
      rules: {
        last: 2,
        daily: -1,
        yearly: -1,
        withinHourly: { years: 0, months: 0, days: 2, hours: 0 },
        withinMonthly: { years: 1, months: 0, days: 0, hours: 0 },
      },
    });
  });

  it('refuses a retention that keeps nothing, and keep_days mixed with generations', () => {
    for (const input of [{}, { daily: 0 }, { keep_days: 0 }, { keep_days: 3, last: 1 }, { within: '0h' }, { within: {} }]) {
      assert.equal(retentionSchema.safeParse(input).success, false, JSON.stringify(input));
    }
  });
});
