// Security checklist: fuzz the policy parser for a bounded number of iterations. Seeded mutations
// of valid policy files (byte and bit flips, truncations, splices of one file into another, YAML
// tokens dropped in) and randomly generated YAML, all through parsePolicyFile. Each answer must
// come without an exception (also not one caught by parsePolicyFile's own safety net), with sane
// ranges, and in bounded time: the parser is synchronous, so the iterations run in a worker thread
// that is terminated when one of them hangs. On failure the seed, the iteration and the input are
// printed. HA_FUZZ_SEED and HA_FUZZ_POLICY_ITERATIONS explore further.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parsePolicyFile, STARTER_POLICY_FILE, type ParsedPolicyFile } from '../../src/core/policy';
import { Rng } from './retention/random';

const SEED = Number(process.env.HA_FUZZ_SEED ?? 20_261_126);
const ITERATIONS = Number(process.env.HA_FUZZ_POLICY_ITERATIONS ?? 2000);
/** One parse taking longer than this is a failure (a real file takes milliseconds). */
const ITERATION_LIMIT_MS = 2000;
/** No word from the worker for this long: it hangs (more than the limit: the machine is shared). */
const HANG_MS = 10_000;

type FromWorker =
  | { kind: 'start'; i: number; text: string }
  | { kind: 'fail'; i: number; text: string; error: string }
  | { kind: 'done'; withErrors: number; policies: number; slowestMs: number };

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'policies');

/** Valid (and some invalid) policy files to mutate and splice. */
function corpus(): string[] {
  return [
    STARTER_POLICY_FILE,
    readFileSync(path.join(FIXTURES, 'full.yaml'), 'utf8'),
    readFileSync(path.join(FIXTURES, 'errors.yaml'), 'utf8'),
    `policies:
  - name: nightly config
    schedule: daily 02:30
    backup: &b
      name: "Nightly %Y-%m-%d"
      include: {folders: [config], addons: [core_mosquitto]}
      password: !secret backup_password
    retention: {daily: 7, weekly: 4, monthly: 12, yearly: unlimited}
  - name: hourly
    schedule: "0 * * * *"
    backup: {<<: *b, name: hourly}
    retention: {keep_days: 2}
    purge: auto
`,
  ];
}

const TOKENS = [
  ':',
  ': ',
  '-',
  '- ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a ',
  '*a',
  '&b ',
  '*b',
  '<<: *a',
  '!secret ',
  '!secret backup_password',
  '!!str ',
  '!!int ',
  '!!js/function ',
  '!include x.yaml',
  '|',
  '|-',
  '>',
  "'",
  '"',
  '#',
  '%YAML 1.2\n---\n',
  '---\n',
  '...\n',
  '? ',
  '\n',
  '\r\n',
  '\t',
  '  ',
  '    ',
  'null',
  '~',
  '0',
  '-1',
  '1e999',
  '.nan',
  '0x1F',
  'yes',
  'No',
  'daily 02:30',
  'every 3 hours :15',
  'weekly mon,thu 03:00',
  '0 1 L * *',
  '*/5 * * * *',
  'unlimited',
  '1y6m',
  'policies:',
  'name: x',
  'schedule: ',
  'retention:',
  'backup:',
  'keep_days: 3',
  '__proto__: ',
  '\u0000',
  '\ufeff',
  '\ud800',
  '🗃️',
  '\\',
  '\\u0000',
];
const KEYS = [
  'policies',
  'name',
  'enabled',
  'schedule',
  'backup',
  'retention',
  'verify',
  'purge',
  'daily',
  'weekly',
  'monthly',
  'yearly',
  'last',
  'within',
  'keep_days',
  'include',
  'exclude',
  'addons',
  'folders',
  'location',
  'password',
  'compressed',
  'download_path',
  '<<',
  '__proto__',
  'x',
];
const SCALARS = [
  'daily 02:30',
  'weekly sun 04:00',
  'every 2 hours',
  '0 3 * * *',
  'unlimited',
  '7',
  '0',
  '-3',
  '1.5',
  'true',
  'off',
  'null',
  '~',
  '""',
  "''",
  '"\\u0000"',
  'core_*',
  'config',
  '.local',
  '!secret backup_password',
  '!secret nope',
  '*a',
  'x'.repeat(300),
];

