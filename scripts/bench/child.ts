// One measured task in a fresh Node process: `node --import tsx scripts/bench/child.ts <task> <json>`.
// Prints one JSON line with the result. A process of its own keeps the memory figures (RSS) and the
// "first call" timings free of what the benchmark runner itself has loaded or warmed up.
import { createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { request } from 'undici';
import { listBackup } from '../../src/core/archive/index';
import { downloadBackupToFile } from '../../src/core/download/downloadToFile';
import { applyPolicy } from '../../src/core/retention/index';
import type { RetentionRules, SnapshotLike } from '../../src/core/retention/index';
import { SupervisorClient } from '../../src/core/supervisor/client';
import { HttpTransport } from '../../src/core/supervisor/transport';
import { profiled } from './profile';
import type { ProfileSummary } from './profile';
import { retentionSnapshots } from './retentionInput';

export interface MemoryReport {
  rssBeforeBytes: number;
  peakRssBytes: number;
  /** How the peak was found: the kernel's VmHWM after resetting it, or sampling every 5 ms. */
  peakSource: 'VmHWM' | 'sampled';
}

export interface DownloadInput {
  url: string;
  token: string;
  slug: string;
  directory: string;
  fileName: string;
  expectedBytes: number;
  /** Set: profile the timed part (a run of its own, not one of the timed runs), one sample every this many µs. */
  profileUs?: number;
}

export interface DownloadOutput extends MemoryReport {
  ms: number;
  bytes: number;
  path: string;
  profile?: ProfileSummary;
}

export interface ListInput {
  file: string;
  password: string;
}

export interface ListOutput extends MemoryReport {
  ms: number;
  archives: { name: string; entries: number; version: number | null; tarBytes: number }[];
}

export interface RetentionInput {
  count: number;
  warmRuns: number;
  rules: RetentionRules;
  now: string;
  timeZone?: string;
  /** Set: profile the first call (and make no warm calls), one sample every this many µs. */
  profileUs?: number;
}

export interface RetentionOutput {
  firstMs: number;
  /** CPU time (user + system, all threads) of the first call: less sensitive to other load than wall time. */
  firstCpuMs: number;
  warmMs: number[];
  warmCpuMs: number[];
  keep: number;
  remove: number;
  profile?: ProfileSummary;
}

function statusField(name: string): number | undefined {
  try {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** `work` itself, or under the CPU profiler when `profileUs` is set (the summary goes into the result). */
async function maybeProfiled<T extends object>(profileUs: number | undefined, work: () => Promise<T>): Promise<T & { profile?: ProfileSummary }> {
  if (!profileUs) return work();
  const { result, profile } = await profiled(work, profileUs);
  return { ...result, profile };
}

/** Measures the peak RSS while `work` runs, relative to the RSS just before it. */
async function withMemory<T>(work: () => Promise<T>): Promise<T & MemoryReport> {
  // Writing 5 to clear_refs resets VmHWM (the peak RSS) to the current RSS (Linux ≥ 4.0).
  let hwmReset: boolean;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    hwmReset = statusField('VmHWM') !== undefined;
  } catch {
    hwmReset = false;
  }
  const rssBeforeBytes = statusField('VmRSS') ?? process.memoryUsage().rss;
  let sampled = rssBeforeBytes;
  const timer = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 5);
  try {
    const result = await work();
    sampled = Math.max(sampled, process.memoryUsage().rss);
    const hwm = hwmReset ? statusField('VmHWM') : undefined;
    const peakRssBytes = Math.max(sampled, hwm ?? 0);
    return { ...result, rssBeforeBytes, peakRssBytes, peakSource: hwm !== undefined && hwm >= sampled ? 'VmHWM' : 'sampled' };
  } finally {
    clearInterval(timer);
  }
}

/** The extension's download path: SupervisorClient over HttpTransport, then downloadBackupToFile. */
async function download(input: DownloadInput): Promise<DownloadOutput> {
  const client = new SupervisorClient(new HttpTransport({ baseUrl: input.url, token: input.token }));
  try {
    return await withMemory(() =>
      maybeProfiled(input.profileUs, async () => {
        let reported = 0;
        const t0 = performance.now();
        const result = await downloadBackupToFile(client, input.slug, input.directory, {
          fileName: input.fileName,
          expectedBytes: input.expectedBytes,
          // Like the extension's progress notification: a little work per chunk, a report per 1 %.
          onProgress: (received, total) => {
            const percent = total ? (received / total) * 100 : 0;
            if (total && percent - reported < 1 && received !== total) return;
            reported = percent;
          },
        });
        return { ms: performance.now() - t0, bytes: result.bytes, path: result.path };
      }),
    );
  } finally {
    await client.transport.close();
  }
}

export interface DrainOutput {
  ms: number;
  bytes: number;
}

/**
 * The smallest Node program doing what `curl -o` does, without the extension's code: undici's
 * response body piped into fs.createWriteStream.
 */
async function bare(input: DownloadInput): Promise<DownloadOutput> {
  const file = path.join(input.directory, 'bare.tar');
  return withMemory(() =>
    maybeProfiled(input.profileUs, async () => {
      const t0 = performance.now();
      const res = await request(`${input.url}/backups/${input.slug}/download`, { headers: { authorization: `Bearer ${input.token}` } });
      await pipeline(res.body, createWriteStream(file));
      return { ms: performance.now() - t0, bytes: statSync(file).size, path: file };
    }),
  );
}

/** The floor of any download in Node: the same transport's response body, read and discarded. */
async function drain(input: DownloadInput): Promise<DrainOutput> {
  const client = new SupervisorClient(new HttpTransport({ baseUrl: input.url, token: input.token }));
  try {
    const t0 = performance.now();
    const res = await client.download(input.slug);
    let received = 0;
    for await (const chunk of res.body) received += (chunk as Buffer).length;
    return { ms: performance.now() - t0, bytes: received };
  } finally {
    await client.transport.close();
  }
}

async function list(input: ListInput): Promise<ListOutput> {
  return withMemory(async () => {
    const t0 = performance.now();
    const listing = await listBackup(input.file, { password: input.password });
    const ms = performance.now() - t0;
    return { ms, archives: listing.archives.map((a) => ({ name: a.name, entries: a.entries.length, version: a.version, tarBytes: a.tarBytes })) };
  });
}

/** A full garbage collection now (the benchmark's own input moves to the old generation). */
function settleHeap(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function retention(input: RetentionInput): Promise<RetentionOutput> {
  // As the extension gets them: parsed from the Supervisor's JSON. Strings built by concatenation, as the
  // generator builds them, are V8 cons strings that the first character read flattens one by one; that
  // cost (about half of the first call in a profile) is the generator's, never the extension's.
  const snapshots = JSON.parse(JSON.stringify(retentionSnapshots(input.count))) as SnapshotLike[];
  // Those 100 000 fresh objects are still in V8's young generation; the first scavenge inside the call would
  // copy them out (20–36 ms in --trace-gc), a debt of whoever just parsed the list, not of applyPolicy.
  settleHeap();
  const options = { now: input.now, ...(input.timeZone ? { timeZone: input.timeZone } : {}) };
  const cpuMs = (since: NodeJS.CpuUsage): number => {
    const u = process.cpuUsage(since);
    return (u.user + u.system) / 1000;
  };
  if (input.profileUs) {
    const { result, profile } = await profiled(() => applyPolicy(snapshots, input.rules, options), input.profileUs);
    return { firstMs: Number.NaN, firstCpuMs: Number.NaN, warmMs: [], warmCpuMs: [], keep: result.keep.length, remove: result.remove.length, profile };
  }
  let cpu = process.cpuUsage();
  let t0 = performance.now();
  const first = applyPolicy(snapshots, input.rules, options);
  const firstMs = performance.now() - t0;
  const firstCpuMs = cpuMs(cpu);
  if (first.keep.length + first.remove.length !== input.count) throw new Error(`applyPolicy returned ${first.keep.length + first.remove.length} of ${input.count} snapshots`);
  const warmMs: number[] = [];
  const warmCpuMs: number[] = [];
  for (let i = 0; i < input.warmRuns; i++) {
    cpu = process.cpuUsage();
    t0 = performance.now();
    applyPolicy(snapshots, input.rules, options);
    warmMs.push(performance.now() - t0);
    warmCpuMs.push(cpuMs(cpu));
  }
  return { firstMs, firstCpuMs, warmMs, warmCpuMs, keep: first.keep.length, remove: first.remove.length };
}

async function main(): Promise<void> {
  const [task, json] = process.argv.slice(2);
  const input = JSON.parse(json ?? '{}') as unknown;
  let output: unknown;
  if (task === 'download') output = await download(input as DownloadInput);
  else if (task === 'bare') output = await bare(input as DownloadInput);
  else if (task === 'drain') output = await drain(input as DownloadInput);
  else if (task === 'list') output = await list(input as ListInput);
  else if (task === 'retention') output = await retention(input as RetentionInput);
  else throw new Error(`unknown task ${task ?? '(none)'}`);
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
