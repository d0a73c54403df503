// Checks what the Visual Studio Marketplace and Open VSX need of package.json and the files next to it,
// before anything is published: name, publisher, version, engines, the icon (a 128×128 PNG, never an SVG),
// repository, license, categories, README and CHANGELOG, every %key% translated in package.nls.json, and the
// walkthroughs' media. Run by scripts/test.sh: `node --import tsx scripts/check-manifest.ts [folder]`.
// Exits 1 and prints one line per problem, naming the field (as a JSON path) and the file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Marketplace's categories (Open VSX takes the same names). */
export const ALLOWED_CATEGORIES = [
  'AI',
  'Azure',
  'Chat',
  'Data Science',
  'Debuggers',
  'Education',
  'Extension Packs',
  'Formatters',
  'Keymaps',
  'Language Packs',
  'Linters',
  'Machine Learning',
  'Notebooks',
  'Other',
  'Programming Languages',
  'SCM Providers',
  'Snippets',
  'Testing',
  'Themes',
  'Visualization',
];

const ICON_SIZE = 128;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const NAME = /^[a-z0-9][a-z0-9-]*$/;
const PUBLISHER = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/;
const ENGINE = /^\^?\d+\.\d+\.\d+$/;
const NLS_KEY = /^%([^%\s]+)%$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The problems of the extension in `root` (package.json and the files it names); empty when it may be published. */
export function checkManifest(root: string): string[] {
  const problems: string[] = [];
  const problem = (where: string, what: string) => problems.push(`${where}: ${what}`);
  const manifest = readJson(join(root, 'package.json'), problem);
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) return problems.length ? problems : ['package.json: not a JSON object'];
  const nls = readJson(join(root, 'package.nls.json'), problem);
  const nlsKeys = new Set(nls && typeof nls === 'object' && !Array.isArray(nls) ? Object.keys(nls) : []);
  const text = (key: string) => {
    const value = manifest[key];
    return typeof value === 'string' ? value : undefined;
  };
  const pkg = (field: string) => `package.json ${field}`;

  const name = text('name');
  if (!name || !NAME.test(name)) problem(pkg('name'), `${JSON.stringify(name)} is not a lowercase name (letters, digits, dashes)`);
  const publisher = text('publisher');
  if (!publisher || !PUBLISHER.test(publisher)) problem(pkg('publisher'), `${JSON.stringify(publisher)} is not a publisher id`);
  const version = text('version');
  if (!version || !SEMVER.test(version)) problem(pkg('version'), `${JSON.stringify(version)} is not a semantic version x.y.z`);
  for (const key of ['displayName', 'description']) if (!text(key)) problem(pkg(key), 'missing');
  const engines = manifest.engines;
  const vscodeEngine = engines && typeof engines === 'object' && !Array.isArray(engines) ? engines.vscode : undefined;
  if (typeof vscodeEngine !== 'string' || !ENGINE.test(vscodeEngine)) problem(pkg('engines.vscode'), `${JSON.stringify(vscodeEngine)} is not a version range like ^1.107.0`);

  checkIcon(root, text('icon'), problem);

  const banner = manifest.galleryBanner;
  if (banner !== undefined) {
    const b = banner && typeof banner === 'object' && !Array.isArray(banner) ? banner : {};
    if (typeof b.color !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(b.color)) problem(pkg('galleryBanner.color'), `${JSON.stringify(b.color)} is not a colour #rrggbb`);
    if (b.theme !== 'dark' && b.theme !== 'light') problem(pkg('galleryBanner.theme'), `${JSON.stringify(b.theme)} is neither "dark" nor "light"`);
  }

  const repository = manifest.repository;
  const repoUrl = typeof repository === 'string' ? repository : repository && typeof repository === 'object' && !Array.isArray(repository) ? repository.url : undefined;
  if (typeof repoUrl !== 'string' || !/^https:\/\/\S+$/.test(repoUrl)) problem(pkg('repository.url'), `${JSON.stringify(repoUrl)} is not an https URL`);
  for (const key of ['bugs', 'homepage'] as const) {
    const value = manifest[key];
    const url = key === 'bugs' && value && typeof value === 'object' && !Array.isArray(value) ? value.url : value;
    if (url !== undefined && (typeof url !== 'string' || !/^https:\/\/\S+$/.test(url))) problem(pkg(key), `${JSON.stringify(url)} is not an https URL`);
  }

  if (!text('license')) problem(pkg('license'), 'missing');
  if (!['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => existsSync(join(root, f)))) problem('LICENSE', 'no license file next to package.json');

  const categories = manifest.categories;
  if (!Array.isArray(categories) || categories.length === 0) problem(pkg('categories'), 'missing or empty');
  else
    categories.forEach((c, i) => {
      if (typeof c !== 'string' || !ALLOWED_CATEGORIES.includes(c))
        problem(pkg(`categories[${i}]`), `${JSON.stringify(c)} is not a Marketplace category (${ALLOWED_CATEGORIES.join(', ')})`);
    });
  const keywords = manifest.keywords;
  if (Array.isArray(keywords) && keywords.length > 30) problem(pkg('keywords'), `${keywords.length} keywords; the Marketplace takes at most 30`);

  for (const file of ['README.md', 'CHANGELOG.md']) if (!existsSync(join(root, file))) problem(file, 'missing');
  checkReadmeImages(root, problem);
  checkChangelog(root, problem);

  // Every %key% anywhere in package.json is a key of package.nls.json.
  walk(manifest, '', (value, path) => {
    const key = NLS_KEY.exec(value)?.[1];
    if (key && !nlsKeys.has(key)) problem(pkg(path), `%${key}% is not in package.nls.json`);
  });

  checkWalkthroughs(root, manifest, problem);
  return problems;
}

function readJson(path: string, problem: (where: string, what: string) => void): Json | undefined {
  const file = path.split(/[\\/]/).pop() ?? path;
  if (!existsSync(path)) {
    problem(file, 'missing');
    return undefined;
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Json;
  } catch (e) {
    problem(file, `not JSON: ${(e as Error).message}`);
    return undefined;
  }
}

/** The icon: named, a PNG (the Marketplace refuses SVG icons), present, 128×128 (read from its IHDR chunk). */
function checkIcon(root: string, icon: string | undefined, problem: (where: string, what: string) => void): void {
  const where = 'package.json icon';
  if (!icon) return problem(where, 'missing (a 128×128 PNG)');
  if (/\.svg$/i.test(icon)) return problem(where, `${icon} is an SVG; the Marketplace takes only PNG icons`);
  const path = join(root, icon);
  if (!existsSync(path)) return problem(where, `${icon} does not exist`);
  const size = pngSize(readFileSync(path));
  if (!size) return problem(where, `${icon} is not a PNG file`);
  if (size.width !== ICON_SIZE || size.height !== ICON_SIZE) problem(where, `${icon} is ${size.width}×${size.height}; it must be ${ICON_SIZE}×${ICON_SIZE}`);
}

/** Width and height from a PNG's header (signature, then the IHDR chunk), or undefined when it is not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Images in README.md with relative paths exist and are not SVG (the Marketplace refuses SVG images there). */
function checkReadmeImages(root: string, problem: (where: string, what: string) => void): void {
  const path = join(root, 'README.md');
  if (!existsSync(path)) return;
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, i) => {
    for (const match of line.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)) {
      const target = match[1] ?? '';
      if (/^https?:/i.test(target)) continue;
      if (/\.svg$/i.test(target)) problem(`README.md:${i + 1}`, `image ${target} is an SVG; the Marketplace refuses SVG images in the README`);
      else if (!existsSync(join(root, target))) problem(`README.md:${i + 1}`, `image ${target} does not exist`);
    }
  });
}

