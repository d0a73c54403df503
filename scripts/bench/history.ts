// Issue #13: a config file's history across 30 local backups of 200 MiB each (`--quick`: 8 MiB), as the
// extension's FileHistoryService builds it (src/extension/history/fileHistoryService.ts), from the core
// pieces it uses: the content index of each backup's homeassistant.tar.gz (`indexPart`, kept by
// `ContentIndexStore`), `fileHistory` over the sightings, then the text of each distinct version read once
// (`openEntry`) and kept by hash. The first call builds every index; the second, in a fresh process over
// the same folder, reads the indexes and texts from disk and no archive. The standard tool is what one
// would run by hand: per backup, `tar -xOf backup.tar ./homeassistant.tar.gz | tar -xzOf - data/automations.yaml`.
//
// The same file is the child process of the measured side: `node --import tsx scripts/bench/history.ts
// history-call <json>` (see the end of the file), so each call runs in a fresh Node process.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, promises as fsp, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import type { ContentIndex } from '../../src/core/archive/contentIndex';
import { indexPart } from '../../src/core/archive/contentIndex';
import { openEntry } from '../../src/core/archive/openEntry';
import { ContentIndexStore } from '../../src/core/history/contentIndexStore';
import { fileHistory } from '../../src/core/history/fileHistory';
import type { Sighting } from '../../src/core/history/fileHistory';
import { serializeBackupJson } from '../../src/emulator/archive';
import { backupJson, createSlug } from '../../src/emulator/backupBuilder';
import { AUTOMATIONS_YAML, CONFIGURATION_YAML, seededBytes } from '../../src/emulator/content';
import { archiveEnd, entryHeader, padding } from '../../src/emulator/tar';
import { Output, piece, prng, type Piece } from './data';
import { BENCH_DIR, bytes, KiB, list, median, MiB, ms, rate, runOk, sh, which } from './util';
import type { BenchOptions, Row } from './util';

/** Bump when the generated backups change: cached ones of another version are rebuilt. */
const GENERATOR_VERSION = 1;
const BACKUPS = 30;
const PART = 'homeassistant.tar.gz';
const MEMBER = 'data/automations.yaml';
/** The Home Assistant instance the indexes are kept for (the store's folder is named by its hash). */
const INSTANCE = 'http://supervisor.bench';
/** The database and the share part are made of these incompressible blocks, deflated once. */
const BLOB = MiB;
const POOL = 16;

// ---------------------------------------------------------------------------------------------------
// The test data: 30 backups in the Supervisor's layout, unencrypted, gzip-compressed inner archives.

const EXTRA_AUTOMATION = `- id: '1730000000001'
  alias: Porch light at sunset
  triggers:
    - trigger: sun
      event: sunset
      offset: '-00:15:00'
  actions:
    - action: light.turn_on
      target:
        entity_id: light.porch
  mode: single
`;

const NIGHT_AUTOMATION = `- id: '1732000000002'
  alias: Everything off at night
  triggers:
    - trigger: time
      at: '23:30:00'
  actions:
    - action: light.turn_off
      target:
        area_id: living_room
    - action: climate.set_temperature
      target:
        entity_id: climate.living_room
      data:
        temperature: 17
  mode: single
`;

/** The distinct versions of data/automations.yaml, oldest first. */
const VERSIONS: readonly string[] = [
  AUTOMATIONS_YAML,
  AUTOMATIONS_YAML + EXTRA_AUTOMATION,
  (AUTOMATIONS_YAML + EXTRA_AUTOMATION).replace('brightness_pct: 60', 'brightness_pct: 35'),
  AUTOMATIONS_YAML + EXTRA_AUTOMATION + NIGHT_AUTOMATION,
];

/** Which version backup `i` (oldest first) holds: 10 × v1, 8 × v2, 6 × v3, 2 × v2 again (a revert), 4 × v4. */
function versionOf(i: number): number {
  return i < 10 ? 0 : i < 18 ? 1 : i < 24 ? 2 : i < 26 ? 1 : 3;
}

