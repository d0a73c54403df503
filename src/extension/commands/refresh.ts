// Refresh: reloads the list; answers the list's state ('disconnected' without a connection).
import type * as vscode from 'vscode';
import type { Services } from '../services';
import { registerCommand } from './command';

export function registerRefresh(s: Services): vscode.Disposable {
  return registerCommand(s, 'haBackups.refresh', async () => {
    await s.store.refresh();
    return s.store.status;
  });
}
