// Core's websocket API on one connection (websocket_api/auth.py, connection.py): the auth phase,
// then commands with strictly increasing ids. Only the commands this project needs are known:
// `supervisor/api` (hassio/websocket_api.py; not on a Core install), `backup/config/info`, `ping`,
// `supported_features`, `get_config`, `unsubscribe_events`, `backup/config/update` (backupConfigUpdate.ts),
// `get_services` and `call_service` (services.ts), `validate_config` (validateConfig.ts),
// and on a Core install the backup manager's `backup/*` commands (backupManager/commands.ts).
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { parsePyJson } from '../pyJson';
import { applyConfigUpdate, validateConfigUpdate } from './backupConfigUpdate';
import { backupCommand } from './backupManager/commands';
import type { CommandContext } from './backupManager/commands';
import { ManagerError } from './backupManager/errors';
import type { BackupManager } from './backupManager/manager';
import { coreConfig } from './coreConfig';
import type { HomeAssistantBackupConfig } from './homeAssistantScenario';
import { callService, serviceDescriptions, type ServiceState } from './services';
import { HassioApiError, sendCommand } from './supervisorCall';
import type { SupervisorLink } from './supervisorCall';
import { validateConfig } from './validateConfig';
import type { WebSocketPeer } from './webSocketPeer';

/** What a session needs of its connection: a WebSocketPeer, or one end of an in-process link. */
export type SessionPeer = Pick<WebSocketPeer, 'onText' | 'sendText' | 'close'>;

export interface HomeAssistantUser {
  admin: boolean;
}

export interface HomeAssistantContext {
  haVersion: string;
  /** Long-lived access token → its user. */
  users: ReadonlyMap<string, HomeAssistantUser>;
  /** The settings `backup/config/info` shows and `backup/config/update` changes: the backup manager's own object. */
  backupConfig: HomeAssistantBackupConfig;
  /** The host's clock (next_automatic_backup of a new schedule). */
  clock: Clock;
  supervisor: SupervisorLink;
  install: 'supervisor' | 'core';
  timeZone: string;
  /** Core's own backup manager (a Core install); null where the Supervisor makes the backups. */
  backupManager: BackupManager | null;
  /** Events fired on the event bus with `fire_event`, oldest first (the tests read them). */
  firedEvents: { event_type: string; event_data: Record<string, unknown>; time_fired: string }[];
  /** Whether Auto Backup is installed, and the service calls made (`call_service`). */
  services: ServiceState;
}

type Message = Record<string, unknown>;

/** Endpoints a non-admin may call (ingress needs them); everything else is admin-only. */
const NO_ADMIN_ENDPOINTS = /^(?:\/ingress\/(session|validate_session)|\/addons\/[^/]+\/info)$/;

class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const unauthorized = (): CommandError => new CommandError('unauthorized', 'Unauthorized');

export class HomeAssistantWebSocketSession {
  private user: HomeAssistantUser | null = null;
  private lastId = 0;
  /**
   * Each command as Core's orjson read it, floats kept (PyFloat): the `data` of `supervisor/api`
   * reaches the Supervisor with 5.0 still a float, as Core passes it on.
   */
  private readonly withFloats = new WeakMap<object, unknown>();
  /** Open subscriptions by the id of the command that made them. */
  private readonly subscriptions = new Map<number, () => void>();

  constructor(
    private readonly peer: SessionPeer,
    private readonly context: HomeAssistantContext,
  ) {
    peer.onText = (text) => this.receive(text);
    this.send({ type: 'auth_required', ha_version: context.haVersion });
  }

  /** The connection is gone: its subscriptions end. */
  dispose(): void {
    for (const unsubscribe of this.subscriptions.values()) unsubscribe();
    this.subscriptions.clear();
  }

  private send(message: unknown): void {
    this.peer.sendText(JSON.stringify(message));
  }

