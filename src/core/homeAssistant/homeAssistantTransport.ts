// The Supervisor reached through Home Assistant Core, for a VS Code that runs outside the add-on:
// `http://homeassistant.local:8123` + an administrator's long-lived access token. JSON calls go as
// `supervisor/api` commands over Core's websocket (home-assistant/core
// homeassistant/components/hassio/websocket_api.py websocket_supervisor_api @73cc7a6b) and are
// wrapped back into the Supervisor's envelope, so SupervisorClient works unchanged; downloads and
// uploads go through Core's `/api/hassio/…` REST proxy (hassio/http.py HassIOView), which only passes
// a short allowlist of backup paths (PATHS_ADMIN).
import { FormData, request, type Agent } from 'undici';
import { HomeAssistantConnectionError, HomeAssistantWebSocket } from './homeAssistantWebSocket';
import type { HomeAssistantCommandResult, HomeAssistantSubscription } from './homeAssistantWebSocket';
import { networkError, redactSecret, SupervisorError } from '../supervisor/errors';
import { dateOf, errorBody, instanceAgent } from '../supervisor/transport';
import type { RawResponse, RequestOptions, StreamResponse, SupervisorTransport, UploadSource } from '../supervisor/transport';

export interface HomeAssistantTransportOptions {
  /** Home Assistant's address, e.g. `http://homeassistant.local:8123` (a path prefix is kept). */
  baseUrl: string;
  /** A long-lived access token of an administrator user. */
  token: string;
  /** Verify TLS certificates (https only). On unless the user turns it off for this instance. */
  rejectUnauthorized?: boolean;
}

/** What Core's REST proxy lets an admin reach (hassio/http.py PATHS_ADMIN, backup part). */
const PROXY_PATHS = /^\/backups\/(?:[a-f0-9]{8}(?:\/info|\/download|\/restore\/full|\/restore\/partial)?|new\/upload)$/;

/** Supervisor messages of its 404s: Core drops the status, the message still says it. */
const NOT_FOUND_MESSAGES = /^(?:Backup does not exist|Job does not exist|(?:Addon|App) does not exist|No mount exists with name .*)$/;

const DEFAULT_TIMEOUT_MS = 60_000;

const adminNeeded = (what: string): string =>
  `Home Assistant refused ${what}: the access token's user is not an administrator. ` +
  'Connecting through Home Assistant needs a long-lived access token of an administrator user.';

export class HomeAssistantTransport implements SupervisorTransport {
  readonly target: string;
  private readonly token: string;
  private readonly agent: Agent;
  private readonly socket: HomeAssistantWebSocket;

  constructor(options: HomeAssistantTransportOptions) {
    this.target = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.agent = instanceAgent(options.rejectUnauthorized, { transfers: true });
    this.socket = new HomeAssistantWebSocket({
      url: `${this.target.replace(/^http/, 'ws')}/api/websocket`,
      token: this.token,
      dispatcher: this.agent,
      target: this.target,
      explainOpenFailure: () => this.explainOpenFailure(),
    });
  }

  /** Home Assistant's version, known once connected. */
  get haVersion(): string | undefined {
    return this.socket.haVersion;
  }

  /** Opens and authenticates the websocket now (a connection test); calls do this by themselves. */
  async connect(signal?: AbortSignal): Promise<{ haVersion: string }> {
    try {
      return await this.socket.connect(signal);
    } catch (e) {
      throw this.failure(e, 'GET', '/api/websocket');
    }
  }

  async send(method: string, path: string, options: RequestOptions = {}): Promise<RawResponse> {
    const queryAt = path.indexOf('?');
    const message: Record<string, unknown> = {
      type: 'supervisor/api',
      endpoint: queryAt === -1 ? path : path.slice(0, queryAt),
      method: method.toLowerCase(),
      // Core's own default is 10 s (websocket_supervisor_api), too short for listing slow mounts
      // (home-assistant/core#134218); null = no limit there.
      timeout: options.timeoutMs === undefined ? null : options.timeoutMs / 1000,
    };
    if (options.body !== undefined) message.data = options.body;
    // `params` exists only in newer Cores; older ones refuse the key, so it is sent only when needed.
    if (queryAt !== -1) message.params = Object.fromEntries(new URLSearchParams(path.slice(queryAt + 1)));
    const answer = await this.call(message, method, path, options);
    if (answer.success) return envelope(200, { result: 'ok', data: answer.result ?? {} });
    const { code, message: text } = answer.error;
    if (code === 'unauthorized') throw new SupervisorError(adminNeeded(`${method} ${path}`), { kind: 'forbidden_role', method, path, status: 403 });
    if (code === 'unknown_command') {
      throw new SupervisorError(
        `Home Assistant at ${this.target} has no Supervisor (it does not know supervisor/api): backups need Home Assistant OS or a Supervised installation`,
        {
          kind: 'api',
          method,
          path,
        },
      );
    }
    if (code !== 'unknown_error') return envelope(400, { result: 'error', message: `Home Assistant refused ${method} ${path}: ${text} (${code})` });
    if (!text) {
      // Core hides timeouts, connection errors and message-less errors behind an empty message.
      return envelope(502, {
        result: 'error',
        message: `Home Assistant got no answer from the Supervisor for ${method} ${path} (a timeout, a connection error or an error without a message; the Home Assistant log has details)`,
      });
    }
    return envelope(NOT_FOUND_MESSAGES.test(text) ? 404 : 400, { result: 'error', message: text });
  }

