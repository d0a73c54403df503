// One authenticated connection to Home Assistant Core's websocket API, opened on first use, shared by
// concurrent calls and opened again after it drops. Handshake: Core sends `auth_required`, we send
// `auth` with the token, Core answers `auth_ok` or `auth_invalid` and closes. The same protocol is
// spoken at Core's own `/api/websocket` (a long-lived access token) and at the Supervisor's Core proxy
// `ws://supervisor/core/websocket` (an add-on's Supervisor token; the Supervisor does the handshake
// for the add-on and answers it itself) — only the URL and the messages differ.
import { WebSocket } from 'undici';
import type { Dispatcher } from 'undici';
import { redactSecret, type SupervisorErrorKind } from '../supervisor/errors';

export type HomeAssistantCommandResult = { success: true; result: unknown } | { success: false; error: { code: string; message: string } };

/** A failure of the connection itself; the transport turns it into a SupervisorError for its call. */
export class HomeAssistantConnectionError extends Error {
  constructor(
    readonly kind: SupervisorErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HomeAssistantConnectionError';
  }
}

export interface HomeAssistantWebSocketOptions {
  /** The websocket's full address: `ws(s)://host:port/api/websocket`, `ws://supervisor/core/websocket`. */
  url: string;
  token: string;
  dispatcher: Dispatcher;
  /** For messages: the Home Assistant (or Supervisor) address (never with the token). */
  target: string;
  /** Called when the socket failed before it opened: finds out why (refused, DNS, TLS, no websocket). */
  explainOpenFailure: () => Promise<unknown>;
  /**
   * The message for `auth_invalid`; `reason` is the server's own message ("" when it gave none).
   * Default: Core's wording, which asks for an administrator's long-lived access token.
   */
  describeTokenRejected?: (reason: string) => string;
}

/** Opening + auth must not hang forever on a server that accepts TCP but never answers. */
const HANDSHAKE_TIMEOUT_MS = 30_000;

interface Pending {
  resolve: (r: HomeAssistantCommandResult) => void;
  reject: (e: unknown) => void;
}

/** What a subscription delivers: each `event` message's `event`, and once, the end of the connection it lives on. */
interface Subscriber {
  onEvent: (event: unknown) => void;
  onEnd?: (error: Error) => void;
}

/** A subscription (`subscribe`): the command's answer, and how to end it. */
export interface HomeAssistantSubscription {
  /** The answer to the subscribing command; when it failed, no event is delivered and `unsubscribe` does nothing. */
  answer: HomeAssistantCommandResult;
  /** Sends `unsubscribe_events` for it (when its connection is still up) and stops delivering its events. */
  unsubscribe(): Promise<void>;
}

interface Connection {
  ws: WebSocket;
  haVersion: string;
  pending: Map<number, Pending>;
  /** Subscriptions by the id of their subscribing command (Core sends their events with that id). */
  subscribers: Map<number, Subscriber>;
  authenticated: boolean;
  closed: boolean;
}

/** The answer for a request whose connection dropped: undici-style, so networkError says "reset". */
const connectionLost = (): Error => Object.assign(new Error('The websocket connection was closed'), { code: 'ECONNRESET' });

export class HomeAssistantWebSocket {
  private current: Connection | null = null;
  private opening: Promise<Connection> | null = null;
  private nextId = 1;
  private shutDown = false;
  /** The socket of a connection still in its handshake (close() ends it too). */
  private handshaking: WebSocket | null = null;
  /** Home Assistant's version from the last `auth_ok` (undefined before the first connection). */
  haVersion: string | undefined;

  constructor(private readonly options: HomeAssistantWebSocketOptions) {}

  /** Opens (or reuses) the authenticated connection. */
  async connect(signal?: AbortSignal): Promise<{ haVersion: string }> {
    const conn = await untilAborted(this.connection(), signal);
    return { haVersion: conn.haVersion };
  }

