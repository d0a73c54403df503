// The retention preview: a read-only document listing every backup with keep/remove and why,
// opened before anything is deleted.
import * as vscode from 'vscode';
import { formatDateTime } from '../../core/format/dates';
import type { DeletionPlan, Owner } from '../../core/deletion';
import type { Backup } from '../../core/supervisor';

export const PREVIEW_SCHEME = 'ha-backups-preview';

/** Per extension host, not per instance: after a restart of the extension an old address would show its old text. */
let generation = 0;

export class PurgePreviewDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** Shows `plan` (for one policy, or all backups) and returns the document's URI. */
  async show(plan: DeletionPlan<Backup>, timeZone: string | null, policy?: string): Promise<vscode.Uri> {
    // A new address each time: an open document of the same address would show its old text until
    // VS Code asks again, and Purge's confirmation must never sit next to an old preview.
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${policy ? `Retention of ${policy}` : 'Retention preview'}.md`, query: String(++generation) });
    this.texts.set(uri.toString(), render(plan, timeZone, policy));
    // Older previews stay readable in their tabs, a few of them.
    for (const key of [...this.texts.keys()].slice(0, -20)) this.texts.delete(key);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, 'markdown');
    await vscode.window.showTextDocument(document, { preview: true });
    return uri;
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}

export function render(plan: DeletionPlan<Backup>, timeZone: string | null, policy?: string): string {
  const rows = plan.decisions.filter((d) => policy === undefined || ((d.owner.kind === 'policy' || d.owner.kind === 'tagged') && d.owner.policy === policy));
  const removing = rows.filter((d) => d.action === 'remove');
  const lines = [
    `# ${policy ? vscode.l10n.t('Retention of the policy "{0}"', policy) : vscode.l10n.t('Retention preview')}`,
    '',
    vscode.l10n.t('{0} backups: {1} kept, {2} to remove. Generated {3}.', rows.length, rows.length - removing.length, removing.length, formatDateTime(new Date(), timeZone)),
    '',
    `| ${vscode.l10n.t('Action')} | ${vscode.l10n.t('Backup')} | ${vscode.l10n.t('Date')} | ${vscode.l10n.t('Slug')} | ${vscode.l10n.t('Policy')} | ${vscode.l10n.t('Why')} |`,
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const d of rows) {
    const action = d.action === 'remove' ? `**${vscode.l10n.t('REMOVE')}**` : vscode.l10n.t('keep');
    lines.push(
      `| ${action} | ${cell(d.backup.name || d.slug)} | ${formatDateTime(new Date(d.backup.date), timeZone)} | \`${d.slug}\` | ${cell(ownerLabel(d.owner))} | ${cell(d.reasons.join(', '))} |`,
    );
  }
  lines.push(
    '',
    vscode.l10n.t('Nothing is deleted by this preview. Purge Backups deletes exactly the rows marked REMOVE, after a confirmation.'),
    vscode.l10n.t(
      'After a backup, the automatic purge deletes without asking only rows of a policy this VS Code made them for, with purge: auto; the others wait for Purge Backups.',
    ),
  );
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function ownerLabel(owner: Owner): string {
  switch (owner.kind) {
    case 'policy':
      return owner.policy;
    case 'keep_days':
      return 'keep_days';
    case 'auto_backup':
      return 'Auto Backup';
    case 'tagged':
      return vscode.l10n.t('{0} (not made here)', owner.policy);
    case 'automatic':
      return vscode.l10n.t("{0} (Home Assistant's automatic backup)", owner.policy);
    case 'none':
      return '—';
  }
}
