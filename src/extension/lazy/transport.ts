// The connection is set up during activation, but its first request comes later. The real transports
// build an undici Agent in their constructor, and undici (~520 KB, dist/undici.js in the bundle, see
// scripts/build.mjs) takes ~50 ms to load; so the connection gets this stand-in, which builds the real
// transport on the first request, one turn of the event loop later (never inside `activate`, even
// when activation itself triggers the first request).
import { HomeAssistantTransport } from '../../core/homeAssistant/homeAssistantTransport';
import {
  HttpTransport,
  type HttpTransportOptions,
  type RawResponse,
  type RequestOptions,
  type StreamResponse,
  type SupervisorTransport,
  type UploadSource,
} from '../../core/supervisor/transport';

/** The stored connection mode (ConnectionMode): `core` is HomeAssistantTransport, the name kept as stored. */
export type TransportMode = 'core' | 'supervisor';

export class LazyTransport implements SupervisorTransport {
  readonly target: string;
  private real: Promise<HttpTransport | HomeAssistantTransport> | undefined;
  /** close() came before any request: there is nothing to close yet. */
  private closedUnused = false;
  private readonly closing: (() => Promise<void>)[] = [];

  constructor(
    readonly mode: TransportMode,
    private readonly options: HttpTransportOptions,
  ) {
    // As both real transports name it (tests check they agree).
    this.target = options.baseUrl.replace(/\/+$/, '');
  }

  /** Has the real transport been asked for (and undici loaded)? */
  get started(): boolean {
    return this.real !== undefined;
  }

  /** The real transport: HttpTransport (`supervisor`) or HomeAssistantTransport (`core`). */
  open(): Promise<HttpTransport | HomeAssistantTransport> {
    this.real ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const real = this.mode === 'core' ? new HomeAssistantTransport(this.options) : new HttpTransport(this.options);
      // Closed before its first use: requests fail as they would on a closed real transport.
      if (this.closedUnused) await real.close();
      return real;
    });
    return this.real;
  }

  async send(method: string, path: string, options?: RequestOptions): Promise<RawResponse> {
    return (await this.open()).send(method, path, options);
  }

  async openStream(method: string, path: string, options?: RequestOptions): Promise<StreamResponse> {
    return (await this.open()).openStream(method, path, options);
  }

  async upload(path: string, source: UploadSource, options?: RequestOptions): Promise<RawResponse> {
    return (await this.open()).upload(path, source, options);
  }

  async serverDate(options?: RequestOptions): Promise<string | undefined> {
    return (await this.open()).serverDate(options);
  }

  async close(): Promise<void> {
    for (const fn of this.closing.splice(0)) await fn();
    if (this.real) await (await this.real).close();
    else this.closedUnused = true;
  }

  /** Something built beside the transport (Home Assistant's backup HTTP client) that closes with it. */
  onClose(fn: () => Promise<void> | undefined): void {
    this.closing.push(async () => fn());
  }
}

/** The HomeAssistantTransport behind `transport` when it goes through Home Assistant (for its websocket commands). */
export async function homeAssistantTransportOf(transport: SupervisorTransport): Promise<HomeAssistantTransport | undefined> {
  if (transport instanceof LazyTransport) return transport.mode === 'core' ? ((await transport.open()) as HomeAssistantTransport) : undefined;
  return transport instanceof HomeAssistantTransport ? transport : undefined;
}
