// `backup/config/update` (home-assistant/core homeassistant/components/backup/websocket.py
// handle_config_update @187c7cc1) and what it does to the stored settings (backup/config.py
// BackupConfig.update, BackupSchedule.apply), plus CoreBackupReaderWriter.async_validate_config
// (backup/manager.py), which a Core install runs when it starts — not on an update.
//
// The schema is checked like voluptuous checks it: every error of the message is found, each is
// written as humanize_error writes it ("<msg>[ for dictionary value] @ data[...]. Got <repr>"), and
// several are sorted and joined with newlines (the websocket's `invalid_format`).
import { pyRepr, pyStr } from '../pyFormat';
import { PyFloat } from '../pyJson';
import { ManagerError } from './backupManager/errors';
import { offsetMinutes } from './backupManager/localTime';
import type { HomeAssistantBackupConfig } from './homeAssistantScenario';

type Path = (string | number)[];
type Validator = (path: Path, value: unknown) => unknown;

/** One voluptuous Invalid: its message, path, and whether it is about a dictionary's value. */
interface Invalid {
  msg: string;
  path: Path;
  dictValue: boolean;
}

/** vol.Invalid (one error) or vol.MultipleInvalid (several): its `path` is the first error's. */
class Failure extends Error {
  constructor(readonly errors: Invalid[]) {
    super(errors[0]?.msg ?? 'invalid');
  }
  get path(): Path {
    return this.errors[0]?.path ?? [];
  }
}

const fail = (msg: string, path: Path): Failure => new Failure([{ msg, path, dictValue: false }]);

function isDict(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof PyFloat);
}

/** A dict schema without extra keys (the default): `keys` by name, or `anyKey` for `{str: …}`. */
function mapping(keys: Record<string, Validator>, anyKey?: Validator): Validator {
  return (path, data) => {
    if (!isDict(data)) throw fail('expected a dictionary', path);
    const errors: Invalid[] = [];
    // A null prototype: a key "__proto__" is a key like any other.
    const out = Object.create(null) as Record<string, unknown>;
    for (const [key, value] of Object.entries(data)) {
      const keyPath = [...path, key];
      const validator = Object.hasOwn(keys, key) ? keys[key] : anyKey;
      if (!validator) {
        errors.push({ msg: 'extra keys not allowed', path: keyPath, dictValue: false });
        continue;
      }
      try {
        out[key] = validator(keyPath, value);
      } catch (e) {
        if (!(e instanceof Failure)) throw e;
        // An error about the value itself (not deeper in it) says "for dictionary value".
        for (const err of e.errors) errors.push(err.path.length <= keyPath.length ? { ...err, dictValue: true } : err);
      }
    }
    if (errors.length) throw new Failure(errors);
    return out;
  };
}

/** vol.Any: the first validator that passes; else the error that went deepest (the first of equals). */
function any(...validators: Validator[]): Validator {
  return (path, value) => {
    let error: Failure | undefined;
    for (const v of validators) {
      try {
        return v(path, value);
      } catch (e) {
        if (!(e instanceof Failure)) throw e;
        if (!error || e.path.length > error.path.length) error = e;
      }
    }
    throw error ?? fail('no valid value found', path);
  };
}

function all(...validators: Validator[]): Validator {
  return (path, value) => validators.reduce((v, validator) => validator(path, v), value);
}

/** `None` in a schema. */
const none: Validator = (path, value) => {
  if (value !== null) throw fail('not a valid value', path);
  return null;
};

/** `int`: isinstance(value, int) — a JSON integer, and (Python's bool being an int) true and false. */
const int: Validator = (path, value) => {
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isInteger(value))) return value;
  throw fail('expected int', path);
};

const bool: Validator = (path, value) => {
  if (typeof value !== 'boolean') throw fail('expected bool', path);
  return value;
};

const str: Validator = (path, value) => {
  if (typeof value !== 'string') throw fail('expected str', path);
  return value;
};

const rangeMin1: Validator = (path, value) => {
  if (Number(value) < 1) throw fail('value must be at least 1', path);
  return value;
};

