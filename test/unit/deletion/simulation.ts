// A simulated Home Assistant and a simulated extension, for the property test of the deletion model.
// The world knows the truth (which backup instance was made by whom); the extension knows only what a
// real one would: the backup list, its ledger, the policy file, the tags it has read, and Home
// Assistant's clock. It uses the same core functions as the real extension (reconcileLedger,
// planDeletions, ledgerEntryFor), and reacts after every event as the real one does when it refreshes.
import {
  ledgerEntryFor,
  planDeletions,
  reconcileAutomatic,
  reconcileLedger,
  type AutomaticSeen,
  type DeletionPlan,
  type FilePolicy,
  type LedgerEntry,
  type PolicyFileState,
} from '../../../src/core/deletion';
import { backupSchema, type Backup } from '../../../src/core/supervisor/schemas';
import type { Rng } from '../retention/random';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** One backup archive on the Supervisor. `id` is the truth: a copy uploaded again is a new instance. */
interface Instance {
  id: number;
  slug: string;
  date: string;
  size: number;
  tag?: string;
  /** Made by Home Assistant's automatic settings (Core's with_automatic_settings). */
  automatic?: boolean;
}

/** Why an instance exists, known to the world only. */
type Origin = { by: 'extension'; policy?: string } | { by: 'other' } | { by: 'automatic' };

export interface Violation {
  event: string;
  slug: string;
  why: string;
}

export class World {
  ha = Date.parse('2026-01-01T00:00:00Z');
  /** This machine's clock minus Home Assistant's. */
  skew = 0;
  backups: Instance[] = [];
  readonly origins = new Map<number, Origin>();
  readonly downloads: Omit<Instance, 'id'>[] = [];
  policies: FilePolicy[] = [{ name: 'nightly', enabled: true, purge: 'auto', retention: { kind: 'generational', rules: { last: 2 } } }];
  fileStatus: 'valid' | 'broken-syntax' | 'broken-policy' | 'missing' = 'valid';
  ledger: LedgerEntry[] = [];
  readonly tags = new Map<string, string>();
  /** Policies whose first purge of Home Assistant's automatic backups a person confirmed. */
  readonly adopted = new Set<string>();
  /** What the extension remembers of the automatic backups it listed (src/core/deletion/automaticSeen.ts). */
  automaticSeen: AutomaticSeen = { seen: [], gone: [] };
  readonly log: string[] = [];
  deleted = 0;
  /** Of those, Home Assistant's automatic backups. */
  deletedAutomatic = 0;
  private nextId = 1;

  constructor(private readonly rng: Rng) {}

  get local(): number {
    return this.ha + this.skew;
  }

  file(): PolicyFileState {
    switch (this.fileStatus) {
      case 'missing':
        return { status: 'missing' };
      case 'broken-syntax':
        return { status: 'invalid', policies: [], problem: 'syntax' };
      case 'broken-policy':
        return { status: 'invalid', policies: this.policies.slice(1), problem: 'one policy has an error' };
      case 'valid':
        return { status: 'valid', policies: this.policies };
    }
  }

  listed(): Backup[] {
    return this.backups
      .map((b) =>
        backupSchema.parse({
          slug: b.slug,
          name: b.slug,
          date: b.date,
          type: 'full',
          size: 1,
          size_bytes: b.size,
          locations: [null],
          protected: false,
          content: { homeassistant: true, addons: [], folders: [] },
        }),
      )
      .map((b, i) => (this.backups[i]?.automatic ? { ...b, automatic: true } : b));
  }

  /** The extension refreshes: forgets what the list shows gone, learns tags, and plans. */
  observe(): DeletionPlan<Backup> {
    const list = this.listed();
    const listedAt = this.local;
    const { dropped } = reconcileLedger(this.ledger, list, { listedAt });
    const gone = new Set(dropped.map((d) => d.entry));
    this.ledger = this.ledger.filter((e) => !gone.has(e));
    for (const b of this.backups) if (b.tag) this.tags.set(b.slug, b.tag);
    const { bound } = reconcileLedger(this.ledger, list, { listedAt });
    const { after, returned } = reconcileAutomatic(this.automaticSeen, list);
    this.automaticSeen = after;
    return planDeletions({
      backups: list,
      ledger: bound,
      taggedPolicy: (slug) => this.backups.find((b) => b.slug === slug)?.tag,
      file: this.file(),
      pins: new Set(),
      isAutomatic: (slug) => list.some((b) => b.slug === slug && b.automatic === true),
      adopted: this.adopted,
      returned,
      now: new Date(this.ha),
      confirmAbove: 1000,
    });
  }

