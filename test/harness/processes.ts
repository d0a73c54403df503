// Child processes of the harnesses (the Supervisor emulator, code-server): each runs in a process
// group of its own, so stopping it also stops what it started (tsx's node, the extension host, file
// watchers, language servers), and a group that outlives the harness is killed when it exits. Also
// the emulator's start-up, shared by the browser and the desktop harness.
import { spawn, type ChildProcessByStdio, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { log } from './log';

export type Child = ChildProcessByStdio<null, Readable, Readable>;

/** The line src/emulator/cli.ts prints once it listens (scripts/demo.sh waits for it too). */
export const EMULATOR_LISTENING = /Supervisor emulator listening on (http:\/\/127\.0\.0\.1:\d+)/;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const alive = (child: Child | undefined): child is Child => child !== undefined && child.exitCode === null && child.signalCode === null;

const groups = new Set<Child>();
// Last resort if the harness dies in an unexpected way: no process group outlives it.
process.on('exit', () => {
  for (const child of groups) {
    if (child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

/** Starts `command` as the leader of a new process group, stdout and stderr piped. */
export function spawnGroup(command: string, args: string[], options: Omit<SpawnOptions, 'detached' | 'stdio'>): Child {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  groups.add(child);
  return child;
}

/** Stops the group of `child`: SIGTERM, up to 3 s to go, then SIGKILL for whatever is left in it. */
export async function killGroup(child: Child | undefined, name: string): Promise<void> {
  if (!child?.pid) return;
  if (alive(child)) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    for (let i = 0; i < 30 && alive(child); i++) await sleep(100);
    if (alive(child)) log(`${name} did not stop on SIGTERM; killing it`);
  }
  // Always the whole group, even when the leader is gone: ext host, watchers, language servers, tsx's node.
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  groups.delete(child);
}

/**
 * Writes the child's stdout and stderr to `file` and resolves with the first match of `re` on its
 * stdout; rejects if it exits first or nothing matches within `timeoutMs`.
 */
export function waitForLine(child: Child, file: string, re: RegExp, name: string, timeoutMs: number): Promise<RegExpExecArray> {
  const out = fs.createWriteStream(file);
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs / 1000}s`)), timeoutMs);
    const onData = (d: Buffer): void => {
      buf += d.toString();
      const m = re.exec(buf);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(m);
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited during startup (${code ?? signal})`));
    });
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** The last `lines` lines of a text file, or '' if it cannot be read. */
export function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export interface EmulatorOptions {
  /** The repo (the emulator runs there). */
  repo: string;
  /** node_modules/.bin/tsx */
  tsx: string;
  /** The emulator's entry point (src/emulator/cli.ts). */
  cli: string;
  token: string;
  dataDir: string;
  /** A scenario file, or undefined for none. */
  scenario: string | undefined;
  /** Receives the emulator's stdout and stderr. */
  logFile: string;
  env: NodeJS.ProcessEnv;
  /** Also copy its output to the harness's stdout and stderr. */
  verbose: boolean;
}

/**
 * Starts the Supervisor emulator on a free port. The child is returned at once (so that it can be
 * stopped even if it never gets ready); `url` resolves once it listens.
 */
export function startEmulator(o: EmulatorOptions): { child: Child; url: Promise<string> } {
  const args = [o.cli, '--port', '0', '--token', o.token, '--data', o.dataDir, ...(o.scenario ? ['--scenario', o.scenario] : [])];
  const child = spawnGroup(o.tsx, args, { cwd: o.repo, env: o.env });
  if (o.verbose) {
    child.stdout.pipe(process.stdout);
    child.stderr.pipe(process.stderr);
  }
  const url = waitForLine(child, o.logFile, EMULATOR_LISTENING, 'the emulator', 30_000).then((m) => m[1]!);
  return { child, url };
}

/** Copies `files` and the folder `dirs` into `into` (evidence of a failed run). */
export function keepEvidence(into: string, files: string[], dirs: { from: string; to: string }[]): void {
  fs.mkdirSync(into, { recursive: true });
  for (const f of files) if (fs.existsSync(f)) fs.copyFileSync(f, path.join(into, path.basename(f)));
  for (const d of dirs) if (fs.existsSync(d.from)) fs.cpSync(d.from, path.join(into, d.to), { recursive: true });
}
