// What keeps backups from being made or deleted as the policies say, in words: a policy file with
// errors, a policy overdue (and why), backups dated in the future, a clock that differs from Home
// Assistant's; on a Core or Container install also Home Assistant's last automatic backup that failed
// and an agent it could not list. Shown in the status bar and above the Backups view; each new one is
// logged once, and a broken policy file is also a notification, once. An automatic backup that fails
// while the extension watches is logged as `backup_failed` and a notification instead.
import * as vscode from 'vscode';
import { newestOfPolicy } from '../core/deletion';
import { formatDateTime } from '../core/format/dates';
import { AutomaticFailureWatch, unreachableAgents, type AutomaticFailure, type AutomaticSummary } from '../core/homeAssistant/coreInstall/automaticSummary';
import { overdueSince } from '../core/policy';
import { automaticFailureShort, automaticFailureText, automaticSummaryOf, reasonText, unreachableAgentShort, unreachableAgentText } from './automaticBackups';
import type { Connection } from './connection/connectionManager';
import type { NotificationLevel } from './events';
import { formatShortAge } from './format';
import type { EventLog } from './log';
import type { PolicyScheduler } from './policy/scheduler';
import type { RetentionState } from './retention/retentionState';
import type { BackupStore } from './store/backupStore';

/** Clocks further apart than this are worth a word. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface BackupWarning {
  /** Stable while the cause is the same (a notification or log line is given once per id). */
  id: string;
  /** A few words for the status bar. */
  short: string;
  /** The whole sentence. */
  text: string;
}

export class BackupWarnings implements vscode.Disposable {
  warnings: BackupWarning[] = [];

  /** Why the policy `name` is overdue (it runs only while VS Code is open), if it is. */
  overdue(name: string): BackupWarning | undefined {
    return this.warnings.find((w) => w.id.startsWith(`overdue:${name}:`));
  }
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly told = new Set<string>();
  /** The newest backup of each policy while the list was last readable. */
  private readonly newest = new Map<string, Date>();
  private readonly disposables: vscode.Disposable[];
  private readonly timer: NodeJS.Timeout;
  /** Home Assistant's automatic backups that fail while this connection is watched. */
  private automaticWatch = new AutomaticFailureWatch();
  private watched: Connection | undefined;
  /** The end of the extension's own last backup that a list has come in after: a newer end is a run of its own since. */
  private ownResultSeen = 0;

  constructor(
    private readonly store: BackupStore,
    private readonly retention: RetentionState,
    private readonly scheduler: PolicyScheduler,
    private readonly log: EventLog,
  ) {
    this.disposables = [this.changed, retention.onDidChange(() => this.update()), scheduler.onDidTick(() => this.update())];
    // Overdue is a matter of time passing, too.
    this.timer = setInterval(() => this.update(), 60_000);
  }

  update(): void {
    const automatic = automaticSummaryOf(this.store);
    this.watchAutomatic(automatic);
    const next = this.compute(automatic);
    for (const w of next) {
      if (this.told.has(w.id)) continue;
      this.told.add(w.id);
      this.log.warn(w.text);
      if (w.id.startsWith('policy-file:')) {
        const open = vscode.l10n.t('Open Policy File');
        const file = this.retention.file.file;
        void vscode.window.showWarningMessage(w.text, open).then((c) => (c === open && file ? vscode.window.showTextDocument(vscode.Uri.file(file)) : undefined));
      }
    }
    const same = next.length === this.warnings.length && next.every((w, i) => w.id === this.warnings[i]?.id && w.text === this.warnings[i]?.text);
    this.warnings = next;
    if (!same) this.changed.fire();
  }

  /** A failed automatic backup that is new since the connection was made: a `backup_failed` line and a notification. */
  private watchAutomatic(summary: AutomaticSummary | undefined): void {
    const ownResultAt = Math.max(this.store.lastSuccess?.at.getTime() ?? 0, this.store.lastFailure?.at.getTime() ?? 0);
    if (this.store.connection !== this.watched) {
      this.watched = this.store.connection;
      this.automaticWatch = new AutomaticFailureWatch();
      this.ownResultSeen = ownResultAt;
    }
    // Only a list that just came in tells what is new; the one kept after a failed refresh is old.
    if (this.store.status !== 'ready') return;
    // A backup made from VS Code with the automatic settings is reported by its command, not again here:
    // while it runs, and until a list asked for after its end has come in.
    const ownRun = this.store.running.length > 0 || ownResultAt > this.ownResultSeen;
    if (this.store.listedAt >= ownResultAt) this.ownResultSeen = ownResultAt;
    const failure = this.automaticWatch.observe(summary, ownRun);
    if (!failure) return;
    // Said here instead of the warning's log line.
    this.told.add(automaticFailureId(failure));
    this.log.event('backup_failed', {
      origin: 'home_assistant_automatic',
      attempted: failure.attempted.toISOString(),
      reason: failure.reason ?? undefined,
      error: reasonText(failure.reason),
      failed_agents: failure.failedAgents.length ? failure.failedAgents.map((a) => a.agentId) : undefined,
    });
    const level = vscode.workspace.getConfiguration('haBackups').get<NotificationLevel>('notifications') ?? 'failures';
    if (level === 'none') return;
    const showLog = vscode.l10n.t('Show Log');
    void vscode.window.showWarningMessage(automaticFailureText(failure, this.store.timeZone), showLog).then((choice) => {
      if (choice === showLog) this.log.channel.show();
    });
  }

