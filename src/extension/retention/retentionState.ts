// The retention verdict for every backup, from what the extension knows: which policy made a backup
// (its own record, or the backup's `extra`), the policies' generational rules (auto_backup.yaml),
// keep_days expiries (its own and the Auto Backup integration's) and pins. Recomputed when any of
// them changes; the tree, the status bar and Purge all read this one plan.
import * as vscode from 'vscode';
import { planPurge, policyOwnerFromExtra, type PolicyOwner, type PurgeDecision, type PurgePlan, type RetentionPolicy } from '../../core/retention';
import type { Backup } from '../../core/supervisor';
import { isPolicyFile, readPolicies } from '../policy/policyFile';
import type { BackupStore } from '../store/backupStore';
import type { ExpiryStore } from '../store/expiryStore';
import type { PinStore } from '../store/pinStore';
import type { PolicyOwnerStore } from '../store/policyOwnerStore';

export class RetentionState implements vscode.Disposable {
  plan: PurgePlan<Backup> | undefined;
  private bySlug = new Map<string, PurgeDecision<Backup>>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly store: BackupStore,
    private readonly expiries: ExpiryStore,
    private readonly pins: PinStore,
    private readonly owners: PolicyOwnerStore,
  ) {
    this.subscription = vscode.Disposable.from(
      store.onDidChange(() => this.recompute()),
      // A saved policy file changes what is kept.
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (isPolicyFile(d.uri)) this.recompute();
      }),
    );
  }

  /** Synchronous and cheap: uses only what is already known (see `learnOwners` for the rest). */
  recompute(): PurgePlan<Backup> | undefined {
    const connection = this.store.connection;
    if (!connection || this.store.status !== 'ready') {
      this.plan = undefined;
    } else {
      const instance = connection.url;
      const local = this.owners.all(instance);
      const owner = (slug: string): PolicyOwner => (Object.hasOwn(local, slug) ? local[slug] : undefined) ?? policyOwnerFromExtra(this.store.cachedDetails(slug)?.extra);
      // The saved policy file only: an unsaved draft in an editor must not decide deletions.
      const filePolicies = readPolicies({ savedOnly: true })?.parsed.policies ?? [];
      const byName = new Map(filePolicies.map((p) => [p.name, p]));
      const policies = new Map<string, RetentionPolicy>();
      for (const p of filePolicies) if (p.enabled && p.retention?.kind === 'generational') policies.set(p.name, p.retention.policy);
      const expiries = new Map<string, string>();
      const pins = this.pins.pinnedAnywhere();
      for (const b of this.store.backups) {
        const o = owner(b.slug);
        const policy = typeof o === 'string' ? byName.get(o) : undefined;
        // A disabled policy deletes nothing: its backups are held like pinned ones.
        if (policy && !policy.enabled) pins.add(b.slug);
        // An expiry counts only while it is the rule: not for a policy that now has generational or no retention.
        if (policy && policy.retention?.kind !== 'keep_days') continue;
        const mine = this.expiries.get(instance, b.slug)?.expires;
        const integration = this.store.autoBackupExpiries.get(b.slug);
        if (mine) expiries.set(b.slug, mine);
        else if (integration) expiries.set(b.slug, integration.toISOString());
      }
      const confirmAbove = vscode.workspace.getConfiguration('haBackups').get<number>('purgeConfirmAbove') ?? 5;
      this.plan = planPurge(this.store.backups, {
        managed: (b): PolicyOwner => owner(b.slug) ?? (expiries.has(b.slug) ? true : undefined),
        policies,
        expiries,
        pins,
        now: new Date(),
        timeZone: this.store.timeZone ?? undefined,
        confirmAbove,
      });
      this.purgeModes = new Map(filePolicies.map((p) => [p.name, p.purge]));
    }
    this.bySlug = new Map(this.plan?.decisions.map((d) => [d.slug, d]));
    this.changed.fire();
    return this.plan;
  }

  /** How each policy of the saved file wants its backups purged ('auto' or 'manual'). */
  purgeModes = new Map<string, 'auto' | 'manual'>();

  /** May an unattended purge (after a backup) delete this backup? Only for policies with `purge: auto`, and keep_days backups. */
  purgesUnattended(slug: string): boolean {
    const policy = this.bySlug.get(slug)?.policy;
    return policy === true || (typeof policy === 'string' && this.purgeModes.get(policy) === 'auto');
  }

  decisionOf(slug: string): PurgeDecision<Backup> | undefined {
    return this.bySlug.get(slug);
  }

  /**
   * Reads the details (and so the `extra`) of backups whose policy is not known yet — made in another
   * window or on another machine — a few at a time. Details never change, so each is read once.
   */
  async learnOwners(token?: vscode.CancellationToken): Promise<void> {
    const connection = this.store.connection;
    if (!connection) return;
    const local = this.owners.all(connection.url);
    const unknown = this.store.backups.filter((b) => !local[b.slug] && !this.store.cachedDetails(b.slug));
    for (let i = 0; i < unknown.length && !token?.isCancellationRequested; i += 4) {
      await Promise.all(unknown.slice(i, i + 4).map((b) => this.store.details(b.slug, token)));
    }
    this.recompute();
  }

  /** Backups a policy or keep_days manages (Auto Backup's "monitored backups"). */
  get monitored(): number {
    return this.plan?.decisions.filter((d) => d.policy !== undefined).length ?? 0;
  }

  /** The soonest expiry still in the future. */
  get nextExpiration(): Date | undefined {
    const now = Date.now();
    let next: number | undefined;
    for (const d of this.plan?.decisions ?? []) {
      for (const r of d.details) if (r.code === 'expires' && Date.parse(r.expires) > now) next = Math.min(next ?? Infinity, Date.parse(r.expires));
    }
    return next === undefined ? undefined : new Date(next);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
