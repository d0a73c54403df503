// SecureTar, the encryption of inner archives, as streaming transforms (home-assistant-libs/securetar
// securetar/__init__.py @754c45d7: SecureTarHeader, KeyDerivationV2/V3; which version the Supervisor
// writes: home-assistant/supervisor supervisor/backups/const.py CORE_SECURETAR_V3_MIN_VERSION):
//   v1 (Supervisor ≤ 2024.12): no header; 16-byte salt, AES-128-CBC, broken padding (see gzipV1.ts)
//   v2 (2025.01 … 2026.03.0): 32-byte header + 16-byte salt, AES-128-CBC, one PKCS7 padding
//   v3 (≥ 2026.03.1):         136-byte header, Argon2id root key, BLAKE2b subkeys,
//                             XChaCha20-Poly1305 secretstream in 1 MiB messages (libsodium, lazy)
// v1/v2 have no MAC: a wrong password is recognised by the first plaintext block not being gzip or
// tar, like securetar does. v3 has a validation key in the header.
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import type { Decipher } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import type { ArchiveError, ArchiveErrorKind } from './errors';
import { loadSodium } from './sodium';
import type { Sodium } from './sodium';
import { looksLikeTarHeader } from './tarHeader';

export const SECURETAR_MAGIC = Buffer.from('SecureTar', 'ascii');
export const V2_HEADER_BYTES = 48;
export const V3_HEADER_BYTES = 136;
export const V3_CHUNK_BYTES = 1024 * 1024;
export const V3_ABYTES = 17;
const V3_PERSONAL = Buffer.concat([Buffer.from('SecureTarv3', 'ascii'), Buffer.alloc(5)]);
const ARGON2_OPSLIMIT = 8;
const ARGON2_MEMLIMIT = 16 * 1024 * 1024;

/** What a password/key opens. `key` is a raw 16-byte AES key (v1/v2 only). */
export interface Credentials {
  password?: string;
  key?: Uint8Array;
}

/** Reports a problem of the archive being read (the caller puts the archive's name in). */
export type Fail = (kind: ArchiveErrorKind, message: string, cause?: unknown) => ArchiveError;

export type Layer =
  | { kind: 'plain'; compressed: boolean }
  | { kind: 'v1' }
  | { kind: 'v2'; plaintextSize: number; salt: Buffer }
  | { kind: 'v3'; plaintextSize: number; rootSalt: Buffer; validationSalt: Buffer; validationKey: Buffer; derivationSalt: Buffer; streamHeader: Buffer };

export function looksGzip(b: Buffer): boolean {
  return b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 0x08;
}

