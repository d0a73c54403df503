// The deletion model: for every backup, who owns it, whether retention would remove it, and whether
// that may happen without asking. This is the one place that decides; Purge, the automatic purge,
// the preview, the tree and the scheduler all read its answer.
//
//  1. Unattended deletion only of a backup the ledger says this extension made for a policy that is,
//     now, in the saved policy file, enabled, with `purge: auto`, while that file has no errors.
//  2. Anything else retention marks — keep_days backups of Create Backup, expiries from the Auto Backup
//     integration, `purge: manual` policies — is deleted only after a dialog that says why.
//     One opt-in widens rule 1: a policy with `with_automatic_settings: true` manages Home Assistant's
//     automatic backups of this instance (made by Home Assistant, not here); its first purge asks, and
//     once that was confirmed for the policy on this instance, later ones follow rule 1.
//  3. Never deleted by retention: backups of a disabled, renamed or removed policy, any policy's while
//     the policy file has errors, backups tagged by a policy but not made here (uploaded, another
//     machine), Auto Backup's when its own automatic purge is off, backups nobody manages, pinned ones,
//     a policy's newest, and backups dated in the future (which also never fill a retention slot).
import { FUTURE_TOLERANCE_MS } from '../policy/due';
import type { Retention } from '../policy/retention';
import { describeReason, planPurge, type PurgeDecision, type PurgeReason } from '../retention/purgePlan';
import type { RetentionRules } from '../retention/rules';
import type { LedgerEntry, ListedBackup } from './ledger';

/** What the plan needs of a policy of the saved policy file. */
export interface FilePolicy {
  name: string;
  enabled: boolean;
  purge: 'auto' | 'manual';
  retention: Retention | null;
  /** Manages Home Assistant's automatic backups of this instance. */
  withAutomaticSettings?: boolean;
  /** auto_backup: deployed as Auto Backup automations; Auto Backup deletes by keep_days, retention here nothing. */
  runBy?: 'vscode' | 'auto_backup';
}

export type PolicyFileState =
  | { status: 'missing' }
  /** Has errors: the policies that parsed still run, but nothing any policy made is deleted. */
  | { status: 'invalid'; policies: readonly FilePolicy[]; problem: string }
  | { status: 'valid'; policies: readonly FilePolicy[] };

export type Owner =
  /** The ledger: made here, for this policy. */
  | { kind: 'policy'; policy: string }
  /** The ledger: made here by Create Backup with keep_days. */
  | { kind: 'keep_days' }
  /** One of Home Assistant's automatic backups of this instance, managed by the policy with `with_automatic_settings`. */
  | { kind: 'automatic'; policy: string }
  /** An expiry in the Auto Backup integration's store. */
  | { kind: 'auto_backup' }
  /** Its `extra` names a policy, but the ledger does not know it (uploaded, or made by another machine). */
  | { kind: 'tagged'; policy: string }
  | { kind: 'none' };

export type DeletionReason =
  | PurgeReason
  | { code: 'future-date'; date: string }
  | { code: 'policy-file-invalid'; problem: string }
  | { code: 'policy-not-in-file'; policy: string }
  | { code: 'policy-disabled'; policy: string }
  | { code: 'policy-deployed'; policy: string }
  | { code: 'made-elsewhere'; policy: string }
  | { code: 'auto-backup-purge-off' }
  | { code: 'asks'; why: AskWhy };

type AskWhy = 'keep_days' | 'auto_backup' | 'purge-manual' | 'adopted' | 'returned';

const ASK_WHY: Readonly<Record<AskWhy, string>> = {
  keep_days: 'made with keep_days by Create Backup',
  auto_backup: 'tracked by the Auto Backup integration',
  'purge-manual': 'purge: manual',
  adopted: "one of Home Assistant's automatic backups: the policy's first purge of them is confirmed by a person",
  returned: "one of Home Assistant's automatic backups that was gone and is back, uploaded again perhaps: never deleted without asking",
};

