// Name templates: strftime codes (what Home Assistant users write in `now().strftime(…)`), evaluated
// in Home Assistant's time zone, plus the placeholder `{ha_version}`.
//
//   %Y 2025   %y 25   %m 01   %d 06   %H 14   %I 02   %M 03   %S 09   %p PM   %j 006
//   %A Monday   %a Mon   %B January   %b Jan   %% a literal %
//   %-m %-d %-H %-I %-M %-S %-j  the same numbers without leading zeros (glibc, as in HA templates)
//   {ha_version}  the Home Assistant version, e.g. 2025.1.0
//
// Anything else after `%`, and any other `{word}`, is an error rather than left as it is, so that a
// typo shows up when the request is checked and not as an odd backup name months later.
import { TZDate } from '@date-fns/tz';
import { format, getDayOfYear } from 'date-fns';

type Token = { kind: 'text'; text: string } | { kind: 'code'; code: string; noPad: boolean } | { kind: 'placeholder'; name: string };

/** date-fns patterns for the strftime codes; the second entry is the unpadded `%-x` form. */
const DATE_CODES: Readonly<Record<string, readonly [string, string?]>> = {
  Y: ['yyyy'],
  y: ['yy', ''], // computed unpadded: date-fns' 'y' is the full year
  m: ['MM', 'M'],
  d: ['dd', 'd'],
  H: ['HH', 'H'],
  I: ['hh', 'h'],
  M: ['mm', 'm'],
  S: ['ss', 's'],
  p: ['a'],
  A: ['EEEE'],
  a: ['EEE'],
  B: ['MMMM'],
  b: ['MMM'],
  j: ['', ''], // day of the year: computed, date-fns guards its own token behind an option
};

const PLACEHOLDERS: readonly string[] = ['ha_version'];

export interface TemplateValues {
  now: Date;
  /** IANA zone of Home Assistant; missing or unknown → the machine's zone (see `zonedDate`). */
  timeZone?: string | null;
  haVersion?: string | null;
}

export interface Expanded {
  text: string;
  errors: string[];
}

/** Syntax errors of a template (no values needed): unknown codes and placeholders. */
export function checkTemplate(template: string): string[] {
  return parseTemplate(template).errors;
}

export function expandTemplate(template: string, values: TemplateValues): Expanded {
  const { tokens, errors } = parseTemplate(template);
  const date = zonedDate(values.now, values.timeZone).date;
  let text = '';
  for (const token of tokens) {
    if (token.kind === 'text') text += token.text;
    else if (token.kind === 'code') text += formatCode(date, token.code, token.noPad);
    else if (values.haVersion) text += values.haVersion;
    else errors.push(`{${token.name}} in "${template}" needs the Home Assistant version, which is not known.`);
  }
  return { text, errors };
}

/** `now` in the given zone; an unknown zone name falls back to the machine's zone and says so. */
export function zonedDate(now: Date, timeZone: string | null | undefined): { date: Date; zoneKnown: boolean } {
  if (!timeZone) return { date: now, zoneKnown: true };
  const zoned = new TZDate(now.getTime(), timeZone);
  return Number.isNaN(zoned.getTime()) ? { date: now, zoneKnown: false } : { date: zoned, zoneKnown: true };
}

function formatCode(date: Date, code: string, noPad: boolean): string {
  if (code === '%') return '%';
  if (code === 'j') return String(getDayOfYear(date)).padStart(noPad ? 0 : 3, '0');
  if (code === 'y' && noPad) return String(date.getFullYear() % 100);
  const [padded, unpadded] = DATE_CODES[code] ?? [''];
  return format(date, noPad && unpadded ? unpadded : padded);
}

function parseTemplate(template: string): { tokens: Token[]; errors: string[] } {
  const tokens: Token[] = [];
  const errors: string[] = [];
  const pattern = /%(-?)(.?)|\{([A-Za-z_][A-Za-z0-9_]*)\}/gsu;
  let last = 0;
  for (const match of template.matchAll(pattern)) {
    if (match.index > last) tokens.push({ kind: 'text', text: template.slice(last, match.index) });
    last = match.index + match[0].length;
    const [whole, dash, code, placeholder] = match;
    if (placeholder !== undefined) {
      if (PLACEHOLDERS.includes(placeholder)) tokens.push({ kind: 'placeholder', name: placeholder });
      else errors.push(`Unknown placeholder {${placeholder}} in "${template}" (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}).`);
    } else if (code === '') {
      errors.push(`"${template}" ends with "${whole}": write %% for a literal %.`);
    } else if (code === '%' && !dash) {
      tokens.push({ kind: 'code', code, noPad: false });
    } else if (code !== undefined && Object.hasOwn(DATE_CODES, code) && (!dash || DATE_CODES[code]?.[1] !== undefined)) {
      tokens.push({ kind: 'code', code, noPad: dash === '-' });
    } else {
      errors.push(
        `Unknown date code "${whole}" in "${template}": use %Y %y %m %d %H %I %M %S %p %j %A %a %B %b (with - for no leading zero, e.g. %-d), or %% for a literal %.`,
      );
    }
  }
  if (last < template.length) tokens.push({ kind: 'text', text: template.slice(last) });
  return { tokens, errors };
}
