// The ledger: what the extension recorded about each backup it made, at the moment it made it. It is
// the only ground for deleting a backup without asking. An entry is bound to the backup's identity
// (slug, date and exact size as the Supervisor listed it then), not to its slug alone, and it is
// dropped as soon as a backup list shows the backup gone — so a later backup under the same slug (an
// upload of a downloaded copy, say) never inherits the entry's expiry or policy.

/** A backup as the Supervisor lists it (what identity needs). */
export interface ListedBackup {
  slug: string;
  date: string;
  size_bytes: number;
  /** False when the size is an estimate from old Supervisors' MiB figure. */
  size_exact?: boolean;
  locations: (string | null)[];
}

export interface LedgerEntry {
  slug: string;
  /** The backup's date as listed right after it was made. */
  date: string;
  /** Its exact size in bytes, when the Supervisor reported one. */
  sizeBytes?: number;
  /** Where its copies were (null = the local backup folder). */
  locations: (string | null)[];
  /** The policy it was made for; absent when Create Backup made it. */
  policy?: string;
  keepDays?: number;
  /** When it may be purged (Home Assistant's clock), for keep_days backups. */
  expires?: string;
  /** A safety-net backup (started by an edit): the config files being edited then. */
  safetyNet?: string[];
  /** When the entry was written, on this machine's clock (only compared with this machine's list times). */
  recordedAt: number;
}

/** Whether `backup` is the backup `entry` was written for. */
export function isSameBackup(entry: LedgerEntry, backup: ListedBackup): boolean {
  if (entry.slug !== backup.slug) return false;
  const a = Date.parse(entry.date);
  const b = Date.parse(backup.date);
  if (Number.isNaN(a) || a !== b) return false;
  return entry.sizeBytes === undefined || backup.size_exact === false || entry.sizeBytes === backup.size_bytes;
}

/** The entry to record for a backup the extension just made. */
export function ledgerEntryFor(
  backup: ListedBackup,
  made: { policy?: string; keepDays?: number; expires?: Date; safetyNet?: readonly string[] },
  recordedAt: number,
): LedgerEntry {
  return {
    slug: backup.slug,
    date: backup.date,
    ...(backup.size_exact === false ? {} : { sizeBytes: backup.size_bytes }),
    locations: [...backup.locations],
    ...(made.policy !== undefined ? { policy: made.policy } : {}),
    ...(made.keepDays !== undefined ? { keepDays: made.keepDays } : {}),
    ...(made.expires ? { expires: made.expires.toISOString() } : {}),
    ...(made.safetyNet ? { safetyNet: [...made.safetyNet] } : {}),
    recordedAt,
  };
}

/** Longer than any list request may take (its timeout is 2 minutes). */
const LIST_RACE_MS = 5 * 60_000;

export type DropReason = 'gone' | 'replaced';

export interface Reconciled {
  /** Entries that still describe a listed backup (or one whose copies are on a mount that is down). */
  kept: LedgerEntry[];
  /** By slug: entries bound to a listed backup. */
  bound: Map<string, LedgerEntry>;
  dropped: { entry: LedgerEntry; why: DropReason }[];
}

export interface ReconcileOptions {
  /** When the list was asked for, on this machine's clock: entries written after that are not judged by it. */
  listedAt: number;
  /**
   * Backup mounts known to be down now. A backup whose recorded copies include one of them is not
   * listed while it is down, but it still exists. Undefined when the mounts could not be read: then
   * absence means gone (forgetting an entry only ever makes the extension ask more).
   */
  downMounts?: ReadonlySet<string>;
}

/** Matches the ledger against a complete backup list: what is still true stays, the rest is dropped. */
export function reconcileLedger(entries: readonly LedgerEntry[], listed: readonly ListedBackup[], options: ReconcileOptions): Reconciled {
  const bySlug = new Map(listed.map((b) => [b.slug, b]));
  const result: Reconciled = { kept: [], bound: new Map(), dropped: [] };
  for (const entry of entries) {
    const backup = bySlug.get(entry.slug);
    if (backup && isSameBackup(entry, backup)) {
      result.kept.push(entry);
      result.bound.set(entry.slug, entry);
    } else if (entry.recordedAt >= options.listedAt && entry.recordedAt - options.listedAt < LIST_RACE_MS) {
      // Written while this list was on its way: it says nothing about this entry yet. (Bounded, so a
      // clock set back cannot keep an entry unjudged for long.)
      result.kept.push(entry);
    } else if (backup) {
      result.dropped.push({ entry, why: 'replaced' });
    } else if (entry.locations.some((l) => l !== null && options.downMounts?.has(l))) {
      result.kept.push(entry);
    } else {
      result.dropped.push({ entry, why: 'gone' });
    }
  }
  return result;
}
