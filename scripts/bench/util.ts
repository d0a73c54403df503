// Small helpers shared by the benchmarks: paths, child processes, timing and formatting.
import { spawn } from 'node:child_process';
import type { SpawnOptions } from 'node:child_process';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '../..');
/** Generated inputs (1 GiB backups) and scratch files; git-ignored, reused across runs. */
export const BENCH_DIR = path.join(REPO, '.bench');

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

export interface BenchOptions {
  quick: boolean;
  /** Timed repetitions of each side (the median is reported). */
  runs: number;
  log: (line: string) => void;
}

/** One line of the result table. */
export interface Row {
  benchmark: string;
  extension: string;
  standard: string;
  ratio: string;
  goal: string;
  met: 'yes' | 'no' | 'n/a' | 'FAILED';
  /** Details printed under the table (raw samples, what was compared). */
  notes: string[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

export function bytes(value: number): string {
  if (value >= GiB) return `${(value / GiB).toFixed(2)} GiB`;
  if (value >= MiB) return `${(value / MiB).toFixed(1)} MiB`;
  if (value >= KiB) return `${(value / KiB).toFixed(1)} KiB`;
  return `${value} B`;
}

export function rate(byteCount: number, millis: number): string {
  return `${(byteCount / MiB / (millis / 1000)).toFixed(0)} MiB/s`;
}

export function list(values: readonly number[], format: (n: number) => string = ms): string {
  return values.map(format).join(', ');
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  wallMs: number;
}

/** Runs a command to completion, collecting its output and wall time. */
export function run(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, wallMs: performance.now() - started }));
  });
}

/** Like `run`, but a non-zero exit is an error that carries the command's stderr. */
export async function runOk(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<ProcessResult> {
  const r = await run(command, args, options);
  if (r.code !== 0) {
    const why = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-8).join('\n');
    throw new Error(`${command} ${args.join(' ').slice(0, 200)} exited with ${r.code ?? r.signal}: ${why}`);
  }
  return r;
}

/**
 * Runs one task of scripts/bench/child.ts in a fresh Node process (so its memory and JIT state are
 * its own) and returns the JSON it prints on its last stdout line.
 */
export async function runChild<T>(task: string, input: unknown): Promise<T> {
  const r = await runOk(process.execPath, ['--import', 'tsx', path.join(__dirname, 'child.ts'), task, JSON.stringify(input)]);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`child task ${task} printed no JSON result: ${r.stdout.slice(-500)}`);
  }
}

/** Shell-quotes one argument for bash. */
export function sh(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Whether a command is on PATH. */
export async function which(command: string): Promise<string | null> {
  const r = await run('bash', ['-c', `command -v ${sh(command)}`]);
  return r.code === 0 ? r.stdout.trim() : null;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
