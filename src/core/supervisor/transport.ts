// How requests reach the Supervisor. The client speaks in Supervisor paths (`/backups`) and does not
// know whether they travel directly (inside the add-on) or through Home Assistant Core.
import { Readable } from 'node:stream';
import { Agent, FormData, request } from 'undici';
import { networkError, redactSecret } from './errors';

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

export interface StreamResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Readable;
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Total time allowed for a JSON call; downloads only limit the wait for headers. */
  timeoutMs?: number;
}

/** A backup archive to upload: a Blob (e.g. `fs.openAsBlob(path)`, read as it is sent) and its file name. */
export interface UploadSource {
  fileName: string;
  blob: Blob;
}

export interface SupervisorTransport {
  /** Where requests go, for messages ("http://supervisor"). Never contains the token. */
  readonly target: string;
  /** A JSON call: `path` is a Supervisor path such as `/backups/abc/info`; `options.body` is sent as JSON. */
  send(method: string, path: string, options?: RequestOptions): Promise<RawResponse>;
  /** A binary answer (download): the body is streamed, not buffered. `path` may carry a query string. */
  openStream(method: string, path: string, options?: RequestOptions): Promise<StreamResponse>;
  /** POST of `source` as the first part of a multipart/form-data body (`/backups/new/upload?…`). */
  upload(path: string, source: UploadSource, options?: RequestOptions): Promise<RawResponse>;
  /** The HTTP `Date` header of a cheap request: Home Assistant's clock (undefined when there is none). */
  serverDate(options?: RequestOptions): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface HttpTransportOptions {
  baseUrl: string;
  token: string;
  /** Verify TLS certificates (https only). On unless the user turns it off for this instance. */
  rejectUnauthorized?: boolean;
}

/** Direct Supervisor REST API: `http://supervisor` with `SUPERVISOR_TOKEN`, or any URL + token. */
/**
 * The HTTP agent for one Home Assistant instance: its TLS certificate is verified unless the person
 * turned that off for this instance. `transfers`: downloads can pause for minutes while the
 * Supervisor reads from a slow mount, so the body may be idle longer.
 */
export function instanceAgent(rejectUnauthorized: boolean | undefined, options: { transfers?: boolean } = {}): Agent {
  return new Agent({
    connect: { rejectUnauthorized: rejectUnauthorized ?? true, timeout: 10_000 },
    ...(options.transfers ? { bodyTimeout: 300_000 } : {}),
  });
}

export class HttpTransport implements SupervisorTransport {
  readonly target: string;
  private readonly token: string;
  private readonly agent: Agent;

  constructor(options: HttpTransportOptions) {
    this.target = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.agent = instanceAgent(options.rejectUnauthorized, { transfers: true });
  }

  async send(method: string, path: string, options: RequestOptions = {}): Promise<RawResponse> {
    const signal = withTimeout(options.signal, options.timeoutMs ?? 60_000);
    try {
      const res = await request(this.target + path, {
        method: method as 'GET',
        headers: this.headers(options.body !== undefined),
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal,
        dispatcher: this.agent,
      });
      const text = redactSecret(await res.body.text(), this.token);
      return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), text };
    } catch (e) {
      throw networkError(e, method, path, this.target);
    }
  }

  async openStream(method: string, path: string, options: RequestOptions = {}): Promise<StreamResponse> {
    try {
      const res = await request(this.target + path, {
        method: method as 'GET',
        headers: this.headers(false),
        signal: options.signal,
        dispatcher: this.agent,
        headersTimeout: options.timeoutMs ?? 60_000,
      });
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      return { status: res.statusCode, headers, body: res.statusCode < 300 ? res.body : await errorBody(res.body, this.token) };
    } catch (e) {
      throw networkError(e, method, path, this.target);
    }
  }

  async upload(path: string, source: UploadSource, options: RequestOptions = {}): Promise<RawResponse> {
    const form = new FormData();
    form.append('file', source.blob, source.fileName);
    try {
      const res = await request(this.target + path, {
        method: 'POST',
        headers: this.headers(false),
        body: form,
        signal: options.signal,
        dispatcher: this.agent,
        headersTimeout: options.timeoutMs ?? 600_000,
      });
      return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), text: redactSecret(await res.body.text(), this.token) };
    } catch (e) {
      throw networkError(e, 'POST', path, this.target);
    }
  }

  /** `GET /supervisor/ping`: open to every caller, and answered by the Supervisor's own aiohttp server. */
  async serverDate(options: RequestOptions = {}): Promise<string | undefined> {
    return dateOf(this.target + '/supervisor/ping', this.headers(false), this.agent, options);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private headers(json: boolean): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json' };
    // No token means no header at all, so the Supervisor answers 401 rather than 403.
    if (this.token) h.authorization = `Bearer ${this.token}`;
    if (json) h['content-type'] = 'application/json';
    return h;
  }
}

/** The `Date` header of a GET (its body is dropped); network failures become undefined: the clock is a nicety. */
export async function dateOf(url: string, headers: Record<string, string>, dispatcher: Agent, options: RequestOptions): Promise<string | undefined> {
  try {
    const res = await request(url, { method: 'GET', headers, signal: withTimeout(options.signal, options.timeoutMs ?? 10_000), dispatcher });
    await res.body.dump();
    const date = res.headers.date;
    return Array.isArray(date) ? date[0] : date;
  } catch {
    return undefined;
  }
}

/** The body of a failed binary request (it becomes an error message): read, without the token. */
export async function errorBody(body: { text(): Promise<string> }, token: string): Promise<Readable> {
  return Readable.from([Buffer.from(redactSecret(await body.text(), token))]);
}

function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}
