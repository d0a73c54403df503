// What is inside a backup, for the tree and the ha-backup: file system: the parts, each part's
// directory tree (listed once, kept for the session) and single files. Protected backups are opened
// with a known password when one works, otherwise the person is asked (again after a wrong one).
import * as vscode from 'vscode';
import { DirectoryIndex, partsOf, type Part } from '../../core/browse';
import { formatSize } from '../../core/format/size';
import type { Backup } from '../../core/supervisor';
import { loadArchive } from '../lazy/archive';
import type { EventLog } from '../log';
import type { BackupStore } from '../store/backupStore';
import type { ArchiveSource } from './archiveSource';
import type { BackupPasswords } from './backupPasswords';

/** Files larger than this are not opened in an editor (they would be read into memory). */
const MAX_OPEN_BYTES = 64 * 1024 * 1024;

export interface PasswordOptions {
  /** Try this password first (commands called with arguments, tests). */
  password?: string;
  /** Remember a password that worked (undefined: ask the person). */
  remember?: boolean;
  /** False: never show a prompt; fail with the archive's error instead. */
  interactive?: boolean;
}

interface Credentials {
  password?: string;
}

function kindOf(e: unknown): string | undefined {
  return e instanceof Error && e.name === 'ArchiveError' ? (e as Error & { kind: string }).kind : undefined;
}

