// A policy's schedule as Home Assistant triggers and conditions. Worked out from the schedule's
// normalized cron (schedule.ts), so the readable forms and cron expressions take the same road:
//
//   daily 02:30            30 2 * * *      time trigger at 02:30:00
//   weekly mon,thu 02:30   30 2 * * 1,4    time trigger + time condition weekday [mon, thu]
//   monthly 1,15 01:00     0 1 1,15 * *    time trigger + template condition now().day in [1, 15]
//   monthly last 01:00     0 1 L * *       time trigger + template condition: tomorrow is the 1st
//   yearly jan 1 01:00     0 1 1 1 *       time trigger + template condition on month and day
//   hourly :15             15 * * * *      time_pattern minutes 15
//   every 3 hours :15      15 */3 * * *    time_pattern hours /3, minutes 15 (from midnight, as cron)
//
// A cron expression that restricts both day of month and weekday (cron ORs them), uses steps or ranges
// in other fields, or runs more often than hourly cannot be written this way: it is refused by name.
import type { Schedule } from '../../policy';

export interface ScheduleParts {
  triggers: Record<string, unknown>[];
  conditions: Record<string, unknown>[];
  /** Runs at most once a day: generational tiers can be chosen by the day. */
  daily: boolean;
}

const WEEKDAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export class DeployRefusal extends Error {}

export function scheduleParts(schedule: Schedule): ScheduleParts {
  const refuse = (why: string): never => {
    throw new DeployRefusal(`the schedule '${schedule.text}' (${schedule.cron}) cannot be written as a Home Assistant trigger: ${why}`);
  };
  const fields = schedule.cron.trim().split(/\s+/);
  if (fields.length !== 5) refuse('it is not a 5-field cron expression');
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  if (!/^\d+$/.test(minute)) refuse('it runs more than once an hour (or at several minutes)');
  const m = Number(minute);
  const hourStep = /^\*\/(\d+)$/.exec(hour);
  if (hour === '*' || hourStep) {
    if (dom !== '*' || month !== '*' || dow !== '*') refuse('an hourly schedule limited to some days is not supported');
    const trigger: Record<string, unknown> = { trigger: 'time_pattern', ...(hourStep ? { hours: `/${hourStep[1]}` } : {}), minutes: m };
    return { triggers: [trigger], conditions: [], daily: false };
  }
  if (!/^\d+$/.test(hour)) refuse('it runs at several hours of the day');
  const at = `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}:00`;
  const conditions: Record<string, unknown>[] = [];
  const days = dow === '*' ? undefined : expand(dow, 0, 7, refuse);
  if (dom !== '*' && days) refuse('it limits both the day of the month and the weekday, which cron combines with OR');
  if (days) {
    const keys = [...new Set(days.map((d) => WEEKDAY_KEYS[d % 7] as string))];
    if (keys.length < 7) conditions.push({ condition: 'time', weekday: WEEKDAY_ORDER.filter((k) => keys.includes(k)) });
  }
  const tests: string[] = [];
  if (month !== '*') {
    const months = expand(month, 1, 12, refuse);
    tests.push(months.length === 1 ? `now().month == ${months[0]}` : `now().month in [${months.join(', ')}]`);
  }
  if (dom !== '*') {
    const parts = dom.split(',');
    const last = parts.includes('L');
    const numbers = parts.filter((p) => p !== 'L').length ? expand(parts.filter((p) => p !== 'L').join(','), 1, 31, refuse) : [];
    const dayTests = [
      ...(numbers.length === 1 ? [`now().day == ${numbers[0]}`] : numbers.length ? [`now().day in [${numbers.join(', ')}]`] : []),
      ...(last ? ['(now() + timedelta(days=1)).day == 1'] : []),
    ];
    tests.push(dayTests.length === 1 ? (dayTests[0] as string) : `(${dayTests.join(' or ')})`);
  }
  if (tests.length) conditions.push({ condition: 'template', value_template: `{{ ${tests.join(' and ')} }}` });
  return { triggers: [{ trigger: 'time', at }], conditions, daily: true };
}

const WEEKDAY_ORDER = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** A cron list of numbers and ranges (`1,3-5`) → the numbers; anything else is refused. */
function expand(field: string, min: number, max: number, refuse: (why: string) => never): number[] {
  const out: number[] = [];
  for (const part of field.split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) refuse(`'${field}' is not a list of numbers`);
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (from < min || to > max || from > to) refuse(`'${field}' is out of range`);
    for (let n = from; n <= to; n++) out.push(n);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}
