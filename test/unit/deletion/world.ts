// Builders for the deletion-model tests: backups as the Supervisor lists them (through the real
// schema), ledger entries, and policy-file states.
import type { FilePolicy, LedgerEntry, PolicyFileState } from '../../../src/core/deletion';
import { ledgerEntryFor } from '../../../src/core/deletion';
import type { Retention } from '../../../src/core/policy';
import { backupSchema, type Backup } from '../../../src/core/supervisor/schemas';

export const NOW = new Date('2026-12-05T12:00:00Z');
export const DAY = 86_400_000;

/** A listed backup made `daysAgo` days before NOW (negative: in the future). */
export function listed(slug: string, daysAgo: number, extra: { size?: number; locations?: (string | null)[]; name?: string } = {}): Backup {
  return backupSchema.parse({
    slug,
    name: extra.name ?? `Backup ${slug}`,
    date: new Date(NOW.getTime() - daysAgo * DAY).toISOString().replace('Z', '+00:00'),
    type: 'full',
    size: 1,
    size_bytes: extra.size ?? 1000,
    locations: extra.locations ?? [null],
    protected: false,
    content: { homeassistant: true, addons: [], folders: [] },
  });
}

/** The ledger entry the extension writes when it makes `backup`. */
export function made(backup: Backup, how: { policy?: string; keepDays?: number; recordedAt?: number } = {}): LedgerEntry {
  const expires = how.keepDays === undefined ? undefined : new Date(Date.parse(backup.date) + how.keepDays * DAY);
  return ledgerEntryFor(
    backup,
    { ...(how.policy !== undefined ? { policy: how.policy } : {}), ...(how.keepDays !== undefined ? { keepDays: how.keepDays } : {}), ...(expires ? { expires } : {}) },
    how.recordedAt ?? Date.parse(backup.date) + 1000,
  );
}

export const generational = (rules: Record<string, number>): Retention => ({ kind: 'generational', rules });
export const keepDays = (days: number): Retention => ({ kind: 'keep_days', keepDays: days });

export function policy(name: string, retention: Retention | null, options: Partial<FilePolicy> = {}): FilePolicy {
  return { name, enabled: true, purge: 'auto', retention, ...options };
}

export const validFile = (...policies: FilePolicy[]): PolicyFileState => ({ status: 'valid', policies });
