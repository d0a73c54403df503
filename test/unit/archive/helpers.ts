// Test-only builders for archive tests: inner tars (tar-stream, any entry type), SecureTar v1 (with
// the old writer's padding bug), v2 (the emulator's writer), v3 (libsodium, independent of the
// reader), backups around them, and a big v2 backup streamed to disk for the throughput figure.
import assert from 'node:assert/strict';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { crc32, deflateRawSync, constants as zconst } from 'node:zlib';
import type * as SodiumModule from 'libsodium-wrappers-sumo';
import * as tar from 'tar-stream';
import { pyGzip } from '../../../src/emulator/gzip';
import { encryptSecureTarV2 } from '../../../src/emulator/secureTarV2';
import { archiveEnd, buildTar, entryHeader, listTarFileMembers, padding, readTarFileMember } from '../../../src/emulator/tar';

/** `test/fixtures/ha-backup`: real archives from the Supervisor's and securetar's test suites (see its README). */
export const FIXTURES = path.resolve(__dirname, '../../fixtures/ha-backup');

export function fixture(rel: string): string {
  const file = path.join(FIXTURES, rel);
  assert.ok(existsSync(file), `fixture missing: ${file}`);
  return file;
}

export function tempDir(prefix = 'ha-archive-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TarSpec {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'fifo' | 'character-device';
  data?: Buffer | string;
  linkname?: string;
  mode?: number;
  mtime?: Date;
}

