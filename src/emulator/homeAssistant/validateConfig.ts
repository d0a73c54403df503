// `validate_config` (home-assistant/core websocket_api/commands.py handle_validate_config): each of
// `triggers`, `conditions`, `actions` given (also the singular spellings, renamed as
// automation/config.py's _backward_compat_schema does) is validated as in an automation and answered
// `{key: {valid, error}}`. Emulated for what this project writes: time and time_pattern triggers,
// time and template conditions, service-call actions; any other kind is answered as Home Assistant
// answers an unknown one. Messages follow voluptuous' wording (`… @ data[0]['at']`).

type Result = { valid: true; error: null } | { valid: false; error: string };

const TIME = /^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const PATTERN = /^(\*|\/\d+|\d+)$/;

class Invalid extends Error {}

const fail = (message: string, path: (string | number)[]): never => {
  throw new Invalid(`${message} @ data${path.map((p) => (typeof p === 'number' ? `[${p}]` : `['${p}']`)).join('')}`);
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function extraKeys(item: Record<string, unknown>, allowed: string[], path: (string | number)[]): void {
  const extra = Object.keys(item).find((k) => !allowed.includes(k));
  if (extra !== undefined) fail('extra keys not allowed', [...path, extra]);
}

function trigger(item: unknown, i: number): void {
  if (!isObject(item)) return fail('expected a dictionary', [i]);
  const kind = item.trigger ?? item.platform;
  const keys = ['trigger', 'platform', 'id', 'enabled', 'variables'];
  if (kind === 'time') {
    extraKeys(item, [...keys, 'at', 'offset'], [i]);
    const at = list(item.at);
    if (at.length === 0) fail('required key not provided', [i, 'at']);
    at.forEach((t) =>
      typeof t === 'string' && (TIME.test(t) || /^(input_datetime|sensor)\.\w+$/.test(t)) ? undefined : fail(`Invalid time specified: ${String(t)}`, [i, 'at']),
    );
  } else if (kind === 'time_pattern') {
    extraKeys(item, [...keys, 'hours', 'minutes', 'seconds'], [i]);
    const given = ['hours', 'minutes', 'seconds'].filter((k) => item[k] !== undefined);
    if (!given.length) fail('Must specify one of hours, minutes or seconds', [i]);
    for (const k of given) if (!PATTERN.test(String(item[k]))) fail('invalid pattern', [i, k]);
  } else {
    fail(`Invalid trigger '${String(kind)}' specified`, [i]);
  }
}

function condition(item: unknown, i: number): void {
  if (!isObject(item)) return fail('expected a dictionary', [i]);
  if (item.condition === 'time') {
    extraKeys(item, ['condition', 'after', 'before', 'weekday', 'alias', 'enabled'], [i]);
    if (item.after === undefined && item.before === undefined && item.weekday === undefined) fail('must contain at least one of before, after, weekday.', [i]);
    for (const k of ['after', 'before']) if (item[k] !== undefined && !(typeof item[k] === 'string' && TIME.test(item[k]))) fail('Invalid time specified', [i, k]);
    for (const day of list(item.weekday)) if (!WEEKDAYS.includes(String(day))) fail(`value must be one of [${WEEKDAYS.map((d) => `'${d}'`).join(', ')}]`, [i, 'weekday']);
  } else if (item.condition === 'template') {
    extraKeys(item, ['condition', 'value_template', 'alias', 'enabled'], [i]);
    if (typeof item.value_template !== 'string') fail('required key not provided', [i, 'value_template']);
    else if ((item.value_template.match(/\{\{/g) ?? []).length !== (item.value_template.match(/\}\}/g) ?? []).length) fail('invalid template', [i, 'value_template']);
  } else {
    fail(`Invalid condition "${String(item.condition)}" specified`, [i]);
  }
}

function action(item: unknown, i: number): void {
  if (!isObject(item)) return fail('expected a dictionary', [i]);
  const service = item.action ?? item.service;
  if (service === undefined) fail('Unable to determine action', [i]);
  if (item.action !== undefined && item.service !== undefined) fail("Cannot specify both 'service' and 'action'. Please use 'action' only.", [i]);
  extraKeys(item, ['action', 'service', 'data', 'target', 'alias', 'enabled', 'continue_on_error', 'response_variable', 'metadata'], [i]);
  if (typeof service !== 'string' || !/^[a-z0-9_]+\.[a-z0-9_]+$/.test(service)) fail(`Service ${String(service)} does not match format <domain>.<name>`, [i, 'action']);
  if (item.data !== undefined && !isObject(item.data)) fail('expected a dictionary', [i, 'data']);
}

const CHECKS: Record<string, (item: unknown, i: number) => void> = { triggers: trigger, conditions: condition, actions: action };
const SINGULAR: Record<string, string> = { trigger: 'triggers', condition: 'conditions', action: 'actions' };

/** The answer to a `validate_config` message; an Error with voluptuous' text for a malformed message. */
export function validateConfig(msg: Record<string, unknown>): Record<string, Result> {
  const answer: Record<string, Result> = {};
  for (const [key, value] of Object.entries(msg)) {
    if (key === 'id' || key === 'type') continue;
    const plural = SINGULAR[key] ?? key;
    const check = CHECKS[plural];
    if (!check) throw new Error(`extra keys not allowed @ data['${key}']. Got ${JSON.stringify(value)}`);
    try {
      list(value).forEach((item, i) => check(item, i));
      answer[plural] = { valid: true, error: null };
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      answer[plural] = { valid: false, error: e.message };
    }
  }
  return answer;
}