  private receive(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text) as unknown;
    } catch {
      if (this.user === null) this.rejectAuth('Auth message incorrectly formatted: invalid JSON');
      else this.peer.close(); // Core drops a connection that sends something that is not JSON.
      return;
    }
    if (this.user === null) {
      this.authenticate(msg);
      return;
    }
    const floats = parsePyJson(text);
    // Several commands may arrive as one JSON array (Core's message coalescing).
    const commands = Array.isArray(msg) ? (msg as unknown[]) : [msg];
    const commandsWithFloats = Array.isArray(floats) ? (floats as unknown[]) : [floats];
    commands.forEach((one, i) => {
      if (isObject(one)) this.withFloats.set(one, commandsWithFloats[i]);
    });
    for (const one of commands) this.handleCommand(one);
  }

  private authenticate(msg: unknown): void {
    const m = isObject(msg) ? msg : {};
    const extra = Object.keys(m).find((k) => k !== 'type' && k !== 'access_token' && k !== 'api_password');
    if (m.type !== 'auth' || extra !== undefined || (m.access_token !== undefined && typeof m.access_token !== 'string')) {
      const why = m.type !== 'auth' ? "value must be one of ['auth'] for dictionary value @ data['type']" : `extra keys not allowed @ data['${extra ?? 'access_token'}']`;
      this.rejectAuth(`Auth message incorrectly formatted: ${why}`);
      return;
    }
    const user = typeof m.access_token === 'string' ? this.context.users.get(m.access_token) : undefined;
    if (!user) {
      this.rejectAuth('Invalid access token or password');
      return;
    }
    this.user = user;
    this.send({ type: 'auth_ok', ha_version: this.context.haVersion });
  }

  private rejectAuth(message: string): void {
    this.send({ type: 'auth_invalid', message });
    this.peer.close();
  }

  private handleCommand(msg: unknown): void {
    const id = isObject(msg) ? msg.id : undefined;
    const type = isObject(msg) ? msg.type : undefined;
    if (!isObject(msg) || typeof id !== 'number' || !Number.isInteger(id) || id <= 0 || typeof type !== 'string' || !type) {
      this.sendError(typeof id === 'number' ? id : 0, 'invalid_format', 'Message incorrectly formatted.');
      return;
    }
    if (id <= this.lastId) {
      this.sendError(id, 'id_reuse', 'Identifier values have to increase.');
      return;
    }
    this.lastId = id;
    if (type === 'ping') {
      this.send({ id, type: 'pong' });
      return;
    }
    const run = this.command(type, id);
    if (!run) {
      this.sendError(id, 'unknown_command', 'Unknown command.');
      return;
    }
    run(msg).then(
      (result) => this.send({ id, type: 'result', success: true, result }),
      (e: unknown) => {
        if (e instanceof CommandError) this.sendError(id, e.code, e.message);
        else if (e instanceof ManagerError) this.sendError(id, e.wsCode, e.wsMessage);
        else this.sendError(id, 'unknown_error', 'Unknown error');
      },
    );
  }

  private command(type: string, id: number): ((msg: Message) => Promise<unknown>) | undefined {
    const manager = this.context.backupManager;
    switch (type) {
      case 'supported_features':
        return () => Promise.resolve(null);
      case 'supervisor/api':
        // Without a Supervisor the hassio integration is not loaded, and its command does not exist.
        return this.context.install === 'core' ? undefined : (msg) => this.supervisorApi(msg);
      case 'fire_event':
        return (msg) => this.fireEvent(msg);
      case 'get_services':
        return () => Promise.resolve(serviceDescriptions(this.context.services));
      case 'call_service':
        return (msg) => this.callService(msg);
      case 'validate_config':
        return (msg) => {
          try {
            return Promise.resolve(validateConfig(msg));
          } catch (e) {
            return Promise.reject(new CommandError('invalid_format', e instanceof Error ? e.message : String(e)));
          }
        };
      case 'get_config':
        return () =>
          Promise.resolve(
            coreConfig({
              install: this.context.install,
              haVersion: this.context.haVersion,
              timeZone: this.context.timeZone,
              agentDomains: manager ? [...manager.agents.values()].map((a) => a.domain) : [],
            }),
          );
      case 'unsubscribe_events':
        return (msg) => this.unsubscribe(msg);
      case 'backup/config/info':
        return () => {
          if (!this.user?.admin) return Promise.reject(unauthorized());
          // handle_config_info: the deprecated schedule.state is kept in the store but not sent.
          const config = structuredClone(this.context.backupConfig);
          const { state: _state, ...schedule } = config.schedule;
          return Promise.resolve({ config: { ...config, schedule } });
        };
      case 'backup/config/update':
        return (msg) => this.configUpdate(msg);
      default: {
        const handler = manager ? backupCommand(type, manager, this.context.haVersion) : undefined;
        return handler && ((msg) => handler(msg, this.commandContext(id)));
      }
    }
  }

  private commandContext(id: number): CommandContext {
    return {
      admin: this.user?.admin === true,
      haVersion: this.context.haVersion,
      sendEvent: (event) => this.send({ id, type: 'event', event }),
      subscribe: (unsubscribe) => this.subscriptions.set(id, unsubscribe),
    };
  }

  /**
   * backup/websocket.py handle_config_update: the message's schema first (invalid_format, whoever
   * asks: Core checks it before the handler's require_admin), then the admin check; answers null.
   */
  private configUpdate(msg: Message): Promise<unknown> {
    const withFloats = this.withFloats.get(msg);
    try {
      const changes = validateConfigUpdate(isObject(withFloats) ? withFloats : msg);
      if (!this.user?.admin) return Promise.reject(unauthorized());
      applyConfigUpdate(this.context.backupConfig, changes, { ms: this.context.clock.now(), timeZone: this.context.timeZone });
      return Promise.resolve(null);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /**
   * websocket_api/commands.py handle_fire_event: `event_type` (str, required), `event_data` (dict,
   * optional); admin only; answers `{context}` of the event fired on the bus.
   */
  private fireEvent(msg: Message): Promise<unknown> {
    const type = msg.event_type;
    const data = msg.event_data;
    const extra = Object.keys(msg).filter((k) => !['id', 'type', 'event_type', 'event_data'].includes(k));
    if (typeof type !== 'string') return Promise.reject(new CommandError('invalid_format', `required key not provided @ data['event_type']. Got None`));
    if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data))) {
      return Promise.reject(new CommandError('invalid_format', `expected dict for dictionary value @ data['event_data']. Got ${JSON.stringify(data)}`));
    }
    if (extra.length) return Promise.reject(new CommandError('invalid_format', `extra keys not allowed @ data['${extra[0]}']. Got ${JSON.stringify(msg[extra[0]!])}`));
    if (!this.user?.admin) return Promise.reject(unauthorized());
    this.context.firedEvents.push({
      event_type: type,
      event_data: (data as Record<string, unknown> | undefined) ?? {},
      time_fired: new Date(this.context.clock.now()).toISOString(),
    });
    return Promise.resolve({ context: { id: randomBytes(13).toString('hex').toUpperCase(), parent_id: null, user_id: randomBytes(16).toString('hex') } });
  }

  /**
   * websocket_api/commands.py handle_call_service: `domain`, `service` (str, required), `service_data`
   * and `target` (dicts), `return_response`; answers `{context, response: null}`.
   */
  private callService(msg: Message): Promise<unknown> {
    for (const key of ['domain', 'service']) {
      if (typeof msg[key] !== 'string') return Promise.reject(new CommandError('invalid_format', `required key not provided @ data['${key}']. Got None`));
    }
    const extra = Object.keys(msg).find((k) => !['id', 'type', 'domain', 'service', 'service_data', 'target', 'return_response'].includes(k));
    if (extra !== undefined) return Promise.reject(new CommandError('invalid_format', `extra keys not allowed @ data['${extra}']. Got ${JSON.stringify(msg[extra])}`));
    const data = msg.service_data ?? {};
    if (!isObject(data)) return Promise.reject(new CommandError('invalid_format', `expected dict for dictionary value @ data['service_data']. Got ${JSON.stringify(data)}`));
    const call = { domain: msg.domain as string, service: msg.service as string, service_data: data };
    const outcome = callService(this.context.services, call, this.user?.admin === true, this.context.clock.now());
    if (!outcome.ok) return Promise.reject(new CommandError(outcome.code, outcome.message));
    return Promise.resolve({ context: { id: randomBytes(13).toString('hex').toUpperCase(), parent_id: null, user_id: randomBytes(16).toString('hex') }, response: null });
  }

  /** websocket_api/commands.py handle_unsubscribe_events. */
  private unsubscribe(msg: Message): Promise<unknown> {
    const subscription = msg.subscription;
    if (typeof subscription !== 'number' || !Number.isInteger(subscription)) {
      return Promise.reject(new CommandError('invalid_format', `expected int for dictionary value @ data['subscription']. Got ${JSON.stringify(subscription ?? null)}`));
    }
    const unsubscribe = this.subscriptions.get(subscription);
    if (!unsubscribe) return Promise.reject(new CommandError('not_found', 'Subscription not found.'));
    unsubscribe();
    this.subscriptions.delete(subscription);
    return Promise.resolve(null);
  }

  private async supervisorApi(msg: Message): Promise<unknown> {
    validateSupervisorApi(msg);
    const endpoint = msg.endpoint as string;
    if (!this.user?.admin && !NO_ADMIN_ENDPOINTS.test(endpoint)) throw unauthorized();
    try {
      const withFloats = this.withFloats.get(msg);
      return await sendCommand(this.context.supervisor, endpoint, {
        method: msg.method as string,
        payload: (isObject(withFloats) ? withFloats.data : msg.data) ?? {},
        timeoutS: msg.timeout === undefined ? 10 : (msg.timeout as number | null),
        params: msg.params as Record<string, unknown> | undefined,
      });
    } catch (e) {
      if (e instanceof HassioApiError) throw new CommandError('unknown_error', e.message);
      throw e;
    }
  }

  private sendError(id: number, code: string, message: string): void {
    this.send({ id, type: 'result', success: false, error: { code, message } });
  }
}

