// A remote backup read with HTTP Range requests, as a RandomAccessSource: the outer tar's headers and
// one part's bytes can be read without downloading the whole archive.
//
// Every answer is checked: 206 with a Content-Range whose start, end and total are the ones asked for,
// and a body of exactly that length. After the first answer every request carries If-Range with its
// validator (a strong ETag, else Last-Modified), so a file replaced while it is read is answered with
// 200 (the whole new file), which is reported as `changed` and never mixed with earlier bytes. A
// server (or a proxy) that ignores Range answers the first request with 200: `openHttpRanged` says so
// as the outcome `ranged_not_supported`, and the caller downloads the whole file instead.
//
// Small reads (tar headers) are read ahead (64 KiB by default) and cached, so a backup's small members
// cost one request together and a big member's header one request of at most the read-ahead.
import { Readable, Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import type { RandomAccessSource } from '../archive/randomAccess';

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface RangedRequest extends ByteRange {
  /** The validator for If-Range (absent on the first request). */
  ifRange?: string;
}

export interface RangedResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string | undefined>;
  body: Readable;
}

/**
 * Opens `GET` with `Range: bytes=start-end` (and `If-Range` when given). Any transport can provide
 * it: `undiciRangedOpener` here, a SupervisorTransport later.
 */
export type OpenRanged = (req: RangedRequest, signal?: AbortSignal) => Promise<RangedResponse>;

export type RangedReadErrorKind =
  /** The file changed between two requests (If-Range did not match: 200, or another validator). */
  | 'changed'
  /** 416: the range is outside the file. */
  | 'range_not_satisfiable'
  /** A later answer ignored Range, or its Content-Range / length is not what was asked for. */
  | 'bad_response'
  /** Any other status (401, 404, 5xx, …). */
  | 'http_status'
  /** The body ended before the range's last byte. */
  | 'truncated'
  /** The caller's signal fired. */
  | 'aborted';

