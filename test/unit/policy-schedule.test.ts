// Schedules: the readable forms → one cron expression, errors with the offsets of the wrong part,
// and next/previous runs in Home Assistant's time zone across DST (Europe/Amsterdam, 2026:
// 29 March 02:00 CET → 03:00 CEST, 25 October 03:00 CEST → 02:00 CET).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKnownTimeZone, nextRun, nextRuns, parseSchedule, previousRun, type Schedule } from '../../src/core/policy';

const AMS = 'Europe/Amsterdam';

function parsed(text: string): Schedule {
  const result = parseSchedule(text);
  assert.ok(result.ok, `expected '${text}' to parse: ${result.ok ? '' : result.message}`);
  return result.schedule;
}

function failure(text: string): { message: string; start: number; end: number; part: string } {
  const result = parseSchedule(text);
  assert.ok(!result.ok, `expected '${text}' to be rejected`);
  return { message: result.message, start: result.start, end: result.end, part: text.slice(result.start, result.end) };
}

const iso = (dates: readonly (Date | null)[]) => dates.map((date) => date?.toISOString() ?? null);

describe('parseSchedule: readable forms', () => {
  const table: [string, string, Schedule['form']][] = [
    ['daily 02:30', '30 2 * * *', 'daily'],
    ['daily at 2:30', '30 2 * * *', 'daily'],
    ['DAILY 00:00', '0 0 * * *', 'daily'],
    ['weekly mon 02:30', '30 2 * * 1', 'weekly'],
    ['weekly mon,thu 02:30', '30 2 * * 1,4', 'weekly'],
    ['weekly mon, thu 02:30', '30 2 * * 1,4', 'weekly'],
    ['weekly Monday 02:30', '30 2 * * 1', 'weekly'],
    ['weekly mon-fri 07:05', '5 7 * * 1,2,3,4,5', 'weekly'],
    ['weekly fri-mon 01:00', '0 1 * * 0,1,5,6', 'weekly'],
    ['weekly weekdays 06:00', '0 6 * * 1,2,3,4,5', 'weekly'],
    ['weekly weekend 09:00', '0 9 * * 0,6', 'weekly'],
    ['weekly sun 23:59', '59 23 * * 0', 'weekly'],
    ['monthly 1 01:00', '0 1 1 * *', 'monthly'],
    ['monthly 1,15 01:00', '0 1 1,15 * *', 'monthly'],
    ['monthly 1-3 01:00', '0 1 1,2,3 * *', 'monthly'],
    ['monthly last 01:00', '0 1 L * *', 'monthly'],
    ['yearly jan 1 01:00', '0 1 1 1 *', 'yearly'],
    ['yearly December 31 23:00', '0 23 31 12 *', 'yearly'],
    ['hourly', '0 * * * *', 'hourly'],
    ['hourly :15', '15 * * * *', 'hourly'],
    ['hourly at :05', '5 * * * *', 'hourly'],
    ['every 3 hours', '0 */3 * * *', 'every'],
    ['every 3h', '0 */3 * * *', 'every'],
    ['every 6 hours :30', '30 */6 * * *', 'every'],
    ['every 1 hour', '0 * * * *', 'every'],
    ['30 2 * * *', '30 2 * * *', 'cron'],
    ['  30   2  *  *  1-5 ', '30 2 * * 1-5', 'cron'],
    ['0 0 L * *', '0 0 L * *', 'cron'],
    ['@daily', '0 0 * * *', 'cron'],
    ['0 4 * * mon', '0 4 * * mon', 'cron'],
  ];
  for (const [text, cron, form] of table) {
    it(`${JSON.stringify(text)} → ${cron}`, () => {
      const schedule = parsed(text);
      assert.equal(schedule.cron, cron);
      assert.equal(schedule.form, form);
      assert.equal(schedule.text, text);
    });
  }

  it('describes schedules in words', () => {
    assert.equal(parsed('weekly thu,mon 02:30').description, 'every Monday and Thursday at 02:30');
    assert.equal(parsed('weekly weekend 9:00').description, 'every Saturday and Sunday at 09:00');
    assert.equal(parsed('monthly last 01:00').description, 'on the last day of every month at 01:00');
    assert.equal(parsed('monthly 1,15 01:00').description, 'on day 1 and 15 of every month at 01:00');
    assert.equal(parsed('yearly jan 1 01:00').description, 'every year on January 1 at 01:00');
    assert.equal(parsed('every 3 hours').description, 'every 3 hours from midnight (00:00, 03:00, …)');
  });

  it('warns about days that some months lack, leap days, uneven hours and very frequent cron', () => {
    assert.match(parsed('monthly 31 01:00').warnings.join(), /months without a day 31/);
    assert.match(parsed('yearly feb 29 01:00').warnings.join(), /leap years/);
    assert.match(parsed('every 5 hours').warnings.join(), /last gap of each day is 4 hours/);
    assert.match(parsed('*/5 * * * *').warnings.join(), /every 5 minutes/);
    assert.deepEqual(parsed('daily 02:30').warnings, []);
    assert.deepEqual(parsed('0 */2 * * *').warnings, []);
  });
});

