// Runs a backup from request to finish: plan it (src/core/options), check it, start the job, and
// follow the job independently of the progress notification. Cancelling the notification or the
// backup timeout stops the wait, not the backup: a late backup is still recorded, given its expiry
// and downloaded to its download paths (Auto Backup loses track of it — its most reported bug).
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { ledgerEntryFor } from '../core/deletion';
import { planBackup, withExtraTag, type BackupPlan, type BackupRequestInput } from '../core/options';
import { EXTRA_SINCE, FILENAME_SINCE, isSupervisorError, JobLostError, supervisorAtLeast, waitForJob, type Addon, type Backup, type JobOutcome } from '../core/supervisor';
import type { Connection } from './connection/connectionManager';
import { readDefaultBackupKey } from './defaultKey';
import type { Downloads } from './downloads';
import { describeError } from './errors';
import type { BackupEvents } from './events';
import { stageLabel } from './jobStages';
import type { EventLog } from './log';
import type { BackupStore } from './store/backupStore';
import type { LedgerStore } from './store/ledgerStore';

export type RunStatus = 'succeeded' | 'failed' | 'still_running' | 'invalid' | 'lost';

export interface RunResult {
  status: RunStatus;
  name: string;
  jobId?: string;
  slug?: string;
  error?: string;
  /** Problems that stopped the backup before it started (status `invalid`). */
  errors?: string[];
  warnings?: string[];
  /** Settles when the job is over, also after the user stopped waiting. */
  finished?: Promise<RunResult>;
}

export class BackupRunner implements vscode.Disposable {
  private readonly stopping = new AbortController();
  /** Latest stage of each running job, shown in its progress notification. */
  private readonly stages = new Map<string, string>();
  /** Jobs whose backup is verified when it succeeds (a policy's `verify: true`), with the backup's password. */
  private readonly verifyJobs = new Map<string, string | undefined>();
  /** Reads a finished backup completely (set in activate: the browse code owns the archive reader). */
  verify?: (backup: Backup, password: string | undefined) => PromiseLike<{ ok: boolean; error?: string }>;

  constructor(
    private readonly store: BackupStore,
    readonly events: BackupEvents,
    private readonly log: EventLog,
    private readonly downloads: Downloads,
    private readonly ledger: LedgerStore,
  ) {}

  /**
   * Plans and runs one backup. Problems found before starting are shown and returned, nothing is
   * sent. `policy` names the policy the backup is made for: it is written into the backup's `extra`
   * and, when the backup succeeds, recorded in the ledger with the backup's identity — the only
   * ground on which retention may later delete it without asking.
   */
  async create(request: BackupRequestInput, options: { policy?: string; quiet?: boolean; verify?: boolean } = {}): Promise<RunResult> {
    const connection = this.store.connection;
    if (!connection) throw new Error(vscode.l10n.t('Not connected to a Home Assistant Supervisor.'));
    const plan = await this.plan(connection, request);
    if (options.policy !== undefined && supervisorAtLeast(this.store.supervisorVersion, EXTRA_SINCE)) {
      plan.body.extra = withExtraTag(plan.body.extra, { policy: options.policy });
    }
    const name = plan.body.name ?? '';
    if (plan.errors.length) {
      const message = vscode.l10n.t('The backup was not started: {0}', plan.errors.join(' '));
      this.log.error(message);
      void vscode.window.showErrorMessage(message);
      return { status: 'invalid', name, errors: plan.errors, warnings: plan.warnings };
    }
    for (const w of plan.warnings) this.log.warn(`backup "${name}": ${w}`);
    if (plan.warnings.length) void vscode.window.showWarningMessage(vscode.l10n.t('Backup "{0}": {1}', name, plan.warnings.join(' ')));

    const startedAt = new Date();
    this.events.fire('backup_start', { name }, { type: plan.label, keep_days: plan.keepDays ?? undefined, policy: options.policy });
    let jobId: string;
    try {
      jobId = plan.endpoint === 'full' ? await connection.client.startFullBackup(plan.body) : await connection.client.startPartialBackup(plan.body);
    } catch (e) {
      return this.failed(name, startedAt, describeError(e, connection.url));
    }
    this.log.info(`backup job ${jobId} started for "${name}" (${plan.label})`);
    this.store.addRunning({ jobId, name, startedAt });
    if (options.verify) this.verifyJobs.set(jobId, plan.body.password ?? undefined);
    const finished = this.follow(connection, jobId, name, startedAt, plan, options.policy);
    return this.showProgress(name, jobId, finished, options.quiet === true);
  }

