// Benchmark 2: list every file of a SecureTar-v2 backup with the extension's reader (`listBackup`,
// with the password) against the standard pipeline on the same bytes, per inner archive:
//   dd (the member's ciphertext) | openssl enc -d -aes-128-cbc -K <key> -iv <iv> | gzip -dc | tar -tf - | wc -l
// with key and IV derived here from the password as securetar's KeyDerivationV2 does
// (home-assistant-libs/securetar securetar/__init__.py @754c45d7). The entry counts of both sides
// must agree, or the comparison is meaningless and the benchmark fails. SecureTar v3 is reported
// for the extension only: no standard tool reads it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { listTarFileMembers } from '../../src/emulator/tar';
import type { ListInput, ListOutput } from './child';
import { ensureBackup } from './data';
import type { GeneratedBackup } from './data';
import { GiB, MiB, bytes, list, median, ms, rate, runChild, runOk, sh, which } from './util';
import type { BenchOptions, Row } from './util';

const RATIO_GOAL = 1.5;

/** SHA-256 applied 100 times, first 16 bytes: the v1/v2 key (from the password) and IV (from key ‖ salt). */
function sha256x100(input: Buffer): Buffer {
  let data = input;
  for (let i = 0; i < 100; i++) data = createHash('sha256').update(data).digest();
  return data.subarray(0, 16);
}

async function warm(file: string): Promise<void> {
  await pipeline(createReadStream(file, { highWaterMark: 4 * MiB }), new Writable({ write: (_c, _e, done) => done() }));
}

/** The bash script of the standard pipeline: one line per inner archive, each printing its entry count. */
export async function opensslPipeline(backup: GeneratedBackup): Promise<{ script: string; names: string[] }> {
  const members = (await listTarFileMembers(backup.file)).filter((m) => m.typeflag === '0' && /\.tar\.gz$/.test(m.name));
  const key = sha256x100(Buffer.from(backup.password, 'utf8'));
  const fh = await open(backup.file, 'r');
  const lines: string[] = [];
  try {
    for (const m of members) {
      const head = Buffer.alloc(48);
      await fh.read(head, 0, 48, m.dataOffset);
      if (head.subarray(0, 9).toString('latin1') !== 'SecureTar' || head[9] !== 2) throw new Error(`${m.name} is not SecureTar v2`);
      // Header (32 bytes), salt (16 bytes), then the AES-128-CBC ciphertext with one PKCS7 padding.
      const iv = sha256x100(Buffer.concat([key, head.subarray(32, 48)]));
      const dd = `dd if=${sh(backup.file)} iflag=skip_bytes,count_bytes skip=${m.dataOffset + 48} count=${m.size - 48} bs=4M status=none`;
      lines.push(`${dd} | openssl enc -d -aes-128-cbc -K ${key.toString('hex')} -iv ${iv.toString('hex')} | gzip -dc | tar -tf - | wc -l`);
    }
  } finally {
    await fh.close();
  }
  return { script: ['set -euo pipefail', ...lines].join('\n'), names: members.map((m) => m.name) };
}

function entriesOf(r: ListOutput): number {
  return r.archives.reduce((n, a) => n + a.entries, 0);
}

