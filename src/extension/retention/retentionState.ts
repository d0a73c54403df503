// The deletion plan for every backup (src/core/deletion), from what the extension knows: its ledger of
// the backups it made, the saved policy file, the backups' `extra` tags, the Auto Backup integration's
// expiries and options, pins, and Home Assistant's clock. Recomputed when any of them changes; the
// tree, the status bar, the scheduler and Purge all read this one plan.
import * as vscode from 'vscode';
import { planDeletions, reconcileAutomatic, reconcileLedger, type DeletionDecision, type DeletionPlan, type LedgerEntry } from '../../core/deletion';
import { taggedPolicy } from '../../core/options';
import type { Backup } from '../../core/supervisor';
import type { EventLog } from '../log';
import { isPolicyFile, savedPolicyFile, type SavedPolicyFile } from '../policy/policyFile';
import type { BackupStore } from '../store/backupStore';
import type { LedgerStore } from '../store/ledgerStore';
import type { AdoptionStore } from '../store/adoptionStore';
import type { PinStore } from '../store/pinStore';

export class RetentionState implements vscode.Disposable {
  plan: DeletionPlan<Backup> | undefined;
  /** The saved policy file, as the plan read it. */
  file: SavedPolicyFile = { file: undefined, state: { status: 'missing' }, policies: [] };
  private bySlug = new Map<string, DeletionDecision<Backup>>();
  /** Ledger entries bound to listed backups, as the plan read them. */
  private bound: ReadonlyMap<string, LedgerEntry> = new Map();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  /** The list (by the store's count) whose absences were last written back to the ledger. */
  private reconciledList = 0;
  private downMounts: ReadonlySet<string> | undefined;
  /** Automatic backups that were gone and are listed again: they always ask (src/core/deletion/automaticSeen.ts). */
  private returned: ReadonlySet<string> = new Set();

