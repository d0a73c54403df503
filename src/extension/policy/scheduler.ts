// Runs due policies while VS Code is open (trusted workspaces only). Whether a policy is due is
// decided from the Supervisor's own state — the policy's newest backup there, and whether a backup
// job is running — so two windows (or a desktop and the add-on) never run the same policy twice:
// the second one sees the first one's job, then its backup. At start-up the latest missed run is
// caught up once.
import * as vscode from 'vscode';
import { isDue, nextRun as nextRunImpl, type Policy } from '../../core/policy';
import { isFreezeConflict } from '../../core/supervisor';
import type { BackupRunner, RunResult } from '../backupRunner';
import type { EventLog } from '../log';
import type { RetentionState } from '../retention/retentionState';
import type { BackupStore } from '../store/backupStore';
import { readPolicies, requestOf } from './policyFile';

const FIRST_SEEN_KEY = 'haBackups.policyFirstSeen';
const ATTEMPTED_KEY = 'haBackups.policyAttempted';
const BACKUP_JOB = /^backup_manager_/;

export interface NextRun {
  policy: string;
  at: Date;
}

export class PolicyScheduler implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly store: BackupStore,
    private readonly runner: BackupRunner,
    private readonly retention: RetentionState,
    private readonly log: EventLog,
    private readonly memento: vscode.Memento,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('haBackups.scheduler') || e.affectsConfiguration('haBackups.schedulerIntervalSeconds')) this.start();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.start()),
    );
  }

  start(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    const config = vscode.workspace.getConfiguration('haBackups');
    if (!config.get<boolean>('scheduler', true) || !vscode.workspace.isTrusted) return;
    const seconds = Math.max(5, config.get<number>('schedulerIntervalSeconds') ?? 30);
    this.timer = setInterval(() => void this.tick(), seconds * 1000);
  }

  /** One pass: runs every due policy, one after the other. Returns the names of the policies run. */
  async tick(): Promise<string[]> {
    const connection = this.store.connection;
    if (this.busy || !connection || !vscode.workspace.isTrusted) return [];
    this.busy = true;
    const ran: string[] = [];
    try {
      // The saved file only: a draft being typed is not a schedule yet.
      const policies = readPolicies({ savedOnly: true })?.parsed.policies ?? [];
      const firstSeen = await this.firstSeen(connection.url, policies);
      if (!policies.some((p) => p.enabled)) return ran;
      const zone = this.store.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
      for (const policy of policies) {
        // Fresh facts for every decision: another window or machine may have run it meanwhile.
        await this.store.refresh();
        if (this.store.status !== 'ready' || this.store.connection !== connection) break;
        await this.retention.learnOwners();
        const seen = firstSeen[policy.name];
        if (!seen) continue;
        const decision = isDue({ schedule: policy.schedule, enabled: policy.enabled, firstSeen: seen, newestBackup: this.newestBackupOf(policy.name) }, new Date(), zone);
        if (!decision.due) continue;
        const slot = decision.scheduledFor.toISOString();
        if (this.attempted(connection.url, policy.name) === slot) continue;
        if (this.unknownBackupsSince(decision.scheduledFor)) {
          this.log.info(`policy "${policy.name}" is due, but backups made since ${slot} could not be identified yet; trying again later`);
          continue;
        }
        if (await this.backupJobRunning()) {
          this.log.info(`policy "${policy.name}" is due, but a backup job is running on the Supervisor; trying again later`);
          break;
        }
        this.log.info(`scheduled run of policy "${policy.name}" (due ${slot}${decision.catchUp ? ', catching up a missed run' : ''})`);
        // Once per slot, also when it fails: a failing policy is not retried every few seconds.
        await this.markAttempted(connection.url, policy.name, slot);
        const result = await this.run(policy);
        if (result.status === 'failed' && /already in progress/.test(result.error ?? '')) break;
        ran.push(policy.name);
      }
    } catch (e) {
      this.log.error(`scheduler: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.busy = false;
    }
    return ran;
  }

  /** The soonest next run of an enabled policy, for the status bar. */
  nextRun(): NextRun | undefined {
    if (!vscode.workspace.isTrusted || !vscode.workspace.getConfiguration('haBackups').get<boolean>('scheduler', true)) return undefined;
    const zone = this.store.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    let next: NextRun | undefined;
    for (const p of readPolicies({ savedOnly: true })?.parsed.policies ?? []) {
      if (!p.enabled) continue;
      const at = nextRunOf(p, zone);
      if (at && (!next || at < next.at)) next = { policy: p.name, at };
    }
    return next;
  }

  private async run(policy: Policy): Promise<RunResult> {
    try {
      return await this.runner.create(requestOf(policy), { policy: policy.name, quiet: true, verify: policy.verify });
    } catch (e) {
      if (isFreezeConflict(e)) return { status: 'failed', name: policy.name, error: 'already in progress' };
      throw e;
    }
  }

  private newestBackupOf(policy: string): Date | undefined {
    let newest: number | undefined;
    for (const d of this.retention.plan?.decisions ?? []) {
      if (d.policy !== policy) continue;
      const t = Date.parse(d.backup.date);
      if (!Number.isNaN(t)) newest = Math.max(newest ?? t, t);
    }
    return newest === undefined ? undefined : new Date(newest);
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

  /** A backup made since `since` whose policy is not known (its details could not be read): it may be this policy's. */
  private unknownBackupsSince(since: Date): boolean {
    return this.store.backups.some((b) => Date.parse(b.date) >= since.getTime() - 10_000 && this.retention.decisionOf(b.slug)?.policy === undefined && !this.store.cachedDetails(b.slug));
  }

  private attempted(instance: string, policy: string): string | undefined {
    return this.memento.get<Record<string, Record<string, string>>>(ATTEMPTED_KEY)?.[instance]?.[policy];
  }

  private async markAttempted(instance: string, policy: string, slot: string): Promise<void> {
    const all = this.memento.get<Record<string, Record<string, string>>>(ATTEMPTED_KEY) ?? {};
    await this.memento.update(ATTEMPTED_KEY, { ...all, [instance]: { ...all[instance], [policy]: slot } });
  }

  /**
   * When each enabled policy was first seen. Disabled and removed policies are forgotten, so turning
   * one on again (or re-adding a name) starts from now instead of catching up at once.
   */
  private async firstSeen(instance: string, policies: Policy[]): Promise<Record<string, Date>> {
    const all = this.memento.get<Record<string, Record<string, string>>>(FIRST_SEEN_KEY) ?? {};
    const before = all[instance] ?? {};
    const now = new Date().toISOString();
    const mine: Record<string, string> = {};
    for (const p of policies) if (p.enabled) mine[p.name] = before[p.name] ?? now;
    if (JSON.stringify(mine) !== JSON.stringify(before)) await this.memento.update(FIRST_SEEN_KEY, { ...all, [instance]: mine });
    return Object.fromEntries(Object.entries(mine).map(([k, v]) => [k, new Date(v)]));
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

function nextRunOf(policy: Policy, zone: string): Date | undefined {
  try {
    return nextRunImpl(policy.schedule, new Date(), zone) ?? undefined;
  } catch {
    return undefined;
  }
}
