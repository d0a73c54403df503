// One backup in the Backups tree. The node carries its domain object; its context value is a list
// of state tokens (`backup full protected mount`) that menus match with `viewItem =~ /…/`.
import * as vscode from 'vscode';
import { formatDateTime } from '../../core/format/dates';
import { formatSize } from '../../core/format/size';
import type { Backup, BackupDetails } from '../../core/supervisor';
import { escapeMarkdown as escape, folderLabel, formatAge, locationLabel } from '../format';
import { agentIcon } from '../locations/agentNames';

export interface BackupNodeContext {
  now: Date;
  timeZone: string | null;
  addonNames: ReadonlyMap<string, string>;
  /** Loaded lazily when the tooltip is first shown: HA version and add-on names at backup time. */
  details?: BackupDetails;
  /** When a backup made with keep_days may be purged; keepDays is absent for the Auto Backup integration's. */
  expiry?: { expires: string; keepDays?: number; source: 'extension' | 'auto_backup' };
  /** Dated later than Home Assistant's now. */
  future?: boolean;
  /** Pinned backups are never deleted by retention. */
  pinned?: boolean;
  /** What retention decides for this backup now. */
  retention?: { action: 'keep' | 'remove'; reasons: string[]; managed: boolean };
  /** A safety-net backup: the config files being edited when it was started. */
  safetyNet?: string[];
}

export const ITEM_SCHEME = 'ha-backups-item';

export class BackupNode {
  readonly kind = 'backup';

  constructor(readonly backup: Backup) {}

  get id(): string {
    return this.backup.slug;
  }

  contextValue(pinned = false, future = false): string {
    const b = this.backup;
    const tokens = ['backup', b.type, b.protected ? 'protected' : 'unprotected', pinned ? 'pinned' : 'unpinned'];
    if (future) tokens.push('future');
    if (b.locations.some((l) => l !== null)) tokens.push('mount');
    if (b.locations.length > 1) tokens.push('multiLocation');
    if (b.content.homeassistant) tokens.push('config');
    return tokens.join(' ');
  }

