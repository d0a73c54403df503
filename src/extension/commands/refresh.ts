import * as vscode from 'vscode';
import type { Services } from '../services';

export function registerRefresh(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand('haBackups.refresh', async () => {
    await s.store.refresh();
    return s.store.status;
  });
}
