// GET /backups/{slug}/download: the stored archive as aiohttp's FileResponse sends it
// (application/tar, Content-Length, Range/If-Range, unquoted Content-Disposition).
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError, HANDLED, sendText } from '../http';
import type { RequestContext } from '../http';
import { pyStr } from '../pyFormat';
import { convertLocalLocation, LOCATION_CLOUD_BACKUP } from '../requestSchemas';
import type { Supervisor } from '../supervisor';
import { atLeast } from '../version';
import { extractBackup, RELEASES } from './backups';

/** aiohttp `request.http_range` for one range; null = no (usable) Range header; 'invalid' → 416. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return 'invalid';
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return 'invalid';
  let start: number;
  let end: number;
  if (a === '') {
    // Suffix range: the last N bytes.
    start = Math.max(0, size - Number(b));
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
    if (b !== '' && Number(b) < start) return 'invalid';
  }
  if (start >= size) return 'invalid';
  return { start, end };
}

/** If-Range: the range applies only when the validator still matches the file. */
function ifRangeAllows(header: string | undefined, etag: string, mtimeMs: number): boolean {
  if (!header) return true;
  if (header.startsWith('"') || header.startsWith('W/')) return header === etag;
  const date = Date.parse(header);
  return !Number.isNaN(date) && Math.floor(mtimeMs / 1000) * 1000 <= date;
}

/** Per download path: requests answered and body bytes written (a test's measure of ranged reads). */
export interface DownloadCount {
  requests: number;
  bytes: number;
  /** Answers by status ("200", "206", "416", …). */
  statuses: Record<string, number>;
}

const downloadCounts = new WeakMap<Supervisor, Map<string, DownloadCount>>();

/** Download counts by request path (`/backups/{slug}/download`), for `/_emulator/state`. */
export function downloadStats(sup: Supervisor): Record<string, DownloadCount> {
  return Object.fromEntries(downloadCounts.get(sup) ?? []);
}

export function resetDownloadStats(sup: Supervisor): void {
  downloadCounts.delete(sup);
}

function countFor(sup: Supervisor, reqPath: string): DownloadCount {
  let counts = downloadCounts.get(sup);
  if (!counts) downloadCounts.set(sup, (counts = new Map<string, DownloadCount>()));
  let c = counts.get(reqPath);
  if (!c) counts.set(reqPath, (c = { requests: 0, bytes: 0, statuses: {} }));
  return c;
}

/** Counts the body bytes as they are written. */
function counting(count: DownloadCount): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
      count.bytes += chunk.length;
      done(null, chunk);
    },
  });
}

/** Header values are sent as raw UTF-8 bytes, like aiohttp does. */
const rawHeader = (v: string): string => Buffer.from(v, 'utf8').toString('latin1');

export async function getDownload(ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  const backup = extractBackup(ctx, sup);
  const query = ctx.url.searchParams.get('location');
  const location = query === null ? backup.location : (convertLocalLocation(query) as string | null);
  if (location === LOCATION_CLOUD_BACKUP) throw new ApiError(`Location ${LOCATION_CLOUD_BACKUP} is only available for Home Assistant`, 403);
  const copy = backup.copies.get(location);
  if (!copy) throw new ApiError(`Backup ${backup.slug} is not in location ${pyStr(location)}`);

  let stat;
  try {
    stat = await fsp.stat(copy.path);
  } catch {
    // File vanished: a bare 404, and since 2025.02.0 a background reload of that location
    // (APIBackups.download, supervisor/api/backups.py; before, aiohttp's FileResponse answered 404 itself).
    if (atLeast(sup.supervisorVersion, RELEASES.reloadVanishedLocation)) sup.reloadLocationInBackground(location);
    sendText(ctx.res, 404, '');
    return HANDLED;
  }

  const size = stat.size;
  let fileName = path.basename(copy.path);
  if (fileName === `${backup.slug}.tar`) fileName = `${backup.meta.name.replace(/[^A-Za-z0-9]+/g, '_')}.tar`;
  const etag = `"${BigInt(Math.floor(stat.mtimeMs * 1e6)).toString(16)}-${size.toString(16)}"`;
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/tar',
    'Accept-Ranges': 'bytes',
    'Last-Modified': stat.mtime.toUTCString(),
    ETag: etag,
    'Content-Disposition': rawHeader(`attachment; filename=${fileName}`),
  };

  // The fault `ignore_range`: the Range header never arrived (a proxy in between dropped it).
  const ignoreRange = ctx.faults.some((f) => f.kind === 'ignore_range');
  let range = ignoreRange ? null : parseRange(ctx.req.headers.range, size);
  const ifRange = ctx.req.headers['if-range'];
  if (range !== null && !ifRangeAllows(Array.isArray(ifRange) ? ifRange[0] : ifRange, etag, stat.mtimeMs)) range = null;
  const count = countFor(sup, ctx.path);
  count.requests++;
  const status = range === 'invalid' ? 416 : range ? 206 : 200;
  count.statuses[status] = (count.statuses[status] ?? 0) + 1;
  if (range === 'invalid') {
    sendText(ctx.res, 416, '', { 'Content-Range': `bytes */${size}` });
    return HANDLED;
  }
  const start = range ? range.start : 0;
  const end = range ? range.end : size - 1;
  const length = size === 0 ? 0 : end - start + 1;
  headers['Content-Length'] = length;
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  ctx.res.writeHead(range ? 206 : 200, headers);

  if (ctx.method === 'HEAD' || length === 0) {
    ctx.res.end();
    return HANDLED;
  }

  if (ctx.faults.some((f) => f.kind === 'reset')) {
    // Drop the connection after about half of the body.
    const half = Math.max(1, Math.floor(length / 2));
    const fh = await fsp.open(copy.path, 'r');
    const buf = Buffer.alloc(half);
    try {
      await fh.read(buf, 0, half, start);
    } finally {
      await fh.close();
    }
    count.bytes += buf.length;
    ctx.res.write(buf, () => ctx.res.destroy());
    return HANDLED;
  }

  await pipeline(createReadStream(copy.path, { start, end }), counting(count), ctx.res);
  return HANDLED;
}