/** A tar with any entry types and names (tar-stream pack; names are written as given). */
export async function makeTar(entries: TarSpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? 'file';
    const data = e.data === undefined ? undefined : Buffer.from(e.data);
    await new Promise<void>((resolve, reject) => {
      const header = {
        name: e.name,
        type,
        mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
        mtime: e.mtime ?? new Date(1_700_000_000_000),
        ...(e.linkname ? { linkname: e.linkname } : {}),
      };
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (data) pack.entry({ ...header, size: data.length }, data, cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

export function gzip(tarBytes: Buffer, name = 'inner.tar'): Buffer {
  return pyGzip(tarBytes, name, 1_700_000_000);
}

function sha256x100(input: Buffer): Buffer {
  let d = input;
  for (let i = 0; i < 100; i++) d = createHash('sha256').update(d).digest();
  return d.subarray(0, 16);
}

export function v1KeyFromPassword(password: string): Buffer {
  return sha256x100(Buffer.from(password, 'utf8'));
}

function pkcs7(b: Buffer): Buffer {
  const n = 16 - (b.length % 16);
  return Buffer.concat([b, Buffer.alloc(n, n)]);
}

/**
 * SecureTar v1 as the old writer produced it: salt, then AES-128-CBC of the writes, every write
 * whose length is not a multiple of 16 PKCS7-padded on its own. A gzip stream is written the way
 * Python's tarfile `_Stream` does: 10240-byte blocks, the rest, then CRC and size as separate writes.
 */
export function encryptV1(plain: Buffer, key: Buffer, salt: Buffer = randomBytes(16)): Buffer {
  const cipher = createCipheriv('aes-128-cbc', key, sha256x100(Buffer.concat([key, salt])));
  cipher.setAutoPadding(false);
  const writes: Buffer[] = [];
  const isGzip = plain[0] === 0x1f && plain[1] === 0x8b;
  const body = isGzip ? plain.subarray(0, plain.length - 8) : plain;
  for (let i = 0; i < body.length; i += 10240) writes.push(body.subarray(i, i + 10240));
  if (isGzip) writes.push(plain.subarray(plain.length - 8, plain.length - 4), plain.subarray(plain.length - 4));
  const out = [salt];
  for (const w of writes) out.push(cipher.update(w.length % 16 === 0 ? w : pkcs7(w)));
  out.push(cipher.final());
  return Buffer.concat(out);
}

export function encryptV2(plain: Buffer, password: string, salt?: Buffer): Buffer {
  return encryptSecureTarV2(plain, password, salt);
}

type Sodium = typeof SodiumModule;

async function sodium(): Promise<Sodium> {
  const mod = (await import('libsodium-wrappers-sumo')) as unknown as Partial<Sodium> & { default?: Sodium };
  const s = (mod.default ?? mod) as Sodium;
  await s.ready;
  return s;
}

export interface V3Options {
  rootSalt?: Buffer;
  /** Damage: 'early-final' tags message 1 final, 'no-final' never tags final. */
  tags?: 'normal' | 'early-final' | 'no-final';
}

/** SecureTar v3 (securetar ≥ 2026.2), written independently of the reader with libsodium. */
export async function encryptV3(plain: Buffer, password: string, opts: V3Options = {}): Promise<Buffer> {
  const s = await sodium();
  const rootSalt = opts.rootSalt ?? randomBytes(16);
  const validationSalt = randomBytes(16);
  const derivationSalt = randomBytes(16);
  const personal = Buffer.concat([Buffer.from('SecureTarv3'), Buffer.alloc(5)]);
  const rootKey = s.crypto_pwhash(32, Buffer.from(password, 'utf8'), rootSalt, 8, 16 * 1024 * 1024, s.crypto_pwhash_ALG_ARGON2ID13);
  const validationKey = s.crypto_generichash_blake2b_salt_personal(32, rootKey, validationSalt, personal);
  const streamKey = s.crypto_generichash_blake2b_salt_personal(32, rootKey, derivationSalt, personal);
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(streamKey);
  const head = Buffer.alloc(32);
  Buffer.from('SecureTar').copy(head);
  head[9] = 3;
  head.writeBigUInt64BE(BigInt(plain.length), 16);
  const out: Buffer[] = [head, rootSalt, validationSalt, Buffer.from(validationKey), derivationSalt, Buffer.from(header)];
  const CHUNK = 1024 * 1024;
  const count = Math.max(1, Math.ceil(plain.length / CHUNK));
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    const final = opts.tags === 'early-final' ? i === 0 : opts.tags === 'no-final' ? false : last;
    const tag = final ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    out.push(Buffer.from(s.crypto_secretstream_xchacha20poly1305_push(state, plain.subarray(i * CHUNK, (i + 1) * CHUNK), null, tag)));
  }
  return Buffer.concat(out);
}

export interface Part {
  name: string;
  data: Buffer;
}

/** A backup.json for parts named `<id>.tar[.gz]` (addons) with the given protection. */
export function backupJsonFor(parts: string[], opts: { protected: boolean; compressed?: boolean; slug?: string; homeassistant?: boolean }): Record<string, unknown> {
  const ids = parts.map((p) => p.replace(/\.tar(\.gz)?$/, ''));
  const ha = opts.homeassistant ?? ids.includes('homeassistant');
  return {
    slug: opts.slug ?? 'abcd1234',
    version: 2,
    name: 'Test backup',
    date: '2026-11-20T03:00:00.104512+01:00',
    type: 'partial',
    supervisor_version: '2026.11.0',
    extra: {},
    compressed: opts.compressed ?? true,
    protected: opts.protected,
    homeassistant: ha ? { version: '2026.11.2', exclude_database: false, size: 0.0 } : null,
    folders: [],
    addons: ids.filter((i) => i !== 'homeassistant').map((slug) => ({ slug, name: slug, version: '1.0.0', size: 0.0 })),
    repositories: [],
  };
}

/** Write a backup: the parts, then `./backup.json` (or first with `jsonFirst`; none when json is null). */
export async function writeBackup(file: string, parts: Part[], json: unknown, opts: { jsonFirst?: boolean } = {}): Promise<void> {
  const members = parts.map((p) => ({ name: p.name, type: 'file' as const, mode: 0o644, mtime: 1_700_000_000.5, data: p.data }));
  if (json !== null) {
    const meta = { name: './backup.json', type: 'file' as const, mode: 0o644, mtime: 1_700_000_000, data: Buffer.from(JSON.stringify(json)) };
    if (opts.jsonFirst) members.unshift(meta);
    else members.push(meta);
  }
  const w = createWriteStream(file);
  w.end(buildTar(members));
  await once(w, 'close');
}

/** The inner members of a tar file (to wrap a fixture's inner archives into a real backup). */
export async function innerMembers(file: string): Promise<Part[]> {
  const parts: Part[] = [];
  for (const m of await listTarFileMembers(file)) {
    if (m.typeflag !== '0' || !/\.tar(\.gz)?$/.test(m.name)) continue;
    parts.push({ name: m.name.replace(/^\.\//, ''), data: await readTarFileMember(file, m) });
  }
  return parts;
}

export interface BigBackup {
  fileBytes: number;
  tarBytes: number;
  entries: number;
  /** sha256 of the entry `data/blob-007.bin`. */
  sampleSha256: string;
}

/**
 * A v2-encrypted backup of about `targetBytes` (tar size), streamed to disk. The deflate data is made
 * of independently compressed, sync-flushed pieces (valid when concatenated), so the same payload is
 * compressed once: building 200 MB takes about a second.
 */
export async function writeBigV2Backup(file: string, password: string, targetBytes: number): Promise<BigBackup> {
  const blobSize = 8 * 1024 * 1024;
  // Text-like data: compresses to ~75 %, inflates at a realistic speed.
  const blob = Buffer.from(randomBytes((blobSize / 4) * 3).toString('base64'));
  const syncFlushed = (b: Buffer): Buffer => deflateRawSync(b, { level: 6, finishFlush: zconst.Z_SYNC_FLUSH });
  const blobDeflated = syncFlushed(blob);
  const count = Math.max(1, Math.round(targetBytes / blobSize));
  // Plaintext pieces (for the CRC) and their deflated form.
  const pieces: { plain: Buffer; deflated: Buffer }[] = [];
  const dir = entryHeader({ name: 'data', type: 'dir', size: 0, mode: 0o755, mtime: 1_700_000_000 });
  pieces.push({ plain: dir, deflated: syncFlushed(dir) });
  for (let i = 0; i < count; i++) {
    const header = entryHeader({ name: `data/blob-${String(i).padStart(3, '0')}.bin`, type: 'file', size: blobSize, mode: 0o644, mtime: 1_700_000_000 });
    pieces.push({ plain: header, deflated: syncFlushed(header) });
    pieces.push({ plain: blob, deflated: blobDeflated });
  }
  const tarLength = pieces.reduce((n, p) => n + p.plain.length, 0);
  const end = archiveEnd(tarLength);
  pieces.push({ plain: end, deflated: syncFlushed(end) });
  const finalBlock = Buffer.from([0x03, 0x00]); // empty fixed-Huffman block with BFINAL
  let crc = 0;
  for (const p of pieces) crc = crc32(p.plain, crc);
  const plainTotal = tarLength + end.length;
  const gzHeader = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(plainTotal >>> 0, 4);
  const gzLength = gzHeader.length + pieces.reduce((n, p) => n + p.deflated.length, 0) + finalBlock.length + trailer.length;
  const cipherLength = gzLength + 16 - (gzLength % 16);
  const memberSize = 48 + cipherLength;

  const out = createWriteStream(file, { highWaterMark: 4 * 1024 * 1024 });
  let written = 0;
  const write = async (b: Buffer): Promise<void> => {
    written += b.length;
    if (!out.write(b)) await once(out, 'drain');
  };
  const memberHeader = entryHeader({ name: 'homeassistant.tar.gz', type: 'file', size: memberSize, mode: 0o644, mtime: 1_700_000_000.25 });
  await write(memberHeader);
  const key = v1KeyFromPassword(password);
  const salt = randomBytes(16);
  const head = Buffer.alloc(32);
  Buffer.from('SecureTar').copy(head);
  head[9] = 2;
  head.writeBigUInt64BE(BigInt(gzLength), 16);
  await write(Buffer.concat([head, salt]));
  const cipher = createCipheriv('aes-128-cbc', key, sha256x100(Buffer.concat([key, salt])));
  await write(cipher.update(gzHeader));
  for (const p of pieces) await write(cipher.update(p.deflated));
  await write(cipher.update(finalBlock));
  await write(cipher.update(trailer));
  await write(cipher.final());
  await write(padding(memberSize));
  const json = Buffer.from(JSON.stringify(backupJsonFor(['homeassistant.tar.gz'], { protected: true })));
  await write(entryHeader({ name: './backup.json', type: 'file', size: json.length, mode: 0o644, mtime: 1_700_000_000 }));
  await write(json);
  await write(padding(json.length));
  await write(archiveEnd(written));
  out.end();
  await once(out, 'close');
  return { fileBytes: written, tarBytes: plainTotal, entries: count + 1, sampleSha256: createHash('sha256').update(blob).digest('hex') };
}

/** Read a stream completely. */
export async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
