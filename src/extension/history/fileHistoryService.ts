// A config file's versions across every backup (src/core/history), from the content index of each
// backup's Home Assistant configuration (src/core/archive/contentIndex.ts): built once per backup by
// streaming that part (local backups at once, remote ones only after the person agrees to the bytes it
// fetches, and then only that part where the server honours Range), then read from the index store.
// A version's text is kept by its hash, so a second look reads no archive at all.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ContentIndex } from '../../core/archive/contentIndex';
import { formatSize } from '../../core/format/size';
import { ContentIndexStore } from '../../core/history/contentIndexStore';
import { fileHistory, type FileHistory, type FileVersion, type Sighting } from '../../core/history';
import type { Backup } from '../../core/supervisor';
import type { ArchiveSource } from '../browse/archiveSource';
import type { BackupContents } from '../browse/backupContents';
import { loadArchive } from '../lazy/archive';
import type { EventLog } from '../log';
import type { BackupStore } from '../store/backupStore';

/** Versions up to this size are kept by hash after their first read. */
const MAX_KEPT_TEXT = 1024 * 1024;
const CONFIG_PART = 'homeassistant';

/**
 * Whether a version's text may be kept in clear in the extension's storage: not from a protected
 * backup (its encryption would be undone on this disk), and never secrets or Home Assistant's own
 * stores (tokens, credentials).
 */
function mayKeep(configPath: string, backup: Backup): boolean {
  return !backup.protected && path.posix.basename(configPath) !== 'secrets.yaml' && !configPath.startsWith('.storage/');
}

export interface HistoryOptions {
  /** Remote backups without an index: ask first (a dialog naming the bytes), index them, or leave them out. */
  remote?: 'ask' | 'index' | 'skip';
}

export interface HistoryResult {
  configPath: string;
  history: FileHistory;
  /** Backups with a configuration that were not looked at, and why. */
  skipped: { slug: string; why: string }[];
  /** Indexes built by this call (0 when every backup was indexed before). */
  built: number;
}

export class FileHistoryService implements vscode.Disposable {
  readonly indexes: ContentIndexStore;
  private readonly textDir: string;
  /** Archive reads for a version's text (the second look should make none). */
  textReads = 0;
  private readonly subscription: vscode.Disposable;

  constructor(
    storage: vscode.Uri,
    private readonly store: BackupStore,
    private readonly source: ArchiveSource,
    private readonly contents: BackupContents,
    private readonly log: EventLog,
  ) {
    this.indexes = new ContentIndexStore(path.join(storage.fsPath, 'content-index'));
    this.textDir = path.join(storage.fsPath, 'content-index', 'texts');
    this.subscription = store.onDidChange(() => {
      const url = store.connection?.url;
      if (store.status !== 'ready' || !url) return;
      void this.indexes.prune(url, store.backups).then((n) => n && this.log.info(`file history: dropped the index of ${n} backup(s) no longer listed`));
    });
  }

  /** The versions of `configPath` (relative to the config folder) in every backup with Home Assistant's configuration. */
  async history(configPath: string, options: HistoryOptions = {}): Promise<HistoryResult | undefined> {
    const url = this.store.connection?.url;
    if (!url) return undefined;
    const withConfig = this.store.backups.filter((b) => b.content.homeassistant);
    const known = new Map<string, ContentIndex>();
    const local: Backup[] = [];
    const remote: Backup[] = [];
    for (const b of withConfig) {
      const index = await this.indexes.get(url, b);
      if (index) known.set(b.slug, index);
      else if (await this.source.isLocal(b)) local.push(b);
      else remote.push(b);
    }
    const skipped: HistoryResult['skipped'] = [];
    const toBuild = [...local];
    if (remote.length) {
      if (await this.mayFetch(remote, options.remote ?? 'ask')) toBuild.push(...remote);
      else for (const b of remote) skipped.push({ slug: b.slug, why: vscode.l10n.t('not on this machine, not indexed') });
    }
    const built = toBuild.length ? await this.build(url, toBuild, known, skipped) : 0;
    if (built === undefined) return undefined;
    const member = `data/${configPath}`;
    const sightings: Sighting[] = withConfig
      .filter((b) => known.has(b.slug))
      .map((b) => ({ backup: { slug: b.slug, name: b.name, date: b.date }, file: known.get(b.slug)!.files.find((f) => f.path === member) }));
    return { configPath, history: fileHistory(sightings), skipped, built };
  }

