// Status-bar backup state: a spinner while a backup job runs, otherwise the age of the newest
// backup; warning colours when it is stale or something keeps the policies from working (warnings.ts),
// error colours when the last backup failed. On a Core or Container install the tooltip also tells of
// Home Assistant's automatic backups (a failed one is a warning of warnings.ts).
import * as vscode from 'vscode';
import { daysSince } from '../core/format/age';
import { formatDateTime } from '../core/format/dates';
import { automaticSummaryOf, automaticTooltipLines } from './automaticBackups';
import { escapeMarkdown, formatShortAge } from './format';
import type { RetentionState } from './retention/retentionState';
import type { BackupStore } from './store/backupStore';
import type { BackupWarnings } from './warnings';

export type StatusState = 'hidden' | 'running' | 'failed' | 'stale' | 'ok' | 'empty' | 'error' | 'loading' | 'attention';

export class BackupStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  state: StatusState = 'hidden';
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly store: BackupStore,
    private readonly retention: RetentionState,
    private readonly warnings: BackupWarnings,
    private readonly nextScheduled: () => { policy: string; at: Date } | undefined = () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.item = vscode.window.createStatusBarItem('haBackups.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('Home Assistant Backups');
    this.item.command = 'haBackups.backups.focus';
    // The retention state follows every store change; listening to it renders once, with both up to date.
    this.subscription = vscode.Disposable.from(
      retention.onDidChange(() => this.render()),
      warnings.onDidChange(() => this.render()),
    );
    this.render();
  }

  render(): void {
    const s = this.store;
    const newest = s.backups[0];
    const staleDays = vscode.workspace.getConfiguration('haBackups').get<number | null>('staleAfterDays') ?? s.daysUntilStale;
    const item = this.item;
    item.backgroundColor = undefined;
    if (s.status === 'disconnected') {
      this.state = 'hidden';
      item.hide();
      return;
    }
    if (s.running.length > 0) {
      this.state = 'running';
      item.text = `$(sync~spin) ${vscode.l10n.t('Backing up…')}`;
    } else if (s.lastAttemptFailed) {
      this.state = 'failed';
      item.text = `$(error) ${vscode.l10n.t('Backup failed')}`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else if (s.status === 'error') {
      this.state = 'error';
      item.text = `$(warning) ${vscode.l10n.t('Backups unavailable')}`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else if (this.warnings.warnings.length) {
      const [first, ...more] = this.warnings.warnings;
      this.state = 'attention';
      item.text = `$(warning) ${first!.short}${more.length ? ` +${more.length}` : ''}`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else if (s.status === 'loading') {
      this.state = 'loading';
      item.text = `$(sync) ${vscode.l10n.t('Backups…')}`;
    } else if (!newest) {
      this.state = 'empty';
      item.text = `$(archive) ${vscode.l10n.t('No backups')}`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else {
      const date = new Date(newest.date);
      const stale = daysSince(date, this.now()) >= staleDays;
      this.state = stale ? 'stale' : 'ok';
      item.text = `$(archive) ${formatShortAge(date, this.now())}`;
      if (stale) item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    }
    item.tooltip = this.tooltip(staleDays);
    item.accessibilityInformation = { label: `${vscode.l10n.t('Home Assistant backups')}: ${item.text.replace(/\$\([^)]*\)\s*/g, '')}` };
    item.show();
  }

  private tooltip(staleDays: number): vscode.MarkdownString {
    const s = this.store;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${vscode.l10n.t('Home Assistant Backups')}**\n\n`);
    for (const r of s.running) md.appendMarkdown(`$(sync~spin) ${vscode.l10n.t('Running: {0}', r.name)}  \n`);
    if (s.error) md.appendMarkdown(`$(warning) ${s.error}  \n`);
    for (const w of this.warnings.warnings) md.appendMarkdown(`$(warning) ${escapeMarkdown(w.text)}  \n`);
    const newest = s.backups[0];
    if (newest) {
      md.appendMarkdown(`${vscode.l10n.t('Newest: {0}', newest.name || newest.slug)} (${formatDateTime(new Date(newest.date), s.timeZone)})  \n`);
    }
    md.appendMarkdown(`${vscode.l10n.t('Backups: {0}', s.backups.length)} · ${vscode.l10n.t('stale after {0} days', staleDays)}  \n`);
    if (this.retention.plan) {
      // What Auto Backup's sensors show: monitored and purgeable backups, the next expiration.
      const next = this.retention.nextExpiration;
      md.appendMarkdown(
        `${vscode.l10n.t('Monitored by retention: {0}', this.retention.monitored)} · ${vscode.l10n.t('purgeable: {0}', this.retention.plan.remove.length)}  \n`,
      );
      if (next) md.appendMarkdown(`${vscode.l10n.t('Next expiration: {0}', formatDateTime(next, s.timeZone))}  \n`);
    }
    const next = this.nextScheduled();
    if (next) md.appendMarkdown(`${vscode.l10n.t('Next scheduled run: {0} at {1} (while VS Code is open)', next.policy, formatDateTime(next.at, s.timeZone))}  \n`);
    if (s.lastSuccess) md.appendMarkdown(`${vscode.l10n.t('Last success: {0}', s.lastSuccess.name)} (${formatDateTime(s.lastSuccess.at, s.timeZone)})  \n`);
    if (s.lastFailure) {
      md.appendMarkdown(`${vscode.l10n.t('Last failure: {0}', s.lastFailure.name)} (${formatDateTime(s.lastFailure.at, s.timeZone)}): ${s.lastFailure.error ?? ''}  \n`);
    }
    const automatic = automaticSummaryOf(s);
    if (automatic) {
      md.appendMarkdown(`\n**${vscode.l10n.t("Home Assistant's automatic backups (run in Home Assistant, 24/7)")}**\n\n`);
      for (const line of automaticTooltipLines(automatic, s.timeZone, s.haNow(), escapeMarkdown)) md.appendMarkdown(`${line}  \n`);
      if (automatic.creating && !s.running.length) md.appendMarkdown(`$(sync~spin) ${vscode.l10n.t('Home Assistant is making a backup.')}  \n`);
    }
    return md;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
