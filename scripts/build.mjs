// Bundles the extension (dist/extension.js, `vscode` external), its lazily loaded chunks, and the
// integration tests (dist/test/integration/*.js, CommonJS, loaded by the extension host with require()).
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
import { readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

const production = process.argv.includes('--production');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: !production, logLevel: 'warning' };

/** Package → its chunk in dist/ (undici: the HTTP client; tar-stream: the archive reader's tar parser; libsodium: SecureTar v3). */
const LAZY_PACKAGES = { undici: 'undici.js', 'tar-stream': 'tar-stream.js', 'libsodium-wrappers-sumo': 'sodium.js' };

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
    build.onLoad({ filter: /.*/, namespace: 'lazy-import' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(`./${LAZY_PACKAGES[args.path]}`)});`, loader: 'js' }));
    // The chunk itself is required at run time, from extension.js's folder.
    build.onResolve({ filter: /.*/, namespace: 'lazy-package' }, (args) => ({ path: args.path, external: true }));
    build.onResolve({ filter: /.*/, namespace: 'lazy-import' }, (args) => ({ path: args.path, external: true }));
  },
};

const main = await esbuild.build({
  ...common,
  entryPoints: ['src/extension/extension.ts'],
  outfile: 'dist/extension.js',
  external: ['vscode'],
  minify: production,
  metafile: true,
  plugins: [lazyPackages],
});

const chunks = Object.fromEntries(Object.entries(LAZY_PACKAGES).map(([pkg, file]) => [file.replace(/\.js$/, ''), pkg]));
await esbuild.build({ ...common, entryPoints: chunks, outdir: 'dist', minify: production });

if (production) {
  const kb = (file) => `${(statSync(file).size / 1024).toFixed(0).padStart(5)} KB`;
  console.log(`${kb('dist/extension.js')}  dist/extension.js (main bundle, loaded at activation)`);
  for (const file of Object.values(LAZY_PACKAGES)) console.log(`${kb(`dist/${file}`)}  dist/${file} (lazy)`);
  // What is in the main bundle, largest first: `node scripts/build.mjs --production --analyze`.
  if (process.argv.includes('--analyze')) console.log(await esbuild.analyzeMetafile(main.metafile));
}

if (!production) {
  const tests = readdirSync('test/integration').filter((f) => f.endsWith('.ts')).map((f) => `test/integration/${f}`);
  // index.js runs every *.test.js in the folder: a bundle of a renamed or deleted test file must go.
  rmSync('dist/test/integration', { recursive: true, force: true });
  await esbuild.build({ ...common, entryPoints: tests, outdir: 'dist/test/integration', external: ['vscode', 'mocha'] });
}
