// Schedules: the readable forms of the policy file, turned into one normalized 5-field cron
// expression, and the next/previous run in Home Assistant's time zone (through cron.ts).
//
//   daily 02:30                 30 2 * * *       every day
//   weekly mon 02:30            30 2 * * 1       also mon,thu · mon-fri · weekdays · weekend
//   monthly 1 01:00             0 1 1 * *        also 1,15 · 1-7 · last (the last day of the month)
//   yearly jan 1 01:00          0 1 1 1 *
//   hourly :15                  15 * * * *       `hourly` alone is :00
//   every 3 hours :15           15 */3 * * *     also `every 3h`; from midnight: 00:15, 03:15, …
//   30 2 * * *                  (5-field cron, as croner reads it; @daily and friends too)
//
// Keywords, weekday and month names are case-insensitive; "at" may stand before the time
// (`daily at 02:30`). Times are 24-hour HH:MM in Home Assistant's time zone. DST: see cron.ts.
import { checkCron, cronNext, cronNextRuns, cronPrevious } from './cron';
import { closestWord, didYouMean } from '../format/suggest';

export type ScheduleForm = 'daily' | 'weekly' | 'monthly' | 'yearly' | 'hourly' | 'every' | 'cron';

export interface Schedule {
  /** As written. */
  text: string;
  /** The normalized 5-field cron expression: minute hour day-of-month month day-of-week. */
  cron: string;
  form: ScheduleForm;
  /** In words, e.g. "every Monday and Thursday at 02:30". */
  description: string;
  /** Worth telling, not wrong: e.g. day 31 skips short months. */
  warnings: readonly string[];
}

/** An error with the offsets (into the schedule text) of the part that is wrong. */
export interface ScheduleError {
  message: string;
  start: number;
  end: number;
}

export type ScheduleResult = { ok: true; schedule: Schedule } | ({ ok: false } & ScheduleError);

export const SCHEDULE_KEYWORDS = ['daily', 'weekly', 'monthly', 'yearly', 'hourly', 'every'] as const;

export const SCHEDULE_EXAMPLES = [
  'daily 02:30',
  'weekly mon 02:30',
  'weekly mon,thu 02:30',
  'monthly 1 01:00',
  'monthly last 01:00',
  'yearly jan 1 01:00',
  'hourly :15',
  'every 3 hours',
  '30 2 * * *',
] as const;

const FORMS_HELP = `a schedule such as 'daily 02:30', 'weekly mon 02:30', 'monthly 1 01:00', 'yearly jan 1 01:00', 'hourly :15', 'every 3 hours' or a 5-field cron expression like '30 2 * * *'`;

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
/** Longer than this is no schedule; keeps error messages and work small. */
const MAX_LENGTH = 200;

interface Token {
  text: string;
  start: number;
  end: number;
}

class Fail extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

/** Results are immutable and the same schedules come up again and again (validation, warnings, runs). */
const parsedCache = new Map<string, ScheduleResult>();
const PARSED_CACHE_LIMIT = 512;

/** Parses a schedule; never throws. */
export function parseSchedule(text: string): ScheduleResult {
  const cached = parsedCache.get(text);
  if (cached) return cached;
  let result: ScheduleResult;
  try {
    result = { ok: true, schedule: Object.freeze(parseOrThrow(text)) };
  } catch (error) {
    if (error instanceof Fail) result = { ok: false, message: error.message, start: error.start, end: error.end };
    else result = { ok: false, message: error instanceof Error ? error.message : String(error), start: 0, end: text.length };
  }
  if (parsedCache.size >= PARSED_CACHE_LIMIT) parsedCache.delete(parsedCache.keys().next().value as string);
  parsedCache.set(text, Object.freeze(result));
  return result;
}

/** The first run strictly after `after`, in `timeZone` (an IANA name such as Europe/Amsterdam); null if none. */
export function nextRun(schedule: Schedule | string, after: Date, timeZone: string): Date | null {
  return cronNext(cronOf(schedule), after, timeZone);
}

