// Localized display text for ages and backup descriptions.
import * as vscode from 'vscode';
import { agentNameOf } from './locations/agentNames';
import { ageOf } from '../core/format/age';

export function formatAge(date: Date, now: Date): string {
  const age = ageOf(date, now);
  switch (age.unit) {
    case 'now':
      return vscode.l10n.t('just now');
    case 'minute':
      return vscode.l10n.t('{0} min ago', age.count);
    case 'hour':
      return vscode.l10n.t('{0} h ago', age.count);
    case 'day':
      return age.count === 1 ? vscode.l10n.t('1 day ago') : vscode.l10n.t('{0} days ago', age.count);
    case 'month':
      return age.count === 1 ? vscode.l10n.t('1 month ago') : vscode.l10n.t('{0} months ago', age.count);
    case 'year':
      return age.count === 1 ? vscode.l10n.t('1 year ago') : vscode.l10n.t('{0} years ago', age.count);
  }
}

/** Short age for the status bar: "5 min", "3 h", "2 d". */
export function formatShortAge(date: Date, now: Date): string {
  const age = ageOf(date, now);
  switch (age.unit) {
    case 'now':
      return vscode.l10n.t('now');
    case 'minute':
      return vscode.l10n.t('{0} min', age.count);
    case 'hour':
      return vscode.l10n.t('{0} h', age.count);
    case 'day':
      return vscode.l10n.t('{0} d', age.count);
    case 'month':
      return vscode.l10n.t('{0} mo', age.count);
    case 'year':
      return vscode.l10n.t('{0} y', age.count);
  }
}

export function locationLabel(location: string | null): string {
  return location === null || location === '.local' ? vscode.l10n.t('This system') : (agentNameOf(location) ?? location);
}

/** The labels Home Assistant's backup UI uses for the Supervisor's folder ids. */
export function folderLabel(folder: string): string {
  switch (folder) {
    case 'share':
      return vscode.l10n.t('Share folder');
    case 'addons/local':
      return vscode.l10n.t('Local add-ons');
    case 'ssl':
      return vscode.l10n.t('SSL certificates');
    case 'media':
      return vscode.l10n.t('Media');
    default:
      return folder;
  }
}

/** Text shown inside a MarkdownString (tooltips), with every Markdown character taken literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