  private compute(automatic: AutomaticSummary | undefined): BackupWarning[] {
    if (!this.store.connection) return [];
    const out: BackupWarning[] = [];
    const file = this.retention.file;
    const seen = this.scheduler.seenPolicies();
    const parsed = new Set(file.policies.map((p) => p.name));
    if (file.state.status === 'invalid') {
      const notRunning = Object.keys(seen).filter((name) => !parsed.has(name));
      const text = vscode.l10n.t('The policy file has errors ({0}): no policy deletes anything until it is fixed.', file.state.problem);
      out.push({
        id: `policy-file:${file.state.problem}`,
        short: vscode.l10n.t('Policy file has errors'),
        text: notRunning.length ? `${text} ${vscode.l10n.t('Not running: {0}.', notRunning.join(', '))}` : text,
      });
    }
    const plan = this.retention.plan;
    const now = this.store.haNow();
    for (const name of Object.keys(seen)) {
      const newest = plan ? newestOfPolicy(plan, name) : this.newest.get(name);
      if (plan && newest) this.newest.set(name, newest);
      const entry = seen[name]!;
      const since = overdueSince({ schedule: entry.cron, enabled: true, firstSeen: new Date(entry.firstSeen), newestBackup: newest }, now, this.scheduler.zone());
      if (!since || this.store.running.length) continue;
      const cause = this.causeOf(name, parsed);
      const base = newest
        ? vscode.l10n.t('"{0}": no backup for {1}', name, formatShortAge(newest, now))
        : vscode.l10n.t('"{0}": no backup since its run due {1}', name, formatDateTime(since, this.store.timeZone));
      out.push({ id: `overdue:${name}:${since.toISOString()}:${cause}`, short: vscode.l10n.t('{0} overdue', name), text: cause ? `${base} — ${cause}` : base });
    }
    const future = plan?.decisions.filter((d) => d.future) ?? [];
    if (future.length) {
      const named = future.slice(0, 3).map((d) => `${d.backup.name || d.slug} (${formatDateTime(new Date(d.backup.date), this.store.timeZone)})`);
      const list = future.length > 3 ? vscode.l10n.t('{0} and {1} more', named.join(', '), future.length - 3) : named.join(', ');
      out.push({
        id: `future:${future.map((d) => d.slug).join(',')}`,
        short: vscode.l10n.t('Backup dated in the future'),
        text: vscode.l10n.t('Dated in the future: {0}. Such backups are ignored by schedules and retention; check the clock of the machine that made them.', list),
      });
    }
    const offset = this.store.clock.offsetMs;
    if (offset !== undefined && Math.abs(offset) > CLOCK_SKEW_MS) {
      // To the minute: a reading is good to a second, and "2 d" for 3 days less half a second misleads.
      const now = Date.now();
      const by = formatShortAge(new Date(now - Math.round(Math.abs(offset) / 60_000) * 60_000), new Date(now));
      out.push({
        id: 'clock',
        short: vscode.l10n.t('Clock differs from Home Assistant'),
        text:
          offset < 0
            ? vscode.l10n.t("This computer's clock is {0} ahead of Home Assistant's; schedules and expiries follow Home Assistant's clock.", by)
            : vscode.l10n.t("This computer's clock is {0} behind Home Assistant's; schedules and expiries follow Home Assistant's clock.", by),
      });
    }
    if (automatic?.failure) {
      out.push({ id: automaticFailureId(automatic.failure), short: automaticFailureShort(), text: automaticFailureText(automatic.failure, this.store.timeZone) });
    }
    // Not a failure: the list lacks that agent's copies until Home Assistant reaches it again.
    for (const agent of this.store.manager ? unreachableAgents(this.store.manager) : []) {
      out.push({ id: `agent-unreachable:${agent.agentId}:${agent.reason}`, short: unreachableAgentShort(agent), text: unreachableAgentText(agent) });
    }
    return out;
  }

  /** Why a policy's run was not made, as far as it can be told. */
  private causeOf(name: string, parsed: ReadonlySet<string>): string {
    const file = this.retention.file.state;
    if (file.status === 'invalid' && !parsed.has(name)) return vscode.l10n.t('the policy file has an error');
    if (this.store.status !== 'ready') return vscode.l10n.t('Home Assistant is not reachable');
    if (!vscode.workspace.isTrusted) return vscode.l10n.t('this workspace is not trusted, so nothing runs');
    if (!this.scheduler.active) return vscode.l10n.t('the scheduler is off (haBackups.scheduler)');
    const failure = this.scheduler.failures.get(name);
    if (failure) return vscode.l10n.t('its last run failed: {0}', failure);
    return '';
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

/** One per attempt: a newer failed attempt is another warning. */
function automaticFailureId(failure: AutomaticFailure): string {
  return `automatic-failed:${failure.attempted.toISOString()}`;
}
