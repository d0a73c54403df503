import * as vscode from 'vscode';
import type { Services } from '../services';

export function registerShowLog(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand('haBackups.showLog', () => s.log.channel.show());
}
