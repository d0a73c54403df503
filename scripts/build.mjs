// Bundles the extension (dist/extension.js, `vscode` external), its lazily loaded chunks, and the
// integration tests (dist/test/integration/*.js, CommonJS, loaded by the extension host with require()).
// Usage: node scripts/build.mjs [--production [--analyze]] | [--watch]   (npm run build, npm run watch)
// A failed build exits 1 after printing esbuild's messages and then each error on one line
// (`<file>:<line>:<column>: error: <text>`) for editors' problem matchers; --watch: see watch() below.
//
// Lazy chunks. The extension host loads CommonJS, and esbuild splits code only for ESM, so the large
// packages that activation does not need are bundled into files of their own next to extension.js
// (listed in LAZY_PACKAGES; .vscodeignore ships them, scripts/check-package.sh checks them). In the
// main bundle an import of such a package becomes:
// - `import('pkg')` (libsodium, SecureTar v3 only) → `require('./sodium.js')` when the import() runs;
// - a static `import { x } from 'pkg'` → a stand-in module whose exports are getters: the first one
//   read requires the chunk. esbuild reads CommonJS exports at each use (`import_undici.request(…)`),
//   so the chunk loads when the package is first used, not when the importing module is evaluated.
// Only third-party packages become chunks; the project's own modules all stay in extension.js, so each
// class exists once (`instanceof SupervisorError` / `ArchiveError` hold across the whole extension).
// Unbundled (unit tests with tsx) the same imports load the packages from node_modules directly.
// Code that must not even start before first use goes through a seam in src/extension/lazy/.
// zod: write `import * as z from 'zod'`. With `import { z }` esbuild cannot drop the unused parts of
// the namespace and the bundle carries every zod locale (~260 KB). check-package.sh keeps a 600 KB budget.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, statSync, watch as fsWatch } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const production = process.argv.includes('--production');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: !production, logLevel: 'warning' };

/**
 * Package → its chunk in dist/ (undici: the HTTP client; tar-stream: the archive reader's tar parser; libsodium:
 * SecureTar v3; yaml: the policy file's parser and the writers of auto_backup.yaml, configuration.yaml and the
 * deployed package file — loaded when the first YAML file is read, not when extension.js is).
 */
const LAZY_PACKAGES = { undici: 'undici.js', 'tar-stream': 'tar-stream.js', 'libsodium-wrappers-sumo': 'sodium.js', yaml: 'yaml.js' };

const requireFromHere = createRequire(import.meta.url);

/** The stand-in for a statically imported lazy package (see the top of this file). */
function standIn(pkg) {
  const names = Object.keys(requireFromHere(pkg));
  return [
    `// Stand-in for ${pkg}: the package is ./${LAZY_PACKAGES[pkg]}, required when one of its exports is first read.`,
    'let lib;',
    `const load = () => (lib ??= require(${JSON.stringify(`./${LAZY_PACKAGES[pkg]}`)}));`,
    `for (const name of ${JSON.stringify(names)}) Object.defineProperty(module.exports, name, { enumerable: true, get: () => load()[name] });`,
  ].join('\n');
}

