// Where the Supervisor is and how to reach it. Inside the Studio Code Server add-on the environment
// provides both (SUPERVISOR_TOKEN, http://supervisor). Elsewhere the user connects once, either
// through Home Assistant (URL + an administrator's long-lived access token; the Supervisor is reached
// through Core) or to a Supervisor URL directly; or the environment names a Home Assistant
// (HA_BACKUPS_HOME_ASSISTANT_URL + HA_BACKUPS_HOME_ASSISTANT_TOKEN). Stored tokens live in SecretStorage,
// one per instance; no token is ever put in settings or logs.
import * as vscode from 'vscode';
import type { BackupClient, BackupSystem } from '../../core/backups';
import { HomeAssistantTransport } from '../../core/homeAssistant/homeAssistantTransport';
import { detectBackupManager, type InstallType } from '../../core/homeAssistant/backupManager';
import { SupervisorError } from '../../core/supervisor';
import { makeClient } from './clients';

/**
 * `stored`: connected with Connect (global state + SecretStorage); `addon`: the add-on's SUPERVISOR_TOKEN;
 * `environment`: HA_BACKUPS_HOME_ASSISTANT_URL + HA_BACKUPS_HOME_ASSISTANT_TOKEN (through Home Assistant).
 * Also the `haBackups.connectionSource` context key (package.json `when` clauses).
 */
export type ConnectionSource = 'addon' | 'stored' | 'environment';
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

/** A connection load() started but did not wait for (the environment's Home Assistant). */
export interface PendingConnection {
  /** As given in the environment (for the log). */
  url: string;
  connection: Promise<Connection | undefined>;
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
/** The environment's Home Assistant (mode `core`): its URL and an administrator's long-lived access token. */
export const HOME_ASSISTANT_URL_VARIABLE = 'HA_BACKUPS_HOME_ASSISTANT_URL';
export const HOME_ASSISTANT_TOKEN_VARIABLE = 'HA_BACKUPS_HOME_ASSISTANT_TOKEN';

export class ConnectionManager implements vscode.Disposable {
  private current: Connection | undefined;
  /** What the last connect found behind Home Assistant (for its message). */
  installType: InstallType | undefined;
  private readonly changed = new vscode.EventEmitter<Connection | undefined>();
  readonly onDidChange = this.changed.event;
  /**
   * The environment's Home Assistant, which load() connects to without waiting: its install type (Supervisor
   * or Core) is found first, as Connect does. The promise resolves to the connection (also set and announced by
   * onDidChange), to undefined when Connect, another load or dispose came first, or rejects with why Home
   * Assistant could not be used. Undefined when the last load() had no such connection to make.
   */
  get pending(): PendingConnection | undefined {
    return this.pendingConnection;
  }
  /** load() started a pending connection (fired from inside load(), before it returns): the log follows it. */
  private readonly pendingStarted = new vscode.EventEmitter<PendingConnection>();
  readonly onDidStartPending = this.pendingStarted.event;
  private pendingConnection: PendingConnection | undefined;
  private pendingAbort: AbortController | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    /** Global state (the extension's CoherentMemento). */
    private readonly state: vscode.Memento,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get connection(): Connection | undefined {
    return this.current;
  }

