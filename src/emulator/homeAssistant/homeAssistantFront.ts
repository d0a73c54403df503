// The emulated Home Assistant Core, on the emulator's port: `/api/websocket` (auth + commands),
// `/api/hassio/…` (the REST proxy), `GET /api/`, and `/_emulator/core/…` test controls. It reaches the
// Supervisor like the real Core does: over HTTP with a Supervisor token of its own. Also here: the
// Supervisor's proxy to this Core for add-ons, `/core/websocket` (supervisorProxy.ts).
// On a Core install (no Supervisor) there is no hassio proxy and no `/core/websocket`; Core's own
// backup manager (backupManager/) answers `backup/*` and `/api/backup/download|upload`. On a Supervisor
// install the same manager has the hassio agents over the Supervisor (backupManager/hassio.ts).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { z } from 'zod';
import type { Clock } from '../clock';
import { ApiError, notFound, readJson, sendJson, sendText, TextError } from '../http';
import type { ResolvedScenario, Role } from '../scenario';
import { compareVersions } from '../supervisor';
import type { Supervisor } from '../supervisor';
import { AutomaticBackups } from './automaticBackups';
import { validateCoreConfig } from './backupConfigUpdate';
import * as backupControl from './backupManager/control';
import { DOWNLOAD_PREFIX, downloadBackup, UPLOAD_PATH, uploadBackup } from './backupManager/http';
import { HassioBackupManager } from './backupManager/hassio';
import { BackupManager } from './backupManager/manager';
import { proxyToSupervisor } from './hassioProxy';
import type { SupervisorLink } from './supervisorCall';
import { FILTERING_SUPERVISOR_VERSION, LocalEnd, NO_UPGRADE_TEXT, PROXY_WEBSOCKET_PATHS, SupervisorHomeAssistantProxy } from './supervisorProxy';
import type { ProxyContext } from './supervisorProxy';
import { HomeAssistantWebSocketSession } from './webSocketApi';
import type { HomeAssistantContext, HomeAssistantUser } from './webSocketApi';
import { acceptWebSocket, CLOSE_GOING_AWAY } from './webSocketPeer';
import type { WebSocketPeer } from './webSocketPeer';

export interface HomeAssistantFrontOptions {
  install: 'supervisor' | 'core';
  /** The emulator's data folder (a Core install keeps `config/` and `agents/` there). */
  dataDir: string;
  /** On a Core install, the emulator's token is an administrator's long-lived access token. */
  token?: string;
  /** On a Supervisor install: the emulated Supervisor, reached in-process by Core's hassio backup agents. */
  supervisor?: Supervisor;
}

export class HomeAssistantFront {
  private readonly context: HomeAssistantContext;
  /** Core's backup manager: its own on a Core install, with the hassio agents on a Supervisor install. */
  readonly backupManager: BackupManager | null = null;
  /** Core's automatic backups on their schedule and its daily retention by days (when it has a backup manager). */
  readonly automaticBackups: AutomaticBackups | null = null;
  /** Core is restarting: it answers nothing until this is false again. */
  private down = false;
  /** What the Supervisor's proxies to Core (websocket and REST) share: add-on tokens, Core's own token. */
  readonly proxy: ProxyContext;
  /** Open websocket connections to Core: from clients, and the Supervisor's proxy connections. */
  private readonly peers = new Set<WebSocketPeer | LocalEnd>();
  private accepted = 0;

