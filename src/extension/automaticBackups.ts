// Home Assistant's automatic backups on a Core or Container install, in words: the lines of the status
// bar's tooltip, the Backups view's description, and the warnings of a failed automatic backup or an
// agent Home Assistant could not list. The facts come from core (coreInstall/automaticSummary.ts).
import * as vscode from 'vscode';
import { formatDateTime } from '../core/format/dates';
import { summarizeAutomatic, type AutomaticFailure, type AutomaticSummary, type NamedAgent, type UnreachableAgent } from '../core/homeAssistant/coreInstall/automaticSummary';
import { formatShortAge } from './format';
import type { BackupStore } from './store/backupStore';

/** From the last list, as of Home Assistant's clock; undefined on a Supervisor install and before the first list. */
export function automaticSummaryOf(store: BackupStore): AutomaticSummary | undefined {
  return store.manager ? summarizeAutomatic(store.manager, store.haNow(), store.manager.schedule) : undefined;
}

/** Home Assistant's name for an agent; its own disk is "this system", as the locations of the view say. */
export function agentLabel(agent: NamedAgent): string {
  return agent.local ? vscode.l10n.t('This system') : (agent.name ?? agent.agentId);
}

/** Core's reason codes for a backup that failed (components/backup/models.py BackupError.error_code and the manager's own). */
export function reasonText(reason: string | null): string {
  switch (reason) {
    case null:
      return vscode.l10n.t('no reason given');
    case 'upload_failed':
      return vscode.l10n.t('the upload to some locations failed');
    case 'unknown_error':
    case 'unknown':
      return vscode.l10n.t('unknown error');
    case 'backup_manager_error':
      return vscode.l10n.t("an error of Home Assistant's backup manager");
    case 'backup_reader_writer_error':
      return vscode.l10n.t('the backup could not be written');
    case 'backup_agent_error':
      return vscode.l10n.t('a backup location reported an error');
    case 'backup_agent_unreachable':
      return vscode.l10n.t('a backup location could not be reached');
    default:
      return reason;
  }
}

/** The warning (and notification) of a failed automatic backup: when, why, and where it is missing. */
export function automaticFailureText(failure: AutomaticFailure, timeZone: string | null): string {
  const text = vscode.l10n.t("Home Assistant's automatic backup of {0} failed: {1}.", formatDateTime(failure.attempted, timeZone), reasonText(failure.reason));
  return failure.failedAgents.length ? `${text} ${vscode.l10n.t('Not uploaded to: {0}.', failure.failedAgents.map(agentLabel).join(', '))}` : text;
}

export function automaticFailureShort(): string {
  return vscode.l10n.t('Automatic backup failed');
}

export function unreachableAgentText(agent: UnreachableAgent): string {
  return vscode.l10n.t('Home Assistant could not list the backups on {0}: {1}; its copies are not shown', agentLabel(agent), agent.reason.replace(/[.\s]+$/, ''));
}

export function unreachableAgentShort(agent: UnreachableAgent): string {
  return vscode.l10n.t('{0} unreachable', agentLabel(agent));
}

/** Home Assistant's schedule in words: "daily at 04:45", "Mon, Thu at 04:45", "daily" (its own time). */
export function scheduleText(schedule: NonNullable<AutomaticSummary['schedule']>): string {
  const time = schedule.time ? schedule.time.slice(0, 5) : undefined;
  if (schedule.recurrence === 'daily') return time ? vscode.l10n.t('daily at {0}', time) : vscode.l10n.t('daily (at a time Home Assistant picks)');
  const days = schedule.days.map((d) => d.charAt(0).toUpperCase() + d.slice(1)).join(', ');
  return time ? vscode.l10n.t('{0} at {1}', days, time) : vscode.l10n.t('{0} (at a time Home Assistant picks)', days);
}

/** A few words for the Backups view's description: when the next automatic backup is. */
export function automaticDescription(summary: AutomaticSummary, now: Date): string | undefined {
  if (!summary.enabled) return vscode.l10n.t('automatic backups off');
  if (!summary.next) return undefined;
  if (summary.nextDue) return vscode.l10n.t('automatic backup due');
  const next = vscode.l10n.t('next automatic backup in {0}', formatShortAge(now, summary.next));
  return summary.schedule ? `${next} (${scheduleText(summary.schedule)})` : next;
}

/**
 * The tooltip's lines. `literal` takes Home Assistant's own text (agent names, a reason without words
 * of its own) as it is in the tooltip's Markdown; the dates and the extension's words need no escaping.
 */
export function automaticTooltipLines(summary: AutomaticSummary, timeZone: string | null, now: Date, literal: (text: string) => string = (t) => t): string[] {
  const lines: string[] = [];
  const at = (date: Date) => formatDateTime(date, timeZone);
  if (!summary.enabled) lines.push(vscode.l10n.t('Automatic backups are off.'));
  else if (summary.schedule) lines.push(vscode.l10n.t('Schedule: {0}', scheduleText(summary.schedule)));
  if (summary.next) {
    const when = summary.nextDue ? vscode.l10n.t('{0}, due', at(summary.next)) : vscode.l10n.t('{0}, in {1}', at(summary.next), formatShortAge(now, summary.next));
    lines.push(summary.nextAdditional ? vscode.l10n.t('Next automatic backup: {0} (an extra one for a missed run)', when) : vscode.l10n.t('Next automatic backup: {0}', when));
  }
  lines.push(summary.lastCompleted ? vscode.l10n.t('Last completed: {0}', at(summary.lastCompleted)) : vscode.l10n.t('Last completed: never'));
  const failure = summary.failure;
  if (failure) {
    lines.push(vscode.l10n.t('Last attempt failed: {0}: {1}', at(failure.attempted), literal(reasonText(failure.reason))));
    if (failure.failedAgents.length) lines.push(vscode.l10n.t('Not uploaded to: {0}', literal(failure.failedAgents.map(agentLabel).join(', '))));
  } else if (summary.lastAttempted) {
    lines.push(vscode.l10n.t('Last attempted: {0}', at(summary.lastAttempted)));
  }
  return lines;
}