  private async plan(connection: Connection, request: BackupRequestInput): Promise<BackupPlan> {
    const wantsKey = request.encrypted === true && !request.password;
    const key = wantsKey ? await readDefaultBackupKey(connection) : { key: null };
    const plan = planBackup(request, {
      installedAddons: await this.installedAddons(connection),
      now: new Date(),
      timeZone: this.store.timeZone,
      defaultKey: 'key' in key ? key.key : null,
      haVersion: this.store.haVersion,
      readableFileName: supervisorAtLeast(this.store.supervisorVersion, FILENAME_SINCE),
    });
    // Why the key is missing is worth more than "there is no key".
    if ('error' in key) plan.errors.unshift(key.error);
    for (const dir of plan.downloadPaths) {
      if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) plan.errors.push(vscode.l10n.t('The download path {0} is not an existing folder.', dir));
    }
    if (plan.keepDays !== null && supervisorAtLeast(this.store.supervisorVersion, EXTRA_SINCE)) {
      plan.body.extra = withExtraTag(plan.body.extra, { keepDays: plan.keepDays });
    }
    return plan;
  }

  private async installedAddons(connection: Connection): Promise<Addon[]> {
    try {
      return await connection.client.addons();
    } catch {
      // A backup-role token may not list add-ons: fall back to the names the tree already knows.
      return [...this.store.addonNames].map(([slug, name]) => ({ slug, name }));
    }
  }

  /** `quiet` (scheduled runs): progress in the status bar instead of a notification. */
  private showProgress(name: string, jobId: string, finished: Promise<RunResult>, quiet: boolean): Thenable<RunResult> {
    const timeoutMinutes = vscode.workspace.getConfiguration('haBackups').get<number>('backupTimeoutMinutes') ?? 30;
    return vscode.window.withProgress(
      { location: quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title: vscode.l10n.t('Backing up "{0}"', name), cancellable: !quiet },
      (progress, token) =>
        new Promise<RunResult>((resolve) => {
          progress.report({ message: vscode.l10n.t('started') });
          const stopWaiting = (why: string) => {
            clearTimeout(timer);
            onStage.dispose();
            this.log.info(`stopped waiting for backup job ${jobId} (${why}); it goes on and is still tracked`);
            resolve({ status: 'still_running', name, jobId, finished });
          };
          const onStage = this.store.onDidChange(() => {
            const stage = this.stages.get(jobId);
            if (stage) progress.report({ message: stageLabel(stage, 'backup') });
          });
          const timer =
            timeoutMinutes > 0
              ? setTimeout(() => {
                  stopWaiting(`backup timeout of ${timeoutMinutes} min`);
                  void vscode.window.showInformationMessage(
                    vscode.l10n.t('The backup "{0}" is taking longer than {1} minutes. It goes on, and is still recorded and downloaded when it finishes.', name, timeoutMinutes),
                  );
                }, timeoutMinutes * 60_000)
              : undefined;
          void finished.then((r) => {
            clearTimeout(timer);
            onStage.dispose();
            resolve(r);
          });
          token.onCancellationRequested(() => {
            stopWaiting('cancelled');
            void vscode.window.setStatusBarMessage(vscode.l10n.t('The backup "{0}" goes on in the background.', name), 5000);
          });
        }),
    );
  }

  private async follow(connection: Connection, jobId: string, name: string, startedAt: Date, plan: BackupPlan, policy?: string): Promise<RunResult> {
    const intervalMs = vscode.workspace.getConfiguration('haBackups').get<number>('jobPollIntervalMilliseconds') ?? 1000;
    let outcome: JobOutcome;
    try {
      outcome = await waitForJob(connection.client, jobId, {
        intervalMs,
        signal: this.stopping.signal,
        onUpdate: (job) => {
          if (job.stage && this.stages.get(jobId) !== job.stage) {
            this.stages.set(jobId, job.stage);
            this.log.info(`backup job ${jobId} stage ${job.stage}`);
            this.store.notifyChanged();
          }
        },
      });
    } catch (e) {
      // VS Code is closing: the backup goes on; nothing is known about its end, so nothing is recorded.
      if (this.stopping.signal.aborted) return { status: 'still_running', name, jobId };
      if (e instanceof JobLostError) return this.lost(connection, jobId, name, startedAt, plan, e, policy);
      return this.failed(name, startedAt, describeError(e, connection.url), jobId);
    } finally {
      this.stages.delete(jobId);
    }
    const slug = outcome.slug ?? undefined;
    if (outcome.failed) {
      // A job can end with an error after the backup was stored (e.g. the copy to an extra location
      // failed: home-assistant/supervisor supervisor/backups/manager.py
      // BackupManager._copy_to_additional_locations @090ef31e): if the backup is there, it is a
      // success with a warning.
      const exists = slug ? await this.store.refreshUntil((list) => list.some((b) => b.slug === slug), 3) : false;
      if (!exists) return this.failed(name, startedAt, outcome.error ?? vscode.l10n.t('unknown error'), jobId, slug);
      outcome.warnings.unshift(outcome.error ?? '');
    }
    return this.succeeded(connection, jobId, name, startedAt, plan, slug, outcome.warnings, policy);
  }

  /** What a finished backup is owed: the event, its expiry, its downloads. Failures here are reported, not hidden. */
  private async succeeded(
    connection: Connection,
    jobId: string,
    name: string,
    startedAt: Date,
    plan: BackupPlan,
    slug: string | undefined,
    warnings: string[],
    policy?: string,
  ): Promise<RunResult> {
    const finishedAt = new Date();
    for (const w of warnings) this.log.warn(`backup "${name}" (${slug}) finished with a warning: ${w}`);
    this.events.fire('backup_successful', { name, slug, durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000 }, { policy });
    this.store.finishRunning(jobId, { success: { name, slug, at: finishedAt } });
    if (warnings.length) void vscode.window.showWarningMessage(vscode.l10n.t('Backup "{0}" finished, but some parts failed: {1}', name, warnings.join('; ')));
    if (slug) await this.store.refreshUntil((list) => list.some((b) => b.slug === slug));
    if (slug && (policy !== undefined || plan.keepDays !== null)) await this.record(connection, slug, policy, plan.keepDays);
    if (plan.downloadPaths.length) {
      const backup = this.store.backups.find((b) => b.slug === slug) ?? (slug ? await this.detailsAsBackup(connection, slug) : undefined);
      for (const directory of plan.downloadPaths) {
        if (backup) await this.downloads.run({ backup, directory });
        else this.events.fire('download_failed', { name, slug, error: vscode.l10n.t('The finished backup is not in the Supervisor’s list, so it cannot be downloaded.') }, { directory });
      }
    }
    if (this.verifyJobs.has(jobId)) {
      const password = this.verifyJobs.get(jobId);
      this.verifyJobs.delete(jobId);
      const backup = this.store.backups.find((b) => b.slug === slug);
      const verified = backup && this.verify ? await this.verify(backup, password) : { ok: false, error: vscode.l10n.t('it is not in the Supervisor’s list') };
      if (!verified.ok) warnings.push(vscode.l10n.t('verification failed: {0}', verified.error ?? vscode.l10n.t('a part is damaged (see the log)')));
    }
    // As Auto Backup's "automatically delete expired backups", but only after a complete success:
    // a backup with a failed part (or that failed verification) must not become the reason an
    // older, complete one is deleted.
    if (vscode.workspace.getConfiguration('haBackups').get<boolean>('autoPurge', true) && vscode.workspace.isTrusted) {
      if (warnings.length) this.log.warn(`no automatic purge after "${name}": ${warnings.join('; ')}`);
      else await vscode.commands.executeCommand('haBackups.purgeBackups', { unattended: true });
    }
    return { status: 'succeeded', name, jobId, slug, warnings: [...plan.warnings, ...warnings] };
  }

  /**
   * Writes the ledger entry of a backup this extension just made, with its identity as listed now and
   * its expiry on Home Assistant's clock (as Auto Backup stamps it when the backup finishes).
   */
  private async record(connection: Connection, slug: string, policy: string | undefined, keepDays: number | null): Promise<void> {
    const listed = this.store.backups.find((b) => b.slug === slug) ?? (await this.detailsAsBackup(connection, slug));
    if (!listed) {
      this.log.warn(`backup ${slug} is not in the Supervisor's list, so it is not recorded: retention will not delete it without asking`);
      return;
    }
    const expires = keepDays === null ? undefined : new Date(this.store.haNow().getTime() + keepDays * 86_400_000);
    try {
      await this.ledger.record(connection.url, ledgerEntryFor(listed, { ...(policy !== undefined ? { policy } : {}), ...(keepDays !== null ? { keepDays } : {}), ...(expires ? { expires } : {}) }, Date.now()));
      if (expires) this.log.info(`backup ${slug} expires ${expires.toISOString()} (keep_days=${keepDays}, Home Assistant's clock)`);
    } catch (e) {
      this.log.error(`could not record backup ${slug}: ${describeError(e)}`);
    }
  }

  /** The job could not be followed to its end. If the backup exists, it succeeded; otherwise say so without claiming a failure. */
  private async lost(connection: Connection, jobId: string, name: string, startedAt: Date, plan: BackupPlan, e: JobLostError, policy?: string): Promise<RunResult> {
    const slug = e.lastSeen?.reference ?? undefined;
    this.log.warn(`${e.message}${slug ? `; looking for backup ${slug}` : ''}`);
    if (slug && (await this.store.refreshUntil((list) => list.some((b) => b.slug === slug), 5))) {
      return this.succeeded(connection, jobId, name, startedAt, plan, slug, [vscode.l10n.t('its job could not be followed to the end, but the backup is there')], policy);
    }
    // A job the Supervisor no longer knows says only "Job does not exist": say what that means.
    const vanished = isSupervisorError(e.cause) && e.cause.kind === 'not_found';
    const reason = vanished ? vscode.l10n.t('the Supervisor no longer knows its job; did it restart?') : describeError(e.cause ?? e, connection.url);
    const message = vscode.l10n.t('Lost track of the backup "{0}" ({1}). Check the Backups view or the Supervisor’s log.', name, reason);
    this.verifyJobs.delete(jobId);
    this.store.finishRunning(jobId, {});
    void vscode.window.showWarningMessage(message);
    return { status: 'lost', name, jobId, slug, error: message };
  }

  private async detailsAsBackup(connection: Connection, slug: string): Promise<Backup | undefined> {
    try {
      const d = await connection.client.backupInfo(slug);
      return {
        ...d,
        size_bytes: d.size_bytes ?? Math.round(d.size * 1024 * 1024),
        size_exact: d.size_bytes !== undefined,
        content: { homeassistant: d.homeassistant !== null, addons: d.addons.map((a) => a.slug), folders: d.folders },
      };
    } catch {
      return undefined;
    }
  }

  private failed(name: string, startedAt: Date, error: string, jobId?: string, slug?: string): RunResult {
    const durationSeconds = (Date.now() - startedAt.getTime()) / 1000;
    if (jobId) this.verifyJobs.delete(jobId);
    this.events.fire('backup_failed', { name, error, slug, durationSeconds }, { job: jobId });
    this.store.finishRunning(jobId ?? '', { failure: { name, error, at: new Date(), slug } });
    return { status: 'failed', name, jobId, slug, error };
  }

  dispose(): void {
    this.stopping.abort();
  }
}
