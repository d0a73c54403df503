// Where the Supervisor is and how to reach it. Inside the Studio Code Server add-on the environment
// provides both (SUPERVISOR_TOKEN, http://supervisor). Elsewhere the user connects once, either
// through Home Assistant (URL + an administrator's long-lived access token; the Supervisor is reached
// through Core) or to a Supervisor URL directly. Tokens live in SecretStorage, one per instance,
// never in settings or logs.
import * as vscode from 'vscode';
import type { BackupClient, BackupSystem } from '../../core/backups';
import { detectBackupManager, type InstallType } from '../../core/homeAssistant/backupManager';
import { SupervisorError } from '../../core/supervisor';
import { homeAssistantOf, makeClient } from './clients';

export type ConnectionSource = 'addon' | 'stored';
/**
 * `core`: through Home Assistant's websocket API and /api/hassio; `supervisor`: the Supervisor's REST API.
 * `core` is a stored value (global state, the token's secret key) and the connect command's `mode`, so it
 * keeps its name although the code for it is called HomeAssistant… (src/core/homeAssistant/).
 */
export type ConnectionMode = 'core' | 'supervisor';

export interface Connection {
  source: ConnectionSource;
  mode: ConnectionMode;
  url: string;
  /** False when the user chose not to verify this instance's TLS certificate. */
  verifyTls: boolean;
  /** Whose backups: the Supervisor's (OS, Supervised, the add-on) or Home Assistant's backup manager (Core, Container). */
  system: BackupSystem;
  client: BackupClient;
  /** The token, kept only in memory, for the few calls that need Home Assistant itself (default backup key). */
  readonly token: string;
}

export interface ConnectOptions {
  mode: ConnectionMode;
  verifyTls?: boolean;
}

interface StoredConnection {
  url: string;
  mode: ConnectionMode;
  verifyTls: boolean;
  /** Found when connecting through Home Assistant; absent (older versions): the Supervisor. */
  system?: BackupSystem;
}

const CONNECTION_KEY = 'haBackups.connection';
const tokenKey = (c: { mode: ConnectionMode; url: string }) => `haBackups.token:${c.mode}:${c.url}`;
export const ADDON_SUPERVISOR_URL = 'http://supervisor';

export class ConnectionManager implements vscode.Disposable {
  private current: Connection | undefined;
  /** What the last connect found behind Home Assistant (for its message). */
  installType: InstallType | undefined;
  private readonly changed = new vscode.EventEmitter<Connection | undefined>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get connection(): Connection | undefined {
    return this.current;
  }

  /** Loads the connection at start-up: an explicit stored one first, then the add-on's environment. */
  async load(): Promise<Connection | undefined> {
    const stored = this.context.globalState.get<StoredConnection>(CONNECTION_KEY);
    const token = stored ? await this.context.secrets.get(tokenKey(stored)) : undefined;
    if (stored && token) return this.set(makeConnection('stored', stored, token, this.context.globalStorageUri));
    const envToken = this.env.SUPERVISOR_TOKEN || this.env.HASSIO_TOKEN;
    if (envToken) {
      const url = this.env.HA_BACKUPS_SUPERVISOR_URL || ADDON_SUPERVISOR_URL;
      return this.set(makeConnection('addon', { url, mode: 'supervisor', verifyTls: true, system: 'supervisor' }, envToken, this.context.globalStorageUri));
    }
    return this.set(undefined);
  }

  /**
   * Tests the URL and token (GET /info, then the backup list, which needs a backup-capable role or an
   * administrator) and saves them only when both work. Throws the client's error otherwise; nothing is stored.
   */
  async connect(url: string, token: string, options: ConnectOptions, signal?: AbortSignal): Promise<Connection> {
    const base: StoredConnection = { url: normalizeUrl(url), mode: options.mode, verifyTls: options.verifyTls ?? true };
    const stored: StoredConnection = { ...base, system: options.mode === 'core' ? await this.detectSystem(base, token, signal) : 'supervisor' };
    const connection = makeConnection('stored', stored, token, this.context.globalStorageUri);
    try {
      await connection.client.info({ signal, timeoutMs: 15_000 });
      await connection.client.listBackups({ signal });
    } catch (e) {
      await connection.client.transport.close();
      throw e;
    }
    const previous = this.context.globalState.get<StoredConnection>(CONNECTION_KEY);
    if (previous && tokenKey(previous) !== tokenKey(stored)) await this.context.secrets.delete(tokenKey(previous));
    await this.context.secrets.store(tokenKey(stored), token);
    await this.context.globalState.update(CONNECTION_KEY, stored);
    await this.set(connection);
    return connection;
  }

  /**
   * Through Home Assistant: is there a Supervisor behind it (`hassio` loaded)? Without one, Home Assistant's
   * backup manager is used, which needs 2025.1 or newer.
   */
  private async detectSystem(stored: StoredConnection, token: string, signal?: AbortSignal): Promise<BackupSystem> {
    const probe = makeConnection('stored', { ...stored, system: 'home_assistant' }, token, this.context.globalStorageUri);
    try {
      const ha = await homeAssistantOf(probe);
      const support = await detectBackupManager(ha, { signal, timeoutMs: 15_000 });
      this.installType = support.installType;
      if (support.installType === 'os_or_supervised') return 'supervisor';
      if (!support.supported) throw new SupervisorError(support.reason ?? 'Home Assistant has no backup manager', { kind: 'api', method: 'WS', path: 'get_config' });
      return 'home_assistant';
    } finally {
      await probe.client.transport.close();
    }
  }

  /** Forgets the stored connection (URL and token); the add-on's environment is used again if present. */
  async disconnect(): Promise<void> {
    const stored = this.context.globalState.get<StoredConnection>(CONNECTION_KEY);
    if (stored) await this.context.secrets.delete(tokenKey(stored));
    await this.context.globalState.update(CONNECTION_KEY, undefined);
    await this.load();
  }

  dispose(): void {
    void this.current?.client.transport.close();
    this.changed.dispose();
  }

  private set(next: Connection | undefined): Promise<Connection | undefined> {
    const previous = this.current;
    this.current = next;
    if (previous && previous.client !== next?.client) void previous.client.transport.close();
    // Context keys only steer menus and the welcome view. Each is a round trip to the workbench
    // (~300 ms while it starts up), so nothing waits for them: activation stays short.
    void vscode.commands.executeCommand('setContext', 'haBackups.connected', next !== undefined);
    void vscode.commands.executeCommand('setContext', 'haBackups.connectionSource', next?.source ?? 'none');
    void vscode.commands.executeCommand('setContext', 'haBackups.backupSystem', next?.system ?? 'none');
    this.changed.fire(next);
    return Promise.resolve(next);
  }
}

function makeConnection(source: ConnectionSource, stored: StoredConnection, token: string, storage: vscode.Uri): Connection {
  const system = stored.system ?? 'supervisor';
  const client = makeClient(system, stored.mode, { baseUrl: stored.url, token, rejectUnauthorized: stored.verifyTls }, storage);
  return { source, mode: stored.mode, url: stored.url, verifyTls: stored.verifyTls, system, client, token };
}

export function normalizeUrl(input: string): string {
  const trimmed = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  const url = new URL(withScheme);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(vscode.l10n.t('Use an http or https URL.'));
  // A user name or password in the URL would be stored and shown in messages: tokens go elsewhere.
  if (url.username || url.password) throw new Error(vscode.l10n.t('Leave the user name and password out of the URL; the token is asked for separately.'));
  return url.toString().replace(/\/+$/, '');
}
