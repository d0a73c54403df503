// A folder of downloaded backups kept for browsing, capped in size: the least recently used ones
// are removed first to make room. Whole downloads (`<slug>.tar`) and the parts of remote backups
// kept from ranged reads (`parts/<slug>~<identity>/`, one entry per backup) count; temporary files
// of a running or interrupted download are the downloader's.
import { readdir, rm, stat, unlink, utimes } from 'node:fs/promises';
import * as path from 'node:path';

export interface CachedArchive {
  /** The archive file, or the folder of a backup's kept parts. */
  file: string;
  kind?: 'archive' | 'parts';
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

/** The folders of parts kept from ranged reads (`<dir>/parts/<slug>~…`), each with its total size; last use is the folder's mtime. */
export async function cachedParts(dir: string): Promise<CachedArchive[]> {
  const root = path.join(dir, 'parts');
  const names = await readdir(root).catch(() => [] as string[]);
  const found: CachedArchive[] = [];
  for (const name of names) {
    const folder = path.join(root, name);
    const info = await stat(folder).catch(() => undefined);
    if (!info?.isDirectory()) continue;
    let size = 0;
    for (const f of await readdir(folder).catch(() => [] as string[])) size += (await stat(path.join(folder, f)).catch(() => undefined))?.size ?? 0;
    found.push({ file: folder, kind: 'parts', slug: name.split('~')[0] ?? name, size, lastUsed: info.mtimeMs });
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
  const evict = evictionsFor([...(await cachedArchives(dir)), ...(await cachedParts(dir))], cap, needed, keep);
  for (const a of evict) await (a.kind === 'parts' ? rm(a.file, { recursive: true, force: true }) : unlink(a.file)).catch(() => undefined);
  return evict.map((a) => a.file);
}

/** Marks an archive (or a folder of parts) as just used. */
export async function touchArchive(file: string): Promise<void> {
  const now = new Date();
  await utimes(file, now, now).catch(() => undefined);
}
