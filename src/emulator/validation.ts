// A small re-implementation of the parts of voluptuous (0.16) the Supervisor's request schemas
// use, including its error paths and `humanize_error` text, because clients see those messages.
import { pyRepr } from './pyFormat';
import { PyFloat } from './pyJson';

export type Path = readonly (string | number)[];

export class Invalid extends Error {
  /** voluptuous `error_type`, e.g. "dictionary value". */
  errorType: string | undefined;
  constructor(
    readonly msgText: string,
    readonly path: Path,
  ) {
    super(msgText);
  }
  override toString(): string {
    let out = this.msgText;
    if (this.errorType) out += ` for ${this.errorType}`;
    if (this.path.length > 0) out += ` @ data[${this.path.map((p) => (typeof p === 'number' ? String(p) : pyRepr(p))).join('][')}]`;
    return out;
  }
}

export class MultipleInvalid extends Invalid {
  constructor(readonly errors: Invalid[]) {
    super(errors[0]?.msgText ?? 'invalid', errors[0]?.path ?? []);
  }
}

/** A validator returns the (possibly converted) value or throws Invalid. */
export type Validator = (value: unknown, path: Path) => unknown;

/** Python truthiness of a JSON value (a float is false only when it is 0.0). */
function truthy(v: unknown): boolean {
  if (v instanceof PyFloat) return v.value !== 0;
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof PyFloat);
}

/** `str` in a schema: isinstance check. */
export const str: Validator = (v, path) => {
  if (typeof v !== 'string') throw new Invalid('expected str', path);
  return v;
};

/** `dict` in a schema: isinstance check. */
export const dictType: Validator = (v, path) => {
  if (!isDict(v)) throw new Invalid('expected dict', path);
  return v;
};

/** `vol.Boolean()`: strings are parsed, anything else is Python-truthiness (so 5 → True, null → False). */
export const boolean: Validator = (v, path) => {
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (['1', 'true', 'yes', 'on', 'enable'].includes(s)) return true;
    if (['0', 'false', 'no', 'off', 'disable'].includes(s)) return false;
    throw new Invalid('expected boolean', path);
  }
  return truthy(v);
};

/** A literal value in a schema (e.g. `None`, `"ALL"`). */
export function literal(expected: unknown): Validator {
  return (v, path) => {
    if (v !== expected) throw new Invalid('not a valid value', path);
    return v;
  };
}

/** `vol.Any`: first success wins; on failure the error with the longest path (first on ties). */
export function any(...validators: Validator[]): Validator {
  return (v, path) => {
    let error: Invalid | undefined;
    for (const validate of validators) {
      try {
        return validate(v, path);
      } catch (e) {
        if (!(e instanceof Invalid)) throw e;
        if (!error || e.path.length > error.path.length) error = e;
      }
    }
    throw error ?? new Invalid('no valid value found', path);
  };
}

/** `vol.Maybe(x)` = `Any(None, x)`. */
export function maybe(validator: Validator): Validator {
  return any(literal(null), validator);
}

/** `vol.All`: pipe the value through every validator. */
export function all(...validators: Validator[]): Validator {
  return (v, path) => validators.reduce((acc, validate) => validate(acc, path), v);
}

/** A plain Python function used as a validator (no errors of its own). */
export function transform(fn: (v: unknown) => unknown): Validator {
  return (v) => fn(v);
}

/** `[validator]`: a list whose items all pass; item errors are collected. */
export function listOf(validator: Validator): Validator {
  return (v, path) => {
    if (!Array.isArray(v)) throw new Invalid('expected a list', path);
    const out: unknown[] = [];
    const errors: Invalid[] = [];
    v.forEach((item: unknown, i) => {
      const itemPath = [...path, i];
      try {
        out.push(validator(item, itemPath));
      } catch (e) {
        if (!(e instanceof Invalid)) throw e;
        if (e.path.length > itemPath.length) throw e;
        errors.push(e);
      }
    });
    if (errors.length > 0) throw new MultipleInvalid(errors);
    return out;
  };
}

/** `vol.Unique()`. */
export const unique: Validator = (v, path) => {
  const list = v as unknown[];
  const seen = new Set<string>();
  const dupes: unknown[] = [];
  const dupeKeys = new Set<string>();
  for (const item of list) {
    const key = JSON.stringify(item);
    if (seen.has(key) && !dupeKeys.has(key)) {
      dupes.push(item);
      dupeKeys.add(key);
    }
    seen.add(key);
  }
  if (dupes.length > 0) throw new Invalid(`contains duplicate items: ${pyRepr(dupes)}`, path);
  return v;
};

