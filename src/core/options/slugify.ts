// A port of python-slugify's `slugify(text, lowercase=False, separator=…)` (the version Auto Backup
// uses for downloaded file names), step by step in the library's order.
import { transliterate } from './transliterate';

// python-slugify decodes every HTML 4 entity; these are the ones a backup name may plausibly hold.
// Other named entities stay as text and so become separators.
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', nbsp: '\u00a0' };

export function pythonSlugify(text: string, separator = '-'): string {
  let t = text.replace(/'+/g, '-'); // quotes become separators before transliteration…
  t = transliterate(t);
  t = decodeEntities(t).normalize('NFKD');
  t = t.replace(/'+/g, ''); // …and quotes made by transliteration ("’") vanish
  t = t.replace(/(?<=\d),(?=\d)/g, ''); // 1,000 → 1000
  t = t.replace(/[^-a-zA-Z0-9]+/g, '-');
  t = t.replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '');
  return separator === '-' ? t : t.replaceAll('-', separator);
}

function decodeEntities(text: string): string {
  let t = text.replace(/&([a-zA-Z]+);/g, (whole, name: string) => NAMED_ENTITIES[name] ?? whole);
  t = replaceAllOrNone(t, /&#(\d+);/g, (digits) => Number.parseInt(digits, 10));
  return replaceAllOrNone(t, /&#x([\da-fA-F]+);/g, (hex) => Number.parseInt(hex, 16));
}

/** Python wraps each whole substitution in try/except: one invalid code point leaves all as they are. */
function replaceAllOrNone(text: string, pattern: RegExp, codePoint: (digits: string) => number): string {
  try {
    return text.replace(pattern, (_whole, digits: string) => String.fromCodePoint(codePoint(digits)));
  } catch {
    return text;
  }
}
