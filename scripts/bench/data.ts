// Big, realistic Home Assistant backups for the benchmarks, streamed to disk and cached in
// .bench/data (building 1 GiB takes a while; later runs reuse the file).
//
// Layout (as home-assistant/supervisor supervisor/backups/backup.py writes it): an outer tar
// written with the emulator's tar writer holding `homeassistant.tar.gz` (a `data/` tree of many
// small files and a large database file), `media.tar.gz` (incompressible photos and videos) and
// `share.tar.gz` (a mix), each SecureTar v2 or v3 encrypted, then `./backup.json`. Every inner
// entry has a PAX float mtime, as Python writes it. The content is deterministic (AES-CTR
// keystream), so the v2 and v3 files carry the same plaintext.
//
// Speed trick (as in the archive throughput test): the deflate stream is made of independently
// compressed, sync-flushed pieces, which are valid when concatenated; a content blob is compressed
// once and reused by many files.
import { createCipheriv, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import path from 'node:path';
import { crc32, deflateRawSync, constants as zconst } from 'node:zlib';
import type * as SodiumModule from 'libsodium-wrappers-sumo';
import { serializeBackupJson } from '../../src/emulator/archive';
import { backupJson, createSlug } from '../../src/emulator/backupBuilder';
import { deriveIv, passwordToKey } from '../../src/emulator/secureTarV2';
import { archiveEnd, entryHeader, padding } from '../../src/emulator/tar';
import { BENCH_DIR, GiB, KiB, MiB, bytes } from './util';

/** Bump when the layout changes: cached files of another version are rebuilt. */
const GENERATOR_VERSION = 3;
export const BENCH_PASSWORD = 'bench-password';
const BIG_BLOB = 4 * MiB;
const V3_CHUNK = MiB;

export type SecureTarVersion = 2 | 3;

export interface GeneratedBackup {
  file: string;
  bytes: number;
  slug: string;
  password: string;
  version: SecureTarVersion;
  /** Entries of each inner archive (directories and files), as a tar lister counts them. */
  archives: { name: string; entries: number; tarBytes: number }[];
  generator: number;
}

export interface Piece {
  plain: Buffer;
  deflated: Buffer;
}

export function piece(plain: Buffer): Piece {
  return { plain, deflated: deflateRawSync(plain, { level: 6, finishFlush: zconst.Z_SYNC_FLUSH }) };
}

/** Deterministic pseudo-random bytes (AES-128-CTR keystream) and text (their base64). */
class Content {
  private readonly stream = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16));

  random(n: number): Buffer {
    return this.stream.update(Buffer.alloc(n));
  }

  /** Text-like data: compresses to about 75 % and inflates at a realistic speed. */
  text(n: number): Buffer {
    return Buffer.from(this.random(Math.ceil((n * 3) / 4) + 3).toString('base64')).subarray(0, n);
  }
}

/** mulberry32: the archive's structure (file sizes, order) is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pools {
  smallText: Piece[];
  mediumText: Piece[];
  mediumRandom: Piece[];
  bigText: Piece[];
  bigRandom: Piece[];
}

function makePools(rand: () => number): Pools {
  const c = new Content();
  const logUniform = (lo: number, hi: number): number => Math.round(Math.exp(Math.log(lo) + rand() * (Math.log(hi) - Math.log(lo))));
  return {
    smallText: Array.from({ length: 256 }, () => piece(c.text(logUniform(200, 32 * KiB)))),
    mediumText: Array.from({ length: 16 }, () => piece(c.text(logUniform(64 * KiB, 2 * MiB)))),
    mediumRandom: Array.from({ length: 32 }, () => piece(c.random(logUniform(32 * KiB, 2 * MiB)))),
    bigText: Array.from({ length: 2 }, () => piece(c.text(BIG_BLOB))),
    bigRandom: Array.from({ length: 2 }, () => piece(c.random(BIG_BLOB))),
  };
}

/** One inner tar, kept as deflated pieces. */
class InnerTar {
  readonly pieces: Piece[] = [];
  deflatedBytes = 0;
  plainBytes = 0;
  entries = 0;
  private tick = 0;
  private static readonly paddings = new Map<number, Piece>();

