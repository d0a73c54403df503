// Forget the stored connection (the token is deleted from SecretStorage).
import * as vscode from 'vscode';
import type { Services } from '../services';

export function registerDisconnect(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand('haBackups.disconnect', async () => {
    await s.connections.disconnect();
    s.log.info('stored connection forgotten');
  });
}