export interface DeletionDecision<B extends ListedBackup> {
  slug: string;
  backup: B;
  owner: Owner;
  action: 'keep' | 'remove';
  /** For a removal: without asking (rule 1), or only after a confirmation (rule 2). */
  consent?: 'unattended' | 'ask';
  /** Dated later than Home Assistant's now (plus a tolerance). */
  future: boolean;
  /** The expiry that applies (or would, were the owner active), for display. */
  expires?: string;
  /** keep_days the extension made it with. */
  keepDays?: number;
  details: DeletionReason[];
  /** `details` in English words, blocks first. */
  reasons: string[];
}

export interface DeletionPlan<B extends ListedBackup> {
  /** One per backup, in input order. */
  decisions: DeletionDecision<B>[];
  /** Every removal (after a confirmation), newest first. */
  remove: string[];
  /** The removals that need no confirmation, newest first. */
  unattended: string[];
  /** More unattended removals than this ask anyway. */
  confirmAbove: number;
}

export interface DeletionInput<B extends ListedBackup> {
  backups: readonly B[];
  /** Ledger entries bound to listed backups (`reconcileLedger(...).bound`). */
  ledger: ReadonlyMap<string, LedgerEntry>;
  /** The policy a backup's `extra` names, when its details are known. */
  taggedPolicy: (slug: string) => string | undefined;
  file: PolicyFileState;
  /** The Auto Backup integration's expiries and its "automatically delete expired backups" option. */
  autoBackup?: { expiries: ReadonlyMap<string, Date>; autoPurge: boolean };
  pins: ReadonlySet<string>;
  /** Home Assistant's automatic backups of this instance (Core's `with_automatic_settings`), when the connection can tell. */
  isAutomatic?: (slug: string) => boolean;
  /** Policies whose purge of Home Assistant's automatic backups was confirmed once on this instance. */
  adopted?: ReadonlySet<string>;
  /** Automatic backups that were gone and are listed again (automaticSeen.ts): they always ask. */
  returned?: ReadonlySet<string>;
  /** Home Assistant's clock when it is known. */
  now: Date;
  timeZone?: string;
  confirmAbove: number;
}

const KEEP_DAYS_GROUP = '\u0000keep_days';
const AUTO_BACKUP_GROUP = '\u0000auto_backup';
const automaticGroup = (policy: string): string => `\u0000automatic\u0000${policy}`;

export function ownerOf(
  slug: string,
  input: Pick<DeletionInput<ListedBackup>, 'ledger' | 'taggedPolicy' | 'autoBackup' | 'isAutomatic'>,
  date: string,
  automaticPolicy?: string,
): Owner {
  const entry = input.ledger.get(slug);
  if (entry?.policy !== undefined) return { kind: 'policy', policy: entry.policy };
  if (entry?.expires) return { kind: 'keep_days' };
  // Made by Home Assistant with its automatic settings (by its schedule, or by this extension asking for one).
  if (automaticPolicy !== undefined && input.isAutomatic?.(slug)) return { kind: 'automatic', policy: automaticPolicy };
  if (entry) return { kind: 'none' };
  const expiry = input.autoBackup?.expiries.get(slug);
  // An expiry before the backup was even made belongs to an earlier backup of that slug.
  if (expiry && !(Date.parse(date) > expiry.getTime())) return { kind: 'auto_backup' };
  const tagged = input.taggedPolicy(slug);
  return tagged !== undefined ? { kind: 'tagged', policy: tagged } : { kind: 'none' };
}