export interface HistoryBackup {
  file: string;
  bytes: number;
  slug: string;
  name: string;
  date: string;
  /** Index into VERSIONS of its data/automations.yaml. */
  version: number;
  /** Size of its homeassistant.tar.gz (what the extension reads). */
  partBytes: number;
}

interface Manifest {
  generator: number;
  target: number;
  backups: HistoryBackup[];
  generatedMs: number;
  generatedAt: string;
}

/** Text-like content (base64 of a keystream): compresses to about 75 %, like config files roughly do. */
function text(seed: string, n: number): Buffer {
  return Buffer.from(seededBytes(seed, Math.ceil((n * 3) / 4) + 3).toString('base64')).subarray(0, n);
}

interface ConfigFile {
  name: string;
  data: Buffer | 'automations';
  mtime: number;
}

/**
 * The configuration folder around the database, in the order Python's sorted directory walk gives: about
 * 300 small files; `data/automations.yaml` among them and `data/home-assistant_v2.db` after custom_components.
 */
function configFiles(): { before: ConfigFile[]; after: ConfigFile[] } {
  const rand = prng(20261206);
  const size = (): number => Math.round(Math.exp(Math.log(200) + rand() * (Math.log(32 * KiB) - Math.log(200))));
  let tick = 0;
  const mtime = (): number => 1_760_000_000 + 0.125 + 3_617.25 * tick++;
  const f = (name: string, data: Buffer | 'automations'): ConfigFile => ({ name, data, mtime: mtime() });
  const before: ConfigFile[] = [f('data/.HA_VERSION', Buffer.from('2026.11.3'))];
  for (let i = 0; i < 30; i++) before.push(f(`data/.storage/store_${String(i).padStart(2, '0')}.json`, text(`storage-${i}`, size() * 2)));
  before.push(f(MEMBER, 'automations'));
  for (let i = 0; i < 10; i++) before.push(f(`data/blueprints/automation/homeassistant/blueprint_${i}.yaml`, text(`blueprint-${i}`, size())));
  before.push(f('data/configuration.yaml', Buffer.from(CONFIGURATION_YAML)));
  for (let i = 0; i < 180; i++) {
    before.push(
      f(`data/custom_components/integration_${String(Math.floor(i / 15)).padStart(2, '0')}/module_${String(i % 15).padStart(2, '0')}.py`, text(`module-${i}`, size())),
    );
  }
  const after: ConfigFile[] = [
    f('data/scenes.yaml', Buffer.from('[]\n')),
    f('data/scripts.yaml', Buffer.from('{}\n')),
    f('data/secrets.yaml', Buffer.from('some_password: welcome\n')),
  ];
  for (let i = 0; i < 10; i++) after.push(f(`data/themes/theme_${i}.yaml`, text(`theme-${i}`, size())));
  for (let i = 0; i < 60; i++) after.push(f(`data/www/community/card_${String(Math.floor(i / 6)).padStart(2, '0')}/card_${i % 6}.js`, text(`card-${i}`, size())));
  return { before, after };
}

/** Plain tar bytes of a list of entries (directories added where a file's folder first appears). */
function tarBytes(files: ConfigFile[], automations: Buffer, dirs: Set<string>): Buffer[] {
  const out: Buffer[] = [];
  for (const file of files) {
    const parts = file.name.split('/');
    for (let k = 1; k < parts.length; k++) {
      const dir = parts.slice(0, k).join('/');
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      out.push(entryHeader({ name: dir, type: 'dir', size: 0, mode: 0o755, mtime: file.mtime }));
    }
    const data = file.data === 'automations' ? automations : file.data;
    out.push(entryHeader({ name: file.name, type: 'file', size: data.length, mode: 0o644, mtime: file.mtime }), data, padding(data.length));
  }
  return out;
}

