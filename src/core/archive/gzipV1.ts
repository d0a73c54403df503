// SecureTar v1 gzip streams: the old writer PKCS7-padded every write() whose length was not a
// multiple of 16, so the last deflate block, the CRC and the size each carry their own padding and
// a gzip reader fails on them (home-assistant-libs/securetar 2024.11.0 SecureTarFile.write). They
// are read by parsing the gzip header here, raw-inflating the deflate data (zlib ignores what
// follows the end of the deflate stream) and checking the CRC and size found in the padded trailer.
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import type { Fail } from './secureTar';

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const TAIL_BYTES = 32;

/** Length of a gzip member header at the start of `b`, or undefined while incomplete. */
export function gzipHeaderLength(b: Buffer, fail: Fail): number | undefined {
  if (b.length < 10) return undefined;
  if (b[0] !== 0x1f || b[1] !== 0x8b || b[2] !== 0x08) throw fail('corrupt', 'its decrypted data is not gzip');
  const flags = b[3] ?? 0;
  let pos = 10;
  if (flags & FEXTRA) {
    if (b.length < pos + 2) return undefined;
    pos += 2 + b.readUInt16LE(pos);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (flags & flag) {
      const end = b.indexOf(0, pos);
      if (end === -1) {
        if (b.length > 64 * 1024) throw fail('corrupt', 'its gzip header is malformed');
        return undefined;
      }
      pos = end + 1;
    }
  }
  if (flags & FHCRC) pos += 2;
  return b.length >= pos ? pos : undefined;
}

/** Where the CRC and size are in the last 32 plaintext bytes of a v1 gzip stream. */
export function v1GzipTrailer(tail: Buffer): { crc: number; size: number } | undefined {
  // Buggy writer: [crc 4][0x0c × 12][isize 4][0x0c × 12].
  if (tail.length === TAIL_BYTES && tail.subarray(4, 16).every((b) => b === 12) && tail.subarray(20, 32).every((b) => b === 12)) {
    return { crc: tail.readUInt32LE(0), size: tail.readUInt32LE(16) };
  }
  // A writer with one correct PKCS7 padding at the end: [… crc 4][isize 4][n × n].
  const n = tail[tail.length - 1] ?? 0;
  if (n >= 1 && n <= 16 && tail.length >= n + 8 && tail.subarray(tail.length - n).every((b) => b === n)) {
    const end = tail.length - n;
    return { crc: tail.readUInt32LE(end - 8), size: tail.readUInt32LE(end - 4) };
  }
  return undefined;
}

/** Strips the gzip header and remembers the last 32 bytes (the padded trailer). */
export class GzipHeaderStrip extends Transform {
  private headerDone = false;
  private pending: Buffer = Buffer.alloc(0);
  tail: Buffer = Buffer.alloc(0);

  constructor(private readonly fail: Fail) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.tail = Buffer.concat([this.tail, chunk.subarray(Math.max(0, chunk.length - TAIL_BYTES))]);
      if (this.tail.length > TAIL_BYTES) this.tail = this.tail.subarray(this.tail.length - TAIL_BYTES);
      if (this.headerDone) {
        this.push(chunk);
        return done();
      }
      this.pending = Buffer.concat([this.pending, chunk]);
      const length = gzipHeaderLength(this.pending, this.fail);
      if (length !== undefined) {
        this.headerDone = true;
        if (this.pending.length > length) this.push(this.pending.subarray(length));
        this.pending = Buffer.alloc(0);
      }
      done();
    } catch (e) {
      done(e as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    done(this.headerDone ? undefined : this.fail('corrupt', 'its gzip header is truncated'));
  }
}

/** CRC-32 and length of what passes through. */
export class Crc32Counter extends Transform {
  crc = 0;
  length = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    this.length += chunk.length;
    done(null, chunk);
  }
}

/** After the stream: compare the trailer with what was inflated. */
export function checkV1Trailer(strip: GzipHeaderStrip, counter: Crc32Counter, fail: Fail): void {
  const trailer = v1GzipTrailer(strip.tail);
  if (!trailer) throw fail('corrupt', 'its gzip trailer (CRC and size) is missing');
  if (trailer.crc >>> 0 !== counter.crc >>> 0) throw fail('corrupt', 'its gzip CRC does not match the data (the data is damaged)');
  if (trailer.size >>> 0 !== counter.length >>> 0) throw fail('corrupt', `its gzip trailer says ${trailer.size >>> 0} bytes (mod 2³²) but ${counter.length} were inflated`);
}
