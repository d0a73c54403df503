// Bundles the extension (dist/extension.js, `vscode` external) and the integration tests
// (dist/test/integration/*.js, CommonJS, loaded by the extension host with require()).
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: !production, logLevel: 'warning' };

await esbuild.build({
  ...common,
  entryPoints: ['src/extension/extension.ts'],
  outfile: 'dist/extension.js',
  external: ['vscode'],
  minify: production,
  metafile: true,
});

if (!production) {
  const tests = readdirSync('test/integration').filter((f) => f.endsWith('.ts')).map((f) => `test/integration/${f}`);
  await esbuild.build({ ...common, entryPoints: tests, outdir: 'dist/test/integration', external: ['vscode', 'mocha'] });
}
