// A remote backup read with Range requests, with the parts it streams kept on disk: listing a part
// and then opening a file from it read the same member twice, and a part once fetched should not be
// fetched again (issue #14: "a part's bytes on demand, cached per part"). A member's bytes go to a
// temporary file while they stream through, and get their final name (`<offset>-<length>.seg`) only
// when complete, so a cached segment is always whole. Small reads (the tar headers) stay remote: the
// ranged source keeps its own read-ahead blocks for those.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { RandomAccessSource } from '../archive/randomAccess';
import { readAt } from '../archive/randomAccess';

interface Segment {
  offset: number;
  length: number;
  file: string;
}

const SEGMENT = /^(\d+)-(\d+)\.seg$/;

export interface SegmentCacheOptions {
  /** Streams longer than this are not kept (a media folder's archive); default 256 MiB. */
  maxSegmentBytes?: number;
  /** Told when a segment was stored or reused (for the log). */
  onSegment?: (event: 'stored' | 'reused', offset: number, length: number) => void;
}

export class SegmentCachingSource implements RandomAccessSource {
  readonly size: number;
  readonly describe: string;
  private segments: Segment[];
  private readonly maxSegmentBytes: number;

  constructor(
    private readonly remote: RandomAccessSource,
    /** This backup's own folder (by identity: slug, size, date); created when the first segment is stored. */
    private readonly dir: string,
    private readonly options: SegmentCacheOptions = {},
  ) {
    this.size = remote.size;
    this.describe = remote.describe;
    this.maxSegmentBytes = options.maxSegmentBytes ?? 256 * 1024 * 1024;
    this.segments = readSegments(dir);
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Buffer> {
    const seg = this.covering(offset, Math.min(length, this.size - offset));
    if (!seg) return this.remote.read(offset, length, signal);
    const fh = await fs.promises.open(seg.file, 'r');
    try {
      return await readAt(fh, offset - seg.offset, Math.min(length, seg.offset + seg.length - offset));
    } finally {
      await fh.close();
    }
  }

  stream(offset: number, length: number, signal?: AbortSignal): Readable {
    const len = Math.max(0, Math.min(length, this.size - offset));
    const seg = this.covering(offset, len);
    if (seg) {
      this.options.onSegment?.('reused', offset, len);
      if (len === 0) return fs.createReadStream(seg.file, { start: 0, end: -1 });
      return fs.createReadStream(seg.file, { start: offset - seg.offset, end: offset - seg.offset + len - 1 });
    }
    const remote = this.remote.stream ? this.remote.stream(offset, len, signal) : undefined;
    if (!remote) throw new Error(`${this.describe} cannot be streamed`);
    if (len === 0 || len > this.maxSegmentBytes) return remote;
    return this.keep(remote, offset, len);
  }

  /** Passes the remote bytes on and writes them to a segment file, named only once complete. */
  private keep(remote: Readable, offset: number, length: number): Readable {
    const out = new PassThrough();
    const final = path.join(this.dir, `${offset}-${length}.seg`);
    const temp = `${final}.${process.pid}.${Date.now()}.partial`;
    let file: fs.WriteStream | undefined;
    let written = 0;
    let failed = false;
    const drop = (): void => {
      failed = true;
      file?.destroy();
      fs.promises.unlink(temp).catch(() => undefined);
    };
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      file = fs.createWriteStream(temp, { flags: 'wx' });
      file.on('error', drop);
    } catch {
      failed = true;
    }
    remote.on('data', (chunk: Buffer) => {
      written += chunk.length;
      if (!failed) file?.write(chunk);
      if (!out.write(chunk)) {
        remote.pause();
        out.once('drain', () => remote.resume());
      }
    });
    remote.on('error', (e) => {
      drop();
      out.destroy(e);
    });
    remote.on('end', () => {
      out.end();
      if (failed || !file) return;
      file.end(() => {
        if (failed || written !== length) return drop();
        fs.promises.rename(temp, final).then(
          () => {
            this.segments.push({ offset, length, file: final });
            this.options.onSegment?.('stored', offset, length);
          },
          () => drop(),
        );
      });
    });
    // A reader that stops early (an entry found before the end) leaves an incomplete segment: dropped.
    out.on('close', () => {
      if (written !== length) {
        remote.destroy();
        drop();
      }
    });
    return out;
  }

  private covering(offset: number, length: number): Segment | undefined {
    return this.segments.find((s) => s.offset <= offset && offset + length <= s.offset + s.length && fs.existsSync(s.file));
  }
}

function readSegments(dir: string): Segment[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: Segment[] = [];
  for (const name of names) {
    const m = SEGMENT.exec(name);
    if (m) out.push({ offset: Number(m[1]), length: Number(m[2]), file: path.join(dir, name) });
    else if (name.endsWith('.partial')) fs.rmSync(path.join(dir, name), { force: true });
  }
  return out;
}
