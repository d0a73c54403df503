// Checks the translations against the English sources:
//   package.nls.json        -> package.nls.<language>.json         (manifest strings: titles, settings, welcome view)
//   l10n/bundle.l10n.json   -> l10n/bundle.l10n.<language>.json    (vscode.l10n.t strings; the keys are the English texts)
// For every translation file: every English key is there, no key that English does not have, every value a
// non-empty string, and per key the same placeholders {0}…{n} (each as often; the order may change where the
// grammar needs it), the same codicons $(…), the same command links (command:…) and setting references #….#.
// A language with one of the two files must have the other as well.
//
// Usage: node scripts/check-translations.mjs [folder]   (folder: the one holding package.json; default the repo)
// Prints one line per problem (file, key, what is wrong) and exits 1; exits 0 when every translation is complete.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));

const SOURCES = [
  { dir: '.', english: 'package.nls.json', pattern: /^package\.nls\.([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\.json$/ },
  { dir: 'l10n', english: 'bundle.l10n.json', pattern: /^bundle\.l10n\.([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\.json$/ },
];

/** The tokens that must survive translation unchanged, by kind. */
const TOKEN_KINDS = [
  { what: 'placeholders', re: /\{\d+\}/g },
  { what: 'codicons', re: /\$\([^)\s]+\)/g },
  { what: 'command links', re: /\(command:[^)\s]+\)/g },
  { what: 'setting references', re: /#[A-Za-z][\w.]*#/g },
];

const problems = [];
const report = (file, key, what) => problems.push(key === undefined ? `${file}: ${what}` : `${file}: key ${JSON.stringify(key)}: ${what}`);

/** Reads a JSON object of strings; reports and returns undefined when the file is not one. */
function readStrings(rel) {
  let data;
  try {
    data = JSON.parse(fs.readFileSync(path.join(root, rel), 'utf8'));
  } catch (e) {
    report(rel, undefined, e instanceof SyntaxError ? `not valid JSON (${e.message})` : `cannot be read (${e.message})`);
    return undefined;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    report(rel, undefined, 'is not a JSON object');
    return undefined;
  }
  return data;
}

/** The tokens of one kind in `text`, sorted, so that the comparison ignores their order. */
const tokens = (text, re) => (text.match(re) ?? []).sort();
const show = (list) => (list.length ? list.join(' ') : 'none');

function checkFile(rel, english, translated) {
  for (const key of Object.keys(english)) {
    if (!Object.hasOwn(translated, key)) {
      report(rel, key, 'missing (English has it)');
      continue;
    }
    const value = translated[key];
    if (typeof value !== 'string') {
      report(rel, key, `the value is ${value === null ? 'null' : typeof value}, not a string`);
      continue;
    }
    if (value.trim() === '') {
      report(rel, key, 'the value is empty');
      continue;
    }
    const source = typeof english[key] === 'string' ? english[key] : '';
    for (const { what, re } of TOKEN_KINDS) {
      const want = tokens(source, re);
      const have = tokens(value, re);
      if (want.join('\u0000') !== have.join('\u0000')) report(rel, key, `${what} differ: English has ${show(want)}, the translation ${show(have)}`);
    }
  }
  for (const key of Object.keys(translated)) if (!Object.hasOwn(english, key)) report(rel, key, 'extra (not in English: removed or renamed there?)');
}

const languages = new Map(); // language -> { counts per source }
for (const source of SOURCES) {
  const englishRel = path.posix.join(source.dir, source.english).replace(/^\.\//, '');
  if (!fs.existsSync(path.join(root, englishRel))) {
    report(englishRel, undefined, 'the English source is missing');
    continue;
  }
  const english = readStrings(englishRel);
  let names = [];
  try {
    names = fs.readdirSync(path.join(root, source.dir)).sort();
  } catch {
    // no such folder: no translations
  }
  for (const name of names) {
    const m = source.pattern.exec(name);
    if (!m) continue;
    const language = m[1];
    const rel = path.posix.join(source.dir, name).replace(/^\.\//, '');
    if (!languages.has(language)) languages.set(language, {});
    const translated = readStrings(rel);
    if (!english || !translated) continue;
    checkFile(rel, english, translated);
    languages.get(language)[source.english] = Object.keys(translated).length;
  }
}
for (const [language, seen] of languages) {
  for (const source of SOURCES) {
    const rel = path.posix.join(source.dir, source.english.replace(/\.json$/, `.${language}.json`)).replace(/^\.\//, '');
    if (!fs.existsSync(path.join(root, rel))) report(rel, undefined, `missing: the ${language} translation has the other file but not this one`);
  }
  languages.set(language, seen);
}

if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`\n${problems.length} translation problem${problems.length === 1 ? '' : 's'} in ${root}`);
  process.exit(1);
}
const summary = [...languages].map(
  ([language, seen]) =>
    `${language} (${Object.entries(seen)
      .map(([f, n]) => `${f}: ${n}`)
      .join(', ')})`,
);
console.log(summary.length ? `translations complete: ${summary.join('; ')}` : 'no translations found');
