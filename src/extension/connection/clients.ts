// The client for a connection: the Supervisor's API (directly, or through Home Assistant) or, on a Home
// Assistant Core or Container install, Home Assistant's backup manager. Both are built without a
// request; the first request builds the transport (LazyTransport: undici is loaded after activation).
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { BackupClient, BackupSystem } from '../../core/backups';
import type { HomeAssistantCommands } from '../../core/homeAssistant/backupConfig';
import { HomeAssistantBackupHttp, type HomeAssistantEventSource } from '../../core/homeAssistant/backupManager';
import { BackupTagFile, CoreInstallClient, SupervisorWithAgentsClient } from '../../core/homeAssistant/coreInstall';
import type { HomeAssistantTransport } from '../../core/homeAssistant/homeAssistantTransport';
import { SupervisorClient, type HttpTransportOptions } from '../../core/supervisor';
import { LazyTransport, type TransportMode } from '../lazy/transport';
import { policyFilePath } from '../policy/policyFile';

export const TAG_FILE_NAME = 'auto_backup.tags.json';

export function makeClient(system: BackupSystem, mode: TransportMode, options: HttpTransportOptions, fallbackFolder?: vscode.Uri): BackupClient {
  if (system === 'supervisor' && mode === 'supervisor') return new SupervisorClient(new LazyTransport(mode, options));
  if (system === 'supervisor') {
    // Through Home Assistant on OS or Supervised: the Supervisor's backups plus the copies on Core's other agents.
    const transport = new LazyTransport('core', options);
    let agentsHttp: HomeAssistantBackupHttp | undefined;
    transport.onClose(() => agentsHttp?.close());
    return new SupervisorWithAgentsClient({
      supervisor: new SupervisorClient(transport),
      homeAssistant: async () => (await transport.open()) as HomeAssistantTransport,
      http: () => (agentsHttp ??= new HomeAssistantBackupHttp(options)),
    });
  }
  const transport = new LazyTransport('core', options);
  let http: HomeAssistantBackupHttp | undefined;
  transport.onClose(() => http?.close());
  return new CoreInstallClient({
    transport,
    homeAssistant: async () => (await transport.open()) as HomeAssistantTransport,
    http: () => (http ??= new HomeAssistantBackupHttp(options)),
    tags: new BackupTagFile(() => tagFilePath(fallbackFolder, options.baseUrl)),
  });
}

/** Next to the policy file; without a config folder, in the extension's storage (one per instance). */
export function tagFilePath(fallbackFolder: vscode.Uri | undefined, url: string): string {
  const policyFile = policyFilePath();
  if (policyFile) return path.join(path.dirname(policyFile), TAG_FILE_NAME);
  const base = fallbackFolder?.fsPath ?? path.join(os.tmpdir(), 'ha-backups');
  return path.join(base, `tags-${Buffer.from(url).toString('base64url')}.json`);
}

/** The websocket to Home Assistant behind a client that goes through it. */
export async function homeAssistantOf(connection: { client: BackupClient }): Promise<HomeAssistantCommands & HomeAssistantEventSource> {
  const transport = connection.client.transport;
  if (!(transport instanceof LazyTransport) || transport.mode !== 'core') throw new Error('This connection does not go through Home Assistant');
  return (await transport.open()) as HomeAssistantTransport;
}
