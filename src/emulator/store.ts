// The backup cache (supervisor/backups/manager.py): built by reading ./backup.json from every
// `*.tar` directly in each location folder; one entry per slug with one copy per location.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { loadBackupFile } from './archive';
import type { BackupMeta } from './archive';
import { LOCATION_CLOUD_BACKUP } from './requestSchemas';

/** A location: null = local backup folder, otherwise a backup mount name. */
export type Location = string | null;

export interface LocationCopy {
  path: string;
  protected: boolean;
  sizeBytes: number;
}

export class StoredBackup {
  readonly copies = new Map<Location, LocationCopy>();
  constructor(public meta: BackupMeta) {}

  get slug(): string {
    return this.meta.slug;
  }

  /** null first, then alphabetical (backups/backup.py::location_sort_key). */
  get locations(): Location[] {
    return [...this.copies.keys()].sort((a, b) => {
      const ka = a ?? '';
      const kb = b ?? '';
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  }

  /** Primary location = first of `locations`. */
  get location(): Location {
    return this.locations[0] ?? null;
  }

  get primary(): LocationCopy {
    const copy = this.copies.get(this.location);
    if (!copy) throw new Error(`backup ${this.slug} has no copies`);
    return copy;
  }
}

const IGNORED_COMPARISON_FIELDS = new Set(['protected', 'docker']);

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** The first differing field between two copies of the same slug, or null when they may be merged. */
export function consolidationConflict(a: BackupMeta, b: BackupMeta): string | null {
  const keys = new Set([...Object.keys(a.data), ...Object.keys(b.data)]);
  for (const k of keys) {
    if (IGNORED_COMPARISON_FIELDS.has(k)) continue;
    if (!(k in a.data) || !(k in b.data) || !deepEqual(a.data[k], b.data[k])) return k;
  }
  return null;
}

export class BackupStore {
  private backups = new Map<string, StoredBackup>();

  constructor(private readonly dataDir: string) {}

  locationDir(location: Location): string {
    if (location === LOCATION_CLOUD_BACKUP) return path.join(this.dataDir, 'cloud_backup');
    return location === null ? path.join(this.dataDir, 'backup') : path.join(this.dataDir, 'mounts', location);
  }

  list(): StoredBackup[] {
    return [...this.backups.values()];
  }

  get(slug: string): StoredBackup | undefined {
    return this.backups.get(slug);
  }

  /** Full rescan of the given (active) locations; replaces the cache. */
  async reload(locations: Location[]): Promise<void> {
    const fresh = new Map<string, StoredBackup>();
    for (const location of locations) {
      for (const file of await this.listTarFiles(location)) {
        const copy = await this.loadCopy(file);
        if (!copy) continue;
        const existing = fresh.get(copy.meta.slug);
        if (!existing) {
          const backup = new StoredBackup(copy.meta);
          backup.copies.set(location, copy.copy);
          fresh.set(copy.meta.slug, backup);
        } else if (consolidationConflict(existing.meta, copy.meta) === null && !existing.copies.has(location)) {
          existing.copies.set(location, copy.copy);
        }
      }
    }
    this.backups = fresh;
  }

  /**
   * BackupManager.reload(location) (supervisor/backups/manager.py, since 2025.02.1): rescan one
   * location and merge it into the cache. A backup found there gets (or keeps) that copy; a cached
   * backup no longer found there loses it, and leaves the cache when it was its only copy. Files with
   * a slug the cache does not know are not added (only a full reload adds them).
   */
  async reloadLocation(location: Location): Promise<void> {
    const found = new Map<string, { meta: BackupMeta; copy: LocationCopy }>();
    for (const file of await this.listTarFiles(location)) {
      const loaded = await this.loadCopy(file);
      if (!loaded) continue;
      const first = found.get(loaded.meta.slug);
      // Two files with one slug in one location: the first is kept when they are the same backup.
      if (!first) found.set(loaded.meta.slug, loaded);
    }
    for (const backup of this.list()) {
      const here = found.get(backup.slug);
      if (here) {
        if (consolidationConflict(backup.meta, here.meta) === null) backup.copies.set(location, here.copy);
      } else if (backup.copies.has(location)) {
        this.removeCopy(backup, location);
      }
    }
  }

  private async listTarFiles(location: Location): Promise<string[]> {
    const dir = this.locationDir(location);
    try {
      const entries = await fsp.readdir(dir, { withFileTypes: true });
      // Name order: stable across runs, and deliberately not date order (clients must sort).
      return entries
        .filter((e) => e.isFile() && e.name.endsWith('.tar'))
        .map((e) => path.join(dir, e.name))
        .sort();
    } catch {
      return [];
    }
  }

  /** Read one archive; null when it is not a valid backup. */
  async loadCopy(file: string): Promise<{ meta: BackupMeta; copy: LocationCopy } | null> {
    let size: number;
    try {
      size = (await fsp.stat(file)).size;
    } catch {
      return null;
    }
    const loaded = await loadBackupFile(file, size);
    if (!loaded) return null;
    return { meta: loaded.meta, copy: { path: file, protected: loaded.meta.protected, sizeBytes: loaded.sizeBytes } };
  }

  /** Add a freshly written copy; merges into an existing entry with the same slug. */
  addCopy(meta: BackupMeta, location: Location, copy: LocationCopy): StoredBackup {
    const existing = this.backups.get(meta.slug);
    if (existing) {
      existing.copies.set(location, copy);
      return existing;
    }
    const backup = new StoredBackup(meta);
    backup.copies.set(location, copy);
    this.backups.set(meta.slug, backup);
    return backup;
  }

  removeCopy(backup: StoredBackup, location: Location): void {
    backup.copies.delete(location);
    if (backup.copies.size === 0) this.backups.delete(backup.slug);
  }

  /** Forget copies on locations that are no longer available (a mount went down). */
  dropLocation(location: Location): void {
    for (const backup of this.list()) if (backup.copies.has(location)) this.removeCopy(backup, location);
  }
}
