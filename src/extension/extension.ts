// Entry point: builds the parts (services.ts), the Backups view, the commands and the providers, then
// loads the connection and starts the scheduler.
import * as vscode from 'vscode';
import type { HaBackupsApi } from './api';
import { registerGetStarted } from './commands/getStarted';
import { registerCommands } from './commands/registerCommands';
import { FirstRun, firstRunProbe } from './firstRun';
import { registerProviders } from './providers';
import { createServices, type Services } from './services';
import { testProbe } from './testProbe';
import { createBackupsView } from './tree/backupsView';

export async function activate(context: vscode.ExtensionContext): Promise<HaBackupsApi> {
  const started = performance.now();
  const services = createServices(context);
  const backupsView = createBackupsView(services);
  const firstRun = new FirstRun(context);
  context.subscriptions.push(services, backupsView, registerCommands(services), registerGetStarted(services, firstRun), registerProviders(services));
  await start(services);
  // The walkthrough, once after the install (not waited for).
  void firstRun.onActivation();
  services.log.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);
  const api: HaBackupsApi = { onDidBackupEvent: services.events.onDidFire };
  // The probe reads the extension's inside: for its own integration tests only.
  return context.extensionMode === vscode.ExtensionMode.Test ? { ...api, ...testProbe(services, backupsView), ...firstRunProbe(firstRun) } : api;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

/** Loads the connection (stored, or the add-on's environment) and starts the scheduler. */
async function start(s: Services): Promise<void> {
  void s.ledger.retireOldState();
  const connection = await s.connections.load();
  s.log.info(
    connection ? `using ${connection.source === 'addon' ? 'the add-on environment' : `the stored connection (${connection.mode})`}: ${connection.url}` : 'not connected',
  );
  s.scheduler.start();
}
