// A websocket test client for the emulator's Home Assistant front and the Supervisor's Core proxy,
// built on undici's WebSocket (independent of the product's client): it queues what it receives.
import assert from 'node:assert/strict';
import { WebSocket } from 'undici';

export type Msg = Record<string, unknown> & { type?: string; success?: boolean; result?: unknown; error?: { code: string; message: string } };

/** A websocket that queues what it receives. */
export class Client {
  private queue: Msg[] = [];
  private waiters: (() => void)[] = [];
  closeCode: number | null = null;
  private nextId = 1;

  constructor(readonly ws: WebSocket) {
    ws.addEventListener('message', (ev) => {
      this.queue.push(JSON.parse(String(ev.data)) as Msg);
      this.wake();
    });
    ws.addEventListener('close', (ev) => {
      this.closeCode = ev.code;
      this.wake();
    });
  }

  /** Opens `path` (`/api/websocket` for Core, `/core/websocket` for the Supervisor's proxy) on the emulator. */
  static async open(url: string, path: string): Promise<Client> {
    const client = new Client(new WebSocket(`${url.replace(/^http/, 'ws')}${path}`));
    await new Promise((resolve, reject) => {
      client.ws.addEventListener('open', resolve);
      client.ws.addEventListener('error', reject);
    });
    return client;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  async next(): Promise<Msg> {
    for (;;) {
      const m = this.queue.shift();
      if (m) return m;
      if (this.closeCode !== null) throw new Error(`closed (${this.closeCode})`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  async closed(): Promise<number> {
    while (this.closeCode === null) await new Promise<void>((r) => this.waiters.push(r));
    return this.closeCode;
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Sends a command with the next id and returns its result. */
  async command(msg: Record<string, unknown>): Promise<Msg> {
    const answer = await this.exchange(msg);
    assert.equal(answer.type, 'result');
    return answer;
  }

  /** Sends a message with the next id and returns the answer with that id. */
  async exchange(msg: Record<string, unknown>): Promise<Msg> {
    const id = this.nextId++;
    this.send({ id, ...msg });
    const answer = await this.next();
    assert.equal(answer.id, id);
    return answer;
  }
}
