// Benchmark 1: stream a backup from the Supervisor emulator to disk with the extension's own code
// (SupervisorClient + HttpTransport + downloadBackupToFile, in a child process whose peak RSS is
// measured) against `curl -o` of the same URL with the same bearer token, in the same run.
import { randomBytes } from 'node:crypto';
import { createReadStream, linkSync, mkdirSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import path from 'node:path';
import { startEmulator } from '../../src/emulator/server';
import type { DownloadInput, DownloadOutput, DrainOutput } from './child';
import { ensureBackup } from './data';
import { formatProfile } from './profile';
import { BENCH_DIR, GiB, MiB, bytes, list, median, ms, rate, run, runChild, runOk, which } from './util';
import type { BenchOptions, Row } from './util';

const RATIO_GOAL = 1.1;
const RSS_GOAL = 64 * MiB;
/** One sample every 500 µs: a 1 GiB download takes 1.5–3 s, so 3 000–6 000 samples. */
const PROFILE_US = 500;

/** Reads a file once so that both sides find it in the page cache. */
async function warm(file: string): Promise<void> {
  await pipeline(createReadStream(file, { highWaterMark: 4 * MiB }), new Writable({ write: (_c, _e, done) => done() }));
}

/** Flushes dirty pages (the previous 1 GiB written) so that each measurement starts alike. */
async function settle(): Promise<void> {
  await run('sync', []);
}

export async function downloadBenchmark(opts: BenchOptions): Promise<Row[]> {
  if (!(await which('curl'))) throw new Error('curl is not installed');
  const size = opts.quick ? 64 * MiB : GiB;
  const backup = await ensureBackup(2, size, opts.log);

  // A data folder of our own with only this backup, hard-linked (no second copy of 1 GiB).
  const dataDir = path.join(BENCH_DIR, 'emulator');
  const stored = path.join(dataDir, 'backup', `${backup.slug}.tar`);
  rmSync(path.join(dataDir, 'backup'), { recursive: true, force: true });
  mkdirSync(path.dirname(stored), { recursive: true });
  linkSync(backup.file, stored);
  const downloads = path.join(BENCH_DIR, 'downloads');
  rmSync(downloads, { recursive: true, force: true });
  mkdirSync(downloads, { recursive: true });

  const token = randomBytes(24).toString('hex');
  const emulator = await startEmulator({ port: 0, token, dataDir, scenario: { backups: [], mounts: [] } });
  try {
    const url = `${emulator.url}/backups/${backup.slug}/download`;
    await warm(stored);

    const curlMs: number[] = [];
    const curlTransferMs: number[] = [];
    const ext: DownloadOutput[] = [];
    const floor: number[] = [];
    const bare: DownloadOutput[] = [];
    const curlOnce = async (): Promise<void> => {
      const target = path.join(downloads, 'curl.tar');
      await settle();
      const r = await runOk('curl', ['-sS', '--fail', '-o', target, '-H', `Authorization: Bearer ${token}`, '-w', '%{time_total} %{size_download}', url]);
      const [total, got] = r.stdout.trim().split(' ').map(Number);
      if (got !== backup.bytes || statSync(target).size !== backup.bytes) throw new Error(`curl downloaded ${got} of ${backup.bytes} bytes`);
      curlMs.push(r.wallMs);
      curlTransferMs.push((total ?? 0) * 1000);
      unlinkSync(target);
    };
    const extensionOnce = async (): Promise<void> => {
      await settle();
      const input: DownloadInput = { url: emulator.url, token, slug: backup.slug, directory: downloads, fileName: 'extension.tar', expectedBytes: backup.bytes };
      const r = await runChild<DownloadOutput>('download', input);
      if (r.bytes !== backup.bytes || statSync(r.path).size !== backup.bytes) throw new Error(`the extension downloaded ${r.bytes} of ${backup.bytes} bytes`);
      ext.push(r);
      unlinkSync(r.path);
      // Context for the ratio: the smallest Node equivalent of curl -o, and Node's HTTP floor
      // (the same transport with the body thrown away).
      await settle();
      const b = await runChild<DownloadOutput>('bare', input);
      if (b.bytes !== backup.bytes) throw new Error(`the bare Node pipeline downloaded ${b.bytes} of ${backup.bytes} bytes`);
      bare.push(b);
      unlinkSync(b.path);
      const d = await runChild<DrainOutput>('drain', input);
      if (d.bytes !== backup.bytes) throw new Error(`the drain run read ${d.bytes} of ${backup.bytes} bytes`);
      floor.push(d.ms);
    };
    for (let i = 0; i < opts.runs; i++) {
      opts.log(`download: run ${i + 1}/${opts.runs}`);
      // Alternate who goes first, so neither side always gets the calmer moment.
      if (i % 2 === 0) {
        await curlOnce();
        await extensionOnce();
      } else {
        await extensionOnce();
        await curlOnce();
      }
    }
    // Where the time goes: one more run of each Node side under the CPU profiler, not timed.
    opts.log('download: profiling the extension and the bare Node pipeline');
    const profiles: { label: string; output: DownloadOutput }[] = [];
    for (const [task, label] of [
      ['download', 'extension'],
      ['bare', 'bare Node pipeline'],
    ] as const) {
      await settle();
      const input: DownloadInput = {
        url: emulator.url,
        token,
        slug: backup.slug,
        directory: downloads,
        fileName: 'profiled.tar',
        expectedBytes: backup.bytes,
        profileUs: PROFILE_US,
      };
      const output = await runChild<DownloadOutput>(task, input);
      unlinkSync(output.path);
      profiles.push({ label, output });
    }
    const leftovers = readdirSync(downloads);
    if (leftovers.length > 0) throw new Error(`files left in the download folder: ${leftovers.join(', ')}`);

    const extMs = median(ext.map((r) => r.ms));
    const curlMedian = median(curlMs);
    const ratio = extMs / curlMedian;
    const growth = ext.map((r) => r.peakRssBytes - r.rssBeforeBytes);
    const peakGrowth = Math.max(...growth);
    const label = bytes(backup.bytes);
    return [
      {
        benchmark: `download ${label} (v2 backup) from the emulator to disk`,
        extension: `${ms(extMs)} (${rate(backup.bytes, extMs)})`,
        standard: `curl -o: ${ms(curlMedian)} (${rate(backup.bytes, curlMedian)})`,
        ratio: `${ratio.toFixed(2)}×`,
        goal: `≤ ${RATIO_GOAL.toFixed(2)}× curl`,
        met: ratio <= RATIO_GOAL ? 'yes' : 'no',
        notes: [
          `median of ${opts.runs} runs each, alternating order; extension runs: ${list(ext.map((r) => r.ms))}; curl wall times: ${list(curlMs)} (curl's own time_total: ${list(curlTransferMs)})`,
          `for context, without the extension's code: a bare Node pipeline (undici request → fs.createWriteStream) median ${ms(median(bare.map((r) => r.ms)))} = ${(median(bare.map((r) => r.ms)) / curlMedian).toFixed(2)}× curl (runs: ${list(bare.map((r) => r.ms))}); Node's HTTP floor (same HttpTransport, body read and thrown away, no file) median ${ms(median(floor))} = ${(median(floor) / curlMedian).toFixed(2)}× curl (runs: ${list(floor)})`,
          'extension = SupervisorClient/HttpTransport + downloadBackupToFile in a fresh Node process, timed around the call; curl = wall time of the curl process; both write to .bench/downloads and read the same emulator URL with the same bearer token; `sync` before each run',
          ...profiles.flatMap(({ label, output }) => (output.profile ? [formatProfile(`${label} (an extra untimed run, ${ms(output.ms)})`, output.profile)] : [])),
        ],
      },
      {
        benchmark: `download ${label}: peak RSS growth`,
        extension: bytes(peakGrowth),
        standard: 'n/a',
        ratio: 'n/a',
        goal: `≤ ${bytes(RSS_GOAL)}`,
        met: peakGrowth <= RSS_GOAL ? 'yes' : 'no',
        notes: [
          `peak RSS minus RSS just before the download, worst of ${opts.runs} runs: ${list(growth, bytes)} (peak from ${ext.map((r) => r.peakSource).join(', ')}; RSS before: ${bytes(ext[0]?.rssBeforeBytes ?? 0)}); the bare Node pipeline, measured the same way: ${list(
            bare.map((r) => r.peakRssBytes - r.rssBeforeBytes),
            bytes,
          )}`,
        ],
      },
    ];
  } finally {
    await emulator.close();
    rmSync(downloads, { recursive: true, force: true });
  }
}