export function planDeletions<B extends ListedBackup>(input: DeletionInput<B>): DeletionPlan<B> {
  const filePolicies = input.file.status === 'missing' ? [] : input.file.policies;
  const byName = new Map(filePolicies.map((p) => [p.name, p]));
  const futureAfter = input.now.getTime() + FUTURE_TOLERANCE_MS;

  const automaticPolicy = filePolicies.find((p) => p.withAutomaticSettings)?.name;
  const owners = input.backups.map((b) => ownerOf(b.slug, input, b.date, automaticPolicy));
  const future = input.backups.map((b) => Date.parse(b.date) > futureAfter);
  const expiries = new Map<string, string>();
  const group = new Map<string, string>();
  input.backups.forEach((b, i) => {
    const owner = owners[i] as Owner;
    const entry = input.ledger.get(b.slug);
    if (owner.kind === 'policy') {
      const policy = byName.get(owner.policy);
      // An expiry is the rule only while the policy's retention is keep_days (or the policy is gone, for display).
      if (entry?.expires && (!policy || policy.retention?.kind === 'keep_days')) expiries.set(b.slug, entry.expires);
      group.set(b.slug, owner.policy);
    } else if (owner.kind === 'automatic') {
      // Apart from the backups the extension made for a policy of that name: each group keeps its own newest.
      group.set(b.slug, automaticGroup(owner.policy));
    } else if (owner.kind === 'keep_days') {
      if (entry?.expires) expiries.set(b.slug, entry.expires);
      group.set(b.slug, KEEP_DAYS_GROUP);
    } else if (owner.kind === 'auto_backup') {
      expiries.set(b.slug, (input.autoBackup?.expiries.get(b.slug) as Date).toISOString());
      group.set(b.slug, AUTO_BACKUP_GROUP);
    }
  });

  const rulesByPolicy = new Map<string, RetentionRules>();
  for (const p of filePolicies) {
    if (p.retention?.kind !== 'generational') continue;
    rulesByPolicy.set(p.name, p.retention.rules);
    if (p.withAutomaticSettings) rulesByPolicy.set(automaticGroup(p.name), p.retention.rules);
  }

  // Backups dated in the future take no part: no slot, never "newest".
  const present = input.backups.filter((_, i) => !future[i]);
  const purge = planPurge(present, {
    managed: (b) => group.get(b.slug),
    rulesByPolicy,
    expiries,
    pins: input.pins,
    now: input.now,
    ...(input.timeZone ? { timeZone: input.timeZone } : {}),
    confirmAbove: Infinity,
  });
  const verdicts = new Map<string, PurgeDecision<B>>(purge.decisions.map((d) => [d.slug, d]));

  const decisions = input.backups.map((backup, i): DeletionDecision<B> => {
    const owner = owners[i] as Owner;
    const expires = expiries.get(backup.slug);
    const keepDays = input.ledger.get(backup.slug)?.keepDays;
    const verdict = future[i] ? futureVerdict(backup, input.pins) : verdictOf(owner, verdicts.get(backup.slug) as PurgeDecision<B>, input, byName);
    return {
      slug: backup.slug,
      backup,
      owner,
      ...verdict,
      ...(expires ? { expires } : {}),
      ...(keepDays !== undefined ? { keepDays } : {}),
      reasons: verdict.details.map(describeDeletionReason),
    };
  });

  const final = new Map(decisions.map((d) => [d.slug, d]));
  const remove = purge.remove.filter((slug) => final.get(slug)?.action === 'remove');
  return { decisions, remove, unattended: remove.filter((slug) => final.get(slug)?.consent === 'unattended'), confirmAbove: input.confirmAbove };
}

type Verdict = Pick<DeletionDecision<ListedBackup>, 'action' | 'consent' | 'future' | 'details'>;

function futureVerdict(backup: ListedBackup, pins: ReadonlySet<string>): Verdict {
  return { action: 'keep', future: true, details: [{ code: 'future-date', date: backup.date }, ...(pins.has(backup.slug) ? [{ code: 'pinned' } as const] : [])] };
}

/** Rules 1–3 over retention's verdict (planPurge's) for a backup of `owner`. */
function verdictOf(owner: Owner, purge: PurgeDecision<ListedBackup>, input: DeletionInput<ListedBackup>, byName: ReadonlyMap<string, FilePolicy>): Verdict {
  if (owner.kind === 'tagged')
    return { action: 'keep', future: false, details: [{ code: 'made-elsewhere', policy: owner.policy }, ...purge.details.filter((r) => r.code === 'pinned')] };
  const block = blockOf(owner, input, byName);
  if (block) return { action: 'keep', future: false, details: [block, ...purge.details] };
  if (purge.action === 'keep') return { action: 'keep', future: false, details: purge.details };
  const returned = owner.kind === 'automatic' && input.returned?.has(purge.slug) === true;
  if (!returned && consentOf(owner, byName, input.adopted) === 'unattended') return { action: 'remove', consent: 'unattended', future: false, details: purge.details };
  return { action: 'remove', consent: 'ask', future: false, details: [...purge.details, { code: 'asks', why: returned ? 'returned' : askWhy(owner, input.adopted) }] };
}