export class RangedReadError extends Error {
  override readonly name = 'RangedReadError';
  constructor(
    readonly kind: RangedReadErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface RangedStats {
  /** HTTP requests made. */
  requests: number;
  /** Body bytes received (also those of an answer that was refused). */
  bytes: number;
}

export interface HttpRangedOptions {
  /** Names the remote file in messages (no token). */
  describe: string;
  /** Bytes read at least per small read (header read-ahead); default 64 KiB. */
  readAheadBytes?: number;
  /** Read-ahead blocks kept; default 4. */
  cacheBlocks?: number;
  signal?: AbortSignal;
}

export type OpenHttpRangedResult =
  | { kind: 'ok'; source: HttpRangedSource }
  | {
      kind: 'ranged_not_supported';
      /** What the server answered (200). */
      status: number;
      /** Content-Length of the whole file when the server gave it. */
      size: number | undefined;
      /** One sentence for the log / the person: why the whole file has to be downloaded. */
      note: string;
      stats: RangedStats;
    };

export const DEFAULT_READ_AHEAD = 64 * 1024;

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;
const CONTENT_RANGE_UNSATISFIED = /^bytes \*\/(\d+)$/;

function isAbort(e: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (e instanceof Error && (e.name === 'AbortError' || (e as NodeJS.ErrnoException).code === 'ABORT_ERR'));
}

/** The validator If-Range may carry: a strong ETag, else Last-Modified (RFC 9110 §13.1.5). */
function validatorOf(headers: Record<string, string | undefined>): string | undefined {
  const etag = headers.etag;
  if (etag && !etag.startsWith('W/')) return etag;
  return headers['last-modified'] ?? undefined;
}

/** Drops a body not (or no longer) wanted; undici errors a destroyed body, which nobody needs to hear. */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

function rangeText(r: ByteRange): string {
  return `bytes=${r.start}-${r.end}`;
}

/**
 * Opens a remote file for ranged reads: the first request reads the first `readAheadBytes` and tells
 * the size. A 200 answer (Range ignored) is the outcome `ranged_not_supported`; other failures throw
 * a RangedReadError.
 */
export async function openHttpRanged(open: OpenRanged, options: HttpRangedOptions): Promise<OpenHttpRangedResult> {
  const readAhead = options.readAheadBytes ?? DEFAULT_READ_AHEAD;
  const stats: RangedStats = { requests: 0, bytes: 0 };
  const range = { start: 0, end: readAhead - 1 };
  const res = await send(open, range, undefined, options.signal, stats, options.describe);
  if (res.status === 200) {
    discard(res.body);
    const length = Number(res.headers['content-length']);
    return {
      kind: 'ranged_not_supported',
      status: 200,
      size: Number.isSafeInteger(length) ? length : undefined,
      note: `${options.describe} was answered in full (200) to a Range request: the server or a proxy in between does not support ranged reads, so the whole file has to be downloaded`,
      stats,
    };
  }
  if (res.status === 416) {
    discard(res.body);
    const total = CONTENT_RANGE_UNSATISFIED.exec(res.headers['content-range'] ?? '');
    // An empty file has no byte 0: a source of size 0.
    if (total && total[1] === '0') return { kind: 'ok', source: new HttpRangedSource(open, options, 0, validatorOf(res.headers), res.headers.etag, stats, undefined) };
    throw unsatisfiable(range, res.headers, options.describe);
  }
  if (res.status !== 206) throw await statusError(res, range, options.describe);
  const parsed = parseContentRange(res.headers['content-range'], range, undefined, options.describe);
  const first = await readBody(res, parsed.end - parsed.start + 1, range, stats, options.describe, options.signal);
  const source = new HttpRangedSource(open, options, parsed.total, validatorOf(res.headers), res.headers.etag, stats, { offset: 0, data: first });
  return { kind: 'ok', source };
}

interface Block {
  offset: number;
  data: Buffer;
}

async function send(
  open: OpenRanged,
  range: ByteRange,
  ifRange: string | undefined,
  signal: AbortSignal | undefined,
  stats: RangedStats,
  describe: string,
): Promise<RangedResponse> {
  if (signal?.aborted) throw new RangedReadError('aborted', `Reading ${describe} was cancelled`);
  stats.requests++;
  try {
    return await open(ifRange === undefined ? range : { ...range, ifRange }, signal);
  } catch (e) {
    if (isAbort(e, signal)) throw new RangedReadError('aborted', `Reading ${describe} was cancelled`, undefined, { cause: e });
    throw e;
  }
}

function unsatisfiable(range: ByteRange, headers: Record<string, string | undefined>, describe: string, size?: number): RangedReadError {
  const total = CONTENT_RANGE_UNSATISFIED.exec(headers['content-range'] ?? '')?.[1];
  const sizeText = total !== undefined ? `${total} bytes` : size !== undefined ? `${size} bytes (as first answered)` : 'of unknown size';
  return new RangedReadError('range_not_satisfiable', `${describe}: the range ${rangeText(range)} is not satisfiable (416); the file is ${sizeText}`, 416);
}

async function statusError(res: RangedResponse, range: ByteRange, describe: string): Promise<RangedReadError> {
  let text = '';
  try {
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of res.body as AsyncIterable<Buffer>) {
      chunks.push(c);
      n += c.length;
      if (n > 2048) break;
    }
    text = Buffer.concat(chunks).subarray(0, 200).toString('utf8').trim();
  } catch {
    // The status says enough.
  } finally {
    discard(res.body);
  }
  return new RangedReadError('http_status', `${describe}: ${rangeText(range)} was answered with HTTP ${res.status}${text ? ` (${text})` : ''}`, res.status);
}

function parseContentRange(header: string | undefined, asked: ByteRange, size: number | undefined, describe: string): { start: number; end: number; total: number } {
  const m = CONTENT_RANGE.exec(header ?? '');
  if (!m || m[3] === '*') {
    throw new RangedReadError(
      'bad_response',
      `${describe}: ${rangeText(asked)} was answered 206 with ${header ? `Content-Range "${header}"` : 'no Content-Range'} (expected bytes ${asked.start}-…/<size>)`,
    );
  }
  const start = Number(m[1]);
  const end = Number(m[2]);
  const total = Number(m[3]);
  const expectedEnd = Math.min(asked.end, total - 1);
  if (start !== asked.start || end !== expectedEnd || end < start || (size !== undefined && total !== size)) {
    throw new RangedReadError(
      'bad_response',
      `${describe}: ${rangeText(asked)} was answered with Content-Range "${header}" (expected bytes ${asked.start}-${expectedEnd}/${size ?? total})`,
    );
  }
  return { start, end, total };
}

/** Reads a whole (small) body, checking its length. */
async function readBody(res: RangedResponse, length: number, range: ByteRange, stats: RangedStats, describe: string, signal: AbortSignal | undefined): Promise<Buffer> {
  const out = Buffer.alloc(length);
  let got = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      stats.bytes += chunk.length;
      if (got + chunk.length > length) throw new RangedReadError('bad_response', `${describe}: ${rangeText(range)} sent more than its ${length} bytes`);
      chunk.copy(out, got);
      got += chunk.length;
    }
  } catch (e) {
    discard(res.body);
    if (e instanceof RangedReadError) throw e;
    if (isAbort(e, signal)) throw new RangedReadError('aborted', `Reading ${describe} was cancelled`, undefined, { cause: e });
    throw new RangedReadError(
      'truncated',
      `${describe}: ${rangeText(range)} broke off after ${got} of ${length} bytes (${e instanceof Error ? e.message : String(e)})`,
      undefined,
      {
        cause: e,
      },
    );
  }
  if (got !== length) throw new RangedReadError('truncated', `${describe}: ${rangeText(range)} ended after ${got} of ${length} bytes`);
  return out;
}

