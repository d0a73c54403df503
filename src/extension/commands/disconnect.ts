// Forget the stored connection (the token is deleted from SecretStorage).
import type * as vscode from 'vscode';
import type { Services } from '../services';
import { registerCommand } from './command';

export function registerDisconnect(s: Services): vscode.Disposable {
  return registerCommand(s, 'haBackups.disconnect', async () => {
    await s.connections.disconnect();
    s.log.info('stored connection forgotten');
  });
}
