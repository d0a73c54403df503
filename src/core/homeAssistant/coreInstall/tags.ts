// The extension's tag (`extra`: the policy, keep_days) of the backups it made on a Home Assistant Core
// or Container install, where `backup/generate` takes no `extra`. Kept per backup identity (id and
// date: an id alone could come back as another backup, e.g. an upload of an old archive); a tag whose
// backup is gone or replaced is dropped. The extension stores it in a file next to the policy file
// (src/extension/store/backupTagFile.ts) so another machine reads the same ownership.
export interface BackupTag {
  date: string;
  extra: Record<string, unknown>;
}

export interface BackupTags {
  read(): Promise<Map<string, BackupTag>>;
  write(id: string, date: string, extra: Record<string, unknown>): Promise<void>;
  /** Drops the tags of backups not in `present` (id and date); `current` is what read() gave. */
  keepOnly(present: { id: string; date: string }[], current: Map<string, BackupTag>): Promise<void>;
}

/** Tags kept in memory (tests; a window without a config folder). */
export class MemoryBackupTags implements BackupTags {
  private readonly tags = new Map<string, BackupTag>();

  read(): Promise<Map<string, BackupTag>> {
    return Promise.resolve(new Map(this.tags));
  }

  write(id: string, date: string, extra: Record<string, unknown>): Promise<void> {
    this.tags.set(id, { date, extra });
    return Promise.resolve();
  }

  keepOnly(present: { id: string; date: string }[]): Promise<void> {
    const live = new Map(present.map((p) => [p.id, p.date]));
    for (const [id, tag] of this.tags) if (live.get(id) !== tag.date) this.tags.delete(id);
    return Promise.resolve();
  }
}

/** Which tags of `current` survive a list (`present`); null when none is dropped. */
export function survivingTags(current: Map<string, BackupTag>, present: { id: string; date: string }[]): Map<string, BackupTag> | null {
  const live = new Map(present.map((p) => [p.id, p.date]));
  const kept = new Map([...current].filter(([id, tag]) => live.get(id) === tag.date));
  return kept.size === current.size ? null : kept;
}