/** Why a managed backup is kept whatever its retention says (rule 3), if it is. */
function blockOf(owner: Owner, input: DeletionInput<ListedBackup>, byName: ReadonlyMap<string, FilePolicy>): DeletionReason | undefined {
  if (owner.kind === 'auto_backup') return input.autoBackup?.autoPurge === false ? { code: 'auto-backup-purge-off' } : undefined;
  if (owner.kind !== 'policy' && owner.kind !== 'automatic') return undefined;
  if (input.file.status === 'invalid') return { code: 'policy-file-invalid', problem: input.file.problem };
  const policy = byName.get(owner.policy);
  if (!policy) return { code: 'policy-not-in-file', policy: owner.policy };
  if (!policy.enabled) return { code: 'policy-disabled', policy: owner.policy };
  if (policy.runBy === 'auto_backup') return { code: 'policy-deployed', policy: owner.policy };
  return undefined;
}

function consentOf(owner: Owner, byName: ReadonlyMap<string, FilePolicy>, adopted: ReadonlySet<string> | undefined): 'unattended' | 'ask' {
  if (owner.kind === 'automatic') return byName.get(owner.policy)?.purge === 'auto' && adopted?.has(owner.policy) ? 'unattended' : 'ask';
  return owner.kind === 'policy' && byName.get(owner.policy)?.purge === 'auto' ? 'unattended' : 'ask';
}

function askWhy(owner: Owner, adopted: ReadonlySet<string> | undefined): AskWhy {
  if (owner.kind === 'automatic') return adopted?.has(owner.policy) ? 'purge-manual' : 'adopted';
  return owner.kind === 'keep_days' ? 'keep_days' : owner.kind === 'auto_backup' ? 'auto_backup' : 'purge-manual';
}

export function describeDeletionReason(r: DeletionReason): string {
  switch (r.code) {
    case 'future-date':
      return 'dated in the future: ignored by retention and schedules';
    case 'policy-file-invalid':
      return 'the policy file has errors: no policy deletes anything';
    case 'policy-not-in-file':
      return `its policy "${r.policy}" is not in the policy file (renamed or removed): never deleted by retention`;
    case 'policy-disabled':
      return `its policy "${r.policy}" is disabled: never deleted by retention`;
    case 'policy-deployed':
      return `its policy "${r.policy}" runs in Home Assistant through Auto Backup (run_by: auto_backup), which deletes by keep_days: never deleted by retention here`;
    case 'made-elsewhere':
      return `made by the policy "${r.policy}", but not by this VS Code (uploaded, or made elsewhere): never deleted by retention`;
    case 'auto-backup-purge-off':
      return "Auto Backup's automatic purge is off: only shown";
    case 'asks':
      return `asks first (${ASK_WHY[r.why]})`;
    default:
      return describeReason(r);
  }
}

/** The newest backup a policy has (made here or tagged elsewhere), ignoring backups dated in the future. */
export function newestOfPolicy<B extends ListedBackup>(plan: DeletionPlan<B>, policy: string): Date | undefined {
  let newest: number | undefined;
  for (const d of plan.decisions) {
    if (d.future || !((d.owner.kind === 'policy' || d.owner.kind === 'tagged' || d.owner.kind === 'automatic') && d.owner.policy === policy)) continue;
    const t = Date.parse(d.backup.date);
    if (!Number.isNaN(t)) newest = Math.max(newest ?? t, t);
  }
  return newest === undefined ? undefined : new Date(newest);
}