/** `[item]`: a list whose every element passes `item`. */
function list(item: Validator): Validator {
  return (path, value) => {
    if (!Array.isArray(value)) throw fail('expected a list', path);
    const errors: Invalid[] = [];
    const out = value.map((v: unknown, i) => {
      try {
        return item([...path, i], v);
      } catch (e) {
        if (!(e instanceof Failure)) throw e;
        if (e.path.length > path.length + 1) throw e;
        errors.push(...e.errors);
        return undefined;
      }
    });
    if (errors.length) throw new Failure(errors);
    return out;
  };
}

/** vol.Unique (after `[str]`/`[Coerce(…)]`, so the items are strings). */
const unique: Validator = (path, value) => {
  const items = value as string[];
  const seen = new Set<string>();
  const dupes: string[] = [];
  for (const item of items) {
    if (seen.has(item) && !dupes.includes(item)) dupes.push(item);
    seen.add(item);
  }
  // Python lists the duplicates from a set (its order varies); here in the order they first repeat.
  if (dupes.length) throw fail(`contains duplicate items: ${pyRepr(dupes)}`, path);
  return value;
};

/** vol.Coerce(SomeStrEnum): one of its values, else "expected <Enum> or one of 'a', 'b'". */
function coerceEnum(name: string, values: readonly string[]): Validator {
  return (path, value) => {
    if (typeof value === 'string' && values.includes(value)) return value;
    throw fail(`expected ${name} or one of ${values.map((v) => pyRepr(v)).join(', ')}`, path);
  };
}

/** Python's int() of a string: blanks around, a sign, ASCII digits with single underscores between. */
function pyInt(s: string): number | null {
  const t = s.trim();
  return /^[+-]?\d+(_\d+)*$/.test(t) ? Number(t.replace(/_/g, '')) : null;
}

/**
 * cv.time (helpers/config_validation.py) with dt_util.parse_time: str(value) split on ":", hour and
 * minute and (if there) second as ints — anything after a third part is ignored. Returns the time's
 * isoformat ("HH:MM:SS"), which is how the config stores it (BackupSchedule.to_dict).
 */
const cvTime: Validator = (path, value) => {
  const parts = pyStr(value).split(':');
  const [h, m, s] = [pyInt(parts[0] ?? ''), pyInt(parts[1] ?? ''), parts.length > 2 ? pyInt(parts[2] ?? '') : 0];
  if (parts.length < 2 || h === null || m === null || s === null || h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59) {
    throw fail(`Invalid time specified: ${pyStr(value)}`, path);
  }
  return [h, m, s].map((n) => String(n).padStart(2, '0')).join(':');
};

const FOLDERS = ['share', 'addons/local', 'ssl', 'media'] as const;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const RECURRENCES = ['never', 'daily', 'custom_days'] as const;

/** Note: not cv.positive_int, which allows 0. */
const count = any(all(int, rangeMin1), none);
const retention = mapping({ copies: count, days: count });

const UPDATE_SCHEMA = mapping({
  id: (_path, v) => v,
  type: (_path, v) => v,
  agents: mapping({}, mapping({ protected: bool, retention: any(retention, none) })),
  automatic_backups_configured: bool,
  create_backup: mapping({
    agent_ids: all(list(str), unique),
    include_addons: any(all(list(str), unique), none),
    include_all_addons: bool,
    include_database: bool,
    include_folders: any(all(list(coerceEnum('Folder', FOLDERS)), unique), none),
    name: any(str, none),
    password: any(str, none),
  }),
  retention,
  schedule: mapping({
    days: any(all(list(coerceEnum('Day', DAYS)), unique)),
    recurrence: all(str, coerceEnum('ScheduleRecurrence', RECURRENCES)),
    time: any(cvTime, none),
  }),
});

interface RetentionChange {
  copies?: number | null;
  days?: number | null;
}

export interface ConfigChanges {
  agents?: Record<string, { protected?: boolean; retention?: RetentionChange | null }>;
  automatic_backups_configured?: boolean;
  create_backup?: Partial<HomeAssistantBackupConfig['create_backup']>;
  retention?: RetentionChange;
  schedule?: { days?: (typeof DAYS)[number][]; recurrence?: (typeof RECURRENCES)[number]; time?: string | null };
}

