// Benchmark 4: the main bundle's size after a production build, and the time spent inside
// `activate` in a real VS Code extension host.
//
// Both are measured on a private copy of the working tree (in the system temp folder, node_modules
// linked), so the shared dist/ and test-artifacts/ that other work uses are never touched:
//  - `node scripts/build.mjs` there (bundles the integration tests the harness needs), then
//    `node scripts/build.mjs --production` into an empty dist/: dist/extension.js is the main bundle,
//    every other .js file under dist/ (apart from the tests) is listed as a lazy chunk;
//  - the integration harness (test/harness/run-integration.ts: code-server + headless Chromium) runs
//    one quick test that waits for activation, with --keep; the extension's `activated in X ms` line
//    is read from its log file in the kept run folder, which is then removed.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, errorText, list, median, ms, runOk, run } from './util';
import type { BenchOptions, Row } from './util';

const ACTIVATION_GOAL_MS = 50;
/** 600 KB read strictly as 600 000 bytes. */
const BUNDLE_GOAL_BYTES = 600_000;
/** A quick integration test that awaits the extension's activation (override with BENCH_ACTIVATION_GREP). */
const GREP = process.env.BENCH_ACTIVATION_GREP ?? 'without a connection: the Connect welcome';

function kb(n: number): string {
  return `${(n / 1000).toFixed(1)} KB`;
}

/** Tracked and untracked (not ignored) files of the working tree, copied; node_modules linked. */
function copyWorkingTree(): string {
  const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (files.status !== 0) throw new Error(`git ls-files failed: ${files.stderr}`);
  // Short path: the extension host creates unix sockets under the harness's run folder.
  const copy = mkdtempSync(path.join(os.tmpdir(), 'ha-bench-'));
  // .bench/ (our own gigabytes of test data) is not part of the extension, ignored by git or not.
  for (const rel of files.stdout.split('\0').filter((f) => f && !f.startsWith('.bench/'))) {
    const from = path.join(REPO, rel);
    if (!existsSync(from) || !statSync(from).isFile()) continue; // deleted but still tracked
    const to = path.join(copy, rel);
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(from, to);
  }
  symlinkSync(path.join(REPO, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  return copy;
}

function jsFiles(dir: string, skip: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory() && full !== skip) out.push(...jsFiles(full, skip));
    else if (e.isFile() && /\.(c|m)?js$/.test(e.name)) out.push(full);
  }
  return out;
}

/** Builds for tests, then for production; returns the production .js files with their sizes. */
async function build(copy: string): Promise<{ main: number; chunks: { file: string; bytes: number }[] }> {
  const dist = path.join(copy, 'dist');
  await runOk(process.execPath, ['scripts/build.mjs'], { cwd: copy });
  const tests = path.join(copy, 'dist-test');
  renameSync(path.join(dist, 'test'), tests);
  rmSync(dist, { recursive: true, force: true });
  await runOk(process.execPath, ['scripts/build.mjs', '--production'], { cwd: copy });
  const main = path.join(dist, 'extension.js');
  if (!existsSync(main)) throw new Error('the production build wrote no dist/extension.js');
  const chunks = jsFiles(dist, path.join(dist, 'test'))
    .filter((f) => f !== main)
    .map((f) => ({ file: path.relative(copy, f), bytes: statSync(f).size }))
    .sort((a, b) => b.bytes - a.bytes);
  const result = { main: statSync(main).size, chunks };
  mkdirSync(dist, { recursive: true });
  renameSync(tests, path.join(dist, 'test'));
  return result;
}

function findActivation(dir: string): number | undefined {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory() && !e.isSymbolicLink()) {
      const found = findActivation(full);
      if (found !== undefined) return found;
    } else if (e.isFile() && e.name.endsWith('.log')) {
      const m = /activated in ([\d.]+) ms/.exec(readFileSync(full, 'utf8'));
      if (m) return Number(m[1]);
    }
  }
  return undefined;
}

/** One launch of the extension host through the harness; the time logged by `activate`. */
async function launch(copy: string): Promise<number> {
  const env = { ...process.env, HA_VSCODE_TEST_ENV: process.env.HA_VSCODE_TEST_ENV ?? path.join(REPO, '.vscode-test-env') };
  const r = await run(process.execPath, ['--import', 'tsx', 'test/harness/run-integration.ts', '--grep', GREP, '--keep', '--timeout', '300'], { cwd: copy, env });
  const kept = /\bkept (\S+)/.exec(r.stdout)?.[1];
  try {
    const found = kept && existsSync(kept) ? findActivation(kept) : undefined;
    if (found === undefined) {
      const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-15).join('\n');
      throw new Error(`no "activated in" line in the extension's log (harness exit ${r.code ?? r.signal}, grep "${GREP}"):\n${tail}`);
    }
    if (r.code !== 0)
      throw new Error(`the harness run failed (exit ${r.code ?? r.signal}) although the extension activated:\n${r.stdout.trim().split('\n').slice(-10).join('\n')}`);
    return found;
  } finally {
    if (kept && kept.startsWith(os.tmpdir())) rmSync(kept, { recursive: true, force: true });
  }
}

export async function activationBenchmark(opts: BenchOptions): Promise<Row[]> {
  const testEnv = process.env.HA_VSCODE_TEST_ENV ?? path.join(REPO, '.vscode-test-env');
  if (!existsSync(testEnv)) throw new Error(`${testEnv} is missing (run bash scripts/install-test-env.sh)`);
  const copy = copyWorkingTree();
  try {
    opts.log('activation: building (test bundle, then --production) in a private copy of the working tree');
    const bundle = await build(copy);
    const launches = opts.quick ? 1 : 3;
    const times: number[] = [];
    const failures: string[] = [];
    for (let i = 0; i < launches; i++) {
      opts.log(`activation: extension host launch ${i + 1}/${launches}`);
      try {
        times.push(await launch(copy));
      } catch (e) {
        failures.push(errorText(e));
      }
    }
    const chunkTotal = bundle.chunks.reduce((n, c) => n + c.bytes, 0);
    const activation = times.length > 0 ? median(times) : undefined;
    return [
      {
        benchmark: 'extension activation (time inside activate)',
        extension: activation === undefined ? 'could not be measured' : ms(activation),
        standard: 'n/a',
        ratio: 'n/a',
        goal: `≤ ${ACTIVATION_GOAL_MS} ms`,
        met: activation === undefined ? 'FAILED' : activation <= ACTIVATION_GOAL_MS ? 'yes' : 'no',
        notes: [
          `median of ${times.length} of ${launches} extension-host launches (code-server + headless Chromium through test/harness/run-integration.ts, test "${GREP}", production bundle, no stored connection): ${list(times)}`,
          ...failures.map((f) => `a launch failed: ${f}`),
        ],
      },
      {
        benchmark: 'main bundle size (dist/extension.js, --production)',
        extension: `${kb(bundle.main)} (${bundle.main} bytes)`,
        standard: 'n/a',
        ratio: 'n/a',
        goal: `≤ ${BUNDLE_GOAL_BYTES / 1000} KB`,
        met: bundle.main <= BUNDLE_GOAL_BYTES ? 'yes' : 'no',
        notes: [
          bundle.chunks.length === 0
            ? 'lazy chunks: none (dist/ holds only extension.js)'
            : `lazy chunks (loaded on demand, not counted in the main bundle), ${kb(chunkTotal)} in all: ${bundle.chunks.map((c) => `${c.file.replace(/^dist\//, '')} ${kb(c.bytes)}`).join(', ')}`,
        ],
      },
    ];
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