/** Random YAML, block or flow, with anchors, aliases, tags and merge keys. */
function randomYaml(rng: Rng, depth = 0): string {
  const indent = '  '.repeat(depth);
  const scalar = () => rng.pick(SCALARS);
  const anchor = () => (rng.next() < 0.1 ? `&${rng.pick(['a', 'b'])} ` : '');
  if (depth > 4 || rng.next() < 0.2) return anchor() + scalar();
  const size = rng.int(0, 4);
  switch (rng.int(0, 3)) {
    case 0:
      return `${anchor()}[${Array.from({ length: size }, () => randomYaml(rng, depth + 5)).join(', ')}]`;
    case 1:
      return `${anchor()}{${Array.from({ length: size }, () => `${rng.pick(KEYS)}: ${randomYaml(rng, depth + 5)}`).join(', ')}}`;
    case 2:
      return `${anchor()}\n${Array.from({ length: Math.max(1, size) }, () => `${indent}  - ${randomYaml(rng, depth + 2).trimStart()}`).join('\n')}`;
    default:
      return `${anchor()}\n${Array.from({ length: Math.max(1, size) }, () => `${indent}  ${rng.pick(KEYS)}: ${randomYaml(rng, depth + 1).trimStart()}`).join('\n')}`;
  }
}

function mutate(text: string, rng: Rng, files: readonly string[]): string {
  const at = () => rng.int(0, text.length);
  switch (rng.int(0, 8)) {
    case 0: {
      // flip bits of the UTF-8 bytes (may make invalid UTF-8, decoded as U+FFFD like a file read)
      const bytes = Buffer.from(text);
      for (let n = rng.int(1, 8); n > 0 && bytes.length; n--) bytes[rng.int(0, bytes.length - 1)]! ^= 1 << rng.int(0, 7);
      return bytes.toString('utf8');
    }
    case 1: {
      const i = at();
      return text.slice(0, i) + String.fromCharCode(rng.int(0, 0xffff)) + text.slice(i + 1);
    }
    case 2:
      return text.slice(0, at());
    case 3: {
      const i = at();
      return text.slice(0, i) + text.slice(i + rng.int(1, 40));
    }
    case 4: {
      const i = at();
      return text.slice(0, i) + rng.pick(TOKENS) + text.slice(i);
    }
    case 5: {
      // splice a piece of another file in
      const other = rng.pick(files);
      const from = rng.int(0, other.length);
      const i = at();
      return text.slice(0, i) + other.slice(from, from + rng.int(1, 400)) + text.slice(i + rng.int(0, 40));
    }
    case 6: {
      const lines = text.split('\n');
      const line = rng.int(0, lines.length - 1);
      lines.splice(rng.int(0, lines.length), 0, ...lines.slice(line, line + rng.int(1, 6)));
      return lines.join('\n');
    }
    case 7: {
      const lines = text.split('\n');
      const line = rng.int(0, lines.length - 1);
      lines[line] = ' '.repeat(rng.int(0, 9)) + lines[line]!.trimStart();
      return lines.join('\n');
    }
    default:
      return `policies:${randomYaml(rng)}\n${rng.next() < 0.5 ? text.slice(at()) : ''}`;
  }
}

/** The checks of one answer; returns what is wrong, or undefined. */
function problemWith(text: string, result: ParsedPolicyFile): string | undefined {
  const lines = text.split('\n');
  for (const d of result.diagnostics) {
    // parsePolicyFile turns its own exceptions into this diagnostic: for the fuzzer it is a crash.
    if (d.message.startsWith('could not check this file')) return `internal error: ${d.message}`;
    for (const p of [d.range.start, d.range.end]) {
      if (!(p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line]!.length)) return `range outside the text: ${JSON.stringify(d)}`;
    }
    if (d.range.start.line > d.range.end.line || (d.range.start.line === d.range.end.line && d.range.start.character > d.range.end.character))
      return `reversed range: ${JSON.stringify(d)}`;
  }
  for (const p of result.policies) {
    if (typeof p.name !== 'string' || !p.name.trim()) return `a policy without a name: ${JSON.stringify(p)}`;
    if (typeof p.schedule?.cron !== 'string') return `a policy without a cron: ${JSON.stringify(p)}`;
    if (p.nameRange.start.line >= lines.length) return `name range outside the text: ${JSON.stringify(p.nameRange)}`;
  }
  return undefined;
}

