// Entry point: builds the parts (services.ts), the Backups view, the commands and the providers, then
// loads the connection and starts the scheduler.
import * as vscode from 'vscode';
import type { HaBackupsApi } from './api';
import { registerGetStarted } from './commands/getStarted';
import { registerCommands } from './commands/registerCommands';
import { HOME_ASSISTANT_TOKEN_VARIABLE, HOME_ASSISTANT_URL_VARIABLE, type PendingConnection } from './connection/connectionManager';
import { describeError } from './errors';
import { FirstRun, firstRunProbe } from './firstRun';
import { registerProviders } from './providers';
import { createServices, type Services } from './services';
import { CoherentMemento } from './store/coherentMemento';
import { testProbe, type TestProbe } from './testProbe';
import { createBackupsView } from './tree/backupsView';

export async function activate(context: vscode.ExtensionContext): Promise<HaBackupsApi> {
  const started = performance.now();
  // Every part reads and writes global state through this one object (see coherentMemento.ts).
  const state = new CoherentMemento(context.globalState);
  const services = createServices(context, state);
  const backupsView = createBackupsView(services);
  const firstRun = new FirstRun(context, state);
  context.subscriptions.push(services, backupsView, registerCommands(services), registerGetStarted(services, firstRun), registerProviders(services));
  await start(services);
  // The walkthrough, once after the install (not waited for).
  void firstRun.onActivation();
  services.log.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);
  const api: HaBackupsApi = { onDidBackupEvent: services.events.onDidFire };
  if (context.extensionMode !== vscode.ExtensionMode.Test) return api;
  // The probe reads the extension's inside: for its own integration tests only.
  const exported: HaBackupsApi & TestProbe = { ...api, ...testProbe(services, backupsView), ...firstRunProbe(firstRun) };
  exported.restart = (whileStopped) => restartForTest(context, exported, whileStopped);
  return exported;
}

/**
 * Test mode only: everything activate() set up is disposed, as when the extension host stops (no timer,
 * no request, no view); `whileStopped` runs; then activate() runs again on the same state. The object
 * the tests hold gets the new probe.
 */
async function restartForTest(context: vscode.ExtensionContext, exported: HaBackupsApi & TestProbe, whileStopped: () => Promise<void>): Promise<void> {
  for (const d of context.subscriptions.splice(0).reverse()) {
    try {
      d.dispose();
    } catch {
      // Stopping goes on, as the host's would.
    }
  }
  try {
    await whileStopped();
  } finally {
    // The new probe, and its own restart (bound to the object the tests hold).
    Object.assign(exported, await activate(context), { restart: exported.restart });
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

/** Loads the connection (stored, the add-on's environment, or Home Assistant named by the environment) and starts the scheduler. */
async function start(s: Services): Promise<void> {
  void s.ledger.retireOldState();
  s.context.subscriptions.push(s.connections.onDidStartPending((pending) => logPending(s, pending)));
  const connection = await s.connections.load();
  if (connection) {
    s.log.info(`using ${connection.source === 'addon' ? 'the add-on environment' : `the stored connection (${connection.mode})`}: ${connection.url}`);
  } else if (!s.connections.pending) {
    s.log.info('not connected');
  }
  s.scheduler.start();
}

/** The environment's Home Assistant is connected to after activation (its install type is asked first): its outcome goes to the log. */
function logPending(s: Services, pending: PendingConnection): void {
  s.log.info(`connecting to Home Assistant at ${pending.url} from the environment (${HOME_ASSISTANT_URL_VARIABLE})`);
  pending.connection.then(
    (connection) => {
      if (!connection) return; // Connect or another load came first
      const system = connection.system === 'home_assistant' ? "a Core or Container install: Home Assistant's backup manager" : "the Supervisor's backups";
      s.log.info(`using the environment's Home Assistant (${system}): ${connection.url}`);
    },
    (e: unknown) => {
      s.log.error(
        `could not connect to Home Assistant from the environment (${HOME_ASSISTANT_URL_VARIABLE}, ${HOME_ASSISTANT_TOKEN_VARIABLE}): ${describeError(e, pending.url)} — reload the window to try again, or use Connect…`,
      );
    },
  );
}