  /** The automatic purge after a backup: deletes what the plan allows unattended; checks each against the truth. */
  autoPurge(event: string, violations: Violation[]): void {
    const plan = this.observe();
    const file = this.file();
    for (const slug of plan.unattended) {
      const instance = this.backups.find((b) => b.slug === slug);
      const origin = instance && this.origins.get(instance.id);
      const policy = origin?.by === 'extension' ? origin.policy : undefined;
      const live = file.status === 'valid' && file.policies.find((p) => p.name === policy);
      if (instance && origin?.by === 'automatic') {
        this.checkAutomatic(event, instance, violations);
        this.deletedAutomatic++;
      } else if (!instance || origin?.by !== 'extension' || policy === undefined) {
        violations.push({ event, slug, why: `deleted without a dialog, but not made by the extension for a policy (${JSON.stringify(origin)})` });
      } else if (Date.parse(instance.date) > this.ha + 5 * 60_000) {
        violations.push({ event, slug, why: 'deleted without a dialog while dated in the future' });
      } else if (this.isNewestOf(instance, policy)) {
        violations.push({ event, slug, why: `deleted the newest backup of "${policy}" (one dated in the future must not count as newer)` });
      } else if (!live || !live.enabled || live.purge !== 'auto') {
        violations.push({ event, slug, why: `deleted without a dialog, but its policy "${policy}" is not enabled with purge: auto in a valid file` });
      }
      this.backups = this.backups.filter((b) => b.slug !== slug);
      this.ledger = this.ledger.filter((e) => e.slug !== slug);
      this.deleted++;
    }
  }

  /**
   * Home Assistant's automatic backup deleted without a dialog: only by the one policy with
   * with_automatic_settings, enabled with purge: auto in a valid file, whose first purge a person
   * confirmed; never the newest automatic backup, never one dated in the future.
   */
  private checkAutomatic(event: string, instance: Instance, violations: Violation[]): void {
    const file = this.file();
    const manager = file.status === 'valid' ? file.policies.find((p) => p.withAutomaticSettings) : undefined;
    const present = (b: Instance) => Date.parse(b.date) <= this.ha + 5 * 60_000;
    if (!manager || !manager.enabled || manager.purge !== 'auto') {
      violations.push({
        event,
        slug: instance.slug,
        why: `an automatic backup deleted without a dialog, but no enabled purge: auto policy with with_automatic_settings in a valid file`,
      });
    } else if (!this.adopted.has(manager.name)) {
      violations.push({ event, slug: instance.slug, why: `an automatic backup deleted without a dialog before a person confirmed the first purge of "${manager.name}"` });
    } else if (!present(instance)) {
      violations.push({ event, slug: instance.slug, why: 'an automatic backup deleted without a dialog while dated in the future' });
    } else if (this.backups.filter((b) => b.automatic && present(b)).every((b) => b === instance || Date.parse(b.date) < Date.parse(instance.date))) {
      violations.push({ event, slug: instance.slug, why: 'deleted the newest automatic backup' });
    }
  }

  /** Home Assistant makes an automatic backup on its schedule. */
  madeAutomatic(futureDays = 0): void {
    this.add({ slug: this.newSlug(), date: new Date(this.ha + futureDays * DAY).toISOString(), size: 3000, automatic: true }, { by: 'automatic' });
  }

  /** A person confirms the first purge of the policy that manages the automatic backups (Purge Backups). */
  adopt(): string {
    const manager = this.policies.find((p) => p.withAutomaticSettings);
    if (manager) this.adopted.add(manager.name);
    return `confirm the first purge of ${manager?.name ?? '(no policy manages automatic backups)'}`;
  }

  /** The newest backup (not dated in the future) that the extension made for `policy`. */
  private isNewestOf(instance: Instance, policy: string): boolean {
    const present = (b: Instance) => Date.parse(b.date) <= this.ha + 5 * 60_000;
    const own = this.backups.filter((b) => present(b) && (this.origins.get(b.id) as { policy?: string } | undefined)?.policy === policy);
    return own.every((b) => b === instance || Date.parse(b.date) < Date.parse(instance.date));
  }

  private newSlug(): string {
    for (;;) {
      const slug = this.rng.int(0, 0xffff_ffff).toString(16).padStart(8, '0');
      if (!this.backups.some((b) => b.slug === slug) && !this.downloads.some((d) => d.slug === slug)) return slug;
    }
  }