/** The start of a tar: a header block, or the end-of-archive zeros of an empty tar. */
export function looksTar(b: Buffer): boolean {
  if (b.length >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar') return true;
  if (b.length >= 512 && looksLikeTarHeader(b.subarray(0, 512))) return true;
  return b.length >= 1024 && b.subarray(0, 1024).every((x) => x === 0);
}

/**
 * Decide how an inner archive is stored from its first bytes (up to 512) and its size.
 * `mayBeV1`: the backup is protected (or has no backup.json to say it is not).
 */
export function detectLayer(head: Buffer, size: number, mayBeV1: boolean, fail: Fail): Layer {
  if (size === 0) throw fail('corrupt', 'it is empty');
  if (head.length >= 10 && head.subarray(0, 9).equals(SECURETAR_MAGIC)) {
    const version = head[9] ?? 0;
    if (version !== 2 && version !== 3) return unsupported(version, fail);
    if (head.length < 32 || size < (version === 2 ? V2_HEADER_BYTES : V3_HEADER_BYTES)) {
      throw fail('corrupt', `its SecureTar v${version} header is truncated (${size} bytes)`);
    }
    if (!head.subarray(10, 16).every((b) => b === 0)) throw fail('corrupt', 'its SecureTar header has non-zero reserved bytes');
    const big = head.readBigUInt64BE(16);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw fail('corrupt', 'its SecureTar header announces an impossible size');
    const plaintextSize = Number(big);
    if (version === 2) {
      const cipherLength = size - V2_HEADER_BYTES;
      if (cipherLength === 0 || cipherLength % 16 !== 0) {
        throw fail('corrupt', `its AES ciphertext is ${cipherLength} bytes, not a positive multiple of 16 (truncated?)`);
      }
      return { kind: 'v2', plaintextSize, salt: Buffer.from(head.subarray(32, 48)) };
    }
    return {
      kind: 'v3',
      plaintextSize,
      rootSalt: Buffer.from(head.subarray(32, 48)),
      validationSalt: Buffer.from(head.subarray(48, 64)),
      validationKey: Buffer.from(head.subarray(64, 96)),
      derivationSalt: Buffer.from(head.subarray(96, 112)),
      streamHeader: Buffer.from(head.subarray(112, 136)),
    };
  }
  if (looksGzip(head)) return { kind: 'plain', compressed: true };
  if (looksTar(head)) return { kind: 'plain', compressed: false };
  if (mayBeV1) {
    if (size < 32 || size % 16 !== 0) throw fail('corrupt', `it is neither gzip, tar nor SecureTar, and its ${size} bytes cannot be SecureTar v1 data`);
    return { kind: 'v1' };
  }
  throw fail('corrupt', 'it is neither gzip, tar nor SecureTar data (and the backup is not marked as protected)');
}

function unsupported(version: number, fail: Fail): never {
  throw fail('unsupported', `it uses SecureTar version ${version}, which this reader does not know (it reads v1, v2 and v3)`);
}

export function layerVersion(layer: Layer): 1 | 2 | 3 | null {
  return layer.kind === 'plain' ? null : layer.kind === 'v1' ? 1 : layer.kind === 'v2' ? 2 : 3;
}

// ------------------------------------------------------------------------------------ v1 / v2

/** SHA-256 applied 100 times, first 16 bytes. */
function sha256x100(input: Buffer): Buffer {
  let data = input;
  for (let i = 0; i < 100; i++) data = createHash('sha256').update(data).digest();
  return data.subarray(0, 16);
}

export function passwordToAesKey(password: string): Buffer {
  return sha256x100(Buffer.from(password, 'utf8'));
}

function aesKeyFor(creds: Credentials, version: 1 | 2, fail: Fail): Buffer {
  if (creds.key !== undefined) {
    if (creds.key.length !== 16) throw fail('wrong_password', `the key must be 16 bytes (an AES-128 key), not ${creds.key.length}`);
    return Buffer.from(creds.key);
  }
  if (creds.password !== undefined) return passwordToAesKey(creds.password);
  throw fail(
    'password_required',
    version === 1 ? 'it is encrypted (not gzip or tar: SecureTar v1, which has no header): a password is needed' : 'it is encrypted (SecureTar v2): a password is needed',
  );
}

const VALIDATE_BYTES = 512;

/**
 * AES-128-CBC decryption of v1/v2. The first 512 plaintext bytes are held back until they are known
 * to be gzip or tar (else: wrong password). v2: PKCS7 padding and the announced size are checked.
 */
class AesCbcDecrypt extends Transform {
  private readonly decipher: Decipher;
  private head: Buffer[] = [];
  private headLength = 0;
  private validated = false;
  private total = 0;

  constructor(
    key: Buffer,
    salt: Buffer,
    private readonly version: 1 | 2,
    private readonly plaintextSize: number | undefined,
    private readonly fail: Fail,
  ) {
    super();
    this.decipher = createDecipheriv('aes-128-cbc', key, sha256x100(Buffer.concat([key, salt])));
    // v1 padded every unaligned write separately: padding is not where PKCS7 expects it.
    this.decipher.setAutoPadding(version === 2);
  }

  private wrongPassword(): ArchiveError {
    return this.fail('wrong_password', `wrong password: it does not decrypt to gzip or tar data (SecureTar v${this.version})`);
  }

  private emitPlain(data: Buffer): void {
    if (data.length === 0) return;
    this.total += data.length;
    if (this.validated) {
      this.push(data);
      return;
    }
    this.head.push(data);
    this.headLength += data.length;
    if (this.headLength >= VALIDATE_BYTES) this.releaseHead();
  }

  private releaseHead(): void {
    const head = Buffer.concat(this.head);
    if (!looksGzip(head) && !looksTar(head)) throw this.wrongPassword();
    this.validated = true;
    this.head = [];
    this.push(head);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.emitPlain(this.decipher.update(chunk));
      done();
    } catch (e) {
      done(e as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      let last: Buffer;
      try {
        last = this.decipher.final();
      } catch (e) {
        if (!this.validated) {
          const head = Buffer.concat(this.head);
          if (!looksGzip(head) && !looksTar(head)) throw this.wrongPassword();
        }
        throw this.fail('corrupt', 'its AES padding is invalid (the encrypted data is damaged)', e);
      }
      this.emitPlain(last);
      if (!this.validated) this.releaseHead();
      if (this.plaintextSize !== undefined && this.total !== this.plaintextSize) {
        throw this.fail('corrupt', `it decrypts to ${this.total} bytes but its SecureTar header says ${this.plaintextSize}`);
      }
      done();
    } catch (e) {
      done(e as Error);
    }
  }
}

// ----------------------------------------------------------------------------------------- v3

interface CachedRootKey {
  rootKey: Promise<Uint8Array>;
}
const rootKeys = new Map<string, CachedRootKey>();
const MAX_CACHED_ROOT_KEYS = 16;

/** Argon2id root key, cached per (root_salt, password): one derivation per backup. */
function rootKeyFor(sodium: Sodium, password: string, rootSalt: Buffer): Promise<Uint8Array> {
  const id = `${rootSalt.toString('hex')}:${createHash('sha256').update(password, 'utf8').digest('hex')}`;
  const cached = rootKeys.get(id);
  if (cached) return cached.rootKey;
  const rootKey = Promise.resolve().then(() =>
    sodium.crypto_pwhash(32, Buffer.from(password, 'utf8'), rootSalt, ARGON2_OPSLIMIT, ARGON2_MEMLIMIT, sodium.crypto_pwhash_ALG_ARGON2ID13),
  );
  if (rootKeys.size >= MAX_CACHED_ROOT_KEYS) {
    const oldest = rootKeys.keys().next();
    if (!oldest.done) rootKeys.delete(oldest.value);
  }
  rootKeys.set(id, { rootKey });
  rootKey.catch(() => rootKeys.delete(id));
  return rootKey;
}

/** How many Argon2id derivations are cached (tests). */
export function cachedRootKeyCount(): number {
  return rootKeys.size;
}

function subkey(sodium: Sodium, rootKey: Uint8Array, salt: Buffer): Buffer {
  return Buffer.from(sodium.crypto_generichash_blake2b_salt_personal(32, rootKey, salt, V3_PERSONAL));
}

/** Expected ciphertext length of a v3 stream for a plaintext size. */
export function v3CipherLength(plaintextSize: number): number {
  return plaintextSize + V3_ABYTES * Math.max(1, Math.ceil(plaintextSize / V3_CHUNK_BYTES));
}

/** XChaCha20-Poly1305 secretstream pull, one 1 MiB (+17) message at a time; tags are checked. */
class SecretStreamDecrypt extends Transform {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private chunks = 0;
  private finalSeen = false;
  private total = 0;
  private readonly tagFinal: number;

  constructor(
    private readonly sodium: Sodium,
    private readonly state: ReturnType<Sodium['crypto_secretstream_xchacha20poly1305_init_pull']>,
    private readonly plaintextSize: number,
    private readonly cipherLength: number,
    private readonly fail: Fail,
  ) {
    super();
    this.tagFinal = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  }

  private sizeNote(): string {
    const expected = v3CipherLength(this.plaintextSize);
    if (this.cipherLength === expected) return '';
    const diff = this.cipherLength - expected;
    return `; it is ${Math.abs(diff)} byte${Math.abs(diff) === 1 ? '' : 's'} ${diff < 0 ? 'shorter' : 'longer'} than its header announces`;
  }

  private takeBytes(length: number): Buffer {
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const out = all.subarray(0, length);
    const rest = all.subarray(length);
    this.pending = rest.length ? [rest] : [];
    this.pendingLength = rest.length;
    return out;
  }

  private pull(cipher: Buffer): void {
    if (this.finalSeen) throw this.fail('corrupt', `unexpected final tag: its encrypted stream ends after message ${this.chunks} but more data follows`);
    this.chunks++;
    const r = this.sodium.crypto_secretstream_xchacha20poly1305_pull(this.state, cipher, null);
    if (r === false) {
      throw this.fail('corrupt', `message ${this.chunks} of its encrypted stream fails authentication: the data is damaged or truncated${this.sizeNote()}`);
    }
    if (r.tag === this.tagFinal) this.finalSeen = true;
    this.total += r.message.length;
    if (r.message.length) this.push(Buffer.from(r.message.buffer, r.message.byteOffset, r.message.byteLength));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.pending.push(chunk);
      this.pendingLength += chunk.length;
      const full = V3_CHUNK_BYTES + V3_ABYTES;
      while (this.pendingLength >= full) this.pull(this.takeBytes(full));
      done();
    } catch (e) {
      done(e as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (this.pendingLength > 0) {
        if (!this.finalSeen && this.pendingLength < V3_ABYTES) {
          throw this.fail('corrupt', `its encrypted stream ends with a ${this.pendingLength}-byte fragment (truncated)${this.sizeNote()}`);
        }
        this.pull(this.takeBytes(this.pendingLength));
      }
      if (this.chunks === 0) {
        throw this.fail('corrupt', `its ciphertext is too short: the SecureTar v3 header announces ${this.plaintextSize} bytes but no encrypted data follows`);
      }
      if (!this.finalSeen) throw this.fail('corrupt', `missing final tag: its encrypted stream ends without its final message (truncated?)${this.sizeNote()}`);
      if (this.total !== this.plaintextSize) {
        throw this.fail('corrupt', `it decrypts to ${this.total} bytes but its SecureTar header says ${this.plaintextSize}`);
      }
      done();
    } catch (e) {
      done(e as Error);
    }
  }
}

export interface Decryption {
  /** Fed with the member's bytes after the header (v1: after the salt). */
  stream: Transform;
  /**
   * Decrypt the first ciphertext bytes on their own (v1/v2: ≤ 528 bytes, v3: the first message), to
   * see the plaintext's start before streaming. v1/v2 throw `wrong_password` when it is not gzip or
   * tar; undefined when it cannot be decrypted (the stream then reports why).
   */
  decryptHead(cipher: Buffer): Buffer | undefined;
}

function aesHead(key: Buffer, salt: Buffer, version: 1 | 2, fail: Fail): (cipher: Buffer) => Buffer | undefined {
  return (cipher) => {
    const usable = cipher.subarray(0, cipher.length - (cipher.length % 16));
    if (usable.length === 0) return undefined;
    const d = createDecipheriv('aes-128-cbc', key, sha256x100(Buffer.concat([key, salt])));
    d.setAutoPadding(false);
    const plain = Buffer.concat([d.update(usable), d.final()]);
    if (!looksGzip(plain) && !looksTar(plain)) {
      throw fail('wrong_password', `wrong password: it does not decrypt to gzip or tar data (SecureTar v${version})`);
    }
    return plain;
  };
}

/**
 * The decryption of an inner archive whose layer is v1/v2/v3. Throws `wrong_password` /
 * `password_required` up front when that can be known (v3 validation key; v1/v2 see decryptHead).
 */
export async function createDecryptStream(layer: Exclude<Layer, { kind: 'plain' }>, creds: Credentials, memberSize: number, fail: Fail, v1Salt?: Buffer): Promise<Decryption> {
  if (layer.kind === 'v1' || layer.kind === 'v2') {
    const version = layer.kind === 'v1' ? 1 : 2;
    const salt = layer.kind === 'v2' ? layer.salt : v1Salt;
    if (!salt) throw new Error('SecureTar v1 needs its salt');
    const key = aesKeyFor(creds, version, fail);
    const plaintextSize = layer.kind === 'v2' ? layer.plaintextSize : undefined;
    return { stream: new AesCbcDecrypt(key, salt, version, plaintextSize, fail), decryptHead: aesHead(key, salt, version, fail) };
  }
  if (creds.password === undefined) {
    throw fail('password_required', `it is encrypted (SecureTar v3): its password is needed${creds.key ? ' (a raw key only opens SecureTar v1/v2)' : ''}`);
  }
  let sodium: Sodium;
  try {
    sodium = await loadSodium();
  } catch (e) {
    throw fail('unsupported', `it is SecureTar v3 and libsodium could not be loaded (${e instanceof Error ? e.message : String(e)})`, e);
  }
  const rootKey = await rootKeyFor(sodium, creds.password, layer.rootSalt);
  const validation = subkey(sodium, rootKey, layer.validationSalt);
  if (!timingSafeEqual(validation, layer.validationKey)) throw fail('wrong_password', 'wrong password (the SecureTar v3 validation key does not match)');
  const streamKey = subkey(sodium, rootKey, layer.derivationSalt);
  const initPull = (): ReturnType<Sodium['crypto_secretstream_xchacha20poly1305_init_pull']> => {
    try {
      return sodium.crypto_secretstream_xchacha20poly1305_init_pull(layer.streamHeader, streamKey);
    } catch (e) {
      throw fail('corrupt', 'its secretstream header is invalid', e);
    }
  };
  const stream = new SecretStreamDecrypt(sodium, initPull(), layer.plaintextSize, memberSize - V3_HEADER_BYTES, fail);
  const decryptHead = (cipher: Buffer): Buffer | undefined => {
    if (cipher.length <= V3_ABYTES) return undefined;
    const r = sodium.crypto_secretstream_xchacha20poly1305_pull(initPull(), cipher, null);
    return r === false ? undefined : Buffer.from(r.message);
  };
  return { stream, decryptHead };
}

/** Bytes of the member before the ciphertext. */
export function layerHeaderBytes(layer: Layer): number {
  switch (layer.kind) {
    case 'plain':
      return 0;
    case 'v1':
      return 16;
    case 'v2':
      return V2_HEADER_BYTES;
    case 'v3':
      return V3_HEADER_BYTES;
  }
}
