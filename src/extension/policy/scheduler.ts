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
      const policies = readPolicies()?.parsed.policies ?? [];
      if (!policies.length) return ran;
      if (this.store.status !== 'ready') await this.store.refresh();
      if (this.store.status !== 'ready') return ran;
      const firstSeen = await this.firstSeen(connection.url, policies);
      await this.retention.learnOwners();
      const zone = this.store.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
      for (const policy of policies) {
        const decision = isDue({ schedule: policy.schedule, enabled: policy.enabled, firstSeen: firstSeen[policy.name]!, newestBackup: this.newestBackupOf(policy.name) }, new Date(), zone);
        if (!decision.due) continue;
        if (await this.backupJobRunning()) {
          this.log.info(`policy "${policy.name}" is due, but a backup job is running on the Supervisor; trying again later`);
          break;
        }
        this.log.info(`scheduled run of policy "${policy.name}" (due ${decision.scheduledFor.toISOString()}${decision.catchUp ? ', catching up a missed run' : ''})`);
        const result = await this.run(policy);
        if (result.status === 'failed' && /already in progress/.test(result.error ?? '')) break;
        ran.push(policy.name);
        await this.store.refresh();
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
    for (const p of readPolicies()?.parsed.policies ?? []) {
      if (!p.enabled) continue;
      const at = nextRunOf(p, zone);
      if (at && (!next || at < next.at)) next = { policy: p.name, at };
    }
    return next;
  }

  private async run(policy: Policy): Promise<RunResult> {
    try {
      return await this.runner.create(requestOf(policy), { policy: policy.name, quiet: true });
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

  private async backupJobRunning(): Promise<boolean> {
    if (this.store.running.length) return true;
    const jobs = await this.store.connection?.client.jobs().catch(() => undefined);
    return jobs?.some((j) => BACKUP_JOB.test(j.name ?? '') && j.done === false) ?? false;
  }

  private async firstSeen(instance: string, policies: Policy[]): Promise<Record<string, Date>> {
    const all = this.memento.get<Record<string, Record<string, string>>>(FIRST_SEEN_KEY) ?? {};
    const mine = { ...all[instance] };
    const now = new Date().toISOString();
    let changed = false;
    for (const p of policies) {
      if (!mine[p.name]) {
        mine[p.name] = now;
        changed = true;
      }
    }
    if (changed) await this.memento.update(FIRST_SEEN_KEY, { ...all, [instance]: mine });
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