  private add(instance: Omit<Instance, 'id'>, origin: Origin): Instance {
    const made = { ...instance, id: this.nextId++ };
    this.backups.push(made);
    this.origins.set(made.id, origin);
    return made;
  }

  /** The extension makes a backup (for a policy, or by Create Backup with keep_days) and records it. */
  make(policy: string | undefined, keepDays: number | undefined, futureDays = 0): void {
    const date = new Date(this.ha + futureDays * DAY).toISOString();
    const instance = this.add(
      { slug: this.newSlug(), date, size: this.rng.int(1, 5) * 1000, ...(policy ? { tag: policy } : {}) },
      { by: 'extension', ...(policy ? { policy } : {}) },
    );
    const listed = this.listed().find((b) => b.slug === instance.slug)!;
    const expires = keepDays === undefined ? undefined : new Date(this.ha + keepDays * DAY);
    this.ledger = [
      ...this.ledger.filter((e) => e.slug !== instance.slug),
      ledgerEntryFor(listed, { ...(policy ? { policy } : {}), ...(keepDays !== undefined ? { keepDays } : {}), ...(expires ? { expires } : {}) }, this.local),
    ];
  }

  /** Someone else makes a backup: Home Assistant, or another machine running a policy of the same name. */
  madeElsewhere(tag: string | undefined, futureDays = 0): void {
    this.add({ slug: this.newSlug(), date: new Date(this.ha + futureDays * DAY).toISOString(), size: 2000, ...(tag ? { tag } : {}) }, { by: 'other' });
  }

  deleteElsewhere(): void {
    if (!this.backups.length) return;
    const victim = this.rng.pick(this.backups);
    this.backups = this.backups.filter((b) => b !== victim);
  }

  download(): void {
    if (!this.backups.length) return;
    const { id: _id, ...copy } = this.rng.pick(this.backups);
    this.downloads.push(copy);
  }

  /** A downloaded archive comes back (same slug, date, size and tag): a new instance nobody here made. */
  upload(throughExtension: boolean): void {
    const candidates = this.downloads.filter((d) => !this.backups.some((b) => b.slug === d.slug));
    if (!candidates.length) return;
    const copy = this.rng.pick(candidates);
    if (throughExtension) this.ledger = this.ledger.filter((e) => e.slug !== copy.slug);
    this.add(copy, { by: 'other' });
  }

  changePolicies(): string {
    const names = ['nightly', 'weekly', 'config'];
    const p = this.policies;
    switch (this.rng.int(0, 6)) {
      case 0: {
        const target = this.rng.pick(p);
        if (target) target.enabled = !target.enabled;
        return `toggle ${target?.name}`;
      }
      case 1: {
        // Names stay unique: a file with two policies of one name has an error (duplicate-name).
        const target = this.rng.pick(p);
        if (target) target.name = `${target.name.replace(/-\d+$/, '')}-${this.nextId++}`;
        return `rename to ${target?.name}`;
      }
      case 2:
        if (p.length) p.splice(this.rng.int(0, p.length - 1), 1);
        return 'remove a policy';
      case 3: {
        const name = this.rng.pick(names);
        if (!p.some((x) => x.name === name)) {
          p.push({
            name,
            enabled: true,
            purge: this.rng.chance(0.7) ? 'auto' : 'manual',
            retention: this.rng.chance(0.5) ? { kind: 'keep_days', keepDays: this.rng.int(1, 3) } : { kind: 'generational', rules: { last: this.rng.int(1, 3) } },
          });
        }
        return `add ${name}`;
      }
      case 4: {
        const target = this.rng.pick(p);
        if (target) target.purge = target.purge === 'auto' ? 'manual' : 'auto';
        return `purge mode of ${target?.name}`;
      }
      case 5: {
        // One policy manages Home Assistant's automatic backups at most (the file refuses a second).
        const target = this.rng.pick(p);
        if (target) {
          const on = !target.withAutomaticSettings;
          for (const x of p) x.withAutomaticSettings = false;
          target.withAutomaticSettings = on;
        }
        return `with_automatic_settings ${target?.withAutomaticSettings ? 'on' : 'off'} for ${target?.name}`;
      }
      default: {
        this.fileStatus = this.rng.pick(['valid', 'valid', 'broken-syntax', 'broken-policy', 'missing'] as const);
        return `file ${this.fileStatus}`;
      }
    }
  }
}