const lazyPackages = {
  name: 'lazy-packages',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(LAZY_PACKAGES).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: args.kind === 'dynamic-import' ? 'lazy-import' : 'lazy-package' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (args) => ({ contents: standIn(args.path), loader: 'js' }));
    // esbuild compiles import() of a bundled CommonJS module into a require() made when import() runs.
    build.onLoad({ filter: /.*/, namespace: 'lazy-import' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`./${LAZY_PACKAGES[args.path]}`)});`,
      loader: 'js',
    }));
    // The chunk itself is required at run time, from extension.js's folder.
    build.onResolve({ filter: /.*/, namespace: 'lazy-package' }, (args) => ({ path: args.path, external: true }));
    build.onResolve({ filter: /.*/, namespace: 'lazy-import' }, (args) => ({ path: args.path, external: true }));
  },
};

const mainOptions = {
  ...common,
  entryPoints: ['src/extension/extension.ts'],
  outfile: 'dist/extension.js',
  external: ['vscode'],
  minify: production,
  metafile: true,
  plugins: [lazyPackages],
};
const chunks = Object.fromEntries(Object.entries(LAZY_PACKAGES).map(([pkg, file]) => [file.replace(/\.js$/, ''), pkg]));
const chunkOptions = { ...common, entryPoints: chunks, outdir: 'dist', minify: production };
const testEntryPoints = () =>
  readdirSync('test/integration')
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `test/integration/${f}`);
const testOptions = (entryPoints) => ({ ...common, entryPoints, outdir: 'dist/test/integration', external: ['vscode', 'mocha'] });

if (process.argv.includes('--watch')) {
  if (production) {
    console.error('scripts/build.mjs: --watch makes the development build; it does not go with --production');
    process.exit(2);
  }
  await watch();
} else {
  try {
    await buildOnce();
  } catch (e) {
    if (!e?.errors) throw e;
    // esbuild has printed each error in full; once more one line each, for .vscode/tasks.json's problem matcher.
    for (const m of e.errors) console.error(oneLine('error', m));
    process.exit(1);
  }
}

async function buildOnce() {
  const main = await esbuild.build(mainOptions);
  await esbuild.build(chunkOptions);

  if (production) {
    const kb = (file) => `${(statSync(file).size / 1024).toFixed(0).padStart(5)} KB`;
    console.log(`${kb('dist/extension.js')}  dist/extension.js (main bundle, loaded at activation)`);
    for (const file of Object.values(LAZY_PACKAGES)) console.log(`${kb(`dist/${file}`)}  dist/${file} (lazy)`);
    // What is in the main bundle, largest first: `node scripts/build.mjs --production --analyze`.
    if (process.argv.includes('--analyze')) console.log(await esbuild.analyzeMetafile(main.metafile));
  }

  if (!production) {
    // index.js runs every *.test.js in the folder: a bundle of a renamed or deleted test file must go.
    rmSync('dist/test/integration', { recursive: true, force: true });
    await esbuild.build(testOptions(testEntryPoints()));
  }
}

/** An esbuild message on one line, `<file>:<line>:<column>: error: <text>`, the column counted from 1 as editors do (esbuild shows it from 0). */
function oneLine(kind, m) {
  const where = m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : '';
  return `${where}${kind}: ${m.text}${m.pluginName ? ` [plugin ${m.pluginName}]` : ''}`;
}

/**
 * `--watch` (npm run watch): the development build, then again after every change to a file it was
 * built from. All three builds (extension.js, the lazy chunks, the test bundles) run together as one
 * rebuild, which prints
 *   [watch] build started (<what changed>)
 *   <file>:<line>:<column>: error: <message>      (one line per error or warning, if any)
 *   [watch] build finished in <ms> ms: <summary>
 * .vscode/tasks.json's problem matcher reads these lines. esbuild's own watch mode is not used: each
 * context polls on its own, so one save would give several unrelated "finished" lines, and a problem
 * matcher would clear one build's errors when another finishes. Instead the folders of every input
 * esbuild reports (its metafile; node_modules aside) are watched with fs.watch, plus test/integration
 * (a new test file is a new entry point) and node_modules/.package-lock.json (npm ci or install).
 * Stop with Ctrl-C.
 */
async function watch() {
  const quiet = { logLevel: 'silent', metafile: true };
  let testFiles = testEntryPoints();
  rmSync('dist/test/integration', { recursive: true, force: true });
  const builds = [
    { name: 'dist/extension.js', ctx: await esbuild.context({ ...mainOptions, ...quiet }), dirs: new Set() },
    { name: 'lazy chunks', ctx: await esbuild.context({ ...chunkOptions, ...quiet }), dirs: new Set() },
    { name: 'test bundles', ctx: await esbuild.context({ ...testOptions(testFiles), ...quiet }), dirs: new Set() },
  ];
  const tests = builds[2];

  const watchers = new Map(); // folder → fs.FSWatcher
  let timer;
  let running = false;
  let pending = new Set(); // what changed since the last rebuild started

  const changed = (what) => {
    pending.add(what);
    clearTimeout(timer);
    timer = setTimeout(() => void rebuild(), 100); // an editor's save is often several events
  };
  const watchFolder = (dir) => {
    if (watchers.has(dir)) return;
    try {
      const watcher = fsWatch(dir, (_event, file) => {
        if (dir === 'node_modules') {
          if (file === '.package-lock.json') changed('node_modules');
        } else if (file == null || /\.(ts|tsx|mts|cts|js|mjs|cjs|json)$/.test(file)) changed(file == null ? dir : path.join(dir, file));
      });
      watcher.on('error', () => {
        watcher.close();
        watchers.delete(dir); // the folder was removed; a later rebuild watches it again if it is back
      });
      watchers.set(dir, watcher);
    } catch {
      // the folder is gone (e.g. deleted between the build and here)
    }
  };

  /** One rebuild of all three builds; prints the messages and returns the summary line's text. */
  async function buildAll() {
    // Test files added, renamed or deleted: a new context for the new entry points, and no stale bundles.
    const nowTests = testEntryPoints();
    if (nowTests.join() !== testFiles.join()) {
      testFiles = nowTests;
      await tests.ctx.dispose();
      rmSync('dist/test/integration', { recursive: true, force: true });
      tests.ctx = await esbuild.context({ ...testOptions(testFiles), ...quiet });
    }
    const results = await Promise.all(
      builds.map(async (b) => {
        try {
          const r = await b.ctx.rebuild();
          // The folders to watch: where this build's inputs are (a failed build keeps the last ones).
          b.dirs = new Set(
            Object.keys(r.metafile.inputs)
              .filter((f) => !f.includes(':') && !f.split(/[\\/]/).includes('node_modules'))
              .map((f) => path.dirname(f)),
          );
          return { b, errors: r.errors, warnings: r.warnings };
        } catch (e) {
          return { b, errors: e.errors ?? [{ text: String(e?.message ?? e) }], warnings: e.warnings ?? [] };
        }
      }),
    );
    // The same message from two builds (a file both bundles include) is printed and counted once.
    const errorLines = new Set(results.flatMap((r) => r.errors.map((m) => oneLine('error', m))));
    const warningLines = new Set(results.flatMap((r) => r.warnings.map((m) => oneLine('warning', m))));
    for (const line of [...errorLines, ...warningLines]) console.log(line);

    const failed = results.filter((r) => r.errors.length > 0);
    const errors = errorLines.size;
    const warnings = warningLines.size;
    const also = warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : '';
    if (failed.length) return ` with ${errors} error${errors === 1 ? '' : 's'}${also}: ${failed.map((r) => r.b.name).join(', ')} not written`;
    return `${also}: ${builds.map((b) => b.name).join(', ')} written`;
  }

  async function rebuild() {
    if (running) return; // the rebuild under way starts another one when it ends
    running = true;
    const why = [...pending];
    pending = new Set();
    const started = performance.now();
    console.log(`[watch] build started${why.length ? ` (${why.slice(0, 3).join(', ')}${why.length > 3 ? `, +${why.length - 3}` : ''} changed)` : ''}`);
    let summary;
    try {
      summary = await buildAll();
    } catch (e) {
      console.log(`error: ${e?.message ?? e}`);
      summary = ' with 1 error';
    }
    const wanted = new Set(['test/integration', 'node_modules', ...builds.flatMap((b) => [...b.dirs])]);
    for (const dir of wanted) watchFolder(dir);
    for (const [dir, watcher] of watchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        watchers.delete(dir);
      }
    }
    console.log(`[watch] build finished in ${(performance.now() - started).toFixed(0)} ms${summary}`);
    running = false;
    if (pending.size) void rebuild();
  }

  const stop = async () => {
    clearTimeout(timer);
    for (const watcher of watchers.values()) watcher.close();
    await Promise.all(builds.map((b) => b.ctx.dispose()));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await rebuild();
  console.log('[watch] watching for changes (Ctrl-C stops)');
}
