// Python's fnmatch.fnmatchcase (shell globs, case-sensitive), which Auto Backup applies to add-on
// slugs: `*` any run, `?` one character, `[seq]` / `[!seq]` one character in / not in the set.
// Written here rather than pulled in: glob packages follow bash/minimatch rules (`/` special,
// `[^seq]` negation, brace expansion), which would give different answers than the seed.

const cache = new Map<string, RegExp>();

/** True when the whole `name` matches the glob `pattern` (case-sensitive, like `fnmatchcase`). */
export function fnmatchCase(name: string, pattern: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^${translateGlob(pattern)}$`, 'su');
    cache.set(pattern, re);
  }
  return re.test(name);
}

/** Translates a glob into a regular-expression body (without anchors), as Python's `fnmatch.translate`. */
export function translateGlob(pattern: string): string {
  const chars = Array.from(pattern); // code points, so `?` matches one character, not one UTF-16 unit
  let out = '';
  let i = 0;
  while (i < chars.length) {
    const c = chars[i++] as string;
    if (c === '*') {
      if (!out.endsWith('.*')) out += '.*';
    } else if (c === '?') {
      out += '.';
    } else if (c === '[') {
      const end = closingBracket(chars, i);
      if (end < 0) {
        out += '\\['; // no closing bracket: a literal "["
      } else {
        out += translateSet(chars.slice(i, end));
        i = end + 1;
      }
    } else {
      out += escapeLiteral(c);
    }
  }
  return out;
}

/** Index of the `]` closing a set that starts at `start`, or -1. A `]` first in the set is a member. */
function closingBracket(chars: string[], start: number): number {
  let j = start;
  if (chars[j] === '!') j++;
  if (chars[j] === ']') j++;
  while (j < chars.length && chars[j] !== ']') j++;
  return j < chars.length ? j : -1;
}

function translateSet(body: string[]): string {
  const negate = body[0] === '!';
  const members = negate ? body.slice(1) : body;
  const parts: string[] = [];
  let k = 0;
  while (k < members.length) {
    const first = members[k] as string;
    const last = members[k + 2];
    // "a-z" is a range; a "-" first or last in the set is a literal hyphen.
    if (members[k + 1] === '-' && last !== undefined) {
      // A reversed range such as "z-a" matches nothing (Python drops it).
      if (first.codePointAt(0)! <= last.codePointAt(0)!) parts.push(`${escapeInSet(first)}-${escapeInSet(last)}`);
      k += 3;
    } else {
      parts.push(escapeInSet(first));
      k += 1;
    }
  }
  if (parts.length === 0) return negate ? '.' : '(?!)';
  return `[${negate ? '^' : ''}${parts.join('')}]`;
}

function escapeLiteral(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

function escapeInSet(c: string): string {
  return /[\\\]^[-]/.test(c) ? `\\${c}` : c;
}
