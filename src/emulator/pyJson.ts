// JSON as the Supervisor reads it: orjson.loads (supervisor/utils/json.py) keeps `5.0` a float and
// `5` an int, and voluptuous tells them apart (`int` in a schema refuses 5.0; errors print "Got 5.0").
// JSON.parse loses that difference, so request bodies are parsed here with floats kept as PyFloat.

/** A JSON number written with a fraction or an exponent: a Python float. */
export class PyFloat {
  constructor(readonly value: number) {}

  /** Anywhere plain JSON is written, it is the number. */
  toJSON(): number {
    return this.value;
  }
}

/** Python's `repr(float)`: the shortest digits that round-trip, fixed notation for 1e-4 ≤ |x| < 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without digits gives the shortest mantissa that reads back as x.
  const [mantissa = '', exponent = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(exponent);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0] ?? ''}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** Deepest nesting accepted (a guard of the emulator's own against a stack overflow). */
const MAX_DEPTH = 1000;

export class PyJsonError extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/**
 * Parse JSON text like orjson: the same values as JSON.parse, except that numbers written with a
 * fraction or exponent are PyFloat. Throws PyJsonError for text that is not JSON.
 */
export function parsePyJson(text: string): unknown {
  try {
    JSON.parse(text);
  } catch {
    throw new PyJsonError('not JSON');
  }
  // The text is valid JSON from here on: the walk below only has to build the values.
  let at = 0;
  const skip = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at] ?? '')) at++;
  };
  const stringEnd = (): number => {
    let i = at + 1;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    return i + 1;
  };
  const value = (depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new PyJsonError('nested too deeply');
    skip();
    const c = text[at];
    if (c === '{') {
      at++;
      const out: Record<string, unknown> = {};
      skip();
      if (text[at] === '}') {
        at++;
        return out;
      }
      for (;;) {
        skip();
        const end = stringEnd();
        const key = JSON.parse(text.slice(at, end)) as string;
        at = end;
        skip();
        at++; // ':'
        // defineProperty: a "__proto__" key is a key like any other, as in JSON.parse.
        Object.defineProperty(out, key, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        skip();
        if (text[at++] === '}') return out;
      }
    }
    if (c === '[') {
      at++;
      const out: unknown[] = [];
      skip();
      if (text[at] === ']') {
        at++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        skip();
        if (text[at++] === ']') return out;
      }
    }
    if (c === '"') {
      const end = stringEnd();
      const s = JSON.parse(text.slice(at, end)) as string;
      at = end;
      return s;
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = at;
    const m = NUMBER.exec(text);
    if (!m) throw new PyJsonError(`unexpected character at ${at}`);
    at += m[0].length;
    const n = Number(m[0]);
    return m[1] !== undefined || m[2] !== undefined ? new PyFloat(n) : n;
  };
  return value(0);
}

/**
 * Compact JSON text in which PyFloat values keep a fraction (orjson writes 5.0, not 5). Floats are
 * written with Python's repr digits; orjson's spelling of exponents (|x| ≥ 1e16 or < 1e-4) may differ.
 */
export function stringifyPyJson(value: unknown): string {
  if (value instanceof PyFloat) return Number.isFinite(value.value) ? pyFloatRepr(value.value) : 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stringifyPyJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stringifyPyJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
