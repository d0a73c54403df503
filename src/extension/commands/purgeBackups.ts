// Purge Backups and Preview Retention. Preview shows every backup with keep/remove and the reason, as a
// picture (retention/picture) or as text; Purge shows the text preview, then deletes exactly the
// previewed REMOVE set after a modal confirmation that names each backup and why. The automatic purge
// after a backup deletes only what the deletion model (src/core/deletion) allows without asking, and
// tells about the rest. A failed delete is not forgotten (the rule still marks the backup next time).
// Nothing is purged in an untrusted workspace.
import * as vscode from 'vscode';
import type { DeletionDecision, DeletionPlan } from '../../core/deletion';
import type { Backup } from '../../core/supervisor';
import { describeError } from '../errors';
import type { Connection } from '../connection/connectionManager';
import type { Services } from '../services';
import { remainsNote } from '../locations/copies';
import { describeUnavailable, unavailableBackupMounts } from '../locations/unavailableMounts';
import { registerConnectedCommand } from './command';

export interface PurgeResult {
  previewed: string[];
  deleted: string[];
  alreadyGone: string[];
  failed: { slug: string; error: string }[];
}

export interface PreviewOptions {
  /** The text document instead of the picture. */
  as?: 'text' | 'picture';
}

export interface PurgeArgs {
  /** Without asking (the automatic purge after a backup): only what the plan allows unattended. */
  unattended?: boolean;
}

export function registerPurgeCommands(s: Services): vscode.Disposable[] {
  // The picture, unless the text is asked for (`{ as: 'text' }`) or the workbench cannot show a webview.
  const preview = registerConnectedCommand(s, 'haBackups.previewRetention', async (_connection, policy?: string, options?: PreviewOptions): Promise<string[] | undefined> => {
    await learn(s);
    const plan = s.retention.recompute();
    if (!plan) return undefined;
    const name = typeof policy === 'string' ? policy : undefined;
    const picture =
      options?.as !== 'text' &&
      s.pictures.show({ plan, policies: s.retention.file.policies, timeZone: s.store.timeZone, now: s.store.haNow(), ...(name ? { policy: name } : {}) });
    if (!picture) await s.previews.show(plan, s.store.timeZone, name);
    return plan.remove;
  });
  // The automatic purge after a backup says nothing when the connection went away meanwhile.
  const purge = registerConnectedCommand(s, 'haBackups.purgeBackups', (connection, args?: PurgeArgs) => purgeBackups(s, connection, args ?? {}), {
    quiet: (args) => args?.unattended ?? false,
  });
  return [preview, purge];
}

async function learn(s: Services): Promise<void> {
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Reading backup details…') }, () => s.retention.learnOwners());
}

/** Sets of removals that wait for a confirmation and were already pointed out (once per session). */
const pointedOut = new Set<string>();

async function purgeBackups(s: Services, connection: Connection, args: PurgeArgs): Promise<PurgeResult | undefined> {
  const unattended = args.unattended ?? false;
  if (!vscode.workspace.isTrusted) {
    if (!unattended) void vscode.window.showWarningMessage(vscode.l10n.t('Backups are purged only in a trusted workspace.'));
    return undefined;
  }
  const plan = await freshPlan(s, connection);
  if (!plan) {
    if (!unattended) void vscode.window.showWarningMessage(vscode.l10n.t('The backup list could not be loaded, so nothing was purged: {0}', s.store.error ?? ''));
    return undefined;
  }
  const byslug = new Map(plan.decisions.map((d) => [d.slug, d]));
  const previewed = unattended ? plan.unattended : plan.remove;
  const result: PurgeResult = { previewed, deleted: [], alreadyGone: [], failed: [] };
  if (unattended) noteWaiting(s, plan, byslug);
  if (!previewed.length) {
    if (!unattended) void vscode.window.showInformationMessage(vscode.l10n.t('Nothing to purge: every backup is kept by a rule, pinned, or not managed.'));
    return result;
  }
  if (!(unattended ? withinLimit(previewed, plan) : await confirmPurge(s, plan, previewed, byslug))) return result;
  // The user may have switched instance or pinned a backup while the confirmation was open.
  if (s.store.connection !== connection) return result;
  if (!unattended) await adopt(s, connection, previewed, byslug);
  await deleteEach(s, connection, previewed, result);
  await report(s, connection, result, byslug, unattended ? 'auto' : 'retention');
  return result;
}

type Plan = DeletionPlan<Backup>;
type Decisions = ReadonlyMap<string, DeletionDecision<Backup>>;

/** The plan on a list loaded now, with the owners of new backups learnt; undefined when the list is not there (or the connection changed). */
async function freshPlan(s: Services, connection: Connection): Promise<Plan | undefined> {
  // Not a list already under way: it may predate the backup that just finished, which would then be
  // missing from the plan (and the oldest of its policy kept until the next run).
  await s.store.refreshNow();
  await learn(s);
  const plan = s.retention.recompute();
  return plan && s.store.connection === connection ? plan : undefined;
}

/** What the automatic purge leaves for a person: said once per set, and logged. */
function noteWaiting(s: Services, plan: Plan, byslug: Decisions): void {
  const waiting = plan.remove.filter((slug) => byslug.get(slug)?.consent === 'ask');
  if (waiting.length) pointOut(s, waiting, byslug);
  if (s.retention.file.state.status === 'invalid')
    s.log.info(`automatic purge: nothing a policy made is deleted while the policy file has errors (${s.retention.file.state.problem})`);
}