/** humanize_error: "<error>. Got <repr of the value at its path>", the repr cut at 500 characters. */
function humanize(msg: unknown, err: Invalid): string {
  let at: unknown = msg;
  for (const key of err.path) at = at !== null && typeof at === 'object' ? (at as Record<string | number, unknown>)[key] : undefined;
  let got = pyRepr(at);
  if (got.length > 500) got = `${got.slice(0, 497)}...`;
  const where = err.path.length ? ` @ data[${err.path.map((k) => pyRepr(k)).join('][')}]` : '';
  return `${err.msg}${err.dictValue ? ' for dictionary value' : ''}${where}. Got ${got}`;
}

/**
 * The message (as orjson read it: floats as PyFloat, so 5.0 is not an int) checked against the
 * command's schema. Returns the changes (`id` and `type` taken out); throws invalid_format.
 */
export function validateConfigUpdate(msg: Record<string, unknown>): ConfigChanges {
  try {
    const { id: _id, type: _type, ...changes } = UPDATE_SCHEMA([], msg) as Record<string, unknown>;
    return changes;
  } catch (e) {
    if (!(e instanceof Failure)) throw e;
    const message = e.errors
      .map((err) => humanize(msg, err))
      .sort()
      .join('\n');
    throw new ManagerError(message, { wsCode: 'invalid_format' });
  }
}

const retentionOf = (r: RetentionChange): { copies: number | null; days: number | null } => ({ copies: r.copies ?? null, days: r.days ?? null });

/**
 * BackupConfig.update on the config everyone shares (websocket API and backup manager). Omitted
 * top-level keys stay; `create_backup` keeps the keys not given; `retention` and `schedule` are
 * replaced whole (a key not given is back to its default: null, [], "never"). The deprecated
 * `schedule.state` of a new schedule is "never". A new agent entry is protected unless told otherwise.
 */
export function applyConfigUpdate(config: HomeAssistantBackupConfig, changes: ConfigChanges, now: { ms: number; timeZone: string }): void {
  for (const [agentId, change] of Object.entries(changes.agents ?? {})) {
    const newRetention = change.retention ? retentionOf(change.retention) : null;
    const old = Object.hasOwn(config.agents, agentId) ? config.agents[agentId] : undefined;
    if (!old) {
      const entry = { protected: change.protected ?? true, retention: newRetention };
      Object.defineProperty(config.agents, agentId, { value: entry, enumerable: true, writable: true, configurable: true });
    } else {
      if (change.protected !== undefined) old.protected = change.protected;
      if (change.retention !== undefined) old.retention = newRetention;
    }
  }
  if (changes.automatic_backups_configured !== undefined) config.automatic_backups_configured = changes.automatic_backups_configured;
  if (changes.create_backup) Object.assign(config.create_backup, changes.create_backup);
  if (changes.retention) config.retention = retentionOf(changes.retention);
  if (changes.schedule) {
    const s = changes.schedule;
    const schedule = { days: s.days ?? [], recurrence: s.recurrence ?? 'never', state: 'never', time: s.time ?? null };
    const old = config.schedule;
    const same = JSON.stringify([old.days, old.recurrence, old.state, old.time]) === JSON.stringify([schedule.days, schedule.recurrence, schedule.state, schedule.time]);
    if (!same) {
      config.schedule = schedule;
      applySchedule(config, now);
    }
  }
}

/**
 * Where each config's schedule stands: BackupSchedule.cron_event, the CronSim iterator of the schedule in
 * force, as the instant it last yielded (or was seeded with). A new schedule has none (cron_event None).
 */
const cronEvents = new WeakMap<HomeAssistantBackupConfig, number>();

/** BackupSchedule.apply for a new schedule: no cron iterator yet, then _schedule_next. */
export function applySchedule(config: HomeAssistantBackupConfig, now: { ms: number; timeZone: string }): void {
  cronEvents.delete(config);
  scheduleNext(config, now);
}

/**
 * BackupSchedule._schedule_next (also what runs when a scheduled backup fires, before it is made).
 * The cron pattern: minute and hour of `time` (default 04:45), every day or the custom days. Its iterator
 * is seeded with the last completed automatic backup (else now) the first time, and yields its next slot.
 * A slot already past (missed) is replaced once by the next daily time from now, the iterator reseeded a
 * day after now, and next_automatic_backup_additional tells whether that time comes before the pattern's
 * own next slot. Without a time, up to an hour of random jitter is added. Never (or custom days without
 * days): next_automatic_backup null (_unschedule_next).
 */
