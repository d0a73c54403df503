// The server side of RFC 6455, as small as the Home Assistant front needs: the opening handshake,
// masked text frames from the client (fragmented or not), unmasked text frames to it, ping/pong and
// the close handshake. No extensions (permessage-deflate offers are ignored) and no binary messages.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Home Assistant's own limit for one incoming message. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;
const CLOSE_PROTOCOL_ERROR = 1002;
const CLOSE_UNSUPPORTED_DATA = 1003;
const CLOSE_INVALID_PAYLOAD = 1007;
const CLOSE_TOO_BIG = 1009;

export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + HANDSHAKE_GUID)
    .digest('base64');
}

/**
 * Completes the upgrade of `req` (answering 400 and returning null when it is not a valid
 * WebSocket request) and returns the open connection. `date` is the Date header of the answer.
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, date = new Date().toUTCString()): WebSocketPeer | null {
  const key = req.headers['sec-websocket-key'];
  const isUpgrade = req.method === 'GET' && /\bwebsocket\b/i.test(req.headers.upgrade ?? '') && /\bupgrade\b/i.test(req.headers.connection ?? '');
  if (!isUpgrade || typeof key !== 'string' || Buffer.from(key, 'base64').length !== 16 || req.headers['sec-websocket-version'] !== '13') {
    socket.end(`HTTP/1.1 400 Bad Request\r\nDate: ${date}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 16\r\nConnection: close\r\n\r\n400: Bad Request`);
    return null;
  }
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' + `Sec-WebSocket-Accept: ${acceptKey(key)}\r\nDate: ${date}\r\n\r\n`);
  return new WebSocketPeer(socket, head);
}

/** Encodes one unmasked (server → client) frame. */
export function encodeFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const first = (fin ? 0x80 : 0) | opcode;
  let header: Buffer;
  if (payload.length < 126) {
    header = Buffer.from([first, payload.length]);
  } else if (payload.length < 0x10000) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([header, payload]);
}

export class WebSocketPeer {
  /** A complete text message from the client. */
  onText: (text: string) => void = () => undefined;
  /** The connection is gone (after a close handshake or a dropped socket); called once. */
  onClose: (code: number) => void = () => undefined;

  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentBytes = 0;
  private closeSent = false;
  private closed = false;

  constructor(
    private readonly socket: Duplex,
    head: Buffer,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.finish(1006));
    socket.on('error', () => socket.destroy());
    if (head.length > 0) queueMicrotask(() => this.receive(head));
  }

  get isOpen(): boolean {
    return !this.closeSent && !this.closed;
  }

  sendText(text: string): void {
    if (this.isOpen) this.socket.write(encodeFrame(OP_TEXT, Buffer.from(text, 'utf8')));
  }

  /** Starts the close handshake; the socket ends once the close frame is written. */
  close(code = CLOSE_NORMAL, reason = ''): void {
    if (this.closeSent || this.closed) return;
    this.closeSent = true;
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2, 'utf8');
    this.socket.end(encodeFrame(OP_CLOSE, payload));
    // A client that never answers the close frame must not keep the socket forever.
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  /** Drops the TCP connection without a close frame (a crash or a network cut). */
  terminate(): void {
    this.socket.destroy();
  }

  private finish(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(code);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (!this.closed) {
      const frame = this.readFrame();
      if (frame === 'incomplete') return;
      if (frame === 'error') return;
      this.handleFrame(frame.fin, frame.opcode, frame.payload);
    }
  }

  /** Takes one frame off the buffer, or says why it cannot. */
  private readFrame(): { fin: boolean; opcode: number; payload: Buffer } | 'incomplete' | 'error' {
    const buf = this.buffer;
    if (buf.length < 2) return 'incomplete';
    const b0 = buf[0] ?? 0;
    const b1 = buf[1] ?? 0;
    if ((b0 & 0x70) !== 0) return this.fail(CLOSE_PROTOCOL_ERROR, 'no extension was negotiated');
    if ((b1 & 0x80) === 0) return this.fail(CLOSE_PROTOCOL_ERROR, 'client frames must be masked');
    let length = b1 & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (buf.length < 4) return 'incomplete';
      length = buf.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buf.length < 10) return 'incomplete';
      const big = buf.readBigUInt64BE(2);
      if (big > BigInt(MAX_MESSAGE_BYTES)) return this.fail(CLOSE_TOO_BIG, 'message too big');
      length = Number(big);
      offset = 10;
    }
    if (length > MAX_MESSAGE_BYTES) return this.fail(CLOSE_TOO_BIG, 'message too big');
    if (buf.length < offset + 4 + length) return 'incomplete';
    const mask = buf.subarray(offset, offset + 4);
    const payload = Buffer.from(buf.subarray(offset + 4, offset + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i & 3] ?? 0);
    this.buffer = buf.subarray(offset + 4 + length);
    return { fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload };
  }

  private handleFrame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode >= OP_CLOSE) {
      if (!fin || payload.length > 125) {
        this.fail(CLOSE_PROTOCOL_ERROR, 'invalid control frame');
        return;
      }
      if (opcode === OP_PING) this.socket.write(encodeFrame(OP_PONG, payload));
      else if (opcode === OP_CLOSE) this.answerClose(payload);
      else if (opcode !== OP_PONG) this.fail(CLOSE_PROTOCOL_ERROR, 'unknown opcode');
      return;
    }
    if (opcode === OP_BINARY) {
      this.fail(CLOSE_UNSUPPORTED_DATA, 'binary messages are not supported');
      return;
    }
    const starts = opcode === OP_TEXT;
    if (opcode !== OP_CONTINUATION && !starts) {
      this.fail(CLOSE_PROTOCOL_ERROR, 'unknown opcode');
      return;
    }
    if (starts === this.fragments.length > 0) {
      this.fail(CLOSE_PROTOCOL_ERROR, starts ? 'a new message inside a fragmented one' : 'continuation without a message');
      return;
    }
    this.fragmentBytes += payload.length;
    if (this.fragmentBytes > MAX_MESSAGE_BYTES) {
      this.fail(CLOSE_TOO_BIG, 'message too big');
      return;
    }
    this.fragments.push(payload);
    if (!fin) return;
    const message = Buffer.concat(this.fragments);
    this.fragments = [];
    this.fragmentBytes = 0;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(message);
    } catch {
      this.fail(CLOSE_INVALID_PAYLOAD, 'text is not UTF-8');
      return;
    }
    if (this.isOpen) this.onText(text);
  }

  private answerClose(payload: Buffer): void {
    if (!this.closeSent) {
      this.closeSent = true;
      // Echo the client's status code, as RFC 6455 §5.5.1 asks.
      this.socket.end(encodeFrame(OP_CLOSE, payload.subarray(0, 2)));
    } else {
      this.socket.end();
    }
  }

  private fail(code: number, reason: string): 'error' {
    this.buffer = Buffer.alloc(0);
    this.close(code, reason);
    this.closed = true;
    this.onClose(code);
    return 'error';
  }
}