  /**
   * `supervisorTokens` gets Core's own token (admin role); `baseUrl` is the emulator's address; `clock`
   * is the host's (Core runs on the same host as the Supervisor) and dates the websocket handshakes.
   */
  constructor(
    scenario: ResolvedScenario,
    supervisorTokens: Map<string, Role>,
    baseUrl: () => string,
    private readonly clock: Clock,
    private readonly options: HomeAssistantFrontOptions = { install: 'supervisor', dataDir: '' },
  ) {
    const link: SupervisorLink = { token: randomBytes(32).toString('hex'), baseUrl };
    supervisorTokens.set(link.token, 'admin');
    // The Supervisor's own user in Core (a system administrator), for its proxy connections.
    const supervisorUserToken = randomBytes(32).toString('hex');
    this.context = {
      haVersion: scenario.homeassistantVersion,
      users: new Map([...scenario.core.tokens.map((t): [string, HomeAssistantUser] => [t.token, { admin: t.admin }]), [supervisorUserToken, { admin: true }]]),
      backupConfig: scenario.core.backupConfig,
      clock,
      supervisor: link,
      install: options.install,
      timeZone: scenario.timeZone,
      backupManager: null,
      firedEvents: [],
      services: { autoBackupInstalled: scenario.core.autoBackupInstalled, calls: [] },
    };
    // Core's backup manager starts (async_setup): on a Core install its settings lose what only a Supervisor has.
    if (options.install === 'core') validateCoreConfig(scenario.core.backupConfig);
    if (options.install === 'core' && options.token) this.context.users = new Map([...this.context.users, [options.token, { admin: true }]]);
    const managerOptions = {
      dataDir: options.dataDir,
      clock,
      timeZone: scenario.timeZone,
      haVersion: () => this.context.haVersion,
      instanceId: scenario.core.instanceId,
      config: scenario.core.backupConfig,
      agents: scenario.core.agents,
      stepDelayMs: scenario.core.stepDelayMs,
      restartDelayMs: scenario.core.restartDelayMs,
      payloadBytes: scenario.newBackupPayloadBytes,
      restartCore: (downMs: number) => this.restart(downMs),
    };
    if (options.install === 'core') this.backupManager = new BackupManager(managerOptions);
    else if (options.supervisor) {
      this.backupManager = new HassioBackupManager({ ...managerOptions, supervisor: options.supervisor, supervisorBackupCopies: scenario.core.supervisorBackupCopies });
    }
    this.context.backupManager = this.backupManager;
    if (this.backupManager) {
      this.automaticBackups = new AutomaticBackups({
        manager: this.backupManager,
        clock,
        timeZone: scenario.timeZone,
        haVersion: () => this.context.haVersion,
        isDown: () => this.down,
      });
    }
    const withoutApi = new Set(scenario.core.tokensWithoutHomeassistantApi);
    this.proxy = {
      haVersion: scenario.homeassistantVersion,
      // Only add-ons: Core's own Supervisor token is not one.
      admits: (token) => token !== link.token && supervisorTokens.has(token) && !withoutApi.has(token),
      filterCommands: compareVersions(scenario.supervisorVersion, FILTERING_SUPERVISOR_VERSION) >= 0,
      homeAssistantToken: supervisorUserToken,
      connectHomeAssistant: () => this.connectLocally(),
    };
  }

  /** Writes the scenario's Core backups (first use of the data folder), then arms the automatic backups. */
  async start(scenario: ResolvedScenario): Promise<void> {
    await this.backupManager?.seed(scenario.core.backups);
    this.automaticBackups?.start();
  }

  private get isCore(): boolean {
    return this.options.install === 'core';
  }

  /** Core restarts (a restore): every websocket closes, nothing answers for `downMs`. */
  private async restart(downMs: number): Promise<void> {
    this.down = true;
    this.closeConnections();
    await new Promise((r) => setTimeout(r, downMs));
    if (this.isCore) validateCoreConfig(this.context.backupConfig);
    this.down = false;
  }