/** The automatic purge deletes no more than `purgeConfirmAbove` backups without a person; above, it offers a review. */
function withinLimit(previewed: string[], plan: Plan): boolean {
  if (previewed.length <= plan.confirmAbove) return true;
  const review = vscode.l10n.t('Review…');
  void vscode.window
    .showWarningMessage(vscode.l10n.t('{0} backups could be purged, more than {1}: nothing was deleted without you.', previewed.length, plan.confirmAbove), review)
    .then((choice) => choice === review && vscode.commands.executeCommand('haBackups.purgeBackups'));
  return false;
}

/** Policies whose Home Assistant automatic backups were first confirmed here: from now on they purge by themselves. */
function adoptedBy(previewed: string[], byslug: Decisions): string[] {
  const policies = new Set<string>();
  for (const slug of previewed) {
    const d = byslug.get(slug);
    if (d?.owner.kind === 'automatic' && d.details.some((r) => r.code === 'asks' && r.why === 'adopted')) policies.add(d.owner.policy);
  }
  return [...policies];
}

async function adopt(s: Services, connection: Connection, previewed: string[], byslug: Decisions): Promise<void> {
  for (const policy of adoptedBy(previewed, byslug)) {
    await s.adoption.adopt(connection.url, policy, s.store.haNow());
    s.log.info(`policy "${policy}": its purge of Home Assistant's automatic backups was confirmed; from now on it deletes the ones its rules no longer keep by itself`);
  }
}

/** Shows the preview, then a modal confirmation naming each backup and why it goes. */
async function confirmPurge(s: Services, plan: Plan, previewed: string[], byslug: Decisions): Promise<boolean> {
  await s.previews.show(plan, s.store.timeZone);
  const lines = previewed.map((slug) => {
    const d = byslug.get(slug)!;
    return `• ${d.backup.name || slug} (${slug}): ${d.reasons.join(', ')}`;
  });
  const action = vscode.l10n.t('Delete');
  const adopting = adoptedBy(previewed, byslug).map((policy) =>
    vscode.l10n.t(
      'The policy "{0}" manages Home Assistant\'s automatic backups (with_automatic_settings: true). After this confirmation it deletes the automatic backups its rules no longer keep by itself, after each new one.',
      policy,
    ),
  );
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Delete {0} backups marked REMOVE in the preview?', previewed.length),
    { modal: true, detail: [lines.join('\n'), ...adopting, vscode.l10n.t('Every copy (all locations) is deleted. This cannot be undone.')].join('\n\n') },
    action,
  );
  return answer === action;
}

/** Deletes the previewed backups one by one, except those pinned since the preview. */
async function deleteEach(s: Services, connection: Connection, previewed: string[], result: PurgeResult): Promise<void> {
  const pinnedNow = s.pins.pinnedAnywhere();
  for (const slug of previewed) {
    if (pinnedNow.has(slug)) {
      s.log.info(`not purging ${slug}: it was pinned after the preview`);
      continue;
    }
    try {
      const outcome = await connection.client.deleteBackup(slug);
      (outcome === 'deleted' ? result.deleted : result.alreadyGone).push(slug);
    } catch (e) {
      result.failed.push({ slug, error: describeError(e, connection.url) });
    }
  }
}

/** Forgets what is gone, fires `purged_backups`, says what failed or was left behind, and reloads the list. */
async function report(s: Services, connection: Connection, result: PurgeResult, byslug: Decisions, trigger: 'auto' | 'retention'): Promise<void> {
  const gone = [...result.deleted, ...result.alreadyGone];
  const label = (slug: string) => `"${byslug.get(slug)?.backup.name || slug}" (${slug})`;
  // Copies on a backup mount that is down are invisible to the Supervisor, so they were not deleted:
  // their ledger entries are kept, so that they are purged when the mount is back.
  const down = gone.length ? await unavailableBackupMounts(connection) : undefined;
  const leftBehind = down?.length
    ? vscode.l10n.t(
        'Purged {0}, but {1} is not available: copies stored there were not deleted; they are purged when it is back.',
        gone.map(label).join(', '),
        describeUnavailable(down),
      )
    : undefined;
  if (gone.length) {
    if (!down?.length) await s.ledger.forget(connection.url, gone);
    s.events.fire('purged_backups', { backups: gone }, { names: gone.map((slug) => byslug.get(slug)?.backup.name ?? slug), trigger });
  }
  if (leftBehind) s.log.warn(leftBehind);
  for (const f of result.failed) s.log.error(`could not purge backup ${f.slug} (it is tried again next time): ${f.error}`);
  if (result.failed.length) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        'Could not delete {0}; it is tried again at the next purge: {1} {2}',
        result.failed.map((f) => label(f.slug)).join(', '),
        result.failed[0]?.error ?? '',
        remainsNote(byslug.get(result.failed[0]?.slug ?? '')?.backup),
      ),
    );
  } else if (leftBehind) void vscode.window.showWarningMessage(leftBehind);
  await s.store.refreshUntil((list) => !list.some((b) => gone.includes(b.slug)));
}

/** The automatic purge never deletes what needs a confirmation: it says so, once per set. */
function pointOut(s: Services, waiting: string[], byslug: Decisions): void {
  const key = [...waiting].sort().join(',');
  s.log.info(`automatic purge: ${waiting.length} backup(s) wait for a confirmation: ${waiting.map((slug) => `${slug} (${byslug.get(slug)?.reasons.join(', ')})`).join('; ')}`);
  if (pointedOut.has(key)) return;
  pointedOut.add(key);
  const review = vscode.l10n.t('Purge…');
  void vscode.window
    .showInformationMessage(
      vscode.l10n.t('{0} backups could be purged, but only after you confirm (they were not made by an automatic policy of this VS Code).', waiting.length),
      review,
    )
    .then((choice) => choice === review && vscode.commands.executeCommand('haBackups.purgeBackups'));
}
