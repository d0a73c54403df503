// How the emulated Core reaches the Supervisor: over HTTP on the emulator's own port with Core's own
// Supervisor token (admin role), so auth, routing and fault injection act exactly as for any client.
// `sendCommand` follows Core's hassio/handler.py::send_command, including what it loses on errors.
import { request } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { stringifyPyJson } from '../pyJson';

/** Core's HassioAPIError: the Supervisor's `message`, or "" when Core could not get one. */
export class HassioApiError extends Error {}

export interface SupervisorLink {
  /** http://127.0.0.1:PORT of the emulator (known once it listens). */
  baseUrl(): string;
  /** Core's own Supervisor token, registered with the admin role. */
  readonly token: string;
}

export interface CommandOptions {
  method: string;
  payload: unknown;
  /** Seconds; null = no limit (Core's default is 10). */
  timeoutS: number | null;
  params?: Record<string, unknown>;
}

/**
 * yarl's `URL.with_path(endpoint).raw_path != endpoint` check: the endpoint must already be the
 * normalized path — a leading slash, no `.`/`..` segments, no query, nothing yarl would encode.
 */
export function isCleanEndpoint(endpoint: string): boolean {
  if (!endpoint.startsWith('/')) return false;
  if (!/^(?:[-A-Za-z0-9._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/.test(endpoint)) return false;
  return !endpoint.split('/').some((segment) => segment === '.' || segment === '..');
}

export async function sendCommand(link: SupervisorLink, endpoint: string, opts: CommandOptions): Promise<unknown> {
  if (!isCleanEndpoint(endpoint)) throw new HassioApiError('');
  const url = new URL(endpoint, link.baseUrl());
  for (const [k, v] of Object.entries(opts.params ?? {})) url.searchParams.append(k, String(v));
  // Floats stay floats (aiohttp's json= writes them with their fraction).
  const body = stringifyPyJson(opts.payload ?? {});
  let res: { status: number; headers: IncomingHttpHeaders; text: string };
  try {
    res = await exchange(url, opts.method.toUpperCase(), body, link.token, opts.timeoutS);
  } catch {
    // Timeouts and connection errors: Core logs them and raises an empty HassioAPIError.
    throw new HassioApiError('');
  }
  const json = (res.headers['content-type'] ?? '').includes('application/json') ? parse(res.text) : undefined;
  if (res.status !== 200) {
    // A non-JSON error body makes aiohttp's response.json() raise: Core again has no message.
    if (json?.result === 'error') throw new HassioApiError(typeof json.message === 'string' ? json.message : String(json.message));
    throw new HassioApiError('');
  }
  if (json === undefined) throw new HassioApiError('');
  return json.data ?? {};
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function exchange(url: URL, method: string, body: string, token: string, timeoutS: number | null): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'x-hass-source': 'core.websocket_api',
      },
      signal: timeoutS === null ? undefined : AbortSignal.timeout(timeoutS * 1000),
    });
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.end(body);
  });
}