describe('parseSchedule: errors point at the wrong part', () => {
  const table: [string, string, RegExp][] = [
    ['daily 2:3', '2:3', /not a time: expected 24-hour HH:MM/],
    ['daily 25:00', '25:00', /not a time of day/],
    ['daily 02:30 extra', 'extra', /unexpected 'extra'/],
    ['daily', 'daily', /missing the time/],
    ['weekly 02:30', 'weekly 02:30', /missing the weekday/],
    ['weekly mon,tue,xyz 02:30', 'xyz', /'xyz' is not a weekday/],
    ['weekly mnday 02:30', 'mnday', /did you mean 'monday'/],
    ['weekly mon,,thu 02:30', ',', /empty item/],
    ['weekly ,mon 02:30', ',', /empty item/],
    ['monthly 32 01:00', '32', /not a day of the month/],
    ['monthly 0 01:00', '0', /not a day of the month/],
    ['yearly feb 30 01:00', '30', /not a day of February \(1 to 29\)/],
    ['yearly foo 1 01:00', 'foo', /not a month/],
    ['yearly jan', 'yearly jan', /month and day/],
    ['hourly :60', ':60', /not a minute past the hour/],
    ['every 0 hours', '0', /1 to 23 hours/],
    ['every 25 hours', '25', /1 to 23 hours/],
    ['every 3 minutes', 'minutes', /only 'hours'/],
    ['every three hours', 'three', /not a number of hours/],
    ['dayly 02:30', 'dayly', /did you mean 'daily'\?/],
    ['61 * * * *', '61 * * * *', /invalid cron expression: .*minute/],
    ['* * *', '* * *', /exactly 5 fields .* this has 3/],
    ['0 0 31 2 *', '0 0 31 2 *', /never runs/],
    ['', '', /empty/],
  ];
  for (const [text, part, message] of table) {
    it(`${JSON.stringify(text)}: ${JSON.stringify(part)}`, () => {
      const error = failure(text);
      assert.equal(error.part, part);
      assert.match(error.message, message);
    });
  }

  it('gives exact offsets', () => {
    assert.deepEqual({ ...failure('weekly mon,tue,xyz 02:30'), message: '' }, { message: '', start: 15, end: 18, part: 'xyz' });
    assert.deepEqual({ ...failure('daily 02:30 extra'), message: '' }, { message: '', start: 12, end: 17, part: 'extra' });
  });

  it('rejects very long text without work', () => {
    assert.match(failure(`daily ${'0'.repeat(5000)}`).message, /at most 200 characters/);
  });
});

