// Security checklist: tokens never reach error messages. A hostile (or merely chatty) server that
// echoes the request's Authorization header in its answer — plain text, a Supervisor envelope, a
// Core websocket error, an auth_invalid reason — must not get the token into a SupervisorError's
// message, stack, cause chain or inspected form (which is what ends up in logs and notifications).
import * as assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { HttpTransport, SupervisorClient, SupervisorError, type SupervisorTransport } from '../../src/core/supervisor';
import { AddonHomeAssistantConnection, HomeAssistantTransport } from '../../src/core/homeAssistant';
import { acceptWebSocket } from '../../src/emulator/homeAssistant/webSocketPeer';
import { closedPort } from './transportScenarios';

const TOKEN = 'sekrit-7f3a9c1e5b2d4806-token';

/** Everything a log line or a notification could be made of. */
function exposedTextOf(e: unknown): string {
  const parts = [String(e), inspect(e, { depth: 20, showHidden: true })];
  if (e instanceof Error) parts.push(e.message, e.stack ?? '', JSON.stringify(e));
  return parts.join('\n');
}

function assertNoToken(e: unknown, what: string): void {
  const text = exposedTextOf(e);
  assert.ok(!text.includes(TOKEN), `${what}: the token appears in the error:\n${text}`);
  assert.ok(!/Bearer\s+(?!\*\*\*)\S/.test(text), `${what}: an Authorization header appears in the error:\n${text}`);
}

async function failure(p: Promise<unknown>): Promise<SupervisorError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SupervisorError, `expected a SupervisorError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** An HTTP server whose answer is swapped per test; `echo` is what it "reflects" from the request. */
class HostileServer {
  handler: Handler = (_req, res) => res.end();
  onAuth: (token: string, peer: { sendText(text: string): void; close(): void }) => void = () => undefined;
  onCommand: (message: Record<string, unknown>, peer: { sendText(text: string): void }) => void = () => undefined;
  private readonly server: Server;
  url = '';

  constructor() {
    this.server = createServer((req, res) => this.handler(req, res));
    // A Home Assistant Core websocket that reflects the token it is given.
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (req.url !== '/api/websocket' && req.url !== '/core/websocket') {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      const peer = acceptWebSocket(req, socket, head);
      if (!peer) return;
      peer.sendText(JSON.stringify({ type: 'auth_required', ha_version: '2026.11.2' }));
      peer.onText = (text) => {
        const message = JSON.parse(text) as Record<string, unknown>;
        if (message.type === 'auth') this.onAuth(String(message.access_token), peer);
        else this.onCommand(message, peer);
      };
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const echo = (req: IncomingMessage): string => `you sent: authorization=${req.headers.authorization ?? '(none)'} token=${TOKEN}`;

const plain =
  (status: number): Handler =>
  (req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' }).end(echo(req));
  };

const envelope =
  (status: number): Handler =>
  (req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ result: 'error', message: echo(req), data: {} }));
  };

describe('security: the token never reaches an error (direct Supervisor transport)', () => {
  const server = new HostileServer();
  let client: SupervisorClient;
  let transport: SupervisorTransport;

  before(async () => {
    await server.start();
    transport = new HttpTransport({ baseUrl: server.url, token: TOKEN });
    client = new SupervisorClient(transport);
  });
  after(async () => {
    await transport.close();
    await server.stop();
  });

  const cases: { name: string; handler: Handler; kind: string }[] = [
    { name: '401 with the header echoed', handler: plain(401), kind: 'unauthorized' },
    { name: '403 with the header echoed (token rejected)', handler: plain(403), kind: 'token_rejected' },
    { name: '500 plain text echoing the header', handler: plain(500), kind: 'api' },
    { name: '502 from a proxy echoing the header', handler: plain(502), kind: 'api' },
    { name: '503 Supervisor envelope echoing the header', handler: envelope(503), kind: 'api' },
    { name: '400 Supervisor envelope echoing the header', handler: envelope(400), kind: 'api' },
    { name: '404 envelope echoing the header', handler: envelope(404), kind: 'not_found' },
    { name: '200 with result "error" echoing the header', handler: envelope(200), kind: 'api' },
    {
      name: 'connection reset after the headers, echo in the partial body',
      handler: (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
        res.write(`{"result":"ok","data":{"echo":"${echo(req)}`);
        setTimeout(() => res.destroy(), 20);
      },
      kind: 'connection_reset',
    },
    { name: 'connection reset before any answer', handler: (req) => req.socket.destroy(), kind: 'connection_reset' },
    { name: '200 that is not JSON, echoing the header', handler: (req, res) => res.writeHead(200).end(echo(req)), kind: 'invalid_response' },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      server.handler = c.handler;
      const err = await failure(client.listBackups());
      assert.equal(err.kind, c.kind, err.message);
      assertNoToken(err, c.name);
    });
  }

  it('a failed download whose error body echoes the header', async () => {
    server.handler = plain(500);
    const err = await failure(client.download('abcdef12'));
    assert.equal(err.status, 500);
    assertNoToken(err, 'download');
  });

  it('a failed upload whose error body echoes the header', async () => {
    server.handler = envelope(400);
    const err = await failure(client.uploadBackup({ fileName: 'x.tar', blob: new Blob([Buffer.alloc(1024)]) }));
    assert.equal(err.kind, 'api');
    assertNoToken(err, 'upload');
  });

  it('a timeout and a refused connection say where, not with what', async () => {
    server.handler = () => undefined; // never answers
    const slow = new HttpTransport({ baseUrl: server.url, token: TOKEN });
    try {
      const err = await failure(new SupervisorClient(slow).info({ timeoutMs: 200 }));
      assert.equal(err.kind, 'timeout');
      assertNoToken(err, 'timeout');
    } finally {
      await slow.close();
    }
    const refused = new HttpTransport({ baseUrl: `http://127.0.0.1:${await closedPort()}`, token: TOKEN });
    try {
      const err = await failure(new SupervisorClient(refused).info());
      assert.equal(err.kind, 'connection_refused');
      assertNoToken(err, 'refused');
    } finally {
      await refused.close();
    }
  });
});

