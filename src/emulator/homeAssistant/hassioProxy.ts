// Core's `/api/hassio/{path}` REST proxy (hassio/http.py::HassIOView): a short allowlist, GET and
// POST only, the body streamed both ways, response headers passed through except the framing ones
// — so a download arrives chunked, without Content-Length, and compressed if the client accepts it.
import { request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { createDeflate, createGzip } from 'node:zlib';
import { sendText } from '../http';
import type { SupervisorLink } from './supervisorCall';
import type { HomeAssistantUser } from './webSocketApi';

/** What an admin may reach (PATHS_ADMIN, backup part and logs). */
const PATHS_ADMIN = new RegExp(
  '^(?:backups/[a-f0-9]{8}(/info|/download|/restore/full|/restore/partial)?|backups/new/upload' +
    '|(audio|cli|core|dns|host|multicast|observer|supervisor)/logs|addons/[^/]+/(changelog|documentation|logs))$',
);
/** What anybody may GET (the Supervisor panel and add-on images). */
const PATHS_NO_AUTH = /^(?:app\/.*|(store\/)?addons\/[^/]+\/(logo|icon))$/;
/** Response headers Core does not copy: it frames and types the response itself. */
const DROPPED_HEADERS = new Set(['transfer-encoding', 'content-length', 'content-type', 'content-encoding', 'connection', 'keep-alive']);

/** `path` is the raw (still percent-encoded) part after `/api/hassio/`. */
export async function proxyToSupervisor(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  search: string,
  user: HomeAssistantUser | null,
  link: SupervisorLink,
): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = '';
  }
  // "No bullshit": encoded characters are refused outright.
  if (decoded !== path) return sendText(res, 400, '');
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'POST') return sendText(res, 405, '405: Method Not Allowed', { Allow: 'GET,POST' });

  const isAdmin = user?.admin === true;
  const noAuthPath = PATHS_NO_AUTH.test(path);
  if (noAuthPath && method !== 'GET') return sendText(res, 405, '');
  if (!noAuthPath && !(isAdmin && PATHS_ADMIN.test(path))) return sendText(res, 401, '');

  const headers: Record<string, string> = { 'x-hass-source': 'core.http' };
  if (!noAuthPath) headers.authorization = `Bearer ${link.token}`;
  const contentType = req.headers['content-type'];
  if (method === 'POST' && contentType) {
    // Only the upload keeps its parameters (the multipart boundary); elsewhere Core sends the bare type.
    headers['content-type'] = path === 'backups/new/upload' ? contentType : (contentType.split(';')[0] ?? '').trim();
  }

  let upstream: IncomingMessage;
  try {
    upstream = await forward(new URL(`/${path}${search}`, link.baseUrl()), method, headers, method === 'POST' ? req : null);
  } catch {
    return sendText(res, 502, '502: Bad Gateway');
  }

  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) if (value !== undefined && !DROPPED_HEADERS.has(name)) out[name] = value;
  const mime = (upstream.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim();
  out['content-type'] = mime;
  const coding = compression(mime, req.headers['accept-encoding']);
  if (coding) out['content-encoding'] = coding;
  res.writeHead(upstream.statusCode ?? 502, out);
  try {
    if (coding) await pipeline(upstream, coding === 'deflate' ? createDeflate() : createGzip(), res);
    else await pipeline(upstream, res);
  } catch {
    res.destroy(); // the Supervisor went away mid-body: the client sees a cut connection
  }
}

/** aiohttp's enable_compression(): deflate before gzip, nothing for media types. */
function compression(mime: string, acceptEncoding: string | undefined): 'deflate' | 'gzip' | null {
  const compressible = mime.startsWith('image/') ? mime.includes('svg') : !/^(video|audio|font)\//.test(mime);
  const accepted = (acceptEncoding ?? '').toLowerCase();
  if (!compressible) return null;
  if (accepted.includes('deflate')) return 'deflate';
  return accepted.includes('gzip') ? 'gzip' : null;
}

function forward(url: URL, method: string, headers: Record<string, string>, body: IncomingMessage | null): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const upstream = request(url, { method, headers });
    upstream.on('error', reject);
    upstream.on('response', resolve);
    if (body) body.pipe(upstream);
    else upstream.end();
  });
}