  constructor(
    private readonly store: BackupStore,
    private readonly ledger: LedgerStore,
    private readonly pins: PinStore,
    private readonly adoption: AdoptionStore,
    private readonly log: EventLog,
  ) {
    this.subscription = vscode.Disposable.from(
      store.onDidChange(() => void this.onStoreChange()),
      // A backup just recorded (or forgotten) changes what may be deleted, before the next list.
      ledger.onDidChange(() => this.recompute()),
      adoption.onDidChange(() => this.recompute()),
      // A saved policy file changes what is kept.
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (isPolicyFile(d.uri)) this.recompute();
      }),
    );
  }

  /** Synchronous and cheap: uses only what is already known (see `learnOwners` for the rest). */
  recompute(): DeletionPlan<Backup> | undefined {
    const connection = this.store.connection;
    this.file = savedPolicyFile();
    if (!connection || this.store.status !== 'ready') {
      this.plan = undefined;
      this.bound = new Map();
    } else {
      const { bound } = reconcileLedger(this.ledger.entries(connection.url), this.store.backups, { listedAt: this.store.listedAt, downMounts: this.downMounts });
      this.bound = bound;
      const autoBackup = this.store.autoBackup;
      const automatic = new Set(this.store.backups.filter((b) => b.automatic).map((b) => b.slug));
      this.plan = planDeletions({
        backups: this.store.backups,
        ledger: bound,
        taggedPolicy: (slug) => taggedPolicy(this.store.cachedDetails(slug)?.extra),
        file: this.file.state,
        ...(autoBackup ? { autoBackup: { expiries: autoBackup.expiries, autoPurge: autoBackup.autoPurge } } : {}),
        pins: this.pins.pinnedAnywhere(),
        isAutomatic: (slug) => automatic.has(slug),
        adopted: this.adoption.adopted(connection.url),
        returned: this.returned,
        now: this.store.haNow(),
        ...(this.store.timeZone ? { timeZone: this.store.timeZone } : {}),
        confirmAbove: vscode.workspace.getConfiguration('haBackups').get<number>('purgeConfirmAbove') ?? 5,
      });
    }
    this.bySlug = new Map(this.plan?.decisions.map((d) => [d.slug, d]));
    this.changed.fire();
    return this.plan;
  }

  decisionOf(slug: string): DeletionDecision<Backup> | undefined {
    return this.bySlug.get(slug);
  }

  /** What this VS Code recorded about the listed backup `slug` (bound to its identity), if anything. */
  ledgerEntryOf(slug: string): LedgerEntry | undefined {
    return this.bound.get(slug);
  }

  /**
   * Reads the details (and so the `extra`) of backups whose origin is not known yet — made in another
   * window or on another machine — a few at a time. Details never change, so each is read once.
   */
  async learnOwners(token?: vscode.CancellationToken): Promise<void> {
    const connection = this.store.connection;
    if (!connection) return;
    const unknown = this.store.backups.filter((b) => !this.store.cachedDetails(b.slug) && this.decisionOf(b.slug)?.owner.kind !== 'policy');
    for (let i = 0; i < unknown.length && !token?.isCancellationRequested; i += 4) {
      await Promise.all(unknown.slice(i, i + 4).map((b) => this.store.details(b.slug, token)));
    }
    this.recompute();
  }

  /** Backups a policy, keep_days or the Auto Backup integration manages (Auto Backup's "monitored backups"). */
  get monitored(): number {
    return (
      this.plan?.decisions.filter((d) => d.owner.kind === 'policy' || d.owner.kind === 'automatic' || d.owner.kind === 'keep_days' || d.owner.kind === 'auto_backup').length ??
      0
    );
  }

  /** The soonest expiry still in the future (Home Assistant's clock). */
  get nextExpiration(): Date | undefined {
    const now = this.store.haNow().getTime();
    let next: number | undefined;
    for (const d of this.plan?.decisions ?? []) {
      for (const r of d.details) if (r.code === 'expires' && Date.parse(r.expires) > now) next = Math.min(next ?? Infinity, Date.parse(r.expires));
    }
    return next === undefined ? undefined : new Date(next);
  }

  private async onStoreChange(): Promise<void> {
    if (this.store.status === 'ready' && this.store.listCount !== this.reconciledList) {
      this.reconciledList = this.store.listCount;
      await this.reconcile();
    }
    this.recompute();
  }

  /** A new list came in: entries of backups it shows gone (or replaced) are dropped for good. */
  private async reconcile(): Promise<void> {
    const connection = this.store.connection;
    if (!connection) return;
    const entries = this.ledger.entries(connection.url);
    const listed = new Set(this.store.backups.map((b) => b.slug));
    // Mounts are asked only when a recorded copy on one could explain an absence.
    const needMounts = entries.some((e) => !listed.has(e.slug) && e.locations.some((l) => l !== null));
    this.downMounts = needMounts ? await this.readDownMounts() : undefined;
    if (this.store.connection !== connection) return;
    const { dropped } = reconcileLedger(this.ledger.entries(connection.url), this.store.backups, { listedAt: this.store.listedAt, downMounts: this.downMounts });
    for (const { entry, why } of dropped) {
      this.log.info(
        `forgetting what was recorded about backup ${entry.slug} (${entry.date}): ${why === 'gone' ? 'it is no longer listed' : 'another backup now has its slug'}`,
      );
    }
    await this.ledger.drop(
      connection.url,
      dropped.map((d) => d.entry),
    );
    // Only a list that says which backups are automatic (Home Assistant's backup manager was asked).
    if (this.store.manager && this.store.connection === connection) {
      const { after, returned } = reconcileAutomatic(this.adoption.seen(connection.url), this.store.backups);
      this.returned = returned;
      await this.adoption.setSeen(connection.url, after);
    }
  }

  private async readDownMounts(): Promise<ReadonlySet<string> | undefined> {
    const mounts = await this.store.connection?.client.mounts().catch(() => undefined);
    return mounts && new Set(mounts.mounts.filter((m) => m.usage === 'backup' && m.state !== 'active').map((m) => m.name));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