/** Counts a streamed body and checks it ends at exactly `length` bytes. */
class LengthCheck extends Transform {
  private got = 0;
  constructor(
    private readonly length: number,
    private readonly stats: RangedStats,
    private readonly what: () => string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.got += chunk.length;
    this.stats.bytes += chunk.length;
    if (this.got > this.length) done(new RangedReadError('bad_response', `${this.what()} sent more than its ${this.length} bytes`));
    else done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    if (this.got !== this.length) done(new RangedReadError('truncated', `${this.what()} ended after ${this.got} of ${this.length} bytes`));
    else done();
  }
}

export class HttpRangedSource implements RandomAccessSource {
  readonly describe: string;
  private readonly readAhead: number;
  private readonly cacheBlocks: number;
  /** Most recently used last. */
  private cache: Block[] = [];

  /** @internal Use `openHttpRanged`. */
  constructor(
    private readonly open: OpenRanged,
    options: HttpRangedOptions,
    readonly size: number,
    /** What If-Range carries. */
    readonly validator: string | undefined,
    private readonly etag: string | undefined,
    /** Requests and bytes so far (the first request included). */
    readonly stats: RangedStats,
    first: Block | undefined,
  ) {
    this.describe = options.describe;
    this.readAhead = options.readAheadBytes ?? DEFAULT_READ_AHEAD;
    this.cacheBlocks = options.cacheBlocks ?? 4;
    if (first) this.cache.push(first);
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Buffer> {
    const end = Math.min(offset + length, this.size);
    if (offset >= end) return Buffer.alloc(0);
    const hit = this.cache.find((b) => b.offset <= offset && end <= b.offset + b.data.length);
    if (hit) {
      this.cache = [...this.cache.filter((b) => b !== hit), hit];
      return hit.data.subarray(offset - hit.offset, end - hit.offset);
    }
    const want = end - offset;
    if (want >= this.readAhead) return this.fetch({ start: offset, end: end - 1 }, signal);
    // A small read: read ahead and keep it.
    const range = { start: offset, end: Math.min(this.size, offset + this.readAhead) - 1 };
    const data = await this.fetch(range, signal);
    this.cache.push({ offset, data });
    if (this.cache.length > this.cacheBlocks) this.cache.shift();
    return data.subarray(0, want);
  }

  /** The bytes at `offset` as a stream of one ranged response (not buffered). */
  stream(offset: number, length: number, signal?: AbortSignal): Readable {
    const end = Math.min(offset + length, this.size);
    if (offset >= end) return Readable.from([]);
    const range = { start: offset, end: end - 1 };
    const check = new LengthCheck(end - offset, this.stats, () => `${this.describe}: ${rangeText(range)}`);
    this.request(range, signal).then(
      (res) => {
        res.body.on('error', (e: unknown) => {
          check.destroy(
            isAbort(e, signal)
              ? new RangedReadError('aborted', `Reading ${this.describe} was cancelled`, undefined, { cause: e })
              : new RangedReadError('truncated', `${this.describe}: ${rangeText(range)} broke off (${e instanceof Error ? e.message : String(e)})`, undefined, { cause: e }),
          );
        });
        check.on('close', () => discard(res.body));
        res.body.pipe(check);
      },
      (e: unknown) => check.destroy(e instanceof Error ? e : new Error(String(e))),
    );
    return check;
  }

  private async fetch(range: ByteRange, signal: AbortSignal | undefined): Promise<Buffer> {
    const res = await this.request(range, signal);
    return readBody(res, range.end - range.start + 1, range, this.stats, this.describe, signal);
  }

  /** One checked 206 answer whose body is still to be read. */
  private async request(range: ByteRange, signal: AbortSignal | undefined): Promise<RangedResponse> {
    const res = await send(this.open, range, this.validator, signal, this.stats, this.describe);
    if (res.status === 206) {
      const etag = res.headers.etag;
      if (this.etag !== undefined && etag !== undefined && etag !== this.etag) {
        discard(res.body);
        throw new RangedReadError('changed', `${this.describe} changed while it was read (its ETag went from ${this.etag} to ${etag}); read it again`, 206);
      }
      try {
        parseContentRange(res.headers['content-range'], range, this.size, this.describe);
      } catch (e) {
        discard(res.body);
        throw e;
      }
      return res;
    }
    if (res.status !== 200 && res.status !== 416) throw await statusError(res, range, this.describe);
    discard(res.body);
    if (res.status === 200) {
      if (this.validator !== undefined) {
        throw new RangedReadError(
          'changed',
          `${this.describe} changed while it was read (If-Range ${this.validator} no longer matches: the server sent the whole file); read it again`,
          200,
        );
      }
      throw new RangedReadError('bad_response', `${this.describe}: ${rangeText(range)} was answered in full (200): the server stopped honouring Range`, 200);
    }
    throw unsatisfiable(range, res.headers, this.describe, this.size);
  }
}
