// `npm run bench [-- --quick] [-- --runs N] [-- <name>…]`: measures the extension's own code against
// standard tools in the same run and prints a Markdown table (stdout; progress goes to stderr).
// Names: download, list, retention, activation, ranged, history (default: all). Exit code 0 even when a goal is missed
// (this is a report); 1 when a benchmark could not run.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { activationBenchmark } from './activation';
import { downloadBenchmark } from './download';
import { historyBenchmark } from './history';
import { listBenchmark } from './list';
import { machineFacts } from './machine';
import { rangedBenchmark } from './ranged';
import { retentionBenchmark } from './retention';
import { formatTable } from './table';
import { errorText } from './util';
import type { BenchOptions, Row } from './util';

const BENCHMARKS: Record<string, { title: string; run: (o: BenchOptions) => Promise<Row[]> }> = {
  download: { title: 'download a backup vs curl', run: downloadBenchmark },
  list: { title: 'list a SecureTar backup vs openssl | gzip | tar', run: listBenchmark },
  retention: { title: 'applyPolicy on 100 000 backups', run: retentionBenchmark },
  activation: { title: 'activation time and bundle size', run: activationBenchmark },
  ranged: { title: 'ranged reads of a remote backup', run: rangedBenchmark },
  history: { title: 'file history across 30 local backups vs tar -xzOf', run: historyBenchmark },
};

const USAGE = `usage: npm run bench -- [--quick] [--runs N] [${Object.keys(BENCHMARKS).join('|')} …]
  --quick   64 MiB backups instead of 1 GiB (history: 30 × 8 MiB instead of 30 × 200 MiB), one extension-host launch (a fast check)
  --runs N  timed repetitions per side (default 3); the median is reported`;

function parse(): { names: string[]; quick: boolean; runs: number } {
  let parsed;
  try {
    parsed = parseArgs({
      options: { quick: { type: 'boolean', default: false }, runs: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    process.stderr.write(`${errorText(e)}\n${USAGE}\n`);
    process.exit(2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const unknown = positionals.filter((p) => !(p in BENCHMARKS));
  const runs = values.runs === undefined ? 3 : Number(values.runs);
  if (unknown.length > 0 || !Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`${unknown.length ? `unknown benchmark: ${unknown.join(', ')}` : '--runs must be a positive integer'}\n${USAGE}\n`);
    process.exit(2);
  }
  return { names: positionals.length ? positionals : Object.keys(BENCHMARKS), quick: values.quick, runs };
}

async function main(): Promise<void> {
  const args = parse();
  const started = Date.now();
  const log = (line: string): void => void process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${line}\n`);
  const facts = await machineFacts();
  const rows: Row[] = [];
  let failed = false;
  for (const name of args.names) {
    const bench = BENCHMARKS[name];
    if (!bench) continue;
    log(`${name}: ${bench.title}`);
    try {
      const result = await bench.run({ quick: args.quick, runs: args.runs, log });
      rows.push(...result);
      failed ||= result.some((r) => r.met === 'FAILED');
    } catch (e) {
      failed = true;
      log(`${name} could not run: ${errorText(e)}`);
      rows.push({ benchmark: bench.title, extension: 'could not run', standard: '', ratio: '', goal: '', met: 'FAILED', notes: [errorText(e)] });
    }
  }
  const lines = [
    `# Benchmarks${args.quick ? ' (--quick: 64 MiB backups)' : ''}, ${new Date().toISOString()}`,
    '',
    ...facts.map((f) => `- ${f}`),
    '',
    ...formatTable(rows),
    '',
    `Total time: ${((Date.now() - started) / 1000).toFixed(0)} s; load average at the end (1/5/15 min): ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