  constructor(readonly name: string) {}

  private add(p: Piece): void {
    this.pieces.push(p);
    this.deflatedBytes += p.deflated.length;
    this.plainBytes += p.plain.length;
  }

  /** Float mtimes a fraction of a second apart, so every entry gets a PAX record like Python writes. */
  private mtime(): number {
    return 1_763_604_000 + 0.25 + 0.731 * this.tick++;
  }

  dir(name: string): void {
    this.add(piece(entryHeader({ name, type: 'dir', size: 0, mode: 0o755, mtime: this.mtime() })));
    this.entries++;
  }

  file(name: string, data: Piece[]): void {
    const size = data.reduce((n, p) => n + p.plain.length, 0);
    this.add(piece(entryHeader({ name, type: 'file', size, mode: 0o644, mtime: this.mtime() })));
    for (const p of data) this.add(p);
    const pad = padding(size).length;
    if (pad > 0) {
      let cached = InnerTar.paddings.get(pad);
      if (!cached) InnerTar.paddings.set(pad, (cached = piece(Buffer.alloc(pad))));
      this.add(cached);
    }
    this.entries++;
  }

  end(): void {
    this.add(piece(archiveEnd(this.plainBytes)));
  }
}

const composed = new Map<number, InnerTar[]>();

/** The three inner archives of a backup of about `target` bytes (the v2 and v3 files share them). */
function compose(target: number): InnerTar[] {
  let inner = composed.get(target);
  if (!inner) composed.set(target, (inner = composeOnce(target)));
  return inner;
}

function composeOnce(target: number): InnerTar[] {
  const rand = prng(20261120);
  const pools = makePools(rand);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

  const ha = new InnerTar('homeassistant.tar.gz');
  ha.dir('.');
  ha.file('./homeassistant.json', [pick(pools.smallText)]);
  ha.dir('data');
  ha.dir('data/.storage');
  // Configuration, integrations, blueprints: many small files, as in a real /config.
  const smallFiles = Math.max(40, Math.round((12_000 * target) / GiB));
  let folder = '';
  for (let i = 0; i < smallFiles; i++) {
    if (i % 50 === 0) {
      folder = `data/custom_components/integration_${String(i / 50).padStart(4, '0')}`;
      if (i === 0) ha.dir('data/custom_components');
      ha.dir(folder);
    }
    ha.file(`${folder}/module_${String(i % 50).padStart(2, '0')}.py`, [pick(pools.smallText)]);
  }
  // Each archive stops before its share of `target` is exceeded; share.tar.gz (small pieces) fills the rest.
  const db: Piece[] = [];
  let dbBytes = 0;
  for (let next = pick(pools.bigText); ha.deflatedBytes + dbBytes + next.deflated.length <= 0.4 * target; next = pick(pools.bigText)) {
    db.push(next);
    dbBytes += next.deflated.length;
  }
  ha.file('data/home-assistant_v2.db', db);
  ha.end();

  const media = new InnerTar('media.tar.gz');
  media.dir('.');
  const smallestPhoto = Math.min(...pools.mediumRandom.map((p) => p.deflated.length));
  for (let i = 0, added = 0; media.deflatedBytes + smallestPhoto <= 0.45 * target; i++) {
    const video = i % 4 === 3;
    const data = video ? Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(pools.bigRandom)) : [pick(pools.mediumRandom)];
    if (media.deflatedBytes + data.reduce((n, p) => n + p.deflated.length, 0) > 0.45 * target) continue; // try a smaller one
    const dir = `photos_${String(Math.floor(added / 100)).padStart(3, '0')}`;
    if (added % 100 === 0) media.dir(dir);
    media.file(`${dir}/${video ? 'video' : 'photo'}_${String(added).padStart(5, '0')}.${video ? 'mp4' : 'jpg'}`, data);
    added++;
  }
  media.end();

  const share = new InnerTar('share.tar.gz');
  share.dir('.');
  const rest = target - ha.deflatedBytes - media.deflatedBytes;
  // At least one file of each kind, even in a tiny backup.
  for (let i = 0; i < 3 || share.deflatedBytes < rest; i++) {
    if (i % 40 === 0) share.dir(`folder_${String(i / 40).padStart(3, '0')}`);
    const dir = `folder_${String(Math.floor(i / 40)).padStart(3, '0')}`;
    const kind = i % 3;
    const data = kind === 0 ? pick(pools.mediumText) : kind === 1 ? pick(pools.mediumRandom) : pick(pools.smallText);
    share.file(`${dir}/file_${String(i).padStart(5, '0')}.${kind === 1 ? 'bin' : 'txt'}`, [data]);
  }
  share.end();
  return [ha, media, share];
}

