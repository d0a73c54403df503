// Home Assistant's default backup key (the "encryption key" of its backup settings), needed for
// `encrypted: true`. It lives in Home Assistant Core, not in the Supervisor.
import * as vscode from 'vscode';
import { readAddonHomeAssistantBackupConfig, readHomeAssistantBackupConfig } from '../core/homeAssistant';
import type { Connection } from './connection/connectionManager';
import { describeError } from './errors';
import { homeAssistantTransportOf } from './lazy/transport';

export type DefaultKeyResult = { key: string | null } | { error: string };

export async function readDefaultBackupKey(connection: Connection, signal?: AbortSignal): Promise<DefaultKeyResult> {
  try {
    const homeAssistant = await homeAssistantTransportOf(connection.client.transport);
    if (homeAssistant) {
      return { key: (await readHomeAssistantBackupConfig(homeAssistant, { signal, timeoutMs: 15_000 })).defaultBackupKey };
    }
    if (connection.source === 'addon') {
      // Inside the add-on, Core is reached through the Supervisor's proxy (ws://supervisor/core/websocket).
      const settings = await readAddonHomeAssistantBackupConfig({
        supervisorUrl: connection.url,
        token: connection.token,
        signal,
        timeoutMs: 15_000,
        rejectUnauthorized: connection.verifyTls,
      });
      return { key: settings.defaultBackupKey };
    }
    return {
      error: vscode.l10n.t(
        'Home Assistant’s backup key can be read only when connected through Home Assistant or inside the add-on. Give a password instead, or connect through Home Assistant.',
      ),
    };
  } catch (e) {
    return { error: vscode.l10n.t('Home Assistant’s backup key could not be read: {0}', describeError(e, connection.url)) };
  }
}
