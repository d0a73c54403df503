// A badge on each backup in the tree for its retention state: P pinned, − to be purged, E expires
// (keep_days), K kept by a policy. Unmanaged backups get none (most manual backups: a quiet tree).
import * as vscode from 'vscode';
import type { RetentionState } from '../retention/retentionState';
import type { BackupStore } from '../store/backupStore';
import type { PinStore } from '../store/pinStore';
import { ITEM_SCHEME } from './backupNode';

export class RetentionDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly retention: RetentionState,
    private readonly pins: PinStore,
    private readonly store: BackupStore,
  ) {
    this.disposables = [this.changed, retention.onDidChange(() => this.changed.fire(undefined)), vscode.window.registerFileDecorationProvider(this)];
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== ITEM_SCHEME) return undefined;
    const slug = uri.path.slice(1);
    const instance = this.store.connection?.url;
    if (instance && this.pins.isPinned(instance, slug)) return new vscode.FileDecoration('P', vscode.l10n.t('Pinned: never deleted by retention'));
    const d = this.retention.decisionOf(slug);
    if (d?.future)
      return new vscode.FileDecoration('!', vscode.l10n.t('Dated in the future: ignored by schedules and retention'), new vscode.ThemeColor('list.warningForeground'));
    if (!d || d.owner.kind === 'none' || d.owner.kind === 'tagged') return undefined;
    const why = d.reasons.join(', ');
    if (d.action === 'remove') return new vscode.FileDecoration('−', vscode.l10n.t('To be purged: {0}', why), new vscode.ThemeColor('list.errorForeground'));
    if (d.details.some((r) => r.code === 'expires'))
      return new vscode.FileDecoration('E', vscode.l10n.t('Kept until it expires: {0}', why), new vscode.ThemeColor('list.warningForeground'));
    return new vscode.FileDecoration('K', vscode.l10n.t('Kept: {0}', why));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