  /** Sends one command (`id` is added) and waits for its `result`. */
  async call(message: Record<string, unknown>, signal?: AbortSignal): Promise<HomeAssistantCommandResult> {
    let conn = await untilAborted(this.connection(), signal);
    // A close can land between "connected" and "send": one fresh connection is worth a try.
    if (conn.closed || conn.ws.readyState !== WebSocket.OPEN) conn = await untilAborted(this.connection(), signal);
    const id = this.nextId++;
    const answer = new Promise<HomeAssistantCommandResult>((resolve, reject) => conn.pending.set(id, { resolve, reject }));
    conn.ws.send(JSON.stringify({ ...message, id }));
    try {
      return await untilAborted(answer, signal);
    } finally {
      // Core has no way to cancel a command: a late answer is simply ignored.
      conn.pending.delete(id);
    }
  }

  /**
   * Sends a subscribing command (`{type: "backup/subscribe_events"}`, `id` added) and delivers each of its
   * `event` messages to `onEvent` until `unsubscribe`. Events are delivered from before the answer: Core
   * may send one (the replayed last event) before its `result`. `onEnd` is called once if the connection
   * drops while subscribed (its events stop; subscribe again on a new connection).
   */
  async subscribe(
    message: Record<string, unknown>,
    onEvent: (event: unknown) => void,
    options: { signal?: AbortSignal; onEnd?: (error: Error) => void } = {},
  ): Promise<HomeAssistantSubscription> {
    let conn = await untilAborted(this.connection(), options.signal);
    if (conn.closed || conn.ws.readyState !== WebSocket.OPEN) conn = await untilAborted(this.connection(), options.signal);
    const id = this.nextId++;
    const subscriber: Subscriber = { onEvent, onEnd: options.onEnd };
    conn.subscribers.set(id, subscriber);
    const answer = new Promise<HomeAssistantCommandResult>((resolve, reject) => conn.pending.set(id, { resolve, reject }));
    conn.ws.send(JSON.stringify({ ...message, id }));
    let result: HomeAssistantCommandResult;
    try {
      result = await untilAborted(answer, options.signal);
    } catch (e) {
      conn.subscribers.delete(id);
      // Subscribed after all, perhaps: Core would keep sending; tell it to stop.
      if (!conn.closed) this.callOn(conn, { type: 'unsubscribe_events', subscription: id }).catch(() => undefined);
      throw e;
    } finally {
      conn.pending.delete(id);
    }
    if (!result.success) {
      conn.subscribers.delete(id);
      return { answer: result, unsubscribe: () => Promise.resolve() };
    }
    let ended = false;
    return {
      answer: result,
      unsubscribe: async () => {
        if (ended) return;
        ended = true;
        conn.subscribers.delete(id);
        if (conn.closed || conn.ws.readyState !== WebSocket.OPEN) return;
        try {
          await this.callOn(conn, { type: 'unsubscribe_events', subscription: id });
        } catch {
          // the connection went away meanwhile: nothing is subscribed any more
        }
      },
    };
  }

  close(): void {
    this.shutDown = true;
    const conn = this.current;
    this.current = null;
    if (conn) this.drop(conn, 1000);
    try {
      this.handshaking?.close(1000);
    } catch {
      // not open yet or already closing: its close event still comes
    }
  }

  private connection(): Promise<Connection> {
    if (this.shutDown) return Promise.reject(new HomeAssistantConnectionError('network', 'The Home Assistant connection was closed'));
    if (this.current && !this.current.closed) return Promise.resolve(this.current);
    this.opening ??= this.open().finally(() => (this.opening = null));
    return this.opening;
  }