/** `vol.In(container)`. */
export function oneOf(container: readonly unknown[]): Validator {
  return (v, path) => {
    if (!container.includes(v)) {
      const sorted = [...container].map((c) => String(c)).sort();
      throw new Invalid(`value must be one of ${pyRepr(sorted)}`, path);
    }
    return v;
  };
}

/** `vol.Match(pattern)`; `source` is the Python pattern text shown in the message. */
export function match(re: RegExp, source: string): Validator {
  return (v, path) => {
    if (typeof v !== 'string') throw new Invalid('expected string or buffer', path);
    if (!re.test(v)) throw new Invalid(`does not match regular expression ${source}`, path);
    return v;
  };
}

/**
 * `int` in a schema: isinstance check (a Python bool is an int too). A float is not an int, even
 * 5.0: request bodies are parsed with floats kept apart (pyJson.ts), as orjson does.
 */
export const intType: Validator = (v, path) => {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Invalid('expected int', path);
  return v;
};

/** `vol.Coerce(int)` with Python's `int()` rules for JSON values (a float is truncated). */
export const coerceInt: Validator = (v, path) => {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat && Number.isFinite(v.value)) return Math.trunc(v.value);
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^\s*[+-]?\d+(_\d+)*\s*$/.test(v)) return Number.parseInt(v.replace(/_/g, ''), 10);
  throw new Invalid('expected int', path);
};

/** `vol.Range(min=…)`. */
export function atLeast(min: number): Validator {
  return (v, path) => {
    const n = v instanceof PyFloat ? v.value : (v as number);
    if (n < min) throw new Invalid(`value must be at least ${min}`, path);
    return v;
  };
}

export interface Field {
  validator: Validator;
  /** Inserted (and validated) when the key is missing, like `vol.Optional(default=…)`. */
  default?: () => unknown;
}

export type ExtraMode = 'prevent' | 'remove' | 'allow';

/** `vol.Schema({...})` over a mapping of optional keys. */
export function schema(fields: Record<string, Field>, extra: ExtraMode = 'prevent'): Validator {
  return (v, path) => {
    if (!isDict(v)) throw new Invalid('expected a dictionary', path);
    const values = new Map<string, unknown>(Object.entries(v));
    for (const [key, field] of Object.entries(fields)) {
      if (field.default && !values.has(key)) values.set(key, field.default());
    }
    const out: Record<string, unknown> = {};
    const errors: Invalid[] = [];
    for (const [key, value] of values) {
      const keyPath = [...path, key];
      const field = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : undefined;
      if (!field) {
        if (extra === 'allow') out[key] = value;
        else if (extra === 'prevent') errors.push(new Invalid('extra keys not allowed', keyPath));
        continue;
      }
      try {
        out[key] = field.validator(value, keyPath);
      } catch (e) {
        if (!(e instanceof Invalid)) throw e;
        const found = e instanceof MultipleInvalid ? e.errors : [e];
        for (const err of found) {
          if (err.path.length <= keyPath.length) err.errorType = 'dictionary value';
          errors.push(err);
        }
      }
    }
    if (errors.length > 0) throw new MultipleInvalid(errors);
    return out;
  };
}

/** `schema.extend({...})`. */
export function extendFields(base: Record<string, Field>, more: Record<string, Field>): Record<string, Field> {
  return { ...base, ...more };
}

/** Python's `_nested_getitem` (str indexing included). */
function nestedGet(data: unknown, path: Path): unknown {
  let cur: unknown = data;
  for (const key of path) {
    if (typeof key === 'number' && (Array.isArray(cur) || typeof cur === 'string')) {
      if (key >= cur.length) return null;
      cur = cur[key];
    } else if (typeof key === 'string' && isDict(cur) && Object.prototype.hasOwnProperty.call(cur, key)) {
      cur = cur[key];
    } else {
      return null;
    }
  }
  return cur;
}

const MAX_ITEM_LENGTH = 500;

/** `voluptuous.humanize.humanize_error`: "<error>. Got <repr of value>", one line per error, sorted. */
export function humanizeError(data: unknown, error: Invalid): string {
  if (error instanceof MultipleInvalid) {
    return error.errors
      .map((e) => humanizeError(data, e))
      .sort()
      .join('\n');
  }
  let summary = pyRepr(nestedGet(data, error.path));
  if (summary.length > MAX_ITEM_LENGTH) summary = summary.slice(0, MAX_ITEM_LENGTH - 3) + '...';
  return `${error.toString()}. Got ${summary}`;
}

/** Run a validator on request data; throws a plain Error with the humanized text on failure. */
export function validateOrMessage(validator: Validator, data: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: validator(data, []) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, message: humanizeError(data, e) };
    throw e;
  }
}
