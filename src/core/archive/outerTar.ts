// The outer archive is a plain tar (home-assistant/supervisor supervisor/backups/backup.py
// Backup.create @090ef31e), so it is walked by random access: one read per header, member data is
// skipped by offset. Nothing but headers (and backup.json) is ever read here; the inner archives
// are streamed from their offsets. The walk runs on any RandomAccessSource (a local file, or a
// remote one read with HTTP Range requests); the FileHandle functions are the file case.
import type { FileHandle } from 'node:fs/promises';
import { ArchiveError } from './errors';
import { FileSource, readAt } from './randomAccess';
import type { RandomAccessSource } from './randomAccess';
import { BLOCK, checksumMatches, cString, isZeroBlock, parseNumeric, parsePax } from './tarHeader';

export interface OuterMember {
  /** Name without a leading `./` (how members are matched). */
  name: string;
  /** Name exactly as stored. */
  rawName: string;
  /** Raw typeflag: '0' file, '5' directory, … */
  typeflag: string;
  size: number;
  /** Absolute offset of the member's data in the file. */
  dataOffset: number;
  /** Seconds since the epoch (PAX float when present). */
  mtime: number;
}

const MAX_EXTENSION_BYTES = 1024 * 1024;

export function stripDotSlash(name: string): string {
  let n = name;
  while (n.startsWith('./')) n = n.slice(2);
  return n;
}

export { readAt };

export interface OuterScan {
  /** Members whose data is complete. */
  members: OuterMember[];
  /** Set when the tar is damaged or truncated after these members (`corrupt`). */
  damage?: ArchiveError;
}

/**
 * List the members of the outer tar. A file that is not a tar at all throws `not_a_backup`; damage
 * further on is returned with the members before it (a partial download can still be inspected).
 */
export async function scanOuterTar(fh: FileHandle, fileSize: number, file: string, signal?: AbortSignal): Promise<OuterScan> {
  return scanOuterTarSource(new FileSource(fh, fileSize, file), signal);
}

/** scanOuterTar over any source: messages name `source.describe`. */
export async function scanOuterTarSource(source: RandomAccessSource, signal?: AbortSignal): Promise<OuterScan> {
  // Filled as members are found, so that what precedes damage is kept.
  const members: OuterMember[] = [];
  try {
    await scan(source, signal, (m) => members.push(m));
    return { members };
  } catch (e) {
    if (e instanceof ArchiveError && e.kind === 'corrupt') return { members, damage: e };
    throw e;
  }
}

/** Like scanOuterTar, but damage throws. */
export async function scanOuterTarStrict(fh: FileHandle, fileSize: number, file: string, signal?: AbortSignal): Promise<OuterMember[]> {
  return scanOuterTarStrictSource(new FileSource(fh, fileSize, file), signal);
}

/** scanOuterTarStrict over any source. */
export async function scanOuterTarStrictSource(source: RandomAccessSource, signal?: AbortSignal): Promise<OuterMember[]> {
  const { members, damage } = await scanOuterTarSource(source, signal);
  if (damage) throw damage;
  return members;
}

async function scan(source: RandomAccessSource, signal: AbortSignal | undefined, found: (m: OuterMember) => void): Promise<void> {
  const fileSize = source.size;
  const file = source.describe;
  let count = 0;
  let offset = 0;
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  const notATar = (why: string): ArchiveError => new ArchiveError('not_a_backup', `${file} is not a readable tar archive (${why})`, { file });
  while (offset + BLOCK <= fileSize) {
    if (signal?.aborted) throw new ArchiveError('aborted', `Reading ${file} was cancelled`, { file });
    const h = await source.read(offset, BLOCK, signal);
    if (h.length < BLOCK) break;
    if (isZeroBlock(h)) break;
    if (!checksumMatches(h)) {
      if (offset === 0) {
        if (h[0] === 0x1f && h[1] === 0x8b) throw notATar('it is gzip-compressed; a backup is a plain tar');
        throw notATar('no tar header at the start');
      }
      throw new ArchiveError('corrupt', `${file} is damaged: invalid tar header at offset ${offset}`, { file });
    }
    const typeflag = h[156] === 0 ? '0' : String.fromCharCode(h[156] ?? 0x30);
    let size = parseNumeric(h, 124, 12);
    if (size === undefined) throw new ArchiveError('corrupt', `${file} is damaged: invalid size field at offset ${offset}`, { file });
    const dataOffset = offset + BLOCK;
    const next = (s: number): number => dataOffset + Math.ceil(s / BLOCK) * BLOCK;
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (size > MAX_EXTENSION_BYTES || dataOffset + size > fileSize) {
        throw new ArchiveError('corrupt', `${file} is damaged: truncated tar extension header at offset ${offset}`, { file });
      }
      const data = await source.read(dataOffset, size, signal);
      // Global PAX headers ('g') hold defaults nobody writes into backups; they are skipped.
      if (typeflag === 'x') pax = { ...pax, ...parsePax(data) };
      if (typeflag === 'L') longName = cString(data, 0, data.length);
      offset = next(size);
      continue;
    }
    const isUstar = h.subarray(257, 262).toString('latin1') === 'ustar';
    const prefix = isUstar ? cString(h, 345, 155) : '';
    let rawName = cString(h, 0, 100);
    if (prefix) rawName = `${prefix}/${rawName}`;
    if (longName !== undefined) rawName = longName;
    if (pax.path !== undefined) rawName = pax.path;
    if (pax.size !== undefined && /^\d+$/.test(pax.size)) size = Number(pax.size);
    const paxMtime = pax.mtime !== undefined ? Number(pax.mtime) : Number.NaN;
    const mtime = Number.isFinite(paxMtime) ? paxMtime : (parseNumeric(h, 136, 12) ?? 0);
    const hasData = typeflag === '0' || typeflag === '7' || !'123456'.includes(typeflag);
    const dataSize = hasData ? size : 0;
    if (dataOffset + dataSize > fileSize) {
      throw new ArchiveError('corrupt', `${file} is truncated: ${stripDotSlash(rawName)} has ${Math.max(0, fileSize - dataOffset)} of its ${dataSize} bytes`, {
        file,
        archive: stripDotSlash(rawName),
      });
    }
    const member: OuterMember = { name: stripDotSlash(rawName).replace(/\/+$/, ''), rawName, typeflag, size: dataSize, dataOffset, mtime };
    count++;
    found(member);
    offset = next(dataSize);
    pax = {};
    longName = undefined;
  }
  if (count === 0 && fileSize > 0 && fileSize < BLOCK) throw notATar('too short');
}
