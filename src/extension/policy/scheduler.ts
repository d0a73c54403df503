// Runs due policies while VS Code is open (trusted workspaces only). Whether a policy is due is
// decided from the Supervisor's own state — the policy's newest backup there, and whether a backup
// job is running — on Home Assistant's clock, so two windows (or a desktop and the add-on) never run
// the same policy twice: the second one sees the first one's job, then its backup. At start-up the
// latest missed run is caught up once. Never silent: every pass that does not run a policy says why
// in the log (debug level), and what keeps a policy from running shows as a warning (warnings.ts).
import * as vscode from 'vscode';
import { newestOfPolicy } from '../../core/deletion';
import { isDue, nextRun as nextRunImpl, runsInVsCode, updateSeen, type Policy, type Schedule, type SeenPolicy } from '../../core/policy';
import { isFreezeConflict } from '../../core/supervisor';
import type { BackupRunner } from '../runner/backupRunner';
import type { RunResult } from '../runner/runResult';
import type { EventLog } from '../log';
import type { RetentionState } from '../retention/retentionState';
import type { BackupStore } from '../store/backupStore';
import { requestOf, savedPolicyFile, type SavedPolicyFile } from './policyFile';

const SEEN_KEY = 'haBackups.policiesSeen';
const RETIRED_SEEN_KEY = 'haBackups.policyFirstSeen';
const ATTEMPTED_KEY = 'haBackups.policyAttempted';
const BACKUP_JOB = /^backup_manager_/;
/** Not during activation: the first list comes in meanwhile. */
const FIRST_PASS_DELAY_MS = 5_000;

export interface NextRun {
  policy: string;
  at: Date;
}