/** CHANGELOG.md in the store's form: `## [Unreleased]` first if at all, then `## [x.y.z] - yyyy-mm-dd`, newest first. */
function checkChangelog(root: string, problem: (where: string, what: string) => void): void {
  const path = join(root, 'CHANGELOG.md');
  if (!existsSync(path)) return;
  let previous: number[] | undefined;
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.startsWith('## ')) return;
      const where = `CHANGELOG.md:${i + 1}`;
      if (line === '## [Unreleased]') {
        if (previous) problem(where, '[Unreleased] must come before every version');
        return;
      }
      const match = /^## \[(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?\] - \d{4}-\d{2}-\d{2}$/.exec(line);
      if (!match) return problem(where, `${JSON.stringify(line)} is neither "## [Unreleased]" nor "## [x.y.z] - yyyy-mm-dd"`);
      const version = match.slice(1, 4).map(Number);
      if (previous && compareVersions(version, previous) >= 0) problem(where, `${line.slice(3)} is not older than the version above it (newest first)`);
      previous = version;
    });
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** Each walkthrough and step has an id, a title and a description, and every media file it names exists. */
function checkWalkthroughs(root: string, manifest: { [key: string]: Json }, problem: (where: string, what: string) => void): void {
  const contributes = manifest.contributes;
  const walkthroughs = contributes && typeof contributes === 'object' && !Array.isArray(contributes) ? contributes.walkthroughs : undefined;
  if (walkthroughs === undefined) return;
  if (!Array.isArray(walkthroughs)) return problem('package.json contributes.walkthroughs', 'not a list');
  walkthroughs.forEach((walkthrough, w) => {
    const at = `package.json contributes.walkthroughs[${w}]`;
    if (!walkthrough || typeof walkthrough !== 'object' || Array.isArray(walkthrough)) return problem(at, 'not an object');
    for (const key of ['id', 'title', 'description']) if (typeof walkthrough[key] !== 'string') problem(`${at}.${key}`, 'missing');
    const steps = walkthrough.steps;
    if (!Array.isArray(steps) || steps.length === 0) return problem(`${at}.steps`, 'missing or empty');
    steps.forEach((step, s) => {
      const stepAt = `${at}.steps[${s}]`;
      if (!step || typeof step !== 'object' || Array.isArray(step)) return problem(stepAt, 'not an object');
      for (const key of ['id', 'title', 'description']) if (typeof step[key] !== 'string') problem(`${stepAt}.${key}`, 'missing');
      const media = step.media;
      if (!media || typeof media !== 'object' || Array.isArray(media)) return problem(`${stepAt}.media`, 'missing (image, svg or markdown)');
      const files: [string, Json | undefined][] = [];
      const image = media.image;
      if (image && typeof image === 'object' && !Array.isArray(image)) for (const theme of ['light', 'dark', 'hc', 'hcLight']) files.push([`image.${theme}`, image[theme]]);
      else if (image !== undefined) files.push(['image', image]);
      if (media.svg !== undefined) files.push(['svg', media.svg]);
      if (media.markdown !== undefined) files.push(['markdown', media.markdown]);
      if (files.length === 0) problem(`${stepAt}.media`, 'names no image, svg or markdown');
      if ((media.image !== undefined || media.svg !== undefined) && typeof media.altText !== 'string') problem(`${stepAt}.media.altText`, 'missing');
      for (const [key, file] of files) {
        if (file === undefined && key.startsWith('image.')) continue;
        if (typeof file !== 'string') problem(`${stepAt}.media.${key}`, 'not a file path');
        else if (!existsSync(join(root, file))) problem(`${stepAt}.media.${key}`, `${file} does not exist`);
      }
    });
  });
}

/** Calls `visit` with every string in `value` and its JSON path (`contributes.commands[0].title`). */
function walk(value: Json, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`, visit));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, visit);
}

if (require.main === module) {
  const root = process.argv[2] ?? join(__dirname, '..');
  const problems = checkManifest(root);
  if (problems.length) {
    for (const p of problems) console.error(p);
    console.error(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the manifest: fix them before packaging`);
    process.exit(1);
  }
  console.log('manifest ok: what the Marketplace and Open VSX need is there');
}
