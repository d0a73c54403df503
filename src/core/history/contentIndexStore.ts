// The content indexes of backups (src/core/archive/contentIndex.ts), kept in the extension's global
// storage: one JSON file per backup identity (slug, size and date: a later backup under the same slug
// is another file), per Home Assistant instance. A backup never changes, so an index never does; it is
// dropped when the backup is no longer listed.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContentIndex } from '../archive/contentIndex';
import { identityOf } from '../browse/identity';

const FORMAT = 1;

/** What names a backup's index: slug, size and date. */
type IdentifiedBackup = Parameters<typeof identityOf>[0];

interface StoredIndex extends ContentIndex {
  format: number;
}

export class ContentIndexStore {
  private readonly memory = new Map<string, ContentIndex>();
  /** Index files read from disk (the benchmark and tests count them). */
  reads = 0;

  constructor(private readonly root: string) {}

  private dir(instance: string): string {
    return path.join(this.root, createHash('sha256').update(instance).digest('hex').slice(0, 16));
  }

  private file(instance: string, backup: IdentifiedBackup): string {
    return path.join(this.dir(instance), `${identityOf(backup)}.json`);
  }

  async get(instance: string, backup: IdentifiedBackup): Promise<ContentIndex | undefined> {
    const file = this.file(instance, backup);
    const known = this.memory.get(file);
    if (known) return known;
    try {
      this.reads++;
      const stored = JSON.parse(await fs.promises.readFile(file, 'utf8')) as StoredIndex;
      if (stored.format !== FORMAT || !Array.isArray(stored.files)) return undefined;
      const index: ContentIndex = { archive: stored.archive, files: stored.files };
      this.memory.set(file, index);
      return index;
    } catch {
      return undefined;
    }
  }

  async put(instance: string, backup: IdentifiedBackup, index: ContentIndex): Promise<void> {
    const file = this.file(instance, backup);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const stored: StoredIndex = { format: FORMAT, ...index };
    // Written under a temporary name first: a half-written index is never read as complete.
    const temp = `${file}.${process.pid}.tmp`;
    await fs.promises.writeFile(temp, JSON.stringify(stored));
    await fs.promises.rename(temp, file);
    this.memory.set(file, index);
  }

  /** Drops the indexes of backups that are no longer listed (an empty list proves nothing). */
  async prune(instance: string, listed: readonly IdentifiedBackup[]): Promise<number> {
    if (!listed.length) return 0;
    const keep = new Set(listed.map((b) => `${identityOf(b)}.json`));
    const dir = this.dir(instance);
    let dropped = 0;
    for (const name of await fs.promises.readdir(dir).catch(() => [] as string[])) {
      if (keep.has(name)) continue;
      await fs.promises.rm(path.join(dir, name), { force: true });
      this.memory.delete(path.join(dir, name));
      dropped++;
    }
    return dropped;
  }
}