/** The worker: runs every iteration, telling the main thread before each one. */
function runIterations(seed: number, iterations: number): void {
  const port = parentPort!;
  const rng = new Rng(seed);
  const files = corpus();
  const secrets = (name: string) => (name === 'backup_password' ? 'fuzz-secret-value' : undefined);
  let withErrors = 0;
  let policies = 0;
  let slowestMs = 0;
  for (let i = 0; i < iterations; i++) {
    let text = rng.pick(files);
    for (let m = rng.int(1, 4); m > 0; m--) text = mutate(text, rng, files);
    const send = (message: FromWorker) => port.postMessage(message);
    send({ kind: 'start', i, text });
    const started = performance.now();
    let result: ParsedPolicyFile;
    try {
      result = parsePolicyFile(text, { secrets });
    } catch (e) {
      send({ kind: 'fail', i, text, error: `threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` });
      return;
    }
    const elapsed = performance.now() - started;
    slowestMs = Math.max(slowestMs, elapsed);
    const problem = elapsed > ITERATION_LIMIT_MS ? `took ${Math.round(elapsed)} ms` : problemWith(text, result);
    if (problem) {
      send({ kind: 'fail', i, text, error: problem });
      return;
    }
    if (result.diagnostics.some((d) => d.message.includes('fuzz-secret-value'))) {
      send({ kind: 'fail', i, text, error: 'a secret value appears in a diagnostic' });
      return;
    }
    if (result.diagnostics.some((d) => d.severity === 'error')) withErrors++;
    policies += result.policies.length;
  }
  port.postMessage({ kind: 'done', withErrors, policies, slowestMs } satisfies FromWorker);
}

/** Keeps the failing input next to the report (it may be long or hold control characters). */
function keep(text: string, i: number): string {
  const file = path.join(tmpdir(), `ha-fuzz-policy-${SEED}-${i}.yaml`);
  writeFileSync(file, text);
  return file;
}

function fuzzInWorker(): Promise<Extract<FromWorker, { kind: 'done' }>> {
  return new Promise((resolve, reject) => {
    // tsx's CommonJS hook for the worker (the test runner's --import does not reach worker threads).
    const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)});`, { eval: true, workerData: { seed: SEED, iterations: ITERATIONS } });
    let last: { i: number; text: string; at: number } = { i: -1, text: '', at: Date.now() };
    const fail = (why: string, i: number, text: string) => {
      clearInterval(watchdog);
      void worker.terminate();
      reject(new Error(`policy fuzz failed (seed ${SEED}, iteration ${i}): ${why}\ninput kept in ${keep(text, i)}:\n${text.slice(0, 1500)}`));
    };
    const watchdog = setInterval(() => {
      if (Date.now() - last.at > HANG_MS) fail(`no answer within ${HANG_MS} ms (a hang)`, last.i, last.text);
    }, 500);
    worker.on('message', (m: FromWorker) => {
      if (m.kind === 'start') last = { i: m.i, text: m.text, at: Date.now() };
      else if (m.kind === 'fail') fail(m.error, m.i, m.text);
      else {
        clearInterval(watchdog);
        resolve(m);
      }
    });
    worker.on('error', (e) => fail(`the worker crashed: ${e.stack ?? e.message}`, last.i, last.text));
    worker.on('exit', (code) => {
      if (code !== 0) fail(`the worker exited with code ${code}`, last.i, last.text);
    });
  });
}

if (isMainThread) {
  describe('fuzz: policy parser', () => {
    it(`${ITERATIONS} seeded mutations and random files (seed ${SEED}): no exception, sane ranges, no hang`, async () => {
      const started = performance.now();
      const stats = await fuzzInWorker();
      // The fuzzer must reach both worlds: broken files and files with valid policies.
      assert.ok(stats.withErrors > ITERATIONS / 4, `most mutations break the file (${stats.withErrors}/${ITERATIONS})`);
      assert.ok(stats.policies > ITERATIONS / 10, `some keep valid policies (${stats.policies})`);
      console.log(
        `policy fuzz: ${ITERATIONS} iterations in ${Math.round(performance.now() - started)} ms, slowest ${Math.round(stats.slowestMs)} ms, ${stats.withErrors} with errors`,
      );
    });
  });
} else {
  const { seed, iterations } = workerData as { seed: number; iterations: number };
  runIterations(seed, iterations);
}