/** Up to `count` runs strictly after `after`. */
export function nextRuns(schedule: Schedule | string, after: Date, timeZone: string, count: number): Date[] {
  return cronNextRuns(cronOf(schedule), after, timeZone, count);
}

/** The last run strictly before `before`, in `timeZone`; null if none. */
export function previousRun(schedule: Schedule | string, before: Date, timeZone: string): Date | null {
  return cronPrevious(cronOf(schedule), before, timeZone);
}

function cronOf(schedule: Schedule | string): string {
  if (typeof schedule !== 'string') return schedule.cron;
  const parsed = parseSchedule(schedule);
  if (!parsed.ok) throw new SyntaxError(`Invalid schedule '${schedule}': ${parsed.message}`);
  return parsed.schedule.cron;
}

function parseOrThrow(text: string): Schedule {
  if (text.length > MAX_LENGTH) throw new Fail(`a schedule is at most ${MAX_LENGTH} characters`, 0, text.length);
  const tokens = tokenize(text);
  const first = tokens[0];
  if (!first) throw new Fail(`the schedule is empty: expected ${FORMS_HELP}`, 0, text.length);
  const keyword = first.text.toLowerCase();
  const rest = tokens.slice(1);
  let schedule: Omit<Schedule, 'text' | 'warnings'> & { warnings?: string[] };
  switch (keyword) {
    case 'daily':
      schedule = daily(first, rest);
      break;
    case 'weekly':
      schedule = weekly(first, rest);
      break;
    case 'monthly':
      schedule = monthly(first, rest);
      break;
    case 'yearly':
      schedule = yearly(first, rest);
      break;
    case 'hourly':
      schedule = hourly(first, rest);
      break;
    case 'every':
      schedule = every(first, rest);
      break;
    default:
      schedule = cron(text, tokens);
  }
  const warnings = Object.freeze([...(schedule.warnings ?? [])]);
  return { text, cron: schedule.cron, form: schedule.form, description: schedule.description, warnings };
}

/** Whitespace-separated tokens; a list with spaces after its commas (`mon, thu`) stays one token. */
function tokenize(text: string): Token[] {
  const raw: Token[] = [];
  for (const match of text.matchAll(/\S+/g)) raw.push({ text: match[0], start: match.index, end: match.index + match[0].length });
  const tokens: Token[] = [];
  for (const token of raw) {
    const previous = tokens[tokens.length - 1];
    if (previous && tokens.length > 1 && (previous.text.endsWith(',') || token.text.startsWith(','))) {
      tokens[tokens.length - 1] = { text: previous.text + token.text, start: previous.start, end: token.end };
    } else {
      tokens.push(token);
    }
  }
  return tokens;
}

interface Time {
  hour: number;
  minute: number;
}

/** `[at] HH:MM` and nothing after it. */
function time(keyword: Token, rest: Token[], example: string): Time {
  const tokens = rest[0]?.text.toLowerCase() === 'at' ? rest.slice(1) : rest;
  const token = tokens[0];
  const end = rest[rest.length - 1]?.end ?? keyword.end;
  if (!token) throw new Fail(`missing the time (24-hour HH:MM), e.g. '${example}'`, keyword.start, end);
  const match = /^(\d{1,2}):(\d{2})$/.exec(token.text);
  if (!match) throw new Fail(`'${token.text}' is not a time: expected 24-hour HH:MM, e.g. '${example}'`, token.start, token.end);
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  if (hour > 23 || minute > 59) throw new Fail(`'${token.text}' is not a time of day (00:00 to 23:59)`, token.start, token.end);
  unexpected(tokens.slice(1));
  return { hour, minute };
}

function unexpected(tokens: Token[]): void {
  const extra = tokens[0];
  if (!extra) return;
  const last = tokens[tokens.length - 1] as Token;
  throw new Fail(`unexpected '${extra.text}' at the end of the schedule`, extra.start, last.end);
}