/** The inner archive as gzip, the way Python's gzip module frames it (FNAME, mtime, OS 255). */
function gzipFrame(inner: InnerTar): { chunks: () => Generator<Buffer>; length: number } {
  const name = Buffer.from(`${inner.name.replace(/\.gz$/, '')}\0`, 'latin1');
  const header = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x08, 0, 0, 0, 0, 0x00, 0xff]), name]);
  header.writeUInt32LE(1_763_604_000, 4);
  let crc = 0;
  for (const p of inner.pieces) crc = crc32(p.plain, crc);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(inner.plainBytes % 2 ** 32, 4);
  const finalBlock = Buffer.from([0x03, 0x00]); // an empty fixed-Huffman block with BFINAL
  return {
    length: header.length + inner.deflatedBytes + finalBlock.length + trailer.length,
    *chunks() {
      yield header;
      for (const p of inner.pieces) yield p.deflated;
      yield finalBlock;
      yield trailer;
    },
  };
}

export class Output {
  written = 0;
  private readonly out: WriteStream;

  constructor(file: string) {
    this.out = createWriteStream(file, { highWaterMark: 8 * MiB });
  }

  async write(b: Uint8Array): Promise<void> {
    if (b.length === 0) return;
    this.written += b.length;
    if (!this.out.write(b)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'close');
  }
}

function secureTarHeader(version: SecureTarVersion, plaintextBytes: number): Buffer {
  const head = Buffer.alloc(32);
  Buffer.from('SecureTar', 'ascii').copy(head);
  head[9] = version;
  head.writeBigUInt64BE(BigInt(plaintextBytes), 16);
  return head;
}

type Sodium = typeof SodiumModule;

async function loadSodium(): Promise<Sodium> {
  const mod = (await import('libsodium-wrappers-sumo')) as unknown as Partial<Sodium> & { default?: Sodium };
  const s = (mod.default ?? mod) as Sodium;
  await s.ready;
  return s;
}

/** What an encrypted inner archive needs: its stored size and a function writing it. */
interface Encryptor {
  storedSize(plaintextBytes: number): number;
  write(out: Output, plaintextBytes: number, chunks: Iterable<Buffer>): Promise<void>;
}

function v2Encryptor(password: string): Encryptor {
  const key = passwordToKey(password);
  return {
    storedSize: (pt) => 48 + pt + 16 - (pt % 16),
    async write(out, pt, chunks) {
      const salt = randomBytes(16);
      await out.write(Buffer.concat([secureTarHeader(2, pt), salt]));
      const cipher = createCipheriv('aes-128-cbc', key, deriveIv(key, salt));
      for (const c of chunks) await out.write(cipher.update(c));
      await out.write(cipher.final());
    },
  };
}

