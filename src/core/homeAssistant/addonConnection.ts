// Home Assistant Core's websocket API from inside an add-on (the Studio Code Server add-on): the
// Supervisor proxies it at `ws://supervisor/core/websocket` (supervisor/api/proxy.py). The add-on
// authenticates with its own SUPERVISOR_TOKEN; the Supervisor checks that the token belongs to an
// add-on with `homeassistant_api: true`, answers `auth_ok` itself and connects to Core as its own
// (administrator) user. Since Supervisor 2026.08.0 it answers commands whose type starts with
// `supervisor/` or `hassio/` with `unauthorized` instead of passing them on
// (DENIED_WS_TYPE_PREFIXES, home-assistant/supervisor commit 9ad1c198); Core's own commands such as
// `backup/config/info` still pass.
import { request, type Agent } from 'undici';
import { HomeAssistantConnectionError, HomeAssistantWebSocket } from './homeAssistantWebSocket';
import { networkError, SupervisorError } from '../supervisor/errors';
import { instanceAgent } from '../supervisor/transport';
import { readHomeAssistantBackupConfig } from './backupConfig';
import type { HomeAssistantBackupSettings, HomeAssistantCommands } from './backupConfig';

export interface AddonHomeAssistantOptions {
  /** The Supervisor's address: `http://supervisor` inside the add-on (a path prefix is kept). */
  supervisorUrl: string;
  /** The add-on's Supervisor token (`SUPERVISOR_TOKEN`). */
  token: string;
  /** Verify TLS certificates (https only). */
  rejectUnauthorized?: boolean;
}

/** The Supervisor's path of Core's websocket API (`/homeassistant/websocket` is its legacy alias). */
export const ADDON_HOME_ASSISTANT_WEBSOCKET_PATH = '/core/websocket';

const DEFAULT_TIMEOUT_MS = 30_000;

/** One connection to Core's websocket API through the Supervisor, opened on first use. */
export class AddonHomeAssistantConnection implements HomeAssistantCommands {
  /** The Supervisor's address, for messages (never with the token). */
  readonly target: string;
  private readonly agent: Agent;
  private readonly socket: HomeAssistantWebSocket;

  constructor(options: AddonHomeAssistantOptions) {
    this.target = options.supervisorUrl.replace(/\/+$/, '');
    this.agent = instanceAgent(options.rejectUnauthorized);
    this.socket = new HomeAssistantWebSocket({
      url: `${this.target.replace(/^http/, 'ws')}${ADDON_HOME_ASSISTANT_WEBSOCKET_PATH}`,
      token: options.token,
      dispatcher: this.agent,
      target: this.target,
      explainOpenFailure: () => this.explainOpenFailure(),
      // The Supervisor says "Invalid access" for an unknown token and for an add-on without homeassistant_api.
      describeTokenRejected: (reason) =>
        `The Supervisor at ${this.target} did not let this token into Home Assistant's websocket API${reason ? ` (${reason})` : ''}: ` +
        "it is not an add-on's Supervisor token, or the add-on may not use Home Assistant's API (homeassistant_api).",
    });
  }

  /** Home Assistant's version as the Supervisor reports it, known once connected. */
  get haVersion(): string | undefined {
    return this.socket.haVersion;
  }

  /** Opens and authenticates the websocket now; `command` does this by itself. */
  async connect(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<{ haVersion: string }> {
    try {
      return await this.socket.connect(withTimeout(options));
    } catch (e) {
      throw this.failure(e, 'GET', ADDON_HOME_ASSISTANT_WEBSOCKET_PATH);
    }
  }

  /**
   * One Core websocket command (`{type: "backup/config/info"}`): its `result`, or a SupervisorError —
   * kind `forbidden_role` when the command was refused as unauthorized (the Supervisor denies
   * `supervisor/…` and `hassio/…` types; Core itself runs the rest as an administrator), `api` for
   * other refusals.
   */
  async command(message: { type: string } & Record<string, unknown>, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<unknown> {
    let answer;
    try {
      answer = await this.socket.call(message, withTimeout(options));
    } catch (e) {
      throw this.failure(e, 'WS', message.type);
    }
    if (answer.success) return answer.result;
    const { code, message: text } = answer.error;
    if (code === 'unauthorized') {
      throw new SupervisorError(
        `The Supervisor at ${this.target} refused ${message.type} through its Home Assistant proxy (${text || code}): ` + 'it does not pass this command from add-ons.',
        { kind: 'forbidden_role', method: 'WS', path: message.type },
      );
    }
    throw new SupervisorError(`Home Assistant refused ${message.type}: ${text || 'no reason given'} (${code})`, { kind: 'api', method: 'WS', path: message.type });
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.agent.close();
  }

  /**
   * The upgrade failed: a plain GET of the same path shows why. The Supervisor answers it with 400
   * (no upgrade header) when Core is up and with 502 before any upgrade when Core's API is down.
   */
  private async explainOpenFailure(): Promise<unknown> {
    try {
      const res = await request(`${this.target}${ADDON_HOME_ASSISTANT_WEBSOCKET_PATH}`, {
        dispatcher: this.agent,
        headersTimeout: 10_000,
        signal: AbortSignal.timeout(15_000),
      });
      await res.body.dump();
      if (res.statusCode === 502) {
        return new HomeAssistantConnectionError(
          'network',
          `The Supervisor at ${this.target} cannot reach Home Assistant Core (HTTP 502 for ${ADDON_HOME_ASSISTANT_WEBSOCKET_PATH}): is Home Assistant running?`,
        );
      }
      return new HomeAssistantConnectionError(
        'network',
        `${this.target} answered HTTP ${res.statusCode} but refused a websocket connection at ${ADDON_HOME_ASSISTANT_WEBSOCKET_PATH}: is it the Supervisor?`,
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

/**
 * Home Assistant's backup settings, including the default backup key, read from inside the add-on:
 * opens `ws(s)://<supervisor>/core/websocket`, authenticates with the add-on's Supervisor token, sends
 * `backup/config/info` and closes again. Same result as `readHomeAssistantBackupConfig`; errors are
 * SupervisorErrors (`token_rejected`, `connection_refused`, `forbidden_role` for a Supervisor that
 * denies the command, `timeout`, `aborted`, …).
 */
export async function readAddonHomeAssistantBackupConfig(
  options: AddonHomeAssistantOptions & { signal?: AbortSignal; timeoutMs?: number },
): Promise<HomeAssistantBackupSettings> {
  const connection = new AddonHomeAssistantConnection(options);
  try {
    // One deadline for the whole exchange (open, handshake, command).
    const signal = withTimeout(options);
    return await readHomeAssistantBackupConfig(connection, { signal, timeoutMs: options.timeoutMs });
  } finally {
    await connection.close();
  }
}

function withTimeout(options: { signal?: AbortSignal; timeoutMs?: number }): AbortSignal {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
}