describe('security: the token never reaches an error (through Home Assistant Core)', () => {
  const server = new HostileServer();
  const transports: HomeAssistantTransport[] = [];
  const transport = (): HomeAssistantTransport => {
    const t = new HomeAssistantTransport({ baseUrl: server.url, token: TOKEN });
    transports.push(t);
    return t;
  };
  const authOk = (_token: string, peer: { sendText(text: string): void }): void => peer.sendText(JSON.stringify({ type: 'auth_ok', ha_version: '2026.11.2' }));

  before(() => server.start());
  after(async () => {
    await Promise.all(transports.map((t) => t.close()));
    await server.stop();
  });

  it('auth_invalid whose reason repeats the token', async () => {
    server.onAuth = (token, peer) => {
      peer.sendText(JSON.stringify({ type: 'auth_invalid', message: `Invalid access token ${token}` }));
      peer.close();
    };
    const err = await failure(transport().connect());
    assert.equal(err.kind, 'token_rejected');
    assertNoToken(err, 'auth_invalid');
  });

  for (const code of ['unknown_error', 'home_assistant_error', 'unauthorized']) {
    it(`a supervisor/api error (${code}) whose message repeats the token`, async () => {
      server.onAuth = authOk;
      server.onCommand = (message, peer) =>
        peer.sendText(JSON.stringify({ id: message.id, type: 'result', success: false, error: { code, message: `refused for ${TOKEN}` } }));
      const err = await failure(new SupervisorClient(transport()).listBackups());
      assertNoToken(err, code);
    });
  }

  it('another websocket command whose error repeats the token', async () => {
    server.onAuth = authOk;
    server.onCommand = (message, peer) =>
      peer.sendText(JSON.stringify({ id: message.id, type: 'result', success: false, error: { code: 'invalid_format', message: `bad ${TOKEN}` } }));
    const err = await failure(transport().command({ type: 'backup/config/info' }));
    assertNoToken(err, 'command');
  });

  it('a download through the /api/hassio proxy whose error body echoes the header', async () => {
    server.onAuth = authOk;
    server.handler = plain(500);
    const err = await failure(new SupervisorClient(transport()).download('abcdef12'));
    assertNoToken(err, 'proxy download');
  });

  it('a websocket that is refused, where the HTTP probe echoes the header', async () => {
    // No upgrade handler answers for this path: the socket fails to open, and the transport asks /api/.
    server.handler = plain(502);
    const t = new HomeAssistantTransport({ baseUrl: `${server.url}/not-here`, token: TOKEN });
    transports.push(t);
    const err = await failure(t.connect());
    assertNoToken(err, 'open failure');
  });
});

describe('security: the token never reaches an error (Core through the Supervisor, inside the add-on)', () => {
  const server = new HostileServer();
  const connections: AddonHomeAssistantConnection[] = [];
  const addonConnection = (): AddonHomeAssistantConnection => {
    const c = new AddonHomeAssistantConnection({ supervisorUrl: server.url, token: TOKEN });
    connections.push(c);
    return c;
  };

  before(() => server.start());
  after(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await server.stop();
  });

  it('auth_invalid whose reason repeats the token', async () => {
    server.onAuth = (token, peer) => {
      peer.sendText(JSON.stringify({ type: 'auth_invalid', message: `Invalid access for ${token}` }));
      peer.close();
    };
    const err = await failure(addonConnection().connect());
    assert.equal(err.kind, 'token_rejected');
    assertNoToken(err, 'auth_invalid');
  });

  for (const code of ['unauthorized', 'unknown_error']) {
    it(`a command refused (${code}) with the token in the message`, async () => {
      server.onAuth = (_token, peer) => peer.sendText(JSON.stringify({ type: 'auth_ok', ha_version: '2026.11.2' }));
      server.onCommand = (message, peer) => peer.sendText(JSON.stringify({ id: message.id, type: 'result', success: false, error: { code, message: `no: ${TOKEN}` } }));
      const err = await failure(addonConnection().command({ type: 'backup/config/info' }));
      assertNoToken(err, code);
    });
  }
});
