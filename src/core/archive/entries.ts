// Entries of an inner archive as listed to callers, and the safety rules: a path that leaves the
// archive (absolute, `..`), a link whose target leaves it, a path through an earlier symbolic link
// and device files are reported `unsafe` and never opened.
import type { Header } from 'tar-stream';

export type EntryType = 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo' | 'contiguous-file' | 'other';

export interface ArchiveEntry {
  /** POSIX path inside the inner archive, without a leading `./` or trailing `/` (the root is `.`). */
  path: string;
  type: EntryType;
  size: number;
  mode: number;
  mtime: Date;
  /** Target of a symbolic or hard link. */
  linkname?: string;
  /** Set when the entry must never be extracted; `unsafeReason` says why. */
  unsafe?: true;
  unsafeReason?: string;
}

const TYPES = new Set<string>(['file', 'directory', 'symlink', 'link', 'character-device', 'block-device', 'fifo', 'contiguous-file']);

/** `./a//b/./c/` → `a/b/c`; `./` → `.`. `..` segments are kept (they make the entry unsafe). */
export function normalizeEntryPath(raw: string): string {
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  const joined = parts.join('/');
  return raw.startsWith('/') ? `/${joined}` : joined === '' ? '.' : joined;
}

function segments(p: string): string[] {
  return p.split(/[\\/]/).filter((s) => s !== '' && s !== '.');
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:/.test(p);
}

/**
 * Resolve a link target against the segments of a directory, lexically. A problem when it climbs
 * above the root, or when it goes through a symbolic link of the archive (then the lexical answer
 * means nothing: `s -> .` makes `s/..` the parent of the root).
 */
function targetProblem(dir: string[], target: string, symlinks: ReadonlySet<string>): string | undefined {
  const out = [...dir];
  const segs = segments(target);
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s === '..') {
      if (out.length === 0) return `pointing outside the archive (${target})`;
      out.pop();
    } else out.push(s);
    if (i < segs.length - 1 && s !== '..' && symlinks.has(out.join('/'))) return `whose target goes through the symbolic link ${out.join('/')} (${target})`;
  }
  return undefined;
}

/** Why an entry is unsafe, or undefined. `symlinks`: normalized paths of earlier symbolic links. */
export function unsafeReason(rawPath: string, type: EntryType, linkname: string | undefined, symlinks: ReadonlySet<string>): string | undefined {
  const segs = segments(rawPath);
  if (segs.length === 0 && !(type === 'directory' && rawPath !== '')) return 'empty path';
  if (isAbsolute(rawPath)) return `absolute path (${rawPath})`;
  if (segs.includes('..')) return `path contains ".." (${rawPath})`;
  for (let i = 1; i < segs.length; i++) {
    const prefix = segs.slice(0, i).join('/');
    if (symlinks.has(prefix)) return `path goes through the symbolic link ${prefix}`;
  }
  if (type === 'symlink' || type === 'link') {
    const what = type === 'symlink' ? 'symbolic link' : 'hard link';
    if (linkname === undefined || linkname === '') return `${what} without a target`;
    if (isAbsolute(linkname)) return `${what} to an absolute path (${linkname})`;
    // A symbolic link is relative to its directory, a hard link to the archive root.
    const base = type === 'symlink' ? segs.slice(0, -1) : [];
    const problem = targetProblem(base, linkname, symlinks);
    if (problem !== undefined) return `${what} ${problem}`;
  }
  if (type === 'character-device' || type === 'block-device' || type === 'fifo') return `${type} (never extracted)`;
  return undefined;
}

export function entryFromHeader(header: Header, symlinks: Set<string>): ArchiveEntry {
  // Typed as always set, but tar-stream gives null for typeflags it does not know.
  const rawType = (header.type as string | null | undefined) ?? 'other';
  const type = (TYPES.has(rawType) ? rawType : 'other') as EntryType;
  const rawPath = header.name;
  const path = normalizeEntryPath(rawPath);
  const pax = header.pax as Record<string, string> | null | undefined;
  const paxMtime = pax?.mtime !== undefined ? Number(pax.mtime) : Number.NaN;
  const mtime = Number.isFinite(paxMtime) ? new Date(paxMtime * 1000) : header.mtime;
  const entry: ArchiveEntry = {
    path,
    type,
    size: type === 'file' || type === 'contiguous-file' ? header.size : 0,
    mode: header.mode,
    mtime,
  };
  const linkname = (header.linkname as string | null | undefined) ?? undefined;
  if (linkname !== undefined && (type === 'symlink' || type === 'link')) entry.linkname = linkname;
  const reason = unsafeReason(rawPath, type, linkname, symlinks);
  if (reason !== undefined) {
    entry.unsafe = true;
    entry.unsafeReason = reason;
  }
  // No later entry may be written through a symbolic link (safe or not).
  if (type === 'symlink' && !isAbsolute(rawPath)) symlinks.add(segments(rawPath).join('/'));
  return entry;
}

/**
 * After the whole archive is listed: check link targets again against every symbolic link, also
 * those that come later in the archive (they exist by the time anything follows the link).
 * Returns how many entries became unsafe.
 */
export function recheckLinks(links: ArchiveEntry[], symlinks: ReadonlySet<string>): number {
  let flagged = 0;
  for (const e of links) {
    if (e.unsafe || (e.type !== 'symlink' && e.type !== 'link')) continue;
    const others = new Set(symlinks);
    others.delete(e.path);
    const reason = unsafeReason(e.path, e.type, e.linkname, others);
    if (reason !== undefined) {
      e.unsafe = true;
      e.unsafeReason = reason;
      flagged++;
    }
  }
  return flagged;
}