export class PolicyScheduler implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private firstPass: NodeJS.Timeout | undefined;
  private busy = false;
  private adoptionPointedOut: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after each pass (the warnings follow it). */
  readonly onDidTick = this.changed.event;
  /** The last failure of each policy's scheduled run, until it runs again. */
  readonly failures = new Map<string, string>();

  constructor(
    private readonly store: BackupStore,
    private readonly runner: BackupRunner,
    private readonly retention: RetentionState,
    private readonly log: EventLog,
    private readonly memento: vscode.Memento,
  ) {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('haBackups.scheduler') || e.affectsConfiguration('haBackups.schedulerIntervalSeconds')) this.start();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.start()),
    );
  }

  /** Whether scheduled runs happen at all here (the setting, and a trusted workspace). */
  get active(): boolean {
    return vscode.workspace.isTrusted && vscode.workspace.getConfiguration('haBackups').get<boolean>('scheduler', true);
  }

  /** Starts (or restarts) the passes; the first one soon, to catch up a missed run once the list is in. */
  start(): void {
    this.stop();
    if (!this.active) {
      this.log.debug(`scheduler: not started (${vscode.workspace.isTrusted ? 'haBackups.scheduler is off' : 'the workspace is not trusted'})`);
      return;
    }
    const seconds = Math.max(5, vscode.workspace.getConfiguration('haBackups').get<number>('schedulerIntervalSeconds') ?? 30);
    this.timer = setInterval(() => void this.tick(), seconds * 1000);
    this.firstPass = setTimeout(() => void this.tick(), FIRST_PASS_DELAY_MS);
  }

  private stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.firstPass);
    this.timer = undefined;
    this.firstPass = undefined;
  }

  /** One pass: runs every due policy, one after the other. Returns the names of the policies run. */
  async tick(): Promise<string[]> {
    const connection = this.store.connection;
    const skip = this.busy ? 'the previous pass is still running' : !connection ? 'not connected' : !vscode.workspace.isTrusted ? 'the workspace is not trusted' : undefined;
    if (skip || !connection) {
      this.log.debug(`scheduler: no pass (${skip ?? 'not connected'})`);
      return [];
    }
    this.busy = true;
    const ran: string[] = [];
    try {
      // The saved file only: a draft being typed is not a schedule yet.
      const saved = savedPolicyFile();
      if (saved.state.status === 'invalid')
        this.log.debug(`scheduler: the policy file has errors (${saved.state.problem}); only the policies that parse run, and nothing is purged`);
      // Nothing to run in a valid (or absent) file: the Supervisor is not asked (the list is polled only
      // while the view is visible). A file with errors still gets its pass: what it breaks is said from it.
      if (saved.state.status !== 'invalid' && !saved.policies.some(runsInVsCode)) {
        await this.remember(connection.url, saved);
        this.log.debug('scheduler: no enabled policy that runs in VS Code in the saved file; the backup list is not asked for');
        return [];
      }
      // Fresh facts for every decision (another window or machine may have run a policy meanwhile),
      // and Home Assistant's clock before anything is remembered by it.
      await this.store.refresh();
      const seen = await this.remember(connection.url, saved);
      const zone = this.zone();
      let fresh = true;
      for (const policy of saved.policies) {
        if (!policy.enabled) {
          this.log.debug(`scheduler: policy "${policy.name}" is disabled`);
          continue;
        }
        if (!runsInVsCode(policy)) {
          this.log.debug(`scheduler: policy "${policy.name}" runs in Home Assistant through Auto Backup automations (run_by: auto_backup)`);
          continue;
        }
        if (!fresh) await this.store.refresh();
        fresh = false;
        if (this.store.status !== 'ready' || this.store.connection !== connection) {
          this.log.debug(`scheduler: stopped, the backup list is not available (${this.store.error ?? this.store.status})`);
          break;
        }
        const outcome = policy.schedule ? await this.runIfDue(policy, connection.url, seen[policy.name], zone) : await this.purgeAutomatic(policy, saved);
        if (outcome === 'stop') break;
        if (outcome === 'ran') ran.push(policy.name);
      }
    } catch (e) {
      this.log.error(`scheduler: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.busy = false;
      this.changed.fire();
    }
    return ran;
  }

  /**
   * A policy of Home Assistant's automatic backups (`with_automatic_settings`): Home Assistant makes
   * them; here its rules are applied. Deleted without asking only once its purge was confirmed on this
   * instance (the plan says which); before that it is pointed out once, and Purge asks.
   */
  private async purgeAutomatic(policy: Policy, saved: SavedPolicyFile): Promise<'skipped'> {
    await this.retention.learnOwners();
    const plan = this.retention.plan;
    if (!plan || saved.state.status !== 'valid') return 'skipped';
    const removals = plan.decisions.filter((d) => d.owner.kind === 'automatic' && d.action === 'remove');
    if (!removals.length) {
      this.log.debug(`scheduler: policy "${policy.name}" (Home Assistant's automatic backups): nothing to purge`);
      return 'skipped';
    }
    if (removals.some((d) => d.consent === 'unattended')) {
      if (!vscode.workspace.getConfiguration('haBackups').get<boolean>('autoPurge', true)) {
        this.log.debug(`scheduler: policy "${policy.name}": ${removals.length} automatic backups could be purged, but haBackups.autoPurge is off`);
        return 'skipped';
      }
      this.log.info(`policy "${policy.name}": ${removals.length} of Home Assistant's automatic backups are no longer kept by its rules; purging`);
      await vscode.commands.executeCommand('haBackups.purgeBackups', { unattended: true });
    } else
      this.pointOutAdoption(
        policy.name,
        removals.map((d) => d.slug),
      );
    return 'skipped';
  }

  /** The first purge of Home Assistant's automatic backups waits for a person: said once per set. */
  private pointOutAdoption(policy: string, slugs: string[]): void {
    const key = `${policy}:${[...slugs].sort().join(',')}`;
    if (this.adoptionPointedOut === key) return;
    this.adoptionPointedOut = key;
    this.log.info(
      `policy "${policy}": ${slugs.length} of Home Assistant's automatic backups are no longer kept by its rules (${slugs.join(', ')}); its first purge waits for your confirmation (Purge Backups)`,
    );
    const review = vscode.l10n.t('Review and Purge…');
    void vscode.window
      .showInformationMessage(
        vscode.l10n.t(
          'The policy "{0}" now manages Home Assistant\'s automatic backups: {1} of them are no longer kept by its rules. Its first purge asks you; after that it deletes them by itself.',
          policy,
          slugs.length,
        ),
        review,
      )
      .then((choice) => choice === review && vscode.commands.executeCommand('haBackups.purgeBackups'));
  }

  /** Runs `policy` if it is due and nothing stands in the way; says in the log why not. 'stop' ends the pass. */
  private async runIfDue(policy: Policy, instance: string, seen: SeenPolicy | undefined, zone: string): Promise<'ran' | 'skipped' | 'stop'> {
    await this.retention.learnOwners();
    if (!seen || !policy.schedule) return 'skipped';
    const newest = this.retention.plan && newestOfPolicy(this.retention.plan, policy.name);
    const decision = isDue({ schedule: policy.schedule, enabled: policy.enabled, firstSeen: new Date(seen.firstSeen), newestBackup: newest }, this.store.haNow(), zone);
    if (!decision.due) {
      this.log.debug(`scheduler: policy "${policy.name}" not due (${dueReason(decision.reason, newest)})`);
      return 'skipped';
    }
    const slot = decision.scheduledFor.toISOString();
    if (this.attempted(instance, policy.name) === slot) {
      this.log.debug(`scheduler: policy "${policy.name}" was already tried for ${slot}`);
      return 'skipped';
    }
    if (this.unknownBackupsSince(decision.scheduledFor)) {
      this.log.info(`policy "${policy.name}" is due, but backups made since ${slot} could not be identified yet; trying again later`);
      return 'skipped';
    }
    if (await this.backupJobRunning()) {
      this.log.info(`policy "${policy.name}" is due, but a backup job is running on the Supervisor; trying again later`);
      return 'stop';
    }
    this.log.info(`scheduled run of policy "${policy.name}" (due ${slot}${decision.catchUp ? ', catching up a missed run' : ''})`);
    // Once per slot, also when it fails: a failing policy is not retried every few seconds.
    await this.markAttempted(instance, policy.name, slot);
    const result = await this.run(policy);
    if (result.status === 'failed' || result.status === 'invalid' || result.status === 'lost')
      this.failures.set(policy.name, result.error ?? result.errors?.join(' ') ?? result.status);
    else this.failures.delete(policy.name);
    // Another backup got there first (the Supervisor is frozen): the rest of the pass waits too.
    return result.status === 'failed' && /already in progress/.test(result.error ?? '') ? 'stop' : 'ran';
  }

  /** The soonest next run of an enabled policy, for the status bar. */
  nextRun(): NextRun | undefined {
    if (!this.active) return undefined;
    const zone = this.zone();
    let next: NextRun | undefined;
    for (const p of this.retention.file.policies) {
      if (!runsInVsCode(p) || !p.schedule) continue;
      const at = nextRunOf(p.schedule, this.store.haNow(), zone);
      if (at && (!next || at < next.at)) next = { policy: p.name, at };
    }
    return next;
  }

  /** The policies remembered for the current instance (enabled when last read). */
  seenPolicies(): Record<string, SeenPolicy> {
    const instance = this.store.connection?.url;
    return instance ? (this.memento.get<Record<string, Record<string, SeenPolicy>>>(SEEN_KEY)?.[instance] ?? {}) : {};
  }

  zone(): string {
    return this.store.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  private async run(policy: Policy): Promise<RunResult> {
    try {
      return await this.runner.create(requestOf(policy), { policy: policy.name, quiet: true, verify: policy.verify });
    } catch (e) {
      if (isFreezeConflict(e)) return { status: 'failed', name: policy.name, error: 'already in progress' };
      throw e;
    }
  }

  /** A backup job is running, or it cannot be told (then it is safer to wait). */
  private async backupJobRunning(): Promise<boolean> {
    if (this.store.running.length) return true;
    try {
      const jobs = (await this.store.connection?.client.jobs()) ?? [];
      return jobs.some((j) => BACKUP_JOB.test(j.name ?? '') && j.done === false);
    } catch {
      return true;
    }
  }

  /** A backup made since `since` whose origin is not known (its details could not be read): it may be this policy's. */
  private unknownBackupsSince(since: Date): boolean {
    return this.store.backups.some(
      (b) => Date.parse(b.date) >= since.getTime() - 10_000 && this.retention.decisionOf(b.slug)?.owner.kind === 'none' && !this.store.cachedDetails(b.slug),
    );
  }

  private attempted(instance: string, policy: string): string | undefined {
    return this.memento.get<Record<string, Record<string, string>>>(ATTEMPTED_KEY)?.[instance]?.[policy];
  }

  private async markAttempted(instance: string, policy: string, slot: string): Promise<void> {
    const all = this.memento.get<Record<string, Record<string, string>>>(ATTEMPTED_KEY) ?? {};
    await this.memento.update(ATTEMPTED_KEY, { ...all, [instance]: { ...all[instance], [policy]: slot } });
  }

  /** Remembers the policies of the saved file (src/core/policy/seen.ts says what is kept and forgotten). */
  private async remember(instance: string, saved: SavedPolicyFile): Promise<Record<string, SeenPolicy>> {
    const all = this.memento.get<Record<string, Record<string, SeenPolicy>>>(SEEN_KEY) ?? {};
    const before = all[instance] ?? {};
    const now = this.store.haNow();
    // A policy Home Assistant runs (Auto Backup's automations, or its automatic backups) is forgotten like a
    // disabled one: no catch-up, no overdue warning.
    const scheduled = saved.policies.filter((p): p is Policy & { schedule: Schedule } => p.runBy !== 'auto_backup' && p.schedule !== null);
    const { seen, clamped } = updateSeen(before, scheduled, saved.state.status === 'invalid', now);
    for (const name of clamped)
      this.log.warn(`policy "${name}" was first seen at ${before[name]?.firstSeen}, later than Home Assistant's time now (a clock was ahead); counting from now`);
    if (JSON.stringify(seen) !== JSON.stringify(before)) await this.memento.update(SEEN_KEY, { ...all, [instance]: seen });
    if (this.memento.get(RETIRED_SEEN_KEY) !== undefined) await this.memento.update(RETIRED_SEEN_KEY, undefined);
    return seen;
  }

  dispose(): void {
    this.stop();
    for (const d of this.disposables) d.dispose();
  }
}

function dueReason(reason: 'disabled' | 'not-yet' | 'done' | 'before-first-seen', newest: Date | undefined): string {
  switch (reason) {
    case 'done':
      return `its newest backup, ${newest?.toISOString() ?? '?'}, is from its latest scheduled time or later`;
    case 'before-first-seen':
      return 'its latest scheduled time is before it was first seen';
    case 'not-yet':
      return 'no scheduled time has passed yet';
    case 'disabled':
      return 'disabled';
  }
}

function nextRunOf(schedule: Schedule, now: Date, zone: string): Date | undefined {
  try {
    return nextRunImpl(schedule, now, zone) ?? undefined;
  } catch {
    return undefined;
  }
}
