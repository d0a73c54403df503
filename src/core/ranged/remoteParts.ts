// The parts of a remote backup from its outer tar's headers alone (listRemoteParts), and one part's
// bytes (readRemotePart), over any RandomAccessSource — an HttpRangedSource in practice. The inner
// readers run on the same source through listPartFrom / openEntryFrom (src/core/archive).
import type { Readable } from 'node:stream';
import { readMetadataFrom } from '../archive/backupJson';
import type { BackupJson } from '../archive/backupJson';
import { ArchiveError } from '../archive/errors';
import { isInnerArchive } from '../archive/openedBackup';
import { scanOuterTarSource, stripDotSlash } from '../archive/outerTar';
import type { OuterMember } from '../archive/outerTar';
import { streamRange } from '../archive/randomAccess';
import type { RandomAccessSource } from '../archive/randomAccess';

export interface RemoteParts {
  /** Every member of the outer tar, in order: name, size, data offset. */
  members: OuterMember[];
  /** backup.json (or snapshot.json), validated; undefined when the tar has none. */
  backup: BackupJson | undefined;
  /** Damage of the outer tar after `members` (a truncated or broken file). */
  damage: ArchiveError | undefined;
}

/**
 * The outer members and backup.json of a backup: only the tar headers and the metadata member are
 * read. Throws `not_a_backup` when the source is no tar, and what the source throws (e.g. a
 * RangedReadError) as it is.
 */
export async function listRemoteParts(source: RandomAccessSource, signal?: AbortSignal): Promise<RemoteParts> {
  const scan = await scanOuterTarSource(source, signal);
  const backup = await readMetadataFrom(source, scan.members, signal);
  return { members: scan.members, backup, damage: scan.damage };
}

/** The inner archives among the members (`*.tar`, `*.tar.gz`; not the metadata), as the local readers see them. */
export function innerParts(parts: RemoteParts): OuterMember[] {
  return parts.members.filter(isInnerArchive);
}

/** The member named `name` (a leading `./` is ignored); `not_found` names the parts there are. */
export function findPart(source: RandomAccessSource, parts: RemoteParts, name: string): OuterMember {
  const wanted = stripDotSlash(name);
  const m = parts.members.find((x) => x.name === wanted);
  if (m) return m;
  const names =
    innerParts(parts)
      .map((x) => x.name)
      .join(', ') || 'none';
  throw new ArchiveError('not_found', `${source.describe} has no part ${wanted} (it has: ${names})`, { file: source.describe, archive: wanted });
}

/**
 * Exactly the bytes of one member (a part as stored: encrypted if it is), streamed — with an
 * HttpRangedSource one ranged response, never the whole part in memory.
 */
export function readRemotePart(source: RandomAccessSource, member: OuterMember, opts: { signal?: AbortSignal } = {}): Readable {
  if (member.dataOffset + member.size > source.size) {
    throw new ArchiveError('corrupt', `${source.describe} is truncated: ${member.name} has ${Math.max(0, source.size - member.dataOffset)} of its ${member.size} bytes`, {
      file: source.describe,
      archive: member.name,
    });
  }
  return streamRange(source, member.dataOffset, member.size, opts);
}
