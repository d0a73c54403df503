// Decides when to ask the Supervisor again. The list is polled only while the Backups view is
// visible; otherwise only the displayed ages are re-rendered (no request), and the workspace is
// never scanned.
import * as vscode from 'vscode';
import type { BackupStore } from './store/backupStore';

export class RefreshManager implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private readonly redrawTimer: NodeJS.Timeout;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly store: BackupStore,
    private readonly view: vscode.TreeView<unknown>,
    private readonly redraw: () => void,
  ) {
    this.disposables.push(
      view.onDidChangeVisibility((e) => (e.visible ? this.start(true) : this.stop())),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('haBackups.refreshIntervalSeconds') && this.timer) this.start(false);
      }),
    );
    this.redrawTimer = setInterval(() => this.redraw(), 60_000);
    if (view.visible) this.start(true);
  }

  private start(now: boolean): void {
    this.stop();
    const seconds = Math.max(5, vscode.workspace.getConfiguration('haBackups').get<number>('refreshIntervalSeconds') ?? 60);
    if (now) void this.store.refresh();
    this.timer = setInterval(() => void this.store.refresh(), seconds * 1000);
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.stop();
    clearInterval(this.redrawTimer);
    for (const d of this.disposables) d.dispose();
  }
}
