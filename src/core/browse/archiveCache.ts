// A folder of downloaded backups kept for browsing, capped in size: the least recently used ones
// are removed first to make room. Only whole downloads (`<slug>.tar`) count; temporary files of a
// running or interrupted download are the downloader's.
import { readdir, stat, unlink, utimes } from 'node:fs/promises';
import * as path from 'node:path';

export interface CachedArchive {
  file: string;
  slug: string;
  size: number;
  /** Last use (the file's mtime, refreshed on every use). */
  lastUsed: number;
}

export class CacheTooSmallError extends Error {
  override readonly name = 'CacheTooSmallError';
}

const ARCHIVE = /^([A-Za-z0-9_-]+)\.tar$/;

export function cacheFileOf(dir: string, slug: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(slug)) throw new Error(`"${slug}" is not a backup slug`);
  return path.join(dir, `${slug}.tar`);
}

export async function cachedArchives(dir: string): Promise<CachedArchive[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const found: CachedArchive[] = [];
  for (const name of names) {
    const m = ARCHIVE.exec(name);
    if (!m) continue;
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) found.push({ file, slug: m[1]!, size: info.size, lastUsed: info.mtimeMs });
  }
  return found;
}

/** Which archives to remove (oldest use first) so that `needed` more bytes fit under `cap`. */
export function evictionsFor(archives: readonly CachedArchive[], cap: number, needed: number, keep: ReadonlySet<string> = new Set()): CachedArchive[] {
  if (needed > cap) throw new CacheTooSmallError(`needs ${needed} bytes, more than the cache's ${cap}`);
  let total = archives.reduce((n, a) => n + a.size, 0);
  const out: CachedArchive[] = [];
  for (const a of [...archives].sort((x, y) => x.lastUsed - y.lastUsed)) {
    if (total + needed <= cap) break;
    if (keep.has(a.slug)) continue;
    out.push(a);
    total -= a.size;
  }
  if (total + needed > cap) throw new CacheTooSmallError(`the archives in use already fill the cache`);
  return out;
}

/** Removes what `evictionsFor` chose; returns the removed files. */
export async function makeRoom(dir: string, cap: number, needed: number, keep: ReadonlySet<string> = new Set()): Promise<string[]> {
  const evict = evictionsFor(await cachedArchives(dir), cap, needed, keep);
  for (const a of evict) await unlink(a.file).catch(() => undefined);
  return evict.map((a) => a.file);
}

/** Marks an archive as just used. */
export async function touchArchive(file: string): Promise<void> {
  const now = new Date();
  await utimes(file, now, now).catch(() => undefined);
}
