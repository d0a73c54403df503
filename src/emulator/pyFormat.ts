// Helpers that print values the way the Python Supervisor does, so error messages and
// timestamps match the real API byte for byte.
import { PyFloat, pyFloatRepr } from './pyJson';

/** Python `repr()` of a str. */
function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + quote;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code <= 0xa0)) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

function reprNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  const s = String(n);
  // Python writes exponents with at least two digits: 1e-07, 1e+22.
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Python `repr()` of a JSON value (dict/list/str/int/float/bool/None); a JS number is an int, a PyFloat a float. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return reprNumber(value);
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (typeof value === 'string') return reprString(value);
  if (Array.isArray(value)) return `[${value.map((v) => pyRepr(v)).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${reprString(k)}: ${pyRepr(v)}`);
  return `{${entries.join(', ')}}`;
}

/** Python `str()`: strings unquoted, everything else like repr. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

/** Python isoformat of a UTC timestamp given in microseconds since the epoch. */
export function microsToIso(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = String(micros % 1_000_000).padStart(6, '0');
  return `${base}.${frac}+00:00`;
}

/** Seconds since the epoch (float) of an ISO date with offset, for tar mtimes. */
export function isoToEpochSeconds(iso: string): number {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso);
  if (!m) {
    const t = Date.parse(iso);
    return Number.isNaN(t) ? 0 : t / 1000;
  }
  const whole = Date.parse(`${m[1]}${m[3] ?? 'Z'}`);
  if (Number.isNaN(whole)) return 0;
  const frac = m[2] ? Number(`0.${m[2]}`) : 0;
  return whole / 1000 + frac;
}
