// Where the Supervisor is and which token to use. Inside the Studio Code Server add-on the
// environment provides both (SUPERVISOR_TOKEN, http://supervisor); elsewhere the user connects once
// and the token lives in SecretStorage, keyed by URL, never in settings or logs.
import * as vscode from 'vscode';
import { HttpTransport, SupervisorClient } from '../../core/supervisor';

export type ConnectionSource = 'addon' | 'stored';

export interface Connection {
  source: ConnectionSource;
  url: string;
  client: SupervisorClient;
}

const URL_KEY = 'haBackups.supervisorUrl';
const tokenKey = (url: string) => `haBackups.token:${url}`;
export const ADDON_SUPERVISOR_URL = 'http://supervisor';

export class ConnectionManager implements vscode.Disposable {
  private current: Connection | undefined;
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
    const url = this.context.globalState.get<string>(URL_KEY);
    const token = url ? await this.context.secrets.get(tokenKey(url)) : undefined;
    if (url && token) return this.set({ source: 'stored', url, client: makeClient(url, token) });
    const envToken = this.env.SUPERVISOR_TOKEN || this.env.HASSIO_TOKEN;
    if (envToken) {
      const envUrl = this.env.HA_BACKUPS_SUPERVISOR_URL || ADDON_SUPERVISOR_URL;
      return this.set({ source: 'addon', url: envUrl, client: makeClient(envUrl, envToken) });
    }
    return this.set(undefined);
  }

  /**
   * Tests the URL and token (GET /info, then the backup list, which needs a backup-capable role)
   * and saves them only when both work. Throws the client's error otherwise; nothing is stored.
   */
  async connect(url: string, token: string, signal?: AbortSignal): Promise<Connection> {
    const normalized = normalizeUrl(url);
    const client = makeClient(normalized, token);
    try {
      await client.info({ signal, timeoutMs: 15_000 });
      await client.listBackups({ signal });
    } catch (e) {
      await client.transport.close();
      throw e;
    }
    await this.context.secrets.store(tokenKey(normalized), token);
    await this.context.globalState.update(URL_KEY, normalized);
    const connection: Connection = { source: 'stored', url: normalized, client };
    await this.set(connection);
    return connection;
  }

  /** Forgets the stored connection (URL and token); the add-on's environment is used again if present. */
  async disconnect(): Promise<void> {
    const url = this.context.globalState.get<string>(URL_KEY);
    if (url) await this.context.secrets.delete(tokenKey(url));
    await this.context.globalState.update(URL_KEY, undefined);
    await this.load();
  }

  dispose(): void {
    void this.current?.client.transport.close();
    this.changed.dispose();
  }

  private async set(next: Connection | undefined): Promise<Connection | undefined> {
    const previous = this.current;
    this.current = next;
    if (previous && previous.client !== next?.client) void previous.client.transport.close();
    await vscode.commands.executeCommand('setContext', 'haBackups.connected', next !== undefined);
    await vscode.commands.executeCommand('setContext', 'haBackups.connectionSource', next?.source ?? 'none');
    this.changed.fire(next);
    return next;
  }
}

function makeClient(url: string, token: string): SupervisorClient {
  return new SupervisorClient(new HttpTransport({ baseUrl: url, token }));
}

export function normalizeUrl(input: string): string {
  const trimmed = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  const url = new URL(withScheme);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(vscode.l10n.t('Use an http or https URL.'));
  return url.toString().replace(/\/+$/, '');
}
