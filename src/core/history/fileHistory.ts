// The versions of one config file across backups: every backup whose content index holds the file,
// grouped by content (identical versions collapse into one, listing their backups), newest first by
// the newest backup that holds each version. No vscode import: this is core.
import { diffLines } from 'diff';
import type { IndexedFile } from '../archive/contentIndex';

export interface BackupRef {
  slug: string;
  name: string;
  /** ISO date as the Supervisor lists it. */
  date: string;
}

/** What one backup's index says about the file: its entry, or undefined when the backup does not hold it. */
export interface Sighting {
  backup: BackupRef;
  file: IndexedFile | undefined;
}

export interface FileVersion {
  sha256: string;
  size: number;
  /** The backups holding this exact content, newest first. */
  backups: BackupRef[];
}

export interface FileHistory {
  versions: FileVersion[];
  /** Backups whose configuration does not hold the file, newest first. */
  without: BackupRef[];
}

const newestFirst = (a: BackupRef, b: BackupRef): number => Date.parse(b.date) - Date.parse(a.date) || a.slug.localeCompare(b.slug);

export function fileHistory(sightings: readonly Sighting[]): FileHistory {
  const byHash = new Map<string, FileVersion>();
  const without: BackupRef[] = [];
  for (const { backup, file } of sightings) {
    if (!file) {
      without.push(backup);
      continue;
    }
    const version = byHash.get(file.sha256) ?? { sha256: file.sha256, size: file.size, backups: [] };
    version.backups.push(backup);
    byHash.set(file.sha256, version);
  }
  const versions = [...byHash.values()];
  for (const v of versions) v.backups.sort(newestFirst);
  versions.sort((a, b) => newestFirst(a.backups[0]!, b.backups[0]!));
  return { versions, without: without.sort(newestFirst) };
}

/** Lines added and removed from `before` to `after`, from a line diff. */
export interface LineChange {
  added: number;
  removed: number;
}

/** How `after` differs from `before`, line by line (jsdiff's diffLines). */
export function lineChange(before: string, after: string): LineChange {
  const change: LineChange = { added: 0, removed: 0 };
  for (const part of diffLines(before, after)) {
    if (part.added) change.added += part.count;
    else if (part.removed) change.removed += part.count;
  }
  return change;
}