export function scheduleNext(config: HomeAssistantBackupConfig, now: { ms: number; timeZone: string }): void {
  const { recurrence, days, time } = config.schedule;
  if (recurrence === 'never' || (recurrence === 'custom_days' && days.length === 0)) {
    cronEvents.delete(config);
    config.next_automatic_backup = null;
    config.next_automatic_backup_additional = false;
    return;
  }
  const [hour = 4, minute = 45] = time ? time.split(':').map(Number) : [];
  const allDays = new Set<number>([0, 1, 2, 3, 4, 5, 6]);
  // Cron weekday numbers: sun = 0.
  const patternDays = recurrence === 'daily' ? allDays : new Set(days.map((d) => (DAYS.indexOf(d) + 1) % 7));
  let position = cronEvents.get(config);
  if (position === undefined) {
    const seedText = config.last_completed_automatic_backup;
    position = seedText && !Number.isNaN(Date.parse(seedText)) ? Date.parse(seedText) : now.ms;
  }
  let next = nextSlot(position, hour, minute, patternDays, now.timeZone);
  position = next;
  if (next < now.ms) {
    next = nextSlot(now.ms, hour, minute, allDays, now.timeZone);
    position = now.ms + 86_400_000;
    config.next_automatic_backup_additional = next < nextSlot(now.ms, hour, minute, patternDays, now.timeZone);
  } else {
    config.next_automatic_backup_additional = false;
  }
  cronEvents.set(config, position);
  if (time === null) next += Math.floor(Math.random() * 3601) * 1000;
  config.next_automatic_backup = isoSeconds(next, now.timeZone);
}

/**
 * A schedule whose next_automatic_backup was given (a scenario: Core computed it before the emulator
 * started): its cron iterator stands at that time, so the slot after it comes next.
 */
export function adoptSchedule(config: HomeAssistantBackupConfig, nextMs: number): void {
  cronEvents.set(config, nextMs);
}

/** The first hour:minute in `timeZone` on one of `weekdays` after the minute of `after` (cronsim). */
function nextSlot(after: number, hour: number, minute: number, weekdays: Set<number>, timeZone: string): number {
  const local = new Date(after + offsetMinutes(after, timeZone) * 60_000);
  const floor = after - (after % 60_000);
  for (let i = 0; i < 9; i++) {
    const day = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + i, hour, minute));
    if (!weekdays.has(day.getUTCDay())) continue;
    // Local wall time → instant (twice, to land on the right side of a change of offset).
    let at = day.getTime() - offsetMinutes(day.getTime(), timeZone) * 60_000;
    at = day.getTime() - offsetMinutes(at, timeZone) * 60_000;
    if (at > floor) return at;
  }
  return floor + 7 * 86_400_000;
}

/** datetime.isoformat() of a whole-second time in `timeZone`: 2026-12-01T04:45:00+01:00. */
function isoSeconds(ms: number, timeZone: string): string {
  const offset = offsetMinutes(ms, timeZone);
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  return `${local}${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * CoreBackupReaderWriter.async_validate_config, run when a Core install starts (async_setup), e.g.
 * after a backup of a Supervisor install was restored: the automatic-backup settings lose add-ons,
 * folders and the `hassio.*` agents (`hassio.local` becomes `backup.local`).
 */
export function validateCoreConfig(config: HomeAssistantBackupConfig): void {
  const c = config.create_backup;
  const isHassio = (id: string): boolean => id.startsWith('hassio.');
  if (!c.include_addons?.length && !c.include_all_addons && !c.include_folders?.length && !c.agent_ids.some(isHassio)) return;
  let agents = c.agent_ids.filter((id) => !isHassio(id));
  if (!agents.includes('backup.local') && c.agent_ids.includes('hassio.local')) agents = ['backup.local', ...agents];
  Object.assign(c, { agent_ids: agents, include_addons: null, include_all_addons: false, include_folders: null });
}
