// The emulated Home Assistant Core, on the emulator's port: `/api/websocket` (auth + commands),
// `/api/hassio/…` (the REST proxy), `GET /api/`, and `/_emulator/core/…` test controls. It reaches the
// Supervisor like the real Core does: over HTTP with a Supervisor token of its own. Also here: the
// Supervisor's proxy to this Core for add-ons, `/core/websocket` (supervisorProxy.ts).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Clock } from '../clock';
import { notFound, sendJson, sendText, TextError } from '../http';
import type { ResolvedScenario, Role } from '../scenario';
import { compareVersions } from '../supervisor';
import { proxyToSupervisor } from './hassioProxy';
import type { SupervisorLink } from './supervisorCall';
import { FILTERING_SUPERVISOR_VERSION, LocalEnd, NO_UPGRADE_TEXT, PROXY_WEBSOCKET_PATHS, SupervisorHomeAssistantProxy } from './supervisorProxy';
import type { ProxyContext } from './supervisorProxy';
import { HomeAssistantWebSocketSession } from './webSocketApi';
import type { HomeAssistantContext, HomeAssistantUser } from './webSocketApi';
import { acceptWebSocket, CLOSE_GOING_AWAY } from './webSocketPeer';
import type { WebSocketPeer } from './webSocketPeer';

export class HomeAssistantFront {
  private readonly context: HomeAssistantContext;
  private readonly proxy: ProxyContext;
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
  ) {
    const link: SupervisorLink = { token: randomBytes(32).toString('hex'), baseUrl };
    supervisorTokens.set(link.token, 'admin');
    // The Supervisor's own user in Core (a system administrator), for its proxy connections.
    const supervisorUserToken = randomBytes(32).toString('hex');
    this.context = {
      haVersion: scenario.homeassistantVersion,
      users: new Map([...scenario.core.tokens.map((t): [string, HomeAssistantUser] => [t.token, { admin: t.admin }]), [supervisorUserToken, { admin: true }]]),
      backupConfig: scenario.core.backupConfig,
      supervisor: link,
    };
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

  handles(path: string): boolean {
    return path === '/api' || path.startsWith('/api/') || path.startsWith('/_emulator/core/') || PROXY_WEBSOCKET_PATHS.has(path);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    const queryAt = raw.indexOf('?');
    const rawPath = queryAt === -1 ? raw : raw.slice(0, queryAt);
    const search = queryAt === -1 ? '' : raw.slice(queryAt);
    const method = req.method ?? 'GET';

    if (rawPath.startsWith('/_emulator/core/')) return this.control(method, rawPath, res);
    if (PROXY_WEBSOCKET_PATHS.has(rawPath)) {
      // The Supervisor's route without an upgrade: aiohttp's WebSocketResponse refuses it.
      if (method !== 'GET' && method !== 'HEAD') throw new TextError(405, '405: Method Not Allowed', { Allow: 'GET,HEAD' });
      return sendText(res, 400, NO_UPGRADE_TEXT);
    }
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
    if (PROXY_WEBSOCKET_PATHS.has(path)) {
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
    peer.onClose = () => this.peers.delete(peer);
    new HomeAssistantWebSocketSession(peer, this.context);
  }

  /** Like a Core shutdown: every websocket gets a "going away" close frame (proxied ones then close too). */
  closeAll(): void {
    for (const peer of this.peers) peer.close(CLOSE_GOING_AWAY);
  }

  /** A connection from the Supervisor's proxy: in-process, counted like any other. */
  private connectLocally(): LocalEnd {
    const [supervisorEnd, homeAssistantEnd] = LocalEnd.pair();
    this.accepted++;
    this.peers.add(homeAssistantEnd);
    homeAssistantEnd.onClose = () => this.peers.delete(homeAssistantEnd);
    new HomeAssistantWebSocketSession(homeAssistantEnd, this.context);
    return supervisorEnd;
  }

  /** Home Assistant's auth middleware: `Authorization: Bearer <long-lived access token>`. */
  private userOf(req: IncomingMessage): HomeAssistantUser | null {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    return (m?.[1] && this.context.users.get(m[1])) || null;
  }

  /** Test controls. Their routes keep the name `/_emulator/core/…`, which tests and scripts call. */
  private control(method: string, path: string, res: ServerResponse): void {
    if (method === 'GET' && path === '/_emulator/core/connections') {
      return sendJson(res, 200, { open: this.peers.size, accepted: this.accepted });
    }
    if (method === 'POST' && path === '/_emulator/core/disconnect') {
      const closed = this.peers.size;
      this.closeAll();
      return sendJson(res, 200, { closed });
    }
    throw notFound();
  }
}