/** An inner archive as gzip (Python's framing: FNAME, mtime, OS 255) of deflated pieces. */
class GzipPart {
  private readonly pieces: Piece[] = [];
  private plainBytes = 0;
  deflatedBytes = 0;

  constructor(readonly name: string) {}

  add(p: Piece): void {
    this.pieces.push(p);
    this.plainBytes += p.plain.length;
    this.deflatedBytes += p.deflated.length;
  }

  /** The plain tar written so far (for the end-of-archive padding). */
  get tarBytes(): number {
    return this.plainBytes;
  }

  framed(): { length: number; chunks: Buffer[] } {
    const name = Buffer.from(`${this.name.replace(/\.gz$/, '')}\0`, 'latin1');
    const header = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x08, 0, 0, 0, 0, 0x00, 0xff]), name]);
    header.writeUInt32LE(1_764_990_000, 4);
    let crc = 0;
    for (const p of this.pieces) crc = crc32(p.plain, crc);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc >>> 0, 0);
    trailer.writeUInt32LE(this.plainBytes % 2 ** 32, 4);
    const chunks = [header, ...this.pieces.map((p) => p.deflated), Buffer.from([0x03, 0x00]), trailer];
    return { length: chunks.reduce((n, c) => n + c.length, 0), chunks };
  }
}

/** Backup `i` (oldest first) of about `target` bytes, streamed to `file`; only the pool's blocks are shared. */
async function writeHistoryBackup(file: string, i: number, target: number, pool: Piece[], config: ReturnType<typeof configFiles>): Promise<HistoryBackup> {
  const rand = prng(1000 + i);
  const day = new Date(Date.UTC(2026, 10, 6 + i, 2, 0, 0));
  const date = `${day.toISOString().slice(0, 19)}.104512+01:00`;
  const stamp = day.getTime() / 1000 + 0.104512;
  const name = `Automatic backup 2026.11.${3 + Math.floor(i / 10)}`;
  const slug = createSlug(name, date);
  const version = versionOf(i);
  const automations = Buffer.from(VERSIONS[version] as string);
  // automations.yaml changed a few hours before the first backup holding this version.
  const first = [...Array(BACKUPS).keys()].find((k) => versionOf(k) === version && (k === 0 || versionOf(k - 1) !== version)) ?? i;
  const automationsMtime = Date.UTC(2026, 10, 5 + first, 18, 12, 7) / 1000 + 0.5;
  const before = config.before.map((f) => (f.data === 'automations' ? { ...f, mtime: automationsMtime } : f));

  // homeassistant.tar.gz: the config files, the database (most of the size), the rest of the config files.
  const ha = new GzipPart(PART);
  const dirs = new Set<string>(['.']);
  const homeassistantJson = Buffer.from(
    JSON.stringify({ uuid: 'f1e2d3c4b5a6978812345678abcdef01', version: '2026.11.3', boot: true, port: 8123, ssl: false, watchdog: true }),
  );
  const head: Buffer[] = [
    entryHeader({ name: '.', type: 'dir', size: 0, mode: 0o700, mtime: stamp }),
    entryHeader({ name: './homeassistant.json', type: 'file', size: homeassistantJson.length, mode: 0o600, mtime: stamp }),
    homeassistantJson,
    padding(homeassistantJson.length),
    ...tarBytes(before, automations, dirs),
  ];
  const headPlain = Buffer.concat(head);
  const headDeflatedEstimate = Math.round(headPlain.length * 0.8);
  const dbBlocks = Math.max(1, Math.floor((0.9 * target - headDeflatedEstimate) / BLOB));
  const dbHeader = entryHeader({ name: 'data/home-assistant_v2.db', type: 'file', size: dbBlocks * BLOB, mode: 0o644, mtime: stamp - 0.75 });
  ha.add(piece(Buffer.concat([headPlain, dbHeader])));
  for (let k = 0; k < dbBlocks; k++) ha.add(pool[Math.floor(rand() * pool.length)] as Piece);
  const tail = Buffer.concat(tarBytes(config.after, automations, dirs));
  ha.add(piece(Buffer.concat([tail, archiveEnd(ha.tarBytes + tail.length)])));

  // share.tar.gz: camera clips (incompressible) filling the rest.
  const share = new GzipPart('share.tar.gz');
  const shareHead: Buffer[] = [
    entryHeader({ name: '.', type: 'dir', size: 0, mode: 0o755, mtime: stamp }),
    entryHeader({ name: './camera', type: 'dir', size: 0, mode: 0o755, mtime: stamp }),
  ];
  const readme = Buffer.from('Camera clips of the last days.\n');
  shareHead.push(entryHeader({ name: './camera/README.txt', type: 'file', size: readme.length, mode: 0o644, mtime: stamp }), readme, padding(readme.length));
  share.add(piece(Buffer.concat(shareHead)));
  for (let clip = 0; ha.deflatedBytes + share.deflatedBytes + BLOB + 10 * KiB <= target; clip++) {
    share.add(piece(entryHeader({ name: `./camera/clip_${String(clip).padStart(3, '0')}.mp4`, type: 'file', size: BLOB, mode: 0o644, mtime: stamp - clip * 60.5 })));
    share.add(pool[Math.floor(rand() * pool.length)] as Piece);
  }
  share.add(piece(archiveEnd(share.tarBytes)));

  const out = new Output(file);
  try {
    let mtime = stamp;
    for (const part of [ha, share]) {
      const gz = part.framed();
      await out.write(entryHeader({ name: `./${part.name}`, type: 'file', size: gz.length, mode: 0o644, mtime: (mtime += 3.731) }));
      for (const c of gz.chunks) await out.write(c);
      await out.write(padding(gz.length));
    }
    const json = serializeBackupJson(
      backupJson({
        slug,
        name,
        date,
        type: 'partial',
        supervisorVersion: '2026.11.2',
        extra: { 'supervisor.backup_request_date': date },
        compressed: true,
        password: null,
        homeassistant: { version: '2026.11.3', excludeDatabase: false },
        folders: ['share'],
        addons: [],
        repositories: ['core', 'local'],
      }),
    );
    await out.write(entryHeader({ name: './backup.json', type: 'file', size: json.length, mode: 0o644, mtime: Math.floor(mtime) }));
    await out.write(json);
    await out.write(padding(json.length));
    await out.write(archiveEnd(out.written));
  } finally {
    await out.close();
  }
  return { file, bytes: out.written, slug, name, date, version, partBytes: ha.framed().length };
}

