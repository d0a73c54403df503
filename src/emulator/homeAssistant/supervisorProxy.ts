// The Supervisor's proxy to Core's websocket API for add-ons (supervisor/api/proxy.py,
// APIProxy.websocket) at `/core/websocket` and its aliases. The Supervisor does the add-on's auth
// phase itself: `auth_required` with Core's version, then the first message's `api_password` or
// `access_token` must be the Supervisor token of an add-on with `homeassistant_api: true` (its
// hassio_role does not matter, and the message's `type` is not looked at). A bad token gets
// `auth_invalid` "Invalid access" and a normal close. A good one gets `auth_ok` at once; only then does
// the Supervisor open its own connection to Core, authenticated as the Supervisor's Core user (an
// administrator), and pass text messages through both ways. Since 2026.08.0 it answers a message whose
// `type` starts with `supervisor/` or `hassio/` with `unauthorized` itself instead of passing it on.
// When either side closes, the other is closed with a normal close (1000).
import { CLOSE_NORMAL } from './webSocketPeer';
import type { WebSocketPeer } from './webSocketPeer';
import type { SessionPeer } from './webSocketApi';

/** The routes of APIProxy.websocket (v1; `/homeassistant/…` are the legacy names). */
export const PROXY_WEBSOCKET_PATHS: ReadonlySet<string> = new Set(['/core/websocket', '/core/api/websocket', '/homeassistant/websocket', '/homeassistant/api/websocket']);

/** aiohttp's 400 for a websocket route requested without an upgrade. */
export const NO_UPGRADE_TEXT = 'No WebSocket UPGRADE hdr: None\n Can "Upgrade" only to "WebSocket".';

/** The Supervisor waits this long for the add-on's auth message (like Core's auth phase). */
const AUTH_TIMEOUT_MS = 10_000;

/** proxy.py DENIED_WS_TYPE_PREFIXES (Supervisor ≥ 2026.08.0). */
const DENIED_WS_TYPE_PREFIXES = ['supervisor/', 'hassio/'];

/** The first Supervisor release that filters command types (commit 9ad1c198, #7123). */
export const FILTERING_SUPERVISOR_VERSION = '2026.08.0';

export interface ProxyContext {
  /** What the Supervisor reports as Home Assistant's version. */
  haVersion: string;
  /** Is this the Supervisor token of an installed add-on with `homeassistant_api: true`? */
  admits(token: string): boolean;
  /** Supervisor ≥ 2026.08.0: deny `supervisor/*` and `hassio/*` command types. */
  filterCommands: boolean;
  /** The Supervisor's own access token for Core. */
  homeAssistantToken: string;
  /** Opens a new connection to Core's websocket API; returns the Supervisor's end of it. */
  connectHomeAssistant(): LocalEnd;
}

/**
 * One end of an in-process websocket connection (the Supervisor's connection to Core). Text and the
 * close reach the other end asynchronously and in order, as over a socket.
 */
export class LocalEnd implements SessionPeer {
  onText: (text: string) => void = () => undefined;
  /** The connection is gone (closed by either end); called once. */
  onClose: (code: number) => void = () => undefined;
  private other: LocalEnd = this;
  private open = true;

  static pair(): [LocalEnd, LocalEnd] {
    const a = new LocalEnd();
    const b = new LocalEnd();
    a.other = b;
    b.other = a;
    return [a, b];
  }

  get isOpen(): boolean {
    return this.open;
  }

  sendText(text: string): void {
    if (!this.open) return;
    const other = this.other;
    queueMicrotask(() => {
      if (other.open) other.onText(text);
    });
  }

  close(code = CLOSE_NORMAL): void {
    if (!this.open) return;
    this.open = false;
    const other = this.other;
    queueMicrotask(() => {
      this.onClose(code);
      if (!other.open) return;
      other.open = false;
      other.onClose(code);
    });
  }
}