/** The voluptuous schema of `supervisor/api`: extra keys are refused, like every websocket command. */
function validateSupervisorApi(msg: Message): void {
  const allowed = new Set(['id', 'type', 'endpoint', 'method', 'data', 'params', 'timeout']);
  const invalid = (what: string): CommandError => new CommandError('invalid_format', what);
  for (const key of Object.keys(msg)) if (!allowed.has(key)) throw invalid(`extra keys not allowed @ data['${key}']. Got ${JSON.stringify(msg[key])}`);
  for (const key of ['endpoint', 'method']) {
    if (msg[key] === undefined) throw invalid(`required key not provided @ data['${key}']. Got None`);
    if (typeof msg[key] !== 'string') throw invalid(`expected str for dictionary value @ data['${key}']. Got ${JSON.stringify(msg[key])}`);
  }
  for (const key of ['data', 'params']) {
    if (msg[key] !== undefined && !isObject(msg[key])) throw invalid(`expected dict for dictionary value @ data['${key}']. Got ${JSON.stringify(msg[key])}`);
  }
  if (msg.timeout !== undefined && msg.timeout !== null && typeof msg.timeout !== 'number') {
    throw invalid(`not a valid value for dictionary value @ data['timeout']. Got ${JSON.stringify(msg.timeout)}`);
  }
}

function isObject(v: unknown): v is Message {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