  /**
   * Loads the connection at start-up: an explicit stored one first, then the add-on's environment, then a
   * Home Assistant named by the environment. That last one is not waited for (finding whether a Supervisor
   * is behind it needs Home Assistant to answer): it is set when found, see `pending`.
   */
  async load(): Promise<Connection | undefined> {
    this.cancelPending();
    const stored = this.state.get<StoredConnection>(CONNECTION_KEY);
    const token = stored ? await this.context.secrets.get(tokenKey(stored)) : undefined;
    if (stored && token) return this.set(makeConnection('stored', stored, token, this.context.globalStorageUri));
    const envToken = this.env.SUPERVISOR_TOKEN || this.env.HASSIO_TOKEN;
    if (envToken) {
      const url = this.env.HA_BACKUPS_SUPERVISOR_URL || ADDON_SUPERVISOR_URL;
      return this.set(makeConnection('addon', { url, mode: 'supervisor', verifyTls: true, system: 'supervisor' }, envToken, this.context.globalStorageUri));
    }
    const haUrl = this.env[HOME_ASSISTANT_URL_VARIABLE]?.trim();
    const haToken = this.env[HOME_ASSISTANT_TOKEN_VARIABLE]?.trim();
    if (haUrl && haToken) {
      const abort = new AbortController();
      this.pendingAbort = abort;
      let url: string;
      let connection: Promise<Connection | undefined>;
      try {
        url = normalizeUrl(haUrl);
        connection = this.loadEnvironment(url, haToken, abort);
      } catch (e) {
        url = HOME_ASSISTANT_URL_VARIABLE; // not the value: it may hold a user name and password
        connection = Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
      // Reported by whoever follows onDidStartPending (extension.ts logs it), never an unhandled rejection.
      connection.catch(() => undefined);
      this.pendingConnection = { url, connection };
      this.pendingStarted.fire(this.pendingConnection);
    }
    return this.set(undefined);
  }

  /** Finds what runs behind the environment's Home Assistant, then connects to it unless something came first. */
  private async loadEnvironment(url: string, token: string, abort: AbortController): Promise<Connection | undefined> {
    const base: StoredConnection = { url, mode: 'core', verifyTls: true };
    try {
      const system = await this.detectSystem(base, token, abort.signal);
      if (abort.signal.aborted || this.pendingAbort !== abort || this.current) return undefined;
      return await this.set(makeConnection('environment', { ...base, system }, token, this.context.globalStorageUri));
    } catch (e) {
      if (abort.signal.aborted) return undefined;
      throw e;
    } finally {
      if (this.pendingAbort === abort) this.pendingAbort = undefined;
    }
  }

  private cancelPending(): void {
    this.pendingAbort?.abort();
    this.pendingAbort = undefined;
    this.pendingConnection = undefined;
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
    const previous = this.state.get<StoredConnection>(CONNECTION_KEY);
    if (previous && tokenKey(previous) !== tokenKey(stored)) await this.context.secrets.delete(tokenKey(previous));
    await this.context.secrets.store(tokenKey(stored), token);
    await this.state.update(CONNECTION_KEY, stored);
    await this.set(connection);
    return connection;
  }

  /**
   * Through Home Assistant: is there a Supervisor behind it (`hassio` loaded)? Without one, Home Assistant's
   * backup manager is used, which needs 2025.1 or newer.
   */
  private async detectSystem(stored: StoredConnection, token: string, signal?: AbortSignal): Promise<BackupSystem> {
    const probe = new HomeAssistantTransport({ baseUrl: stored.url, token, rejectUnauthorized: stored.verifyTls });
    try {
      const support = await detectBackupManager(probe, { signal, timeoutMs: 15_000 });
      this.installType = support.installType;
      if (support.installType === 'os_or_supervised') return 'supervisor';
      if (!support.supported) throw new SupervisorError(support.reason ?? 'Home Assistant has no backup manager', { kind: 'api', method: 'WS', path: 'get_config' });
      return 'home_assistant';
    } finally {
      await probe.close();
    }
  }

  /** Forgets the stored connection (URL and token); the add-on's environment is used again if present. */
  async disconnect(): Promise<void> {
    const stored = this.state.get<StoredConnection>(CONNECTION_KEY);
    if (stored) await this.context.secrets.delete(tokenKey(stored));
    await this.state.update(CONNECTION_KEY, undefined);
    await this.load();
  }

  dispose(): void {
    this.cancelPending();
    void this.current?.client.transport.close();
    this.changed.dispose();
    this.pendingStarted.dispose();
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
    void vscode.commands.executeCommand('setContext', 'haBackups.connectionMode', next?.mode ?? 'none');
    // Home Assistant's own automatic-backup settings can be used when Core is reachable (through it, or from the add-on).
    void vscode.commands.executeCommand('setContext', 'haBackups.automaticSettings', next?.client.startAutomaticBackup !== undefined);
    this.changed.fire(next);
    return Promise.resolve(next);
  }
}

function makeConnection(source: ConnectionSource, stored: StoredConnection, token: string, storage: vscode.Uri): Connection {
  const system = stored.system ?? 'supervisor';
  const client = makeClient(system, stored.mode, { baseUrl: stored.url, token, rejectUnauthorized: stored.verifyTls }, storage, source);
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
