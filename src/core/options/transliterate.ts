// ASCII transliteration for file names, close to what python-slugify gets from `unidecode`: accents
// are dropped through Unicode decomposition, a short table covers the letters that do not decompose
// (ß, æ, ø, ł…), Greek and Cyrillic, and typographic punctuation. Anything else (CJK, emoji…) is
// dropped, where unidecode would spell CJK out; a name made only of such characters falls back to the
// slug. The tables are written from the usual romanisations, not copied from unidecode.

// Tables laid out by hand, left so by the formatter.
// prettier-ignore
const LATIN: Record<string, string> = {
  Æ: 'AE', æ: 'ae', Ð: 'D', ð: 'd', Đ: 'D', đ: 'd', Ø: 'O', ø: 'o', Þ: 'Th', þ: 'th', ß: 'ss', ẞ: 'Ss',
  Ħ: 'H', ħ: 'h', ı: 'i', ĸ: 'q', Ł: 'L', ł: 'l', Ŋ: 'Ng', ŋ: 'ng', Œ: 'OE', œ: 'oe', Ŧ: 'T', ŧ: 't', ƒ: 'f',
};

// prettier-ignore
const PUNCTUATION: Record<string, string> = {
  '‘': "'", '’': "'", '‚': ',', '‛': "'", '′': "'", '“': '"', '”': '"', '„': ',,', '″': '"',
  '‐': '-', '‑': '-', '‒': '-', '–': '-', '—': '--', '―': '--', '•': 'o', '«': '<<', '»': '>>',
  '¡': '!', '¿': '?', '€': 'EUR', '£': 'PS', '¥': 'Y', '©': '(c)', '®': '(r)', '°': 'deg', '×': 'x', '÷': '/', '⁄': '/',
};

const GREEK_LOWER = 'α a β b γ g δ d ε e ζ z η e θ th ι i κ k λ l μ m ν n ξ ks ο o π p ρ r σ s ς s τ t υ u φ ph χ kh ψ ps ω o';

// ъ and ь become an apostrophe, which slugify then removes, joining the neighbours as unidecode does.
const CYRILLIC_LOWER =
  "а a б b в v г g д d е e ж zh з z и i к k л l м m н n о o п p р r с s т t у u ф f х kh ц ts ч ch ш sh щ shch ъ ' ы y ь ' э e ю iu я ia є ie і i ґ g ў u ђ dj ј j љ lj њ nj ћ c џ dz ѕ dz";

const TABLE = new Map<string, string>([...Object.entries(LATIN), ...Object.entries(PUNCTUATION), ...pairs(GREEK_LOWER), ...pairs(CYRILLIC_LOWER)]);

const COMBINING_MARK = /^\p{M}$/u;

/** `text` in ASCII: decomposed, combining marks removed, known letters spelled out, the rest dropped. */
export function transliterate(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFKD')) {
    if (ch <= '\u007f') out += ch;
    else if (!COMBINING_MARK.test(ch)) out += TABLE.get(ch) ?? '';
  }
  return out;
}

/** "α a β b" → [α,a], [β,b], and the capitals: [Α,A], [Β,B] (Θ → "Th"). */
function pairs(spec: string): [string, string][] {
  const words = spec.split(' ');
  const result: [string, string][] = [];
  for (let i = 0; i + 1 < words.length; i += 2) {
    const letter = words[i] as string;
    const latin = words[i + 1] as string;
    result.push([letter, latin]);
    const capital = letter.toUpperCase();
    if (capital !== letter && !result.some(([l]) => l === capital)) result.push([capital, latin.charAt(0).toUpperCase() + latin.slice(1)]);
  }
  return result;
}