  handles(path: string): boolean {
    return path === '/api' || path.startsWith('/api/') || path.startsWith('/_emulator/core/') || PROXY_WEBSOCKET_PATHS.has(path);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    const queryAt = raw.indexOf('?');
    const rawPath = queryAt === -1 ? raw : raw.slice(0, queryAt);
    const search = queryAt === -1 ? '' : raw.slice(queryAt);
    const method = req.method ?? 'GET';

    if (rawPath.startsWith('/_emulator/core/')) return this.control(method, rawPath, req, res);
    if (this.down) {
      // Core is not running: nothing listens (the nearest a shared port can come to a refused connection).
      req.socket.destroy();
      return;
    }
    if (PROXY_WEBSOCKET_PATHS.has(rawPath) && this.isCore) throw notFound();
    if (PROXY_WEBSOCKET_PATHS.has(rawPath)) {
      // The Supervisor's route without an upgrade: aiohttp's WebSocketResponse refuses it.
      if (method !== 'GET' && method !== 'HEAD') throw new TextError(405, '405: Method Not Allowed', { Allow: 'GET,HEAD' });
      return sendText(res, 400, NO_UPGRADE_TEXT);
    }
    const manager = this.backupManager;
    if (manager && (rawPath.startsWith(DOWNLOAD_PREFIX) || rawPath === UPLOAD_PATH)) {
      const user = this.userOf(req);
      if (!user) throw new TextError(401, '401: Unauthorized');
      const query = new URLSearchParams(search);
      if (rawPath === UPLOAD_PATH) {
        if (method !== 'POST') throw new TextError(405, '405: Method Not Allowed', { Allow: 'POST' });
        return uploadBackup(manager, req, res, query, user.admin);
      }
      if (method !== 'GET' && method !== 'HEAD') throw new TextError(405, '405: Method Not Allowed', { Allow: 'GET,HEAD' });
      const backupId = decodeURIComponent(rawPath.slice(DOWNLOAD_PREFIX.length));
      if (!backupId || backupId.includes('/')) throw notFound();
      return downloadBackup(manager, req, res, backupId, query, user.admin);
    }
    // Without a Supervisor the hassio integration is not loaded: its proxy routes do not exist.
    if (rawPath.startsWith('/api/hassio/') && this.isCore) throw notFound();
    if (rawPath.startsWith('/api/hassio/')) {
      return proxyToSupervisor(req, res, rawPath.slice('/api/hassio/'.length), search, this.userOf(req), this.context.supervisor);
    }
    if (rawPath === '/api/') {
      if (method !== 'GET') throw new TextError(405, '405: Method Not Allowed', { Allow: 'GET' });
      if (!this.userOf(req)) throw new TextError(401, '401: Unauthorized');
      return sendJson(res, 200, { message: 'API running.' });
    }
    if (rawPath === '/api/websocket') return sendText(res, 400, 'Expected WebSocket upgrade');
    throw notFound();
  }

  /** `upgrade` event of the HTTP server. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const date = this.clock.httpDate();
    if (this.down) {
      socket.destroy();
      return;
    }
    if (PROXY_WEBSOCKET_PATHS.has(path) && !this.isCore) {
      const addon = acceptWebSocket(req, socket, head, date);
      if (addon) new SupervisorHomeAssistantProxy(addon, this.proxy);
      return;
    }
    if (path !== '/api/websocket') {
      socket.end(`HTTP/1.1 404 Not Found\r\nDate: ${date}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 14\r\nConnection: close\r\n\r\n404: Not Found`);
      return;
    }
    const peer = acceptWebSocket(req, socket, head, date);
    if (!peer) return;
    this.accepted++;
    this.peers.add(peer);
    const session = new HomeAssistantWebSocketSession(peer, this.context);
    peer.onClose = () => {
      this.peers.delete(peer);
      session.dispose();
    };
  }

  /** Core shuts down (the emulator closes): its timers stop and every websocket closes. */
  closeAll(): void {
    this.automaticBackups?.stop();
    this.closeConnections();
  }

  /** Every websocket gets a "going away" close frame (proxied ones then close too): a shutdown, a restart, a test's disconnect. */
  private closeConnections(): void {
    for (const peer of this.peers) peer.close(CLOSE_GOING_AWAY);
  }

  /** A connection from the Supervisor's proxy: in-process, counted like any other. */
  private connectLocally(): LocalEnd {
    const [supervisorEnd, homeAssistantEnd] = LocalEnd.pair();
    this.accepted++;
    this.peers.add(homeAssistantEnd);
    const session = new HomeAssistantWebSocketSession(homeAssistantEnd, this.context);
    homeAssistantEnd.onClose = () => {
      this.peers.delete(homeAssistantEnd);
      session.dispose();
    };
    return supervisorEnd;
  }