  async openStream(method: string, path: string, options: RequestOptions = {}): Promise<StreamResponse> {
    this.checkProxied(method, path);
    try {
      const res = await request(`${this.target}/api/hassio${path}`, {
        method: method as 'GET',
        // Core would compress the archive for a client that accepts it; ask for the bytes as they are.
        headers: { authorization: `Bearer ${this.token}`, 'accept-encoding': 'identity' },
        signal: options.signal,
        dispatcher: this.agent,
        headersTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
      if (res.statusCode === 401) {
        await res.body.dump();
        throw await this.explainUnauthorized(method, path, options.signal);
      }
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      return { status: res.statusCode, headers, body: res.statusCode < 300 ? res.body : await errorBody(res.body, this.token) };
    } catch (e) {
      throw this.failure(e, method, path);
    }
  }

  async upload(path: string, source: UploadSource, options: RequestOptions = {}): Promise<RawResponse> {
    this.checkProxied('POST', path);
    const form = new FormData();
    form.append('file', source.blob, source.fileName);
    try {
      const res = await request(`${this.target}/api/hassio${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, accept: 'application/json' },
        body: form,
        signal: options.signal,
        dispatcher: this.agent,
        headersTimeout: options.timeoutMs ?? 600_000,
      });
      if (res.statusCode === 401) {
        await res.body.dump();
        throw await this.explainUnauthorized('POST', path, options.signal);
      }
      return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), text: redactSecret(await res.body.text(), this.token) };
    } catch (e) {
      throw this.failure(e, 'POST', path);
    }
  }

  /**
   * Any other Core websocket command (`{type: "backup/config/info"}`): its `result`, or a
   * SupervisorError (kind `forbidden_role` for a non-admin token, `api` for other refusals).
   */
  async command(message: { type: string } & Record<string, unknown>, options: Omit<RequestOptions, 'body'> = {}): Promise<unknown> {
    const answer = await this.call(message, 'WS', message.type, options);
    if (answer.success) return answer.result;
    const { code, message: text } = answer.error;
    if (code === 'unauthorized') throw new SupervisorError(adminNeeded(message.type), { kind: 'forbidden_role', method: 'WS', path: message.type });
    throw new SupervisorError(`Home Assistant refused ${message.type}: ${text || 'no reason given'} (${code})`, { kind: 'api', method: 'WS', path: message.type });
  }

  /** A subscribing command on the same websocket (`backup/subscribe_events`); see HomeAssistantWebSocket.subscribe. */
  subscribe(
    message: Record<string, unknown>,
    onEvent: (event: unknown) => void,
    options: { signal?: AbortSignal; onEnd?: (error: Error) => void } = {},
  ): Promise<HomeAssistantSubscription> {
    return this.socket.subscribe(message, onEvent, options);
  }

  /** `GET /api/`: Home Assistant's own clock (the JSON calls travel over the websocket, without headers). */
  async serverDate(options: RequestOptions = {}): Promise<string | undefined> {
    return dateOf(`${this.target}/api/`, { authorization: `Bearer ${this.token}` }, this.agent, options);
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.agent.close();
  }

  private async call(message: Record<string, unknown>, method: string, path: string, options: Omit<RequestOptions, 'body'>): Promise<HomeAssistantCommandResult> {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      return await this.socket.call(message, signal);
    } catch (e) {
      throw this.failure(e, method, path);
    }
  }

  /** Paths outside Core's allowlist would only get an unexplained 401: say why up front. */
  private checkProxied(method: string, path: string): void {
    const bare = path.split('?')[0] ?? '';
    if ((method === 'GET' || method === 'POST') && PROXY_PATHS.test(bare)) return;
    const slug = /^\/backups\/([^/]+)\/download$/.exec(bare)?.[1];
    const message = slug
      ? `Backup ${decodeURIComponent(slug)} cannot be downloaded through Home Assistant: its proxy only passes backups whose slug is 8 hexadecimal characters (uploaded backups can have others). Connect to the Supervisor directly (Studio Code Server add-on) to download it.`
      : `Home Assistant's /api/hassio proxy does not pass ${method} ${bare}; only backup info, download, restore and upload by 8-character slug`;
    throw new SupervisorError(message, { kind: 'api', method, path });
  }

  /** The proxy answers 401 both for a bad token and for a non-admin one: the websocket tells which. */
  private async explainUnauthorized(method: string, path: string, signal?: AbortSignal): Promise<SupervisorError> {
    try {
      await this.socket.connect(signal);
    } catch (e) {
      return this.failure(e, method, path);
    }
    return new SupervisorError(adminNeeded(`${method} ${path}`), { kind: 'forbidden_role', method, path, status: 401 });
  }

  /** The websocket failed before it opened; an HTTP request to the same address shows why. */
  private async explainOpenFailure(): Promise<unknown> {
    try {
      const res = await request(`${this.target}/api/`, { dispatcher: this.agent, headersTimeout: 10_000, signal: AbortSignal.timeout(15_000) });
      await res.body.dump();
      return new HomeAssistantConnectionError(
        'network',
        `${this.target} answered HTTP ${res.statusCode} but refused a websocket connection at /api/websocket: is it Home Assistant, and does a reverse proxy in front of it pass websocket upgrades?`,
      );
    } catch (e) {
      return e;
    }
  }

  private failure(e: unknown, method: string, path: string): SupervisorError {
    if (e instanceof HomeAssistantConnectionError) return new SupervisorError(e.message, { kind: e.kind, method, path, cause: e.cause });
    return networkError(e, method, path, this.target);
  }
}

function envelope(status: number, body: unknown): RawResponse {
  return { status, contentType: 'application/json', text: JSON.stringify(body) };
}