  private open(): Promise<Connection> {
    const { url, token, dispatcher, target } = this.options;
    return new Promise<Connection>((resolve, reject) => {
      const ws = new WebSocket(url, { dispatcher });
      this.handshaking = ws;
      let opened = false;
      let rejection: HomeAssistantConnectionError | null = null;
      const conn: Connection = { ws, haVersion: '', pending: new Map(), subscribers: new Map(), authenticated: false, closed: false };
      const timer = setTimeout(() => {
        rejection = new HomeAssistantConnectionError('timeout', `${target} did not complete the websocket handshake in time`);
        ws.close();
      }, HANDSHAKE_TIMEOUT_MS);

      ws.addEventListener('open', () => (opened = true));
      ws.addEventListener('message', (ev) => {
        const msg = parseMessage(ev.data);
        if (!msg) return;
        if (msg.type === 'auth_required') {
          ws.send(JSON.stringify({ type: 'auth', access_token: token }));
        } else if (msg.type === 'auth_ok') {
          clearTimeout(timer);
          if (this.handshaking === ws) this.handshaking = null;
          if (this.shutDown) {
            // close() was called while this connection was being opened: nobody will use it.
            rejection = new HomeAssistantConnectionError('network', 'The Home Assistant connection was closed');
            ws.close(1000);
            return;
          }
          conn.authenticated = true;
          conn.haVersion = typeof msg.ha_version === 'string' ? msg.ha_version : 'unknown';
          this.haVersion = conn.haVersion;
          this.current = conn;
          resolve(conn);
        } else if (msg.type === 'auth_invalid') {
          // Server texts become our messages: never with the token in them (a server may repeat it).
          const reason = typeof msg.message === 'string' ? redactSecret(msg.message, token) : '';
          const describe =
            this.options.describeTokenRejected ??
            ((why: string) =>
              `Home Assistant at ${target} rejected the access token${why ? ` (${why})` : ''}. Create a long-lived access token in the profile of an administrator user.`);
          rejection = new HomeAssistantConnectionError('token_rejected', describe(reason));
        } else if (msg.type === 'result' || msg.type === 'pong') {
          const pending = typeof msg.id === 'number' ? conn.pending.get(msg.id) : undefined;
          pending?.resolve(msg.type === 'pong' ? { success: true, result: null } : toResult(msg, token));
        } else if (msg.type === 'event') {
          const subscriber = typeof msg.id === 'number' ? conn.subscribers.get(msg.id) : undefined;
          subscriber?.onEvent(msg.event);
        }
      });
      ws.addEventListener('close', () => {
        clearTimeout(timer);
        if (this.handshaking === ws) this.handshaking = null;
        conn.closed = true;
        if (this.current === conn) this.current = null;
        for (const p of conn.pending.values()) p.reject(connectionLost());
        conn.pending.clear();
        endSubscriptions(conn);
        if (conn.authenticated) return; // was up: the next call reconnects
        if (rejection) reject(rejection);
        else if (this.shutDown) reject(new HomeAssistantConnectionError('network', 'The Home Assistant connection was closed'));
        else if (!opened) this.options.explainOpenFailure().then(reject, reject);
        else reject(new HomeAssistantConnectionError('connection_reset', `${target} closed the websocket connection before authentication finished`));
      });
    });
  }

  /** One command on `conn` itself (not on a newer connection: a subscription lives on its own). */
  private async callOn(conn: Connection, message: Record<string, unknown>): Promise<HomeAssistantCommandResult> {
    const id = this.nextId++;
    const answer = new Promise<HomeAssistantCommandResult>((resolve, reject) => conn.pending.set(id, { resolve, reject }));
    conn.ws.send(JSON.stringify({ ...message, id }));
    try {
      return await untilAborted(answer, AbortSignal.timeout(HANDSHAKE_TIMEOUT_MS));
    } finally {
      conn.pending.delete(id);
    }
  }

  private drop(conn: Connection, code: number): void {
    conn.closed = true;
    for (const p of conn.pending.values()) p.reject(connectionLost());
    conn.pending.clear();
    endSubscriptions(conn);
    try {
      conn.ws.close(code);
    } catch {
      // already closing
    }
  }
}

/** Tells every subscription of a connection that went away, once. */
function endSubscriptions(conn: Connection): void {
  const subscribers = [...conn.subscribers.values()];
  conn.subscribers.clear();
  for (const s of subscribers) s.onEnd?.(connectionLost());
}

function parseMessage(data: unknown): Record<string, unknown> | null {
  if (typeof data !== 'string') return null;
  try {
    const v = JSON.parse(data) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function toResult(msg: Record<string, unknown>, token: string): HomeAssistantCommandResult {
  if (msg.success === true) return { success: true, result: msg.result ?? null };
  const error = (msg.error ?? {}) as { code?: unknown; message?: unknown };
  return {
    success: false,
    error: { code: typeof error.code === 'string' ? error.code : 'unknown_error', message: typeof error.message === 'string' ? redactSecret(error.message, token) : '' },
  };
}

/** Waits for `p` unless `signal` fires first (then rejects with the signal's reason). */
function untilAborted<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(asError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(asError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(asError(e));
      },
    );
  });
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