export async function listBenchmark(opts: BenchOptions): Promise<Row[]> {
  for (const tool of ['openssl', 'gzip', 'tar', 'dd', 'wc']) if (!(await which(tool))) throw new Error(`${tool} is not installed`);
  const size = opts.quick ? 64 * MiB : GiB;
  const v2 = await ensureBackup(2, size, opts.log);
  const v3 = await ensureBackup(3, size, opts.log);
  const { script, names } = await opensslPipeline(v2);
  const expected = v2.archives.reduce((n, a) => n + a.entries, 0);

  await warm(v2.file);
  const ext: ListOutput[] = [];
  const std: number[] = [];
  const extensionOnce = async (): Promise<void> => {
    const r = await runChild<ListOutput>('list', { file: v2.file, password: v2.password } satisfies ListInput);
    if (r.archives.some((a) => a.version !== 2)) throw new Error(`the extension read SecureTar versions ${r.archives.map((a) => a.version).join(', ')}, not 2`);
    ext.push(r);
  };
  const standardOnce = async (): Promise<void> => {
    const r = await runOk('bash', ['-c', script]);
    const counts = r.stdout.trim().split('\n').map(Number);
    const extCounts = names.map((n) => ext[0]?.archives.find((a) => a.name === n)?.entries);
    // The same entries on both sides (and what the generator wrote), archive by archive.
    if (counts.length !== names.length || counts.some((c, i) => c !== extCounts[i])) {
      throw new Error(`entry counts differ: openssl pipeline ${counts.join('/')}, extension ${extCounts.join('/')} (${names.join(', ')})`);
    }
    if (counts.reduce((a, b) => a + b, 0) !== expected) throw new Error(`the openssl pipeline listed ${counts.join('+')} entries, the generator wrote ${expected}`);
    std.push(r.wallMs);
  };
  for (let i = 0; i < opts.runs; i++) {
    opts.log(`list v2: run ${i + 1}/${opts.runs}`);
    if (i % 2 === 0) {
      await extensionOnce();
      await standardOnce();
    } else {
      await standardOnce();
      await extensionOnce();
    }
  }
  for (const r of ext) if (entriesOf(r) !== expected) throw new Error(`the extension listed ${entriesOf(r)} entries, the generator wrote ${expected}`);

  await warm(v3.file);
  const ext3: ListOutput[] = [];
  for (let i = 0; i < opts.runs; i++) {
    opts.log(`list v3: run ${i + 1}/${opts.runs}`);
    const r = await runChild<ListOutput>('list', { file: v3.file, password: v3.password } satisfies ListInput);
    if (r.archives.some((a) => a.version !== 3)) throw new Error('the v3 backup was not read as SecureTar v3');
    if (entriesOf(r) !== expected) throw new Error(`the extension listed ${entriesOf(r)} entries of the v3 backup, expected ${expected}`);
    ext3.push(r);
  }

  const extMs = median(ext.map((r) => r.ms));
  const stdMs = median(std);
  const ext3Ms = median(ext3.map((r) => r.ms));
  const ratio = extMs / stdMs;
  const memory = (rs: ListOutput[]): string => bytes(Math.max(...rs.map((r) => r.peakRssBytes - r.rssBeforeBytes)));
  const perArchive = v2.archives.map((a) => `${a.name} ${a.entries}`).join(', ');
  return [
    {
      benchmark: `list every file of a ${bytes(v2.bytes)} SecureTar-v2 backup (${expected} entries)`,
      extension: `${ms(extMs)} (${rate(v2.bytes, extMs)})`,
      standard: `openssl | gzip -d | tar t: ${ms(stdMs)} (${rate(v2.bytes, stdMs)})`,
      ratio: `${ratio.toFixed(2)}×`,
      goal: `≤ ${RATIO_GOAL.toFixed(2)}×`,
      met: ratio <= RATIO_GOAL ? 'yes' : 'no',
      notes: [
        `median of ${opts.runs} runs each, alternating order; extension: ${list(ext.map((r) => r.ms))}; pipeline: ${list(std)}`,
        `both listed the same entries per inner archive (${perArchive}); extension = listBackup(file, { password }) in a fresh Node process, timed around the call, peak RSS growth ${memory(ext)}; pipeline = wall time of one bash script running, per inner archive, dd | openssl enc -d -aes-128-cbc -K … -iv … | gzip -dc | tar -tf - | wc -l (key/IV derived from the password beforehand; its processes run in parallel on the CPUs)`,
      ],
    },
    {
      benchmark: `list every file of a ${bytes(v3.bytes)} SecureTar-v3 backup (same content)`,
      extension: `${ms(ext3Ms)} (${rate(v3.bytes, ext3Ms)})`,
      standard: 'none: no standard tool reads SecureTar v3',
      ratio: 'n/a',
      goal: 'n/a',
      met: 'n/a',
      notes: [
        `median of ${opts.runs} runs: ${list(ext3.map((r) => r.ms))}; Argon2id key derivation and libsodium loading included; ${(ext3Ms / extMs).toFixed(2)}× the extension's v2 time; peak RSS growth ${memory(ext3)}`,
        'the v3 archive is written by scripts/bench/data.ts with libsodium-wrappers-sumo following the securetar v3 layout (home-assistant-libs/securetar securetar/__init__.py), from the same plaintext as the v2 one',
      ],
    },
  ];
}