  /** Home Assistant's auth middleware: `Authorization: Bearer <long-lived access token>`. */
  private userOf(req: IncomingMessage): HomeAssistantUser | null {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    return (m?.[1] && this.context.users.get(m[1])) || null;
  }

  /** Test controls. Their routes keep the name `/_emulator/core/…`, which tests and scripts call. */
  private async control(method: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (method === 'POST' && path === '/_emulator/core/settings') return sendJson(res, 200, await this.postSettings(req));
    // The backup settings as Core stores them (`.storage/backup`: with the deprecated schedule.state).
    if (method === 'GET' && path === '/_emulator/core/backup/config') return sendJson(res, 200, this.context.backupConfig);
    // Events fired on Home Assistant's bus through the websocket (`fire_event`), oldest first.
    if (method === 'GET' && path === '/_emulator/core/events') return sendJson(res, 200, this.context.firedEvents);
    // Service calls made through the websocket (`call_service`), oldest first; DELETE forgets them.
    if (method === 'GET' && path === '/_emulator/core/services/calls') return sendJson(res, 200, this.context.services.calls);
    if (method === 'DELETE' && path === '/_emulator/core/services/calls') {
      this.context.services.calls.length = 0;
      return sendJson(res, 200, {});
    }
    const manager = this.backupManager;
    if (manager && path.startsWith('/_emulator/core/backup/')) {
      if (method === 'GET' && path === '/_emulator/core/backup/state') return sendJson(res, 200, await backupControl.getState(manager, this.options.dataDir));
      if (method === 'POST' && path === '/_emulator/core/backup/backups') return sendJson(res, 200, await backupControl.postBackup(manager, req));
      if (method === 'DELETE' && path === '/_emulator/core/backup/requests') {
        manager.requestCounts.clear();
        return sendJson(res, 200, {});
      }
      const agent = /^\/_emulator\/core\/backup\/agents\/([^/]+)$/.exec(path);
      if (method === 'POST' && agent?.[1]) return sendJson(res, 200, await backupControl.postAgent(manager, decodeURIComponent(agent[1]), req));
    }
    if (method === 'GET' && path === '/_emulator/core/connections') {
      return sendJson(res, 200, { open: this.peers.size, accepted: this.accepted });
    }
    if (method === 'POST' && path === '/_emulator/core/disconnect') {
      const closed = this.peers.size;
      this.closeConnections();
      return sendJson(res, 200, { closed });
    }
    throw notFound();
  }

  /** POST /_emulator/core/settings {homeassistantVersion?, restartDelayMs?, stepDelayMs?, autoBackupInstalled?}. */
  private async postSettings(req: IncomingMessage): Promise<unknown> {
    const body = SettingsBody.safeParse(await readJson(req));
    if (!body.success) throw new ApiError(body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    const { homeassistantVersion, restartDelayMs, stepDelayMs, autoBackupInstalled } = body.data;
    if (homeassistantVersion !== undefined) this.context.haVersion = homeassistantVersion;
    if (autoBackupInstalled !== undefined) this.context.services.autoBackupInstalled = autoBackupInstalled;
    if (this.backupManager && restartDelayMs !== undefined) this.backupManager.restartDelayMs = restartDelayMs;
    if (this.backupManager && stepDelayMs !== undefined) this.backupManager.stepDelayMs = stepDelayMs;
    return {
      homeassistantVersion: this.context.haVersion,
      restartDelayMs: this.backupManager?.restartDelayMs ?? null,
      stepDelayMs: this.backupManager?.stepDelayMs ?? null,
      autoBackupInstalled: this.context.services.autoBackupInstalled,
    };
  }
}

const SettingsBody = z.strictObject({
  homeassistantVersion: z
    .string()
    .regex(/^\d{4}\.\d{1,2}\.\d+/)
    .optional(),
  restartDelayMs: z.number().int().min(0).max(600_000).optional(),
  stepDelayMs: z.number().int().min(0).max(600_000).optional(),
  autoBackupInstalled: z.boolean().optional(),
});