/** The command type of a message the Supervisor must not pass on, with the message's id. */
export function deniedCommand(text: string): { type: string; id: unknown } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return null;
  }
  // Like proxy.py: only a JSON object with a string `type` is looked at. An array of commands (which
  // Core accepts) or a non-string type passes unfiltered, as in the real Supervisor.
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const { type, id } = parsed as Record<string, unknown>;
  if (typeof type !== 'string' || !DENIED_WS_TYPE_PREFIXES.some((p) => type.startsWith(p))) return null;
  return { type, id: id ?? null };
}

export class SupervisorHomeAssistantProxy {
  private state: 'auth' | 'connecting' | 'running' | 'closed' = 'auth';
  private homeAssistant: LocalEnd | null = null;
  /** Add-on messages that arrive while the Supervisor is still connecting to Core. */
  private readonly backlog: string[] = [];
  private readonly authTimer: NodeJS.Timeout;

  constructor(
    private readonly addon: WebSocketPeer,
    private readonly context: ProxyContext,
  ) {
    addon.onText = (text) => this.fromAddon(text);
    addon.onClose = () => this.addonClosed();
    this.send({ type: 'auth_required', ha_version: context.haVersion });
    // A timeout ends the handler: aiohttp closes the websocket normally, without a message.
    this.authTimer = setTimeout(() => this.addon.close(), AUTH_TIMEOUT_MS);
    this.authTimer.unref();
  }

  private send(message: unknown): void {
    this.addon.sendText(JSON.stringify(message));
  }

  private fromAddon(text: string): void {
    if (this.state === 'auth') this.authenticate(text);
    else if (this.state === 'connecting') this.backlog.push(text);
    else if (this.state === 'running') this.forward(text);
  }

  private authenticate(text: string): void {
    clearTimeout(this.authTimer);
    let msg: unknown;
    try {
      msg = JSON.parse(text) as unknown;
    } catch {
      // ValueError: the handler returns, the websocket is closed without an answer.
      this.addon.close();
      return;
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
      // `response.get(...)` raises AttributeError, which nothing catches: aiohttp drops the connection.
      this.addon.terminate();
      return;
    }
    const m = msg as Record<string, unknown>;
    const token = m.api_password || m.access_token;
    if (typeof token !== 'string' || !this.context.admits(token)) {
      this.send({ type: 'auth_invalid', message: 'Invalid access' });
      this.addon.close();
      return;
    }
    this.send({ type: 'auth_ok', ha_version: this.context.haVersion });
    this.state = 'connecting';
    this.connectHomeAssistant();
  }

  /** The Supervisor's own client handshake with Core (homeassistant/websocket.py connect_with_auth). */
  private connectHomeAssistant(): void {
    const homeAssistant = this.context.connectHomeAssistant();
    this.homeAssistant = homeAssistant;
    homeAssistant.onClose = () => {
      this.homeAssistant = null;
      // Core went away, or refused the Supervisor's token: the add-on's connection ends too.
      if (this.state !== 'closed') this.addon.close(CLOSE_NORMAL);
    };
    homeAssistant.onText = (text) => {
      if (this.state === 'running') {
        this.addon.sendText(text);
        return;
      }
      const type = (JSON.parse(text) as { type?: unknown }).type;
      if (type === 'auth_required') {
        homeAssistant.sendText(JSON.stringify({ type: 'auth', access_token: this.context.homeAssistantToken }));
      } else if (type === 'auth_ok') {
        this.state = 'running';
        for (const queued of this.backlog.splice(0)) this.forward(queued);
      } else {
        homeAssistant.close();
      }
    };
  }

  private forward(text: string): void {
    const denied = this.context.filterCommands ? deniedCommand(text) : null;
    if (denied) {
      this.send({ id: denied.id, type: 'result', success: false, error: { code: 'unauthorized', message: 'Unauthorized' } });
      return;
    }
    this.homeAssistant?.sendText(text);
  }

  private addonClosed(): void {
    clearTimeout(this.authTimer);
    this.state = 'closed';
    this.backlog.length = 0;
    this.homeAssistant?.close(CLOSE_NORMAL);
  }
}
