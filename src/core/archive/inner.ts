// One inner archive, streamed from its byte range of the backup file:
//   file range → [SecureTar decrypt] → [gunzip | v1: strip header + raw inflate] → tar end check → tar-stream
// Nothing is buffered beyond a stream chunk (1 MiB for v3 messages). Every failure becomes an
// ArchiveError whose message starts with the inner archive's name.
import type { FileHandle } from 'node:fs/promises';
import { PassThrough, Transform } from 'node:stream';
import type { Duplex, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflateRaw } from 'node:zlib';
import * as tar from 'tar-stream';
import type { ExtractEvents } from 'tar-stream';
import { entryFromHeader } from './entries';
import type { ArchiveEntry } from './entries';
import { ArchiveError, isAbortError, messageOf } from './errors';
import { Crc32Counter, GzipHeaderStrip, checkV1Trailer } from './gzipV1';
import { FileSource, streamRange } from './randomAccess';
import type { RandomAccessSource } from './randomAccess';
import { createDecryptStream, detectLayer, layerHeaderBytes, layerVersion, looksGzip } from './secureTar';
import type { Credentials, Fail, Layer } from './secureTar';

/** A byte range of a file (or any RandomAccessSource) holding one inner archive. */
export interface InnerSource {
  /** The backup file, or the source's `describe`. */
  file: string;
  /** Name shown in messages, e.g. `homeassistant.tar.gz`. */
  name: string;
  offset: number;
  size: number;
}

export interface InnerInfo {
  encrypted: boolean;
  /** SecureTar version, null when not encrypted. */
  version: 1 | 2 | 3 | null;
  /** gzip-compressed (decided from the data, not the name). */
  compressed: boolean;
}

/** An entry's data as tar-stream gives it (a streamx Readable). */
export type EntryStream = ExtractEvents['entry'][1];

/** Called for every entry: drain or read `stream`, then call `next()` (tar-stream's protocol). */
export type EntryHandler = (entry: ArchiveEntry, stream: EntryStream, next: () => void) => void;

export interface RunOptions {
  creds: Credentials;
  /** The backup is protected (or unknown and credentials were given): non-SecureTar data may be v1. */
  mayBeV1: boolean;
  signal?: AbortSignal;
  onEntry: EntryHandler;
  /** Stored bytes read so far of this inner archive. */
  onBytes?: (bytes: number) => void;
  /** Called once the layer is known, before any entry. */
  onInfo?: (info: InnerInfo) => void;
}

export interface RunResult {
  info: InnerInfo;
  /** Bytes of the (decrypted, decompressed) tar stream. */
  tarBytes: number;
  /** `stop()` was called: the rest was not read. */
  stopped: boolean;
  /** Paths of the symbolic links seen (for `recheckLinks`). */
  symlinks: ReadonlySet<string>;
}

export interface InnerRun {
  /** Stop reading early (openEntry once its entry is read). */
  stop(): void;
  done: Promise<RunResult>;
}

const READ_CHUNK = 1024 * 1024;
const END_BLOCKS = 1024;
/** zlib output chunk: every chunk is a round trip to the thread pool, 16 KiB (default) halves throughput. */
const ZLIB_CHUNK = 1024 * 1024;

export function failFor(src: InnerSource): Fail {
  return (kind, message, cause) => new ArchiveError(kind, `${src.name}: ${message}`, { file: src.file, archive: src.name, cause });
}

/** Counts the tar stream and keeps its last 1024 bytes, to check the end-of-archive marker. */
class TarTail extends Transform {
  length = 0;
  private tail = Buffer.alloc(0);

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.length += chunk.length;
    const keep = Buffer.concat([this.tail, chunk.subarray(Math.max(0, chunk.length - END_BLOCKS))]);
    this.tail = keep.subarray(Math.max(0, keep.length - END_BLOCKS));
    done(null, chunk);
  }

  endsWithMarker(): boolean {
    return this.length % 512 === 0 && this.tail.length === END_BLOCKS && this.tail.every((b) => b === 0);
  }
}

/** Counts stored bytes as they are read. */
class ByteCounter extends Transform {
  constructor(
    /** Starts at the header bytes, read before streaming. */
    public bytes: number,
    private readonly report?: (bytes: number) => void,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.report?.(this.bytes);
    done(null, chunk);
  }
}

/** What went wrong, from a stage's raw error. */
function classify(e: unknown, stage: string | undefined, fail: Fail): ArchiveError {
  if (e instanceof ArchiveError) return e;
  const err = e as NodeJS.ErrnoException;
  if (stage === 'gzip' || err.code?.startsWith('Z_')) {
    if (err.code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message)) return fail('corrupt', 'its gzip data is truncated', e);
    if (/incorrect data check/i.test(err.message)) return fail('corrupt', 'its gzip CRC does not match the data (the data is damaged)', e);
    return fail('corrupt', `its gzip data is damaged (${err.message})`, e);
  }
  if (stage === 'tar') {
    if (/unexpected end/i.test(err.message)) return fail('corrupt', 'its tar data is truncated (an entry is cut short)', e);
    return fail('corrupt', `its tar structure is damaged (${err.message})`, e);
  }
  if (err.syscall !== undefined) return fail('io', `cannot be read (${err.message})`, e);
  return fail('corrupt', messageOf(e), e);
}