  toTreeItem(ctx: BackupNodeContext): vscode.TreeItem {
    const b = this.backup;
    // Collapsed: expanding it shows what is inside (src/extension/browse).
    const item = new vscode.TreeItem(b.name || b.slug, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = b.slug;
    item.description = describe(b, ctx.now, ctx.pinned, ctx.retention, ctx.future, ctx.safetyNet);
    // Carries the slug to the file decoration provider (retention badge).
    item.resourceUri = vscode.Uri.from({ scheme: ITEM_SCHEME, path: `/${b.slug}` });
    item.contextValue = this.contextValue(ctx.pinned, ctx.future);
    item.iconPath = ctx.future ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : iconFor(b);
    item.tooltip = tooltipFor(b, ctx);
    item.accessibilityInformation = {
      label: vscode.l10n.t('Backup {0}, {1}', b.name || b.slug, item.description),
    };
    return item;
  }
}

export function describe(b: Backup, now: Date, pinned = false, retention?: BackupNodeContext['retention'], future = false, safetyNet?: readonly string[]): string {
  const parts = [future ? vscode.l10n.t('dated in the future') : formatAge(new Date(b.date), now), formatSize(b.size_bytes), typeLabel(b)];
  if (safetyNet?.length) parts.push(vscode.l10n.t('safety net: {0}', safetyNet.join(', ')));
  if (pinned) parts.push(vscode.l10n.t('pinned'));
  else if (retention?.action === 'remove') parts.push(vscode.l10n.t('to be purged'));
  else if (retention?.managed && retention.reasons[0]) parts.push(retention.reasons[0]);
  const mounts = b.locations.filter((l): l is string => l !== null);
  if (mounts.length) parts.push(mounts.map(locationLabel).join(', '));
  return parts.join(' · ');
}

function typeLabel(b: Backup): string {
  return b.type === 'full' ? vscode.l10n.t('full') : vscode.l10n.t('partial');
}

function iconFor(b: Backup): vscode.ThemeIcon {
  if (b.protected) return new vscode.ThemeIcon('lock', new vscode.ThemeColor('charts.yellow'));
  const onlyMounts = b.locations.every((l) => l !== null);
  if (onlyMounts) return new vscode.ThemeIcon('server', new vscode.ThemeColor('charts.blue'));
  return new vscode.ThemeIcon(b.locations.length > 1 ? 'files' : 'archive');
}

function tooltipFor(b: Backup, ctx: BackupNodeContext): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escape(b.name || b.slug)}**\n\n`);
  md.appendMarkdown(`${vscode.l10n.t('Date')}: ${escape(formatDateTime(new Date(b.date), ctx.timeZone))}${ctx.timeZone ? ` (${escape(ctx.timeZone)})` : ''}  \n`);
  md.appendMarkdown(`${vscode.l10n.t('Slug')}: \`${b.slug}\`  \n`);
  md.appendMarkdown(`${vscode.l10n.t('Type')}: ${typeLabel(b)} · ${formatSize(b.size_bytes)}${b.compressed ? '' : ` · ${vscode.l10n.t('uncompressed')}`}  \n`);
  if (ctx.safetyNet?.length) md.appendMarkdown(`$(shield) ${escape(vscode.l10n.t('Safety net, started while editing {0}', ctx.safetyNet.join(', ')))}  \n`);
  if (ctx.pinned) md.appendMarkdown(`$(pinned) ${escape(vscode.l10n.t('Pinned: never deleted by retention'))}  \n`);
  if (ctx.retention) {
    const verdict = ctx.retention.action === 'remove' ? vscode.l10n.t('Retention: to be purged') : vscode.l10n.t('Retention: kept');
    md.appendMarkdown(`$(history) ${escape(`${verdict} (${ctx.retention.reasons.join(', ')})`)}  \n`);
  }
  if (ctx.expiry) {
    const when = formatDateTime(new Date(ctx.expiry.expires), ctx.timeZone);
    const text =
      ctx.expiry.source === 'auto_backup' || ctx.expiry.keepDays === undefined
        ? vscode.l10n.t('Expires {0} (Auto Backup integration)', when)
        : vscode.l10n.t('Expires {0} (kept {1} days)', when, ctx.expiry.keepDays);
    md.appendMarkdown(`$(clock) ${escape(text)}  \n`);
  }
  md.appendMarkdown('\n');
  md.appendMarkdown(`**${vscode.l10n.t('Content')}**  \n`);
  if (b.content.homeassistant) {
    const version = ctx.details?.homeassistant;
    const label = version ? vscode.l10n.t('Home Assistant {0} configuration', version) : vscode.l10n.t('Home Assistant configuration');
    const db = ctx.details?.homeassistant_exclude_database ? ` (${vscode.l10n.t('without database')})` : '';
    md.appendMarkdown(`$(home) ${escape(label)}${db}  \n`);
  }
  for (const slug of b.content.addons) {
    const atBackup = ctx.details?.addons.find((a) => a.slug === slug);
    const name = atBackup?.name ?? ctx.addonNames.get(slug);
    const version = atBackup?.version ? ` ${atBackup.version}` : '';
    md.appendMarkdown(`$(extensions) ${escape(name ? `${name}${version} (${slug})` : slug)}  \n`);
  }
  for (const folder of b.content.folders) md.appendMarkdown(`$(folder) ${escape(folderLabel(folder))}  \n`);
  md.appendMarkdown(`\n**${vscode.l10n.t('Locations')}**  \n`);
  for (const location of b.locations) {
    const attrs = b.location_attributes?.[location ?? '.local'];
    const isProtected = attrs?.protected ?? b.protected;
    const icon = isProtected ? '$(lock)' : '$(unlock)';
    const state = isProtected ? vscode.l10n.t('password protected') : vscode.l10n.t('not protected');
    md.appendMarkdown(`$(${agentIcon(location).id}) ${icon} ${escape(locationLabel(location))}: ${state}${attrs ? ` · ${formatSize(attrs.size_bytes)}` : ''}  \n`);
  }
  return md;
}
