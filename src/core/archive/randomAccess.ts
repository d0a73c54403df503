// Where the bytes of a backup come from: anything that can read `length` bytes at `offset` of an
// object of known size. The outer tar is walked through this (one read per header), so the same walk
// runs on a local file (FileSource, over a FileHandle) and on a remote one read with HTTP Range
// requests (src/core/ranged/httpRanged.ts).
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';

export interface RandomAccessSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Names the source in messages (a file path, a URL without its token). */
  readonly describe: string;
  /** Up to `length` bytes at `offset`; fewer only at the end of the source. */
  read(offset: number, length: number, signal?: AbortSignal): Promise<Buffer>;
  /**
   * The `length` bytes at `offset` as a stream, when the source can do better than a series of reads
   * (a file stream, one ranged HTTP response). Without it, `streamRange` reads chunk by chunk.
   */
  stream?(offset: number, length: number, signal?: AbortSignal): Readable;
}

/** Read up to `length` bytes at `offset` of an open file (fewer at the end of the file). */
export async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, offset + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** A local file, read through an open FileHandle (the caller keeps it open and closes it). */
export class FileSource implements RandomAccessSource {
  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    /** The file's path: used in messages and for streams. */
    readonly describe: string,
  ) {}

  read(offset: number, length: number): Promise<Buffer> {
    return readAt(this.fh, offset, length);
  }

  stream(offset: number, length: number): Readable {
    if (length <= 0) return Readable.from([]);
    return createReadStream(this.describe, { start: offset, end: offset + length - 1, highWaterMark: STREAM_CHUNK });
  }
}

const STREAM_CHUNK = 1024 * 1024;

/**
 * The `length` bytes at `offset` of `source` as a Readable: the source's own stream when it has one,
 * otherwise reads of `chunkBytes` one after the other (never the whole range in memory).
 */
export function streamRange(source: RandomAccessSource, offset: number, length: number, opts: { signal?: AbortSignal; chunkBytes?: number } = {}): Readable {
  if (source.stream) return source.stream(offset, length, opts.signal);
  const chunk = opts.chunkBytes ?? STREAM_CHUNK;
  let pos = offset;
  const end = offset + length;
  return new Readable({
    highWaterMark: chunk,
    read(): void {
      if (pos >= end) {
        this.push(null);
        return;
      }
      const n = Math.min(chunk, end - pos);
      source.read(pos, n, opts.signal).then(
        (buf) => {
          if (buf.length === 0) {
            this.destroy(new Error(`${source.describe} ends at ${pos}, before the ${length} bytes at ${offset} were read`));
            return;
          }
          pos += buf.length;
          this.push(buf);
        },
        (e: unknown) => this.destroy(e instanceof Error ? e : new Error(String(e))),
      );
    },
  });
}