/** SecureTar v3 (securetar ≥ 2026.2): one Argon2id root key per backup, a stream key per archive. */
function v3Encryptor(s: Sodium, password: string): Encryptor {
  const personal = Buffer.concat([Buffer.from('SecureTarv3', 'ascii'), Buffer.alloc(5)]);
  const rootSalt = randomBytes(16);
  const validationSalt = randomBytes(16);
  const rootKey = s.crypto_pwhash(32, Buffer.from(password, 'utf8'), rootSalt, 8, 16 * MiB, s.crypto_pwhash_ALG_ARGON2ID13);
  const validationKey = s.crypto_generichash_blake2b_salt_personal(32, rootKey, validationSalt, personal);
  return {
    storedSize: (pt) => 136 + pt + 17 * Math.max(1, Math.ceil(pt / V3_CHUNK)),
    async write(out, pt, chunks) {
      const derivationSalt = randomBytes(16);
      const streamKey = s.crypto_generichash_blake2b_salt_personal(32, rootKey, derivationSalt, personal);
      const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(streamKey);
      await out.write(Buffer.concat([secureTarHeader(3, pt), rootSalt, validationSalt, validationKey, derivationSalt, header]));
      // 1 MiB messages; a full staging buffer is pushed only once more data arrives, so the last
      // message (full or not) is the one tagged FINAL.
      const staging = Buffer.alloc(V3_CHUNK);
      let filled = 0;
      for (const c of chunks) {
        for (let pos = 0; pos < c.length;) {
          if (filled === V3_CHUNK) {
            await out.write(s.crypto_secretstream_xchacha20poly1305_push(state, staging, null, s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE));
            filled = 0;
          }
          const n = Math.min(V3_CHUNK - filled, c.length - pos);
          c.copy(staging, filled, pos, pos + n);
          filled += n;
          pos += n;
        }
      }
      await out.write(s.crypto_secretstream_xchacha20poly1305_push(state, staging.subarray(0, filled), null, s.crypto_secretstream_xchacha20poly1305_TAG_FINAL));
    },
  };
}

async function writeBackup(file: string, version: SecureTarVersion, target: number): Promise<GeneratedBackup> {
  const inner = compose(target);
  const encryptor = version === 2 ? v2Encryptor(BENCH_PASSWORD) : v3Encryptor(await loadSodium(), BENCH_PASSWORD);
  const name = `Benchmark ${bytes(target)} (SecureTar v${version})`;
  const date = '2026-11-20T03:00:00.104512+01:00';
  const slug = createSlug(name, date);
  const out = new Output(file);
  try {
    let mtime = 1_763_604_000.25;
    for (const part of inner) {
      const gz = gzipFrame(part);
      const stored = encryptor.storedSize(gz.length);
      await out.write(entryHeader({ name: part.name, type: 'file', size: stored, mode: 0o644, mtime: (mtime += 0.731) }));
      const before = out.written;
      await encryptor.write(out, gz.length, gz.chunks());
      if (out.written - before !== stored) throw new Error(`${part.name}: wrote ${out.written - before} bytes, announced ${stored}`);
      await out.write(padding(stored));
    }
    const json = serializeBackupJson(
      backupJson({
        slug,
        name,
        date,
        type: 'partial',
        supervisorVersion: '2026.11.0',
        extra: {},
        compressed: true,
        password: BENCH_PASSWORD,
        homeassistant: { version: '2026.11.2', excludeDatabase: false },
        folders: ['media', 'share'],
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
  return {
    file,
    bytes: out.written,
    slug,
    password: BENCH_PASSWORD,
    version,
    archives: inner.map((p) => ({ name: p.name, entries: p.entries, tarBytes: p.plainBytes })),
    generator: GENERATOR_VERSION,
  };
}

/**
 * A SecureTar v`version` backup of about `target` bytes in .bench/data, built on first use
 * (written under a temporary name, renamed when complete) and reused afterwards.
 */
export async function ensureBackup(version: SecureTarVersion, target: number, log: (line: string) => void, dir = path.join(BENCH_DIR, 'data')): Promise<GeneratedBackup> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `backup-v${version}-${target}.tar`);
  const sidecar = `${file}.json`;
  if (existsSync(file) && existsSync(sidecar)) {
    const meta = JSON.parse(readFileSync(sidecar, 'utf8')) as GeneratedBackup;
    if (meta.generator === GENERATOR_VERSION && statSync(file).size === meta.bytes) return { ...meta, file };
  }
  log(`generating a ${bytes(target)} SecureTar v${version} backup in ${path.relative(process.cwd(), file)} (cached for later runs)…`);
  const temp = `${file}.partial`;
  const t0 = performance.now();
  let meta: GeneratedBackup;
  try {
    meta = await writeBackup(temp, version, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  renameSync(temp, file);
  writeFileSync(sidecar, JSON.stringify({ ...meta, file }, null, 2));
  log(`  built in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${bytes(meta.bytes)}, ${meta.archives.map((a) => `${a.name} ${a.entries} entries`).join(', ')}`);
  return { ...meta, file };
}