/** Decrypt the first plaintext bytes to see whether the archive is gzip (and catch a wrong key). */
async function probePlainHead(
  source: RandomAccessSource,
  src: InnerSource,
  layer: Layer,
  decryptHead: (cipher: Buffer) => Buffer | undefined,
  signal?: AbortSignal,
): Promise<Buffer | undefined> {
  const start = src.offset + layerHeaderBytes(layer);
  const available = src.size - layerHeaderBytes(layer);
  const want = layer.kind === 'v3' ? Math.min(available, READ_CHUNK + 17) : Math.min(available - (available % 16), 528);
  if (want <= 0) return undefined;
  return decryptHead(await source.read(start, want, signal));
}

/**
 * Start streaming one inner archive. `fh` (kept open by the caller until `done` settles) is used for
 * the small header reads; the data itself is streamed from the file.
 */
export function runInner(fh: FileHandle, src: InnerSource, o: RunOptions): InnerRun {
  // The file's size is not needed here: every read stays inside `src`.
  return runInnerFrom(new FileSource(fh, src.offset + src.size, src.file), src, o);
}

/** runInner over any source: small reads for the headers, `streamRange` for the data. */
export function runInnerFrom(source: RandomAccessSource, src: InnerSource, o: RunOptions): InnerRun {
  const fail = failFor(src);
  const stopper = new AbortController();
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    stopper.abort();
  };
  const done = (async (): Promise<RunResult> => {
    if (o.signal?.aborted) throw fail('aborted', 'reading was cancelled');
    const head = await source.read(src.offset, Math.min(src.size, 512), o.signal);
    const layer = detectLayer(head, src.size, o.mayBeV1, fail);
    const stages: Duplex[] = [];
    const stageNames = new WeakMap<object, string>();
    let compressed: boolean;
    if (layer.kind === 'plain') {
      compressed = layer.compressed;
    } else {
      const decrypt = await createDecryptStream(layer, o.creds, src.size, fail, layer.kind === 'v1' ? head.subarray(0, 16) : undefined);
      const plainHead = await probePlainHead(source, src, layer, (cipher) => decrypt.decryptHead(cipher), o.signal);
      compressed = plainHead ? looksGzip(plainHead) : src.name.endsWith('.gz');
      stages.push(decrypt.stream);
      stageNames.set(decrypt.stream, 'decrypt');
    }
    const info: InnerInfo = { encrypted: layer.kind !== 'plain', version: layerVersion(layer), compressed };
    o.onInfo?.(info);
    let v1: { strip: GzipHeaderStrip; crc: Crc32Counter } | undefined;
    if (compressed && layer.kind === 'v1') {
      v1 = { strip: new GzipHeaderStrip(fail), crc: new Crc32Counter() };
      const inflate = createInflateRaw({ chunkSize: ZLIB_CHUNK });
      stageNames.set(inflate, 'gzip');
      stages.push(v1.strip, inflate, v1.crc);
    } else if (compressed) {
      const gunzip = createGunzip({ chunkSize: ZLIB_CHUNK });
      stageNames.set(gunzip, 'gzip');
      stages.push(gunzip);
    }
    const tail = new TarTail();
    stages.push(tail);

    const symlinks = new Set<string>();
    const extract = tar.extract();
    stageNames.set(extract, 'tar');
    extract.on('entry', (header, stream, next) => {
      let entry: ArchiveEntry;
      try {
        entry = entryFromHeader(header, symlinks);
      } catch (e) {
        next(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      // Destroying the pipeline errors the entry stream too; that is reported by the pipeline.
      stream.on('error', () => undefined);
      o.onEntry(entry, stream, () => next());
    });

    const start = src.offset + layerHeaderBytes(layer);
    const end = src.offset + src.size - 1;
    const data = end >= start ? streamRange(source, start, end - start + 1, { signal: o.signal, chunkBytes: READ_CHUNK }) : new PassThrough().end();
    const counter = new ByteCounter(layerHeaderBytes(layer), o.onBytes);
    let failedStage: string | undefined;
    // The first stage to fail tells what kind of damage it is (pipeline only passes the error on).
    const watch = (s: { once(event: 'error', listener: () => void): unknown }): void => {
      s.once('error', () => {
        failedStage ??= stageNames.get(s);
      });
    };
    [data, counter, ...stages].forEach(watch);
    watch(extract);
    const signal = o.signal ? AbortSignal.any([o.signal, stopper.signal]) : stopper.signal;
    try {
      await pipeline(data, counter, ...stages, extract as unknown as NodeJS.WritableStream, { signal });
    } catch (e) {
      if (stopped) return { info, tarBytes: tail.length, stopped: true, symlinks };
      if (o.signal?.aborted || isAbortError(e)) throw fail('aborted', 'reading was cancelled', e);
      throw classify(e, failedStage, fail);
    }
    if (stopped) return { info, tarBytes: tail.length, stopped: true, symlinks };
    if (v1) checkV1Trailer(v1.strip, v1.crc, fail);
    if (!tail.endsWithMarker()) {
      throw fail('corrupt', `its tar data ends without the end-of-archive marker after ${tail.length} bytes (truncated?)`);
    }
    return { info, tarBytes: tail.length, stopped: false, symlinks };
  })();
  return { stop, done };
}