/** The 30 backups of about `target` bytes each in .bench/history-<target>/, built on first use and reused. */
export async function ensureHistoryBackups(target: number, log: (line: string) => void, dir = path.join(BENCH_DIR, `history-${target}`)): Promise<Manifest> {
  const manifestFile = path.join(dir, 'manifest.json');
  if (existsSync(manifestFile)) {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    const complete = m.generator === GENERATOR_VERSION && m.backups.length === BACKUPS && m.backups.every((b) => existsSync(b.file) && statSync(b.file).size === b.bytes);
    if (complete) return m;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`history: generating ${BACKUPS} backups of ${bytes(target)} in ${path.relative(process.cwd(), dir)} (cached for later runs)…`);
  const t0 = performance.now();
  const pool = Array.from({ length: POOL }, (_, k) => piece(seededBytes(`history-db-${k}`, BLOB)));
  const config = configFiles();
  const backups: HistoryBackup[] = [];
  for (let i = 0; i < BACKUPS; i++) {
    const file = path.join(dir, `backup-${String(i).padStart(2, '0')}.tar`);
    const temp = `${file}.partial`;
    try {
      backups.push({ ...(await writeHistoryBackup(temp, i, target, pool, config)), file });
    } catch (e) {
      rmSync(temp, { force: true });
      throw e;
    }
    renameSync(temp, file);
    if ((i + 1) % 10 === 0) log(`  ${i + 1}/${BACKUPS} written`);
  }
  const manifest: Manifest = { generator: GENERATOR_VERSION, target, backups, generatedMs: performance.now() - t0, generatedAt: new Date().toISOString() };
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  const total = backups.reduce((n, b) => n + b.bytes, 0);
  log(`  built in ${(manifest.generatedMs / 1000).toFixed(1)} s: ${BACKUPS} × ~${bytes(total / BACKUPS)} = ${bytes(total)}`);
  return manifest;
}