export class BackupContents implements vscode.Disposable {
  private readonly indexes = new Map<string, Promise<DirectoryIndex>>();
  /** Keys of `indexes` whose listing failed or was cancelled. */
  private readonly failed = new Set<string>();
  /** One password search per backup at a time: a second waits, then finds the first one's answer. */
  private readonly passwordSearches = new Map<string, Promise<unknown>>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly source: ArchiveSource,
    private readonly passwords: BackupPasswords,
    private readonly store: BackupStore,
    private readonly log: EventLog,
  ) {
    this.subscription = store.onDidChange(() => {
      if (store.status !== 'ready') return;
      const present = new Set(store.backups.map((b) => b.slug));
      for (const key of this.indexes.keys()) {
        if (present.has(key.split('/')[0]!)) continue;
        this.indexes.delete(key);
        this.failed.delete(key);
      }
      void source.prune(present);
    });
  }

  backup(slug: string): Backup | undefined {
    return this.store.backups.find((b) => b.slug === slug);
  }

  /** The backup, after reloading the list (up to three tries) when it is not known yet. */
  async loadBackup(slug: string): Promise<Backup | undefined> {
    if (this.store.connection) await this.store.refreshUntil((list) => list.some((b) => b.slug === slug), 3);
    return this.backup(slug);
  }

  parts(backup: Backup): Part[] {
    return partsOf(backup.content, backup.compressed);
  }

  part(backup: Backup, partId: string): Part | undefined {
    return this.parts(backup).find((p) => p.id === partId);
  }

  /**
   * The directory tree of one part (listed on first use). A failure (or a cancelled password prompt
   * or fetch) is kept too, so that the tree's periodic redraw does not ask or fetch again every
   * minute; `retry` forgets it (the "try again" row, collapsing the part).
   */
  index(backup: Backup, partId: string, opts: PasswordOptions = {}): Promise<DirectoryIndex> {
    const key = `${backup.slug}/${partId}`;
    let cached = this.indexes.get(key);
    if (!cached) {
      cached = this.listPart(backup, partId, opts);
      this.indexes.set(key, cached);
      cached.catch(() => this.failed.add(key));
    }
    return cached;
  }

  /** Forgets a failed listing of a part, so that the next look tries again; false when there was none. */
  retry(slug: string, partId: string): boolean {
    const key = `${slug}/${partId}`;
    if (!this.failed.delete(key)) return false;
    this.indexes.delete(key);
    return true;
  }

  private async listPart(backup: Backup, partId: string, opts: PasswordOptions): Promise<DirectoryIndex> {
    const part = this.requirePart(backup, partId);
    const started = Date.now();
    let listing;
    try {
      const reader = await this.source.readerFor(backup);
      const archive = await loadArchive();
      listing = await this.withPassword(backup, opts, (creds) =>
        'file' in reader ? archive.listPart(reader.file, part.archive, creds) : archive.listPartFrom(reader.source, part.archive, creds),
      );
    } catch (e) {
      if (!(e instanceof vscode.CancellationError)) {
        const message = e instanceof Error ? e.message : String(e);
        this.log.error(`could not list ${part.archive} of ${backup.slug}: ${message}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('"{0}" could not be opened: {1}', backup.name || backup.slug, message));
      }
      throw e;
    }
    const index = new DirectoryIndex(listing.entries);
    this.log.info(`listed ${part.archive} of ${backup.slug}: ${listing.entries.length} entries, ${formatSize(listing.tarBytes)} in ${Date.now() - started} ms`);
    for (const e of index.unsafe) this.log.warn(`${backup.slug}/${part.archive}: left out ${JSON.stringify(e.path)}: ${e.unsafeReason ?? 'unsafe'}`);
    return index;
  }

  /** The bytes of one file of a part. */
  async read(backup: Backup, partId: string, entryPath: string, opts: PasswordOptions = {}): Promise<Uint8Array> {
    const part = this.requirePart(backup, partId);
    const entry = (await this.index(backup, partId, opts)).find(entryPath)?.entry;
    if (entry && entry.size > MAX_OPEN_BYTES) {
      throw new Error(vscode.l10n.t('{0} is {1}, too large to read from the backup here. Download the backup to get it.', entryPath, formatSize(entry.size)));
    }
    const reader = await this.source.readerFor(backup);
    const archive = await loadArchive();
    const stream = await this.withPassword(backup, opts, (creds) =>
      'file' in reader ? archive.openEntry(reader.file, part.archive, entryPath, creds) : archive.openEntryFrom(reader.source, part.archive, entryPath, creds),
    );
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Runs `fn` with the backup's password: known ones first, then asking until one works or the person cancels. */
  async withPassword<T>(backup: Backup, opts: PasswordOptions, fn: (creds: Credentials) => Promise<T>): Promise<T> {
    const before = this.passwordSearches.get(backup.slug);
    const search = (before ?? Promise.resolve()).catch(() => undefined).then(() => this.searchPassword(backup, opts, fn));
    this.passwordSearches.set(backup.slug, search);
    try {
      return await search;
    } finally {
      if (this.passwordSearches.get(backup.slug) === search) this.passwordSearches.delete(backup.slug);
    }
  }

  private async searchPassword<T>(backup: Backup, opts: PasswordOptions, fn: (creds: Credentials) => Promise<T>): Promise<T> {
    if (!backup.protected && opts.password === undefined) {
      try {
        return await fn({});
      } catch (e) {
        // The list can say "not protected" for a copy that is (another location): ask then.
        if (kindOf(e) !== 'password_required' && kindOf(e) !== 'wrong_password') throw e;
      }
    }
    const tried = new Set<string>();
    const attempt = async (password: string, typed: boolean): Promise<{ value: T } | undefined> => {
      if (tried.has(password)) return undefined;
      tried.add(password);
      try {
        const value = await fn({ password });
        await this.passwords.accepted(backup, password, typed, opts.remember);
        return { value };
      } catch (e) {
        if (kindOf(e) === 'wrong_password') {
          if (typed && opts.interactive === false) throw e;
          return undefined;
        }
        throw e;
      }
    };
    if (opts.password !== undefined) {
      const r = await attempt(opts.password, true);
      if (r) return r.value;
    }
    for (const candidate of await this.passwords.candidates(backup.slug)) {
      const r = await attempt(candidate, false);
      if (r) return r.value;
    }
    if (opts.interactive === false) throw new Error(vscode.l10n.t('No known password opens "{0}".', backup.name || backup.slug));
    let wrongBefore = opts.password !== undefined;
    for (;;) {
      const typed = await this.passwords.ask(backup, wrongBefore);
      if (typed === undefined) throw new vscode.CancellationError();
      const r = await attempt(typed, true);
      if (r) return r.value;
      wrongBefore = true;
      tried.delete(typed);
    }
  }

  private requirePart(backup: Backup, partId: string): Part {
    const part = this.part(backup, partId);
    if (!part) throw vscode.FileSystemError.FileNotFound(vscode.l10n.t('"{0}" has no part {1}', backup.name || backup.slug, partId));
    return part;
  }

  dispose(): void {
    this.subscription.dispose();
    this.indexes.clear();
    this.failed.clear();
  }
}