const hhmm = ({ hour, minute }: Time) => `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;

function daily(keyword: Token, rest: Token[]) {
  const at = time(keyword, rest, 'daily 02:30');
  return { cron: `${at.minute} ${at.hour} * * *`, form: 'daily' as const, description: `every day at ${hhmm(at)}` };
}

function weekly(keyword: Token, rest: Token[]) {
  const daysToken = rest[0];
  if (!daysToken || /^\d{1,2}:\d{2}$/.test(daysToken.text) || daysToken.text.toLowerCase() === 'at') {
    throw new Fail(`missing the weekday(s), e.g. 'weekly mon 02:30' or 'weekly mon,thu 02:30'`, keyword.start, daysToken?.end ?? keyword.end);
  }
  const days = weekdays(daysToken);
  const at = time(daysToken, rest.slice(1), `weekly ${daysToken.text} 02:30`);
  const names = [...days].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7)).map((day) => WEEKDAY_NAMES[day] as string);
  return { cron: `${at.minute} ${at.hour} * * ${days.join(',')}`, form: 'weekly' as const, description: `every ${listWords(names)} at ${hhmm(at)}` };
}

/** `mon,thu`, `mon-fri`, `weekdays`, `weekend`: sorted cron day numbers (0 = Sunday). */
function weekdays(token: Token): number[] {
  const days = new Set<number>();
  for (const part of parts(token)) {
    const word = part.text.toLowerCase();
    if (word === 'weekdays') [1, 2, 3, 4, 5].forEach((day) => days.add(day));
    else if (word === 'weekend' || word === 'weekends') [6, 0].forEach((day) => days.add(day));
    else if (word.includes('-')) {
      const [from, to] = word.split('-', 2).map((name) => weekday(name, part));
      if (from === undefined || to === undefined) throw new Fail(`'${part.text}' is not a range of weekdays such as mon-fri`, part.start, part.end);
      for (let day = from; ; day = (day + 1) % 7) {
        days.add(day);
        if (day === to) break;
      }
    } else days.add(weekday(word, part));
  }
  return [...days].sort((a, b) => a - b);
}

function weekday(word: string, part: Token): number {
  const name = word.toLowerCase();
  const index = WEEKDAYS.findIndex((day, i) => name === day || name === (WEEKDAY_NAMES[i] as string).toLowerCase());
  if (index !== -1) return index;
  const allowed = [...WEEKDAYS, ...WEEKDAY_NAMES.map((day) => day.toLowerCase()), 'weekdays', 'weekend'];
  throw new Fail(`'${word}' is not a weekday${didYouMean(word, allowed)}: use mon, tue, wed, thu, fri, sat, sun, weekdays or weekend`, part.start, part.end);
}

/** The comma-separated items of a token, with their own offsets. */
function parts(token: Token): Token[] {
  const result: Token[] = [];
  for (const match of token.text.matchAll(/[^,\s]+|,(?=\s*(,|$))/g)) {
    const start = token.start + match.index;
    if (match[0] === ',') throw new Fail(`empty item in the list '${token.text}'`, start, start + 1);
    result.push({ text: match[0], start, end: start + match[0].length });
  }
  if (token.text.startsWith(',')) throw new Fail(`empty item in the list '${token.text}'`, token.start, token.start + 1);
  return result;
}

function monthly(keyword: Token, rest: Token[]) {
  const daysToken = rest[0];
  if (!daysToken || /^\d{1,2}:\d{2}$/.test(daysToken.text) || daysToken.text.toLowerCase() === 'at') {
    throw new Fail(`missing the day of the month, e.g. 'monthly 1 01:00' or 'monthly last 01:00'`, keyword.start, daysToken?.end ?? keyword.end);
  }
  const warnings: string[] = [];
  const days = new Set<number>();
  let last = false;
  for (const part of parts(daysToken)) {
    const word = part.text.toLowerCase();
    if (word === 'last') {
      last = true;
      continue;
    }
    const range = /^(\d{1,2})(?:-(\d{1,2}))?$/.exec(word);
    const from = Number(range?.[1]);
    const to = range?.[2] === undefined ? from : Number(range[2]);
    if (!range || from < 1 || to > 31 || from > to) {
      throw new Fail(`'${part.text}' is not a day of the month: use 1 to 31, a range such as 1-7, or last`, part.start, part.end);
    }
    for (let day = from; day <= to; day++) days.add(day);
  }
  const at = time(daysToken, rest.slice(1), `monthly ${daysToken.text} 01:00`);
  const sorted = [...days].sort((a, b) => a - b);
  const high = sorted.filter((day) => day > 28);
  if (high.length > 0) warnings.push(`months without a day ${high.join('/')} are skipped on that day; 'last' is the last day of every month`);
  const field = [...sorted.map(String), ...(last ? ['L'] : [])].join(',');
  const words = [...sorted.map(String), ...(last ? ['the last day'] : [])];
  const description = sorted.length === 0 ? `on the last day of every month at ${hhmm(at)}` : `on day ${listWords(words)} of every month at ${hhmm(at)}`;
  return { cron: `${at.minute} ${at.hour} ${field} * *`, form: 'monthly' as const, description, warnings };
}

function yearly(keyword: Token, rest: Token[]) {
  const monthToken = rest[0];
  const dayToken = rest[1];
  if (!monthToken || !dayToken) {
    throw new Fail(`expected the month and day, e.g. 'yearly jan 1 01:00'`, keyword.start, rest[rest.length - 1]?.end ?? keyword.end);
  }
  const monthWord = monthToken.text.toLowerCase();
  const month = MONTHS.findIndex((name, i) => monthWord === name || monthWord === (MONTH_NAMES[i] as string).toLowerCase());
  if (month === -1) {
    throw new Fail(`'${monthToken.text}' is not a month${didYouMean(monthWord, MONTHS)}: use jan, feb, … dec`, monthToken.start, monthToken.end);
  }
  const day = /^\d{1,2}$/.test(dayToken.text) ? Number(dayToken.text) : NaN;
  const maxDay = MONTH_DAYS[month] as number;
  if (!(day >= 1 && day <= maxDay)) {
    throw new Fail(`'${dayToken.text}' is not a day of ${MONTH_NAMES[month]} (1 to ${maxDay})`, dayToken.start, dayToken.end);
  }
  const warnings = month === 1 && day === 29 ? ['February 29 exists only in leap years: this runs every four years'] : [];
  const at = time(dayToken, rest.slice(2), `yearly ${monthToken.text} ${dayToken.text} 01:00`);
  return {
    cron: `${at.minute} ${at.hour} ${day} ${month + 1} *`,
    form: 'yearly' as const,
    description: `every year on ${MONTH_NAMES[month]} ${day} at ${hhmm(at)}`,
    warnings,
  };
}

/** `[at] :MM` (or `MM`), optional: the minute past the hour. */
function minutePast(rest: Token[]): number {
  const tokens = rest[0]?.text.toLowerCase() === 'at' ? rest.slice(1) : rest;
  const token = tokens[0];
  if (!token) {
    if (rest.length > 0) throw new Fail(`missing the minute after 'at', e.g. ':15'`, (rest[0] as Token).start, (rest[0] as Token).end);
    return 0;
  }
  const match = /^:?(\d{1,2})$/.exec(token.text);
  const minute = Number(match?.[1]);
  if (!match || minute > 59) throw new Fail(`'${token.text}' is not a minute past the hour: expected :00 to :59, e.g. ':15'`, token.start, token.end);
  unexpected(tokens.slice(1));
  return minute;
}

function hourly(_keyword: Token, rest: Token[]) {
  const minute = minutePast(rest);
  return { cron: `${minute} * * * *`, form: 'hourly' as const, description: `every hour at :${String(minute).padStart(2, '0')}` };
}

function every(keyword: Token, rest: Token[]) {
  const count = rest[0];
  if (!count) throw new Fail(`expected a number of hours, e.g. 'every 3 hours'`, keyword.start, keyword.end);
  let hours: number;
  let after: Token[];
  const compact = /^(\d+)h$/i.exec(count.text);
  if (compact) {
    hours = Number(compact[1]);
    after = rest.slice(1);
  } else {
    if (!/^\d+$/.test(count.text)) throw new Fail(`'${count.text}' is not a number of hours, e.g. 'every 3 hours'`, count.start, count.end);
    hours = Number(count.text);
    const unit = rest[1];
    if (!unit) throw new Fail(`missing 'hours' after the number, e.g. 'every ${count.text} hours'`, count.start, count.end);
    const word = unit.text.toLowerCase();
    if (word !== 'hours' && word !== 'hour' && word !== 'h') {
      const hint = ['minute', 'minutes', 'min', 'day', 'days'].includes(word) ? ` (for days use 'daily', for minutes a cron expression)` : didYouMean(word, ['hours']);
      throw new Fail(`'${unit.text}' is not a unit here: only 'hours' is${hint}`, unit.start, unit.end);
    }
    after = rest.slice(2);
  }
  if (!(hours >= 1 && hours <= 23)) throw new Fail(`every ${count.text} hours: use 1 to 23 hours (for once a day use 'daily')`, count.start, count.end);
  const minute = minutePast(after);
  const warnings =
    24 % hours === 0 ? [] : [`24 is not a multiple of ${hours}: the runs restart at midnight, so the last gap of each day is ${24 - hours * Math.floor(23 / hours)} hours`];
  const mm = String(minute).padStart(2, '0');
  return {
    cron: hours === 1 ? `${minute} * * * *` : `${minute} */${hours} * * *`,
    form: 'every' as const,
    description: hours === 1 ? `every hour at :${mm}` : `every ${hours} hours from midnight (00:${mm}, ${String(hours).padStart(2, '0')}:${mm}, …)`,
    warnings,
  };
}

function cron(text: string, tokens: Token[]) {
  const first = tokens[0] as Token;
  const looksLikeCron = first.text.startsWith('@') || tokens.length === 5 || /^[\d*]/.test(first.text);
  if (!looksLikeCron) {
    const suggestion = closestWord(first.text, SCHEDULE_KEYWORDS);
    const hint = suggestion ? `did you mean '${suggestion}'? ` : '';
    throw new Fail(`'${first.text}' does not start a schedule: ${hint}expected ${FORMS_HELP}`, first.start, first.end);
  }
  if (!first.text.startsWith('@') && tokens.length !== 5) {
    throw new Fail(
      `a cron expression has exactly 5 fields (minute hour day-of-month month day-of-week), this has ${tokens.length}`,
      first.start,
      tokens[tokens.length - 1]?.end ?? text.length,
    );
  }
  const end = tokens[tokens.length - 1]?.end ?? text.length;
  const checked = checkCron(text);
  if (!checked.ok) throw new Fail(`invalid cron expression: ${checked.message}`, first.start, end);
  const runs = cronNextRuns(checked.cron, CHECK_FROM, 'UTC', 6);
  if (runs.length === 0) throw new Fail(`the cron expression '${checked.cron}' never runs (no such date)`, first.start, end);
  return { cron: checked.cron, form: 'cron' as const, description: `cron ${checked.cron}`, warnings: frequencyWarnings(runs) };
}

const CHECK_FROM = new Date(Date.UTC(2024, 0, 1));

/** A warning when the schedule runs more often than once an hour (the readable forms never do). */
function frequencyWarnings(runs: readonly Date[]): string[] {
  let shortest = Infinity;
  for (let i = 1; i < runs.length; i++) shortest = Math.min(shortest, (runs[i] as Date).getTime() - (runs[i - 1] as Date).getTime());
  if (shortest >= 60 * 60 * 1000) return [];
  const minutes = Math.round(shortest / 60_000);
  return [`this runs every ${minutes === 1 ? 'minute' : `${minutes} minutes`}: backups take minutes and use space; is that meant?`];
}

function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