describe('nextRun / previousRun in Europe/Amsterdam', () => {
  it('runs a daily schedule at local time, winter and summer', () => {
    assert.equal(nextRun('daily 02:30', new Date('2026-01-10T12:00:00Z'), AMS)?.toISOString(), '2026-01-11T01:30:00.000Z'); // CET, UTC+1
    assert.equal(nextRun('daily 02:30', new Date('2026-07-10T12:00:00Z'), AMS)?.toISOString(), '2026-07-11T00:30:00.000Z'); // CEST, UTC+2
  });

  it('spring forward: 02:30 does not exist on 29 March, so the run is at 03:00 CEST, once', () => {
    const runs = nextRuns('daily 02:30', new Date('2026-03-28T12:00:00Z'), AMS, 3);
    assert.deepEqual(iso(runs), ['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
  });

  it('fall back: 02:30 happens twice on 25 October, the daily backup runs once (the first)', () => {
    const runs = nextRuns('daily 02:30', new Date('2026-10-24T12:00:00Z'), AMS, 3);
    assert.deepEqual(iso(runs), ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
  });

  it('an hourly schedule runs every real hour: skips the missing 02:30, runs both 02:30s', () => {
    assert.deepEqual(iso(nextRuns('hourly :30', new Date('2026-03-28T23:45:00Z'), AMS, 3)), [
      '2026-03-29T00:30:00.000Z', // 01:30 CET
      '2026-03-29T01:30:00.000Z', // 03:30 CEST
      '2026-03-29T02:30:00.000Z',
    ]);
    assert.deepEqual(iso(nextRuns('hourly :30', new Date('2026-10-24T23:45:00Z'), AMS, 3)), [
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T01:30:00.000Z', // 02:30 CET
      '2026-10-25T02:30:00.000Z', // 03:30 CET
    ]);
  });

  it('every 3 hours keeps to the wall clock across DST', () => {
    assert.deepEqual(iso(nextRuns('every 3 hours', new Date('2026-03-28T22:30:00Z'), AMS, 3)), [
      '2026-03-28T23:00:00.000Z', // 00:00 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST
      '2026-03-29T04:00:00.000Z', // 06:00 CEST
    ]);
    assert.deepEqual(iso(nextRuns('every 3 hours', new Date('2026-10-24T22:30:00Z'), AMS, 2)), [
      '2026-10-25T02:00:00.000Z', // 03:00 CET
      '2026-10-25T05:00:00.000Z', // 06:00 CET
    ]);
  });

  it('previousRun looks back across DST and is strictly before', () => {
    assert.equal(previousRun('daily 02:30', new Date('2026-03-30T00:00:00Z'), AMS)?.toISOString(), '2026-03-29T01:00:00.000Z');
    assert.equal(previousRun('daily 02:30', new Date('2026-10-26T00:00:00Z'), AMS)?.toISOString(), '2026-10-25T00:30:00.000Z');
    assert.equal(previousRun('daily 02:30', new Date('2026-01-10T01:30:00Z'), AMS)?.toISOString(), '2026-01-09T01:30:00.000Z');
    assert.equal(nextRun('daily 02:30', new Date('2026-01-10T01:30:00Z'), AMS)?.toISOString(), '2026-01-11T01:30:00.000Z');
  });

  it('weekly, monthly (last day) and yearly', () => {
    assert.deepEqual(iso(nextRuns('weekly mon,thu 02:30', new Date('2026-01-15T00:00:00Z'), AMS, 3)), [
      '2026-01-15T01:30:00.000Z',
      '2026-01-19T01:30:00.000Z',
      '2026-01-22T01:30:00.000Z',
    ]);
    assert.deepEqual(iso(nextRuns('monthly last 01:00', new Date('2026-01-15T00:00:00Z'), AMS, 3)), [
      '2026-01-31T00:00:00.000Z',
      '2026-02-28T00:00:00.000Z',
      '2026-03-30T23:00:00.000Z', // 31 March 01:00 CEST
    ]);
    assert.equal(nextRun('yearly jan 1 01:00', new Date('2026-06-01T00:00:00Z'), AMS)?.toISOString(), '2027-01-01T00:00:00.000Z');
  });

  it('takes a parsed Schedule as well as text, and rejects bad schedules and unknown zones', () => {
    const schedule = parsed('daily 02:30');
    assert.equal(nextRun(schedule, new Date('2026-01-10T12:00:00Z'), 'UTC')?.toISOString(), '2026-01-11T02:30:00.000Z');
    assert.throws(() => nextRun('dayly 02:30', new Date(), AMS), /Invalid schedule 'dayly 02:30'/);
    assert.throws(() => nextRun('daily 02:30', new Date(), 'Mars/Olympus'), /Unknown time zone 'Mars\/Olympus'/);
    assert.equal(isKnownTimeZone(AMS), true);
    assert.equal(isKnownTimeZone('Mars/Olympus'), false);
  });
});
