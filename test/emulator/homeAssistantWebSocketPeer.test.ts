// The emulator's RFC 6455 server side, spoken to with hand-made frames over a raw TCP socket.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { acceptKey } from '../../src/emulator/homeAssistant/webSocketPeer';
import { startTestEmulator } from './helpers';
import type { TestEmulator } from './helpers';

interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** A masked client frame. */
function clientFrame(opcode: number, payload: Buffer | string, opts: { fin?: boolean; masked?: boolean } = {}): Buffer {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8');
  const masked = opts.masked ?? true;
  const first = ((opts.fin ?? true) ? 0x80 : 0) | opcode;
  const maskBit = masked ? 0x80 : 0;
  let header: Buffer;
  if (data.length < 126) header = Buffer.from([first, maskBit | data.length]);
  else if (data.length < 0x10000) {
    header = Buffer.from([first, maskBit | 126, 0, 0]);
    header.writeUInt16BE(data.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(data.length), 2);
  }
  if (!masked) return Buffer.concat([header, data]);
  const mask = randomBytes(4);
  const body = Buffer.from(data.map((b, i) => b ^ mask[i & 3]!));
  return Buffer.concat([header, mask, body]);
}

/** A raw connection that reads the 101 answer and then server frames. */
class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  ended = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c]);
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  static async open(port: number, headers: Record<string, string>): Promise<{ client: RawClient; head: string }> {
    const socket = connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const client = new RawClient(socket);
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
    socket.write(`GET /api/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines.join('')}\r\n`);
    const head = await client.until(() => {
      const end = client.buf.indexOf('\r\n\r\n');
      if (end === -1) return undefined;
      const text = client.buf.subarray(0, end).toString('latin1');
      client.buf = client.buf.subarray(end + 4);
      return text;
    });
    return { client, head };
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async until<T>(take: () => T | undefined): Promise<T> {
    for (;;) {
      const v = take();
      if (v !== undefined) return v;
      if (this.ended) throw new Error('connection ended');
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  frame(): Promise<Frame> {
    return this.until(() => {
      const b = this.buf;
      if (b.length < 2) return undefined;
      let len = b[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (b.length < 4) return undefined;
        len = b.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (b.length < 10) return undefined;
        len = Number(b.readBigUInt64BE(2));
        off = 10;
      }
      assert.equal(b[1]! & 0x80, 0, 'server frames are not masked');
      if (b.length < off + len) return undefined;
      this.buf = b.subarray(off + len);
      return { fin: (b[0]! & 0x80) !== 0, opcode: b[0]! & 0x0f, payload: b.subarray(off, off + len) };
    });
  }

  async json(): Promise<Record<string, unknown>> {
    const f = await this.frame();
    assert.equal(f.opcode, 1);
    return JSON.parse(f.payload.toString('utf8')) as Record<string, unknown>;
  }

  async closed(): Promise<void> {
    await this.until(() => (this.ended ? true : undefined));
  }
}

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const UPGRADE = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': KEY, 'Sec-WebSocket-Version': '13' };

describe('Home Assistant front: RFC 6455 server side', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({ core: { tokens: [{ token: 'llat', admin: true }] } });
  });
  after(() => emu.close());

  async function authenticated(): Promise<RawClient> {
    const { client } = await RawClient.open(emu.port, UPGRADE);
    assert.equal((await client.json()).type, 'auth_required');
    client.socket.write(clientFrame(1, JSON.stringify({ type: 'auth', access_token: 'llat' })));
    assert.equal((await client.json()).type, 'auth_ok');
    return client;
  }

  it('computes the accept key of RFC 6455 §1.3', () => {
    assert.equal(acceptKey(KEY), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('answers the upgrade with 101 and does not take up the deflate offer', async () => {
    const { client, head } = await RawClient.open(emu.port, { ...UPGRADE, 'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits' });
    assert.match(head, /^HTTP\/1\.1 101 /);
    assert.match(head, /\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/i);
    assert.doesNotMatch(head, /Sec-WebSocket-Extensions/i);
    client.socket.destroy();
  });

  it('refuses an upgrade without a proper key or version, and other paths', async () => {
    const { client, head } = await RawClient.open(emu.port, { ...UPGRADE, 'Sec-WebSocket-Version': '8' });
    assert.match(head, /^HTTP\/1\.1 400 /);
    await client.closed();
    const res = await fetch(`${emu.url}/api/websocket`);
    assert.equal(res.status, 400);
  });

  it('answers a ping with a pong carrying the same payload', async () => {
    const client = await authenticated();
    client.socket.write(clientFrame(0x9, 'hello'));
    const pong = await client.frame();
    assert.equal(pong.opcode, 0xa);
    assert.equal(pong.payload.toString(), 'hello');
    client.socket.destroy();
  });

  it('joins a fragmented message and handles 16- and 64-bit lengths both ways', async () => {
    const client = await authenticated();
    const text = JSON.stringify({ id: 1, type: 'supervisor/api', endpoint: '/info', method: 'get', data: { pad: 'x'.repeat(70_000) } });
    client.socket.write(clientFrame(1, text.slice(0, 100), { fin: false }));
    client.socket.write(clientFrame(0, text.slice(100, 200), { fin: false }));
    client.socket.write(clientFrame(0, text.slice(200)));
    const answer = await client.json();
    assert.equal(answer.id, 1);
    assert.equal(answer.success, true);
    // A 300-character message needs the 16-bit length form.
    client.socket.write(clientFrame(1, JSON.stringify({ id: 2, type: 'ping', pad: 'y'.repeat(300) })));
    assert.deepEqual(await client.json(), { id: 2, type: 'pong' });
    client.socket.destroy();
  });

  it('closes with 1002 on an unmasked client frame', async () => {
    const client = await authenticated();
    client.socket.write(clientFrame(1, '{}', { masked: false }));
    const close = await client.frame();
    assert.equal(close.opcode, 0x8);
    assert.equal(close.payload.readUInt16BE(0), 1002);
    await client.closed();
  });

  it('echoes a close frame and ends the connection', async () => {
    const client = await authenticated();
    const code = Buffer.alloc(2);
    code.writeUInt16BE(1000, 0);
    client.socket.write(clientFrame(0x8, code));
    const close = await client.frame();
    assert.equal(close.opcode, 0x8);
    assert.equal(close.payload.readUInt16BE(0), 1000);
    await client.closed();
  });
});
