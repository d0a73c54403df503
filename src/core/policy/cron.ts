// The one place that talks to the cron library (croner, https://croner.56k.guru). Everything else
// in the policy module goes through these functions, so that swapping the library touches one file.
//
// Semantics (croner's, with the options below):
// - 5-field expressions only: minute hour day-of-month month day-of-week. Names (mon, jan), ranges,
//   lists, steps (*/3, 1-5/2) and croner's L (last day of the month), W and # are allowed, as are the
//   nicknames @hourly @daily @weekly @monthly @yearly @annually (turned into 5 fields).
// - Day of month and day of week both restricted: either matches (Vixie cron's OR).
// - Time zones and DST: times are wall-clock times in the given IANA zone. A "fixed-time" schedule
//   (minute and hour without * or a step, e.g. 30 2 * * * or 30 2,14 * * 1) that falls into the
//   spring-forward gap runs at the first valid time after the gap (03:00 for 02:30 in Europe/Amsterdam),
//   and a time that occurs twice in autumn runs once, at its first occurrence. Interval schedules
//   (*/3 hours, every hour) run at every real occurrence: the hour that does not exist is skipped,
//   the hour that exists twice runs twice.
import { Cron } from 'croner';

export type CronCheck = { ok: true; cron: string } | { ok: false; message: string };

const OPTIONS = { mode: '5-part', fixedTimeRule: 'no-wildcard', domAndDow: false } as const;

/** Checks a 5-field expression (or nickname) and returns it normalized: single spaces, nicknames expanded. */
export function checkCron(expression: string): CronCheck {
  const trimmed = expression.trim().replace(/\s+/g, ' ');
  try {
    const cron = new Cron(trimmed, { ...OPTIONS, timezone: 'UTC' });
    return { ok: true, cron: cron.getPattern() ?? trimmed };
  } catch (error) {
    return { ok: false, message: cronMessage(error) };
  }
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone }).format(0);
    return true;
  } catch {
    return false;
  }
}

/** The first run strictly after `after` (whole seconds), or null when the expression never matches again. */
export function cronNext(expression: string, after: Date, timeZone: string): Date | null {
  return job(expression, timeZone).nextRun(after);
}

/** Up to `count` runs strictly after `after`, in order. */
export function cronNextRuns(expression: string, after: Date, timeZone: string, count: number): Date[] {
  return job(expression, timeZone).nextRuns(count, after);
}

/** The last run strictly before `before`, or null when there is none. */
export function cronPrevious(expression: string, before: Date, timeZone: string): Date | null {
  return job(expression, timeZone).previousRuns(1, before)[0] ?? null;
}

/** Cron objects are small but parsing on every call adds up in a scheduler loop; keep a few. */
const cache = new Map<string, Cron>();
const CACHE_LIMIT = 64;

function job(expression: string, timeZone: string): Cron {
  if (!isKnownTimeZone(timeZone)) throw new RangeError(`Unknown time zone '${timeZone}'`);
  const key = `${timeZone}\u0000${expression}`;
  let cron = cache.get(key);
  if (!cron) {
    try {
      cron = new Cron(expression, { ...OPTIONS, timezone: timeZone });
    } catch (error) {
      throw new SyntaxError(`Invalid cron expression '${expression}': ${cronMessage(error)}`, { cause: error });
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, cron);
  }
  return cron;
}

function cronMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Cron(Pattern|Date)?:\s*/, '');
}
