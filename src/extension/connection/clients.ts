// The client for a connection: the Supervisor's API (directly, or through Home Assistant) or, on a Home
// Assistant Core or Container install, Home Assistant's backup manager. Both are built without a
// request; the first request builds the transport (LazyTransport: undici is loaded after activation).
// Through Home Assistant on OS or Supervised, and inside the add-on (through the Supervisor's proxies to
// Core: ws://supervisor/core/websocket, http://supervisor/core/api/…), the copies on Home Assistant's other
// backup agents (Home Assistant Cloud…) are added to the Supervisor's backups.
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { BackupClient, BackupSystem } from '../../core/backups';
import { AddonHomeAssistantConnection } from '../../core/homeAssistant/addonConnection';
import { HomeAssistantBackupHttp } from '../../core/homeAssistant/backupManager';
import { BackupTagFile, CoreInstallClient, SupervisorWithAgentsClient } from '../../core/homeAssistant/coreInstall';
import type { HomeAssistantTransport } from '../../core/homeAssistant/homeAssistantTransport';
import { SupervisorClient, type HttpTransportOptions } from '../../core/supervisor';
import { LazyTransport, type TransportMode } from '../lazy/transport';
import { policyFilePath } from '../policy/policyFile';
import type { ConnectionSource } from './connectionManager';

export const TAG_FILE_NAME = 'auto_backup.tags.json';

/** Where the clients' warnings go: the extension's log (set by createServices); nowhere until then. */
let clientWarnings: ((message: string) => void) | undefined;

export function logClientWarnings(warn: ((message: string) => void) | undefined): void {
  clientWarnings = warn;
}

const warn = (message: string): void => clientWarnings?.(message);

/**
 * `source` matters for the Supervisor's API directly: inside the add-on (`addon`) Home Assistant is reached
 * through the Supervisor's proxies with the add-on's token; a Supervisor URL connected to from elsewhere
 * has no such proxy for its token, so it gets the Supervisor's backups alone.
 */
export function makeClient(system: BackupSystem, mode: TransportMode, options: HttpTransportOptions, fallbackFolder?: vscode.Uri, source?: ConnectionSource): BackupClient {
  if (system === 'supervisor' && mode === 'supervisor' && source === 'addon') return makeAddonClient(options);
  if (system === 'supervisor' && mode === 'supervisor') return new SupervisorClient(new LazyTransport(mode, options));
  const core = throughHomeAssistant(options);
  // Through Home Assistant on OS or Supervised: the Supervisor's backups plus the copies on Core's other agents.
  if (system === 'supervisor') return new SupervisorWithAgentsClient({ ...core, supervisor: new SupervisorClient(core.transport), warn });
  return new CoreInstallClient({ ...core, tags: new BackupTagFile(() => tagFilePath(fallbackFolder, options.baseUrl)) });
}

/** Home Assistant's websocket (built on the first request) and its backup HTTP API, closed together. */
function throughHomeAssistant(options: HttpTransportOptions): {
  transport: LazyTransport;
  homeAssistant: () => Promise<HomeAssistantTransport>;
  http: () => HomeAssistantBackupHttp;
} {
  const transport = new LazyTransport('core', options);
  let http: HomeAssistantBackupHttp | undefined;
  transport.onClose(() => http?.close());
  return {
    transport,
    homeAssistant: async () => (await transport.open()) as HomeAssistantTransport,
    http: () => (http ??= new HomeAssistantBackupHttp(options)),
  };
}

/**
 * Inside the add-on: the Supervisor's backups with its token, and Home Assistant's other agents through the
 * Supervisor's proxies to Core (the add-on's token again; the Supervisor talks to Core as its own user). Both
 * built on first use, closed with the transport. Without homeassistant_api, or with a Home Assistant before
 * 2025.1, Core cannot be asked: the Supervisor's list is shown alone (one log line).
 */
function makeAddonClient(options: HttpTransportOptions): BackupClient {
  const transport = new LazyTransport('supervisor', options);
  let homeAssistant: AddonHomeAssistantConnection | undefined;
  let agentsHttp: HomeAssistantBackupHttp | undefined;
  transport.onClose(async () => {
    await homeAssistant?.close();
    await agentsHttp?.close();
  });
  const supervisorUrl = options.baseUrl.replace(/\/+$/, '');
  return new SupervisorWithAgentsClient({
    supervisor: new SupervisorClient(transport),
    homeAssistant: () =>
      Promise.resolve((homeAssistant ??= new AddonHomeAssistantConnection({ supervisorUrl, token: options.token, rejectUnauthorized: options.rejectUnauthorized }))),
    http: () => (agentsHttp ??= new HomeAssistantBackupHttp({ baseUrl: `${supervisorUrl}/core`, token: options.token, rejectUnauthorized: options.rejectUnauthorized })),
    warn,
  });
}

/** Next to the policy file; without a config folder, in the extension's storage (one per instance). */
export function tagFilePath(fallbackFolder: vscode.Uri | undefined, url: string): string {
  const policyFile = policyFilePath();
  if (policyFile) return path.join(path.dirname(policyFile), TAG_FILE_NAME);
  const base = fallbackFolder?.fsPath ?? path.join(os.tmpdir(), 'ha-backups');
  return path.join(base, `tags-${Buffer.from(url).toString('base64url')}.json`);
}