// ---------------------------------------------------------------------------------------------------
// The measured side: one call of the file history, in a fresh process.

export interface HistoryCallInput {
  /** The extension's global storage stand-in: content-index/ (the store) and content-index/texts/ (texts by hash). */
  storage: string;
  backups: HistoryBackup[];
}

export interface HistoryCallOutput {
  ms: number;
  /** The indexes: found in the store, or built with indexPart and put. */
  indexMs: number;
  historyMs: number;
  textMs: number;
  /** Archive reads: indexPart calls plus openEntry calls. */
  archiveReads: number;
  /** Index files the store read from disk. */
  indexFileReads: number;
  versions: { sha256: string; backups: string[]; textSha256: string }[];
  without: number;
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** What FileHistoryService.history + text do for every version, without VS Code around them. */
export async function historyCall(input: HistoryCallInput): Promise<HistoryCallOutput> {
  const root = path.join(input.storage, 'content-index');
  const textDir = path.join(root, 'texts');
  const t0 = performance.now();
  const store = new ContentIndexStore(root);
  let archiveReads = 0;
  const known = new Map<string, ContentIndex>();
  for (const b of input.backups) {
    const ref = { slug: b.slug, size_bytes: b.bytes, date: b.date };
    let index = await store.get(INSTANCE, ref);
    if (!index) {
      archiveReads++;
      index = await indexPart(b.file, PART);
      await store.put(INSTANCE, ref, index);
    }
    known.set(b.slug, index);
  }
  const t1 = performance.now();
  const sightings: Sighting[] = input.backups.map((b) => ({
    backup: { slug: b.slug, name: b.name, date: b.date },
    file: known.get(b.slug)?.files.find((f) => f.path === MEMBER),
  }));
  const history = fileHistory(sightings);
  const t2 = performance.now();
  const texts: string[] = [];
  for (const version of history.versions) {
    const kept = path.join(textDir, version.sha256);
    const cached = await fsp.readFile(kept, 'utf8').catch(() => undefined);
    if (cached !== undefined) {
      texts.push(cached);
      continue;
    }
    const newest = input.backups.find((b) => b.slug === version.backups[0]?.slug);
    if (!newest) throw new Error(`no backup for version ${version.sha256}`);
    archiveReads++;
    const chunks: Buffer[] = [];
    for await (const c of await openEntry(newest.file, PART, MEMBER)) chunks.push(c as Buffer);
    const data = Buffer.concat(chunks);
    if (sha256(data) === version.sha256) {
      await fsp.mkdir(textDir, { recursive: true });
      await fsp.writeFile(kept, data);
    }
    texts.push(data.toString('utf8'));
  }
  const t3 = performance.now();
  return {
    ms: t3 - t0,
    indexMs: t1 - t0,
    historyMs: t2 - t1,
    textMs: t3 - t2,
    archiveReads,
    indexFileReads: store.reads,
    versions: history.versions.map((v, k) => ({ sha256: v.sha256, backups: v.backups.map((r) => r.slug), textSha256: sha256(texts[k] ?? '') })),
    without: history.without.length,
  };
}

async function callChild(input: HistoryCallInput): Promise<HistoryCallOutput & { processMs: number }> {
  const r = await runOk(process.execPath, ['--import', 'tsx', __filename, 'history-call', JSON.stringify(input)]);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return { ...(JSON.parse(last) as HistoryCallOutput), processMs: r.wallMs };
  } catch {
    throw new Error(`the history child printed no JSON result: ${r.stdout.slice(-500)}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// The benchmark.

/** The standard: one pipeline per backup, oldest first, from one bash script. */
export function tarScript(backups: readonly HistoryBackup[]): string {
  return ['set -euo pipefail', ...backups.map((b) => `tar -xOf ${sh(b.file)} ./${PART} | tar -xzOf - ${MEMBER}`)].join('\n');
}

async function warm(file: string): Promise<void> {
  await pipeline(createReadStream(file, { highWaterMark: 4 * MiB }), new Writable({ write: (_c, _e, done) => done() }));
}

/** What a call must have found: each distinct version once, with the backups holding it and its text. */
function check(r: HistoryCallOutput, backups: readonly HistoryBackup[], label: string): void {
  const expected = new Map<string, string[]>();
  for (const b of [...backups].reverse()) {
    const h = sha256(VERSIONS[b.version] as string);
    expected.set(h, [...(expected.get(h) ?? []), b.slug]);
  }
  const got = new Map(r.versions.map((v) => [v.sha256, v.backups]));
  const same = got.size === expected.size && [...expected].every(([h, slugs]) => (got.get(h) ?? []).join() === slugs.join());
  if (!same || r.without !== 0)
    throw new Error(
      `${label}: ${r.versions.length} versions over ${r.versions.reduce((n, v) => n + v.backups.length, 0)} backups, expected ${expected.size} over ${backups.length}`,
    );
  for (const v of r.versions) if (v.textSha256 !== v.sha256) throw new Error(`${label}: the text of version ${v.sha256.slice(0, 12)} read back differently`);
}

export async function historyBenchmark(o: BenchOptions): Promise<Row[]> {
  if (!(await which('tar'))) throw new Error('tar is not installed');
  const target = o.quick ? 8 * MiB : 200 * MiB;
  const data = await ensureHistoryBackups(target, o.log);
  const backups = data.backups;
  const script = tarScript(backups);
  const expectedTar = backups.map((b) => VERSIONS[b.version] as string).join('');
  const totalBytes = backups.reduce((n, b) => n + b.bytes, 0);
  o.log(`history: reading the ${BACKUPS} backups once (page cache)`);
  for (const b of backups) await warm(b.file);

  const firsts: (HistoryCallOutput & { processMs: number })[] = [];
  const seconds: (HistoryCallOutput & { processMs: number })[] = [];
  const std: number[] = [];
  const extensionOnce = async (): Promise<void> => {
    const storage = await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-history-'));
    try {
      const first = await callChild({ storage, backups });
      check(first, backups, 'first call');
      if (first.archiveReads !== BACKUPS + VERSIONS.length) throw new Error(`first call: ${first.archiveReads} archive reads, expected ${BACKUPS + VERSIONS.length}`);
      const second = await callChild({ storage, backups });
      check(second, backups, 'second call');
      if (second.archiveReads !== 0) throw new Error(`second call: ${second.archiveReads} archive reads, expected 0`);
      if (second.indexFileReads !== BACKUPS) throw new Error(`second call: ${second.indexFileReads} index files read, expected ${BACKUPS}`);
      firsts.push(first);
      seconds.push(second);
    } finally {
      await fsp.rm(storage, { recursive: true, force: true });
    }
  };
  const standardOnce = async (): Promise<void> => {
    const r = await runOk('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.stdout !== expectedTar)
      throw new Error(`the tar pipelines printed ${r.stdout.length} characters, not the ${expectedTar.length} of the ${BACKUPS} versions in order`);
    std.push(r.wallMs);
  };
  for (let i = 0; i < o.runs; i++) {
    o.log(`history: run ${i + 1}/${o.runs}`);
    if (i % 2 === 0) {
      await extensionOnce();
      await standardOnce();
    } else {
      await standardOnce();
      await extensionOnce();
    }
  }

  const firstMs = median(firsts.map((r) => r.ms));
  const secondMs = median(seconds.map((r) => r.ms));
  const stdMs = median(std);
  const partBytes = backups.reduce((n, b) => n + b.partBytes, 0);
  const title = `history of data/automations.yaml across ${BACKUPS} local backups of ${bytes(target)} (${VERSIONS.length} versions)`;
  const standard = `tar -xOf … | tar -xzOf - …, ${BACKUPS} pipelines: ${ms(stdMs)}`;
  const breakdown = (rs: HistoryCallOutput[]): string =>
    `indexes ${ms(median(rs.map((r) => r.indexMs)))}, fileHistory ${ms(median(rs.map((r) => r.historyMs)))}, texts ${ms(median(rs.map((r) => r.textMs)))}`;
  const generated = `data: ${BACKUPS} backups, ${bytes(totalBytes)} on disk, generated in ${(data.generatedMs / 1000).toFixed(1)} s (${data.generatedAt.slice(0, 10)}, cached in .bench/history-${target}/)`;
  return [
    {
      benchmark: `${title}: first call (builds the indexes)`,
      extension: `${ms(firstMs)} (${rate(partBytes, firstMs)} of homeassistant.tar.gz), ${BACKUPS + VERSIONS.length} archive reads`,
      standard: `${standard} (${rate(totalBytes, stdMs)})`,
      ratio: `${(firstMs / stdMs).toFixed(2)}×`,
      goal: 'none set (issue #13 names no number)',
      met: 'n/a',
      notes: [
        `median of ${o.runs} runs each, alternating which side goes first; first call: ${list(firsts.map((r) => r.ms))} (${breakdown(firsts)}); the child process's wall time, Node and tsx start included: ${list(firsts.map((r) => r.processMs))}; tar: ${list(std)}`,
        `extension = in a fresh Node process, a ContentIndexStore in an empty folder: per backup get (missing), indexPart(file, '${PART}') and put, then fileHistory, then each distinct version's text read once with openEntry from its newest backup and written to texts/<sha256> (as FileHistoryService does); timed around all of it; it found the ${VERSIONS.length} versions, over the ${BACKUPS} backups, as generated`,
        `tar = wall time of one bash script running, per backup, tar -xOf backup.tar ./${PART} | tar -xzOf - ${MEMBER}; both tars read their whole input (GNU tar keeps reading after a match), so it reads every byte of each backup, the extension only homeassistant.tar.gz (${bytes(partBytes)} of ${bytes(totalBytes)}); its output is checked against the generated versions`,
        generated,
      ],
    },
    {
      benchmark: `${title}: second call (indexes on disk, texts kept by hash)`,
      extension: `${ms(secondMs)}, 0 archive reads`,
      standard,
      ratio: `${(secondMs / stdMs).toPrecision(2)}×`,
      goal: 'none set (issue #13 names no number)',
      met: 'n/a',
      notes: [
        `median of ${o.runs} runs: ${list(seconds.map((r) => r.ms))} (${breakdown(seconds)}); the child process's wall time, Node and tsx start included: ${list(seconds.map((r) => r.processMs))}`,
        `extension = in another fresh Node process, a fresh ContentIndexStore over the same folder (nothing in memory): ${BACKUPS} index files read (get), fileHistory, the ${VERSIONS.length} texts read from texts/<sha256>; archive reads counted (indexPart or openEntry calls): 0 in every run`,
      ],
    },
  ];
}

// The child process: `node --import tsx scripts/bench/history.ts history-call <json>` prints one JSON line.
if (require.main === module) {
  const [task, json] = process.argv.slice(2);
  (task === 'history-call' ? historyCall(JSON.parse(json ?? '{}') as HistoryCallInput) : Promise.reject(new Error(`unknown task ${task ?? '(none)'}`)))
    .then((out) => process.stdout.write(`${JSON.stringify(out)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    });
}
