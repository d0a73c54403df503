// The retention picture's model: every backup of a deletion plan (src/core/deletion) as one mark on a
// time axis, kept or removed, with the one rule that decides it. Built from the same plan the text
// preview shows, so the picture and the table cannot disagree.
import type { DeletionDecision, DeletionPlan, DeletionReason } from '../deletion';
import type { ListedBackup } from '../deletion/ledger';
import { describeMatch } from '../retention/purgePlan';

/** Why a mark is kept or removed: the reason that decides it, structured so the extension can word it. */
export type MarkRule =
  /** Kept by the policy's generational rules, each match worded like `daily 3/7` (3rd of the 7 daily slots). */
  | { kind: 'slots'; matches: readonly string[] }
  | { kind: 'pinned' }
  | { kind: 'newest' }
  /** keep_days: kept until its expiry. */
  | { kind: 'keep-days'; until: string }
  /** Removed: its keep_days expiry has passed. */
  | { kind: 'expired'; since: string }
  /** Removed: no rule of its policy has a slot for it. */
  | { kind: 'no-slot' }
  | { kind: 'not-managed' }
  | { kind: 'future' }
  /** Kept whatever retention says (disabled or missing policy, a file with errors, made elsewhere, Auto Backup's purge off). */
  | { kind: 'protected'; code: ProtectedCode; policy?: string }
  | { kind: 'unreadable' }
  /** The policy has no retention: it keeps every backup. */
  | { kind: 'no-retention' };

export type ProtectedCode = 'policy-file-invalid' | 'policy-not-in-file' | 'policy-disabled' | 'made-elsewhere' | 'auto-backup-purge-off';

export interface PictureMark {
  slug: string;
  name: string;
  /** As listed (ISO 8601). */
  date: string;
  /** Milliseconds since the epoch; NaN when the date cannot be read. */
  time: number;
  kept: boolean;
  /** A removal that waits for a confirmation (Purge), not the automatic purge. */
  asks: boolean;
  rule: MarkRule;
  /** The plan's reasons in English, as the text preview shows them. */
  reasons: readonly string[];
}

export interface RetentionPictureModel {
  /** One policy's backups, or every backup when undefined. */
  policy: string | undefined;
  /** In time order, oldest first (undated ones last). */
  marks: PictureMark[];
  kept: number;
  removed: number;
}

const PROTECTED: ReadonlySet<string> = new Set<ProtectedCode>(['policy-file-invalid', 'policy-not-in-file', 'policy-disabled', 'made-elsewhere', 'auto-backup-purge-off']);

/** The rows the text preview shows for `policy` (every row without one), as marks. */
export function pictureModel<B extends ListedBackup & { name?: string }>(plan: DeletionPlan<B>, policy?: string): RetentionPictureModel {
  const rows = plan.decisions.filter((d) => policy === undefined || ((d.owner.kind === 'policy' || d.owner.kind === 'tagged') && d.owner.policy === policy));
  const marks = rows.map(markOf).sort((a, b) => (Number.isNaN(a.time) ? 1 : Number.isNaN(b.time) ? -1 : a.time - b.time));
  const removed = marks.filter((m) => !m.kept).length;
  return { policy, marks, kept: marks.length - removed, removed };
}

function markOf<B extends ListedBackup & { name?: string }>(d: DeletionDecision<B>): PictureMark {
  const kept = d.action === 'keep';
  return {
    slug: d.slug,
    name: d.backup.name || d.slug,
    date: d.backup.date,
    time: Date.parse(d.backup.date),
    kept,
    asks: !kept && d.consent === 'ask',
    rule: ruleOf(d.details, kept),
    reasons: d.reasons,
  };
}

/**
 * The reason that decides: for a removal the expiry or the missing slot; for a kept backup what keeps it
 * first — a block or override before the policy's slots, the slots before an expiry still to come.
 */
export function ruleOf(details: readonly DeletionReason[], kept: boolean): MarkRule {
  const find = <C extends DeletionReason['code']>(code: C) => details.find((r): r is Extract<DeletionReason, { code: C }> => r.code === code);
  if (!kept) {
    const expired = find('expired');
    return expired ? { kind: 'expired', since: expired.expires } : { kind: 'no-slot' };
  }
  if (find('future-date')) return { kind: 'future' };
  const block = details.find((r) => PROTECTED.has(r.code));
  if (block) return { kind: 'protected', code: block.code as ProtectedCode, ...('policy' in block && typeof block.policy === 'string' ? { policy: block.policy } : {}) };
  if (find('pinned')) return { kind: 'pinned' };
  if (find('unreadable-date')) return { kind: 'unreadable' };
  if (find('not-managed')) return { kind: 'not-managed' };
  if (find('newest-of-policy')) return { kind: 'newest' };
  const matches = details.flatMap((r) => (r.code === 'kept-by-policy' ? [describeMatch(r.match)] : []));
  if (matches.length) return { kind: 'slots', matches };
  const expires = find('expires');
  if (expires) return { kind: 'keep-days', until: expires.expires };
  return { kind: 'not-managed' };
}

/** A rule in English words; `date` formats an expiry (the extension passes Home Assistant's time zone). */
export function describeRule(rule: MarkRule, date: (iso: string) => string): string {
  switch (rule.kind) {
    case 'slots':
      return rule.matches.join(', ');
    case 'pinned':
      return 'pinned';
    case 'newest':
      return 'newest of the policy';
    case 'keep-days':
      return `keep_days until ${date(rule.until)}`;
    case 'expired':
      return `keep_days expired ${date(rule.since)}`;
    case 'no-slot':
      return 'no slot left in its policy';
    case 'not-managed':
      return 'not managed';
    case 'future':
      return 'dated in the future';
    case 'unreadable':
      return 'date not readable';
    case 'no-retention':
      return 'the policy keeps every backup';
    case 'protected':
      return PROTECTED_WORDS[rule.code];
  }
}

const PROTECTED_WORDS: Record<ProtectedCode, string> = {
  'policy-file-invalid': 'never deleted while the policy file has errors',
  'policy-not-in-file': 'its policy is not in the policy file',
  'policy-disabled': 'its policy is disabled',
  'made-elsewhere': "not this policy's: made elsewhere",
  'auto-backup-purge-off': "Auto Backup's purge is off",
};