  /** The content index of one backup's configuration: kept, built (a remote backup: after asking), or undefined. */
  async indexFor(backup: Backup, options: HistoryOptions = {}): Promise<ContentIndex | undefined> {
    const url = this.store.connection?.url;
    if (!url || !backup.content.homeassistant) return undefined;
    const kept = await this.indexes.get(url, backup);
    if (kept) return kept;
    if (!(await this.source.isLocal(backup)) && !(await this.mayFetch([backup], options.remote ?? 'ask'))) return undefined;
    const known = new Map<string, ContentIndex>();
    const skipped: HistoryResult['skipped'] = [];
    await this.build(url, [backup], known, skipped);
    if (skipped[0]) throw new Error(skipped[0].why);
    return known.get(backup.slug);
  }

  /** The text of a version: kept by hash after the first read, which is from its newest backup. */
  async text(configPath: string, version: FileVersion): Promise<string> {
    const kept = path.join(this.textDir, version.sha256);
    const cached = await fs.promises.readFile(kept, 'utf8').catch(() => undefined);
    if (cached !== undefined) return cached;
    const backup = this.store.backups.find((b) => version.backups.some((r) => r.slug === b.slug));
    if (!backup) throw new Error(vscode.l10n.t('None of the backups holding this version is listed any more.'));
    this.textReads++;
    const bytes = Buffer.from(await this.contents.read(backup, CONFIG_PART, `data/${configPath}`, { interactive: false }));
    if (createHash('sha256').update(bytes).digest('hex') === version.sha256 && bytes.length <= MAX_KEPT_TEXT && mayKeep(configPath, backup)) {
      await fs.promises.mkdir(this.textDir, { recursive: true });
      await fs.promises.writeFile(kept, bytes);
    }
    return bytes.toString('utf8');
  }

  /** Whether remote backups may be fetched for their index: asked with the bytes it takes. */
  private async mayFetch(remote: Backup[], mode: 'ask' | 'index' | 'skip'): Promise<boolean> {
    if (mode !== 'ask') return mode === 'index';
    const costs = await Promise.all(remote.map((b) => this.source.bytesToRead(b, this.contents.part(b, CONFIG_PART)?.archive ?? 'homeassistant.tar.gz')));
    const bytes = costs.reduce((sum, c) => sum + c.bytes, 0);
    const ranged = costs.every((c) => c.ranged);
    const fetch = vscode.l10n.t('Fetch and Index');
    const detail = ranged
      ? vscode.l10n.t('Only their Home Assistant configuration is fetched ({0} in all), once: the index is kept.', formatSize(bytes))
      : vscode.l10n.t('Up to {0} is fetched (whole backups, where the server cannot send only the configuration), once: the index is kept.', formatSize(bytes));
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('{0} backups with a configuration are not on this machine. Fetch them to include them in the history?', remote.length),
      { modal: true, detail },
      fetch,
    );
    return choice === fetch;
  }

  /** Builds the missing indexes with a progress notification; undefined when the person cancelled. */
  private build(url: string, backups: Backup[], known: Map<string, ContentIndex>, skipped: HistoryResult['skipped']): Thenable<number | undefined> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Indexing backups for the file history'), cancellable: true },
      async (progress, token) => {
        let built = 0;
        for (const [i, b] of backups.entries()) {
          if (token.isCancellationRequested) return undefined;
          progress.report({ message: `${i + 1}/${backups.length}: ${b.name || b.slug}`, increment: 100 / backups.length });
          const started = Date.now();
          try {
            const index = await this.indexOne(b);
            await this.indexes.put(url, b, index);
            known.set(b.slug, index);
            built++;
            this.log.info(`file history: indexed ${b.slug}: ${index.files.length} files in ${Date.now() - started} ms`);
          } catch (e) {
            if (e instanceof vscode.CancellationError) return undefined;
            const why = e instanceof Error ? e.message : String(e);
            skipped.push({ slug: b.slug, why });
            this.log.warn(`file history: could not index ${b.slug}: ${why}`);
          }
        }
        return built;
      },
    );
  }

  private async indexOne(b: Backup): Promise<ContentIndex> {
    const archiveName = this.contents.part(b, CONFIG_PART)?.archive;
    if (!archiveName) throw new Error(vscode.l10n.t('it holds no Home Assistant configuration'));
    const reader = await this.source.readerFor(b);
    const archive = await loadArchive();
    // Known passwords only: a history of many backups must not open a prompt per protected one.
    return this.contents.withPassword(b, { interactive: false }, (creds) =>
      'file' in reader ? archive.indexPart(reader.file, archiveName, creds) : archive.indexPartFrom(reader.source, archiveName, creds),
    );
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
