// Show Log: the "Home Assistant Backups" output channel.
import type * as vscode from 'vscode';
import type { Services } from '../services';
import { registerCommand } from './command';

export function registerShowLog(s: Services): vscode.Disposable {
  return registerCommand(s, 'haBackups.showLog', () => s.log.channel.show());
}
