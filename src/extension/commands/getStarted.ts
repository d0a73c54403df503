// Get Started: opens the extension's walkthrough (VS Code's Getting Started page; src/extension/firstRun.ts).
import type * as vscode from 'vscode';
import type { FirstRun } from '../firstRun';
import type { Services } from '../services';
import { registerCommand } from './command';

export function registerGetStarted(s: Services, firstRun: FirstRun): vscode.Disposable {
  return registerCommand(s, 'haBackups.getStarted', () => firstRun.open());
}
