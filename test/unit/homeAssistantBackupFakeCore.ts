// A scripted Home Assistant Core for the backup-manager tests: a real HTTP server with Core's websocket
// handshake (auth_required → auth → auth_ok, the emulator's RFC 6455 peer) where each test decides what
// every command is answered with, which events follow, and what the two HTTP endpoints do. What it
// answers comes from test/fixtures/home-assistant-responses; the test says so where it does.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptWebSocket, type WebSocketPeer } from '../../src/emulator/homeAssistant/webSocketPeer';

export const FAKE_TOKEN = 'fake-core-admin-token-0123456789';

export interface Exchange {
  /** The command as received (with its id). */
  message: Record<string, unknown> & { id: number; type: string };
  /** Sends `{id, type: "result", success: true, result}`. */
  result(result: unknown): void;
  /** Sends `{id, type: "result", success: false, error: {code, message}}`. */
  error(code: string, message: string): void;
  /** Sends `{id, type: "event", event}` (for subscriptions). */
  event(event: unknown, id?: number): void;
  /** Drops the connection. */
  drop(): void;
}

export type CommandHandler = (x: Exchange) => void | Promise<void>;

export class FakeCore {
  readonly received: (Record<string, unknown> & { id: number; type: string })[] = [];
  readonly handlers = new Map<string, CommandHandler>();
  /** The last HTTP request's path and query (the test checks what was sent). */
  readonly httpRequests: { method: string; url: string; authorization: string | undefined; body: Buffer }[] = [];
  http: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void = (_req, res) => {
    res.writeHead(404).end('404: Not Found');
  };
  private peers: WebSocketPeer[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(haVersion = '2026.11.2'): Promise<FakeCore> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const fake = new FakeCore(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        fake.httpRequests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
        fake.http(req, res, body);
      });
    });
    server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
      const peer = acceptWebSocket(req, socket, head);
      if (!peer) return;
      fake.peers.push(peer);
      const send = (m: unknown): void => peer.sendText(JSON.stringify(m));
      send({ type: 'auth_required', ha_version: haVersion });
      let authed = false;
      peer.onText = (text) => {
        const msg = JSON.parse(text) as Record<string, unknown> & { id: number; type: string };
        if (!authed) {
          if (msg.type === 'auth' && msg.access_token === FAKE_TOKEN) {
            authed = true;
            send({ type: 'auth_ok', ha_version: haVersion });
          } else {
            send({ type: 'auth_invalid', message: 'Invalid access token or password' });
            peer.close();
          }
          return;
        }
        fake.received.push(msg);
        const x: Exchange = {
          message: msg,
          result: (result) => send({ id: msg.id, type: 'result', success: true, result }),
          error: (code, message) => send({ id: msg.id, type: 'result', success: false, error: { code, message } }),
          event: (event, id = msg.id) => send({ id, type: 'event', event }),
          drop: () => peer.terminate(),
        };
        const handler = fake.handlers.get(msg.type);
        if (msg.type === 'unsubscribe_events' && !handler) return x.result(null);
        if (!handler) return x.error('unknown_command', 'Unknown command.');
        void handler(x);
      };
    });
    return fake;
  }

  /** Answers `type` with `result` every time. */
  answer(type: string, result: unknown): void {
    this.handlers.set(type, (x) => x.result(result));
  }

  /** Refuses `type` with `code`/`message` every time. */
  refuse(type: string, code: string, message: string): void {
    this.handlers.set(type, (x) => x.error(code, message));
  }

  sent(type: string): (Record<string, unknown> & { id: number; type: string })[] {
    return this.received.filter((m) => m.type === type);
  }

  async close(): Promise<void> {
    for (const p of this.peers) p.terminate();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}
