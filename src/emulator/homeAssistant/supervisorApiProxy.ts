// The Supervisor's proxy to Core's REST API for add-ons (home-assistant/supervisor supervisor/api/proxy.py,
// APIProxy.api, read at commit 090ef31e): `GET|POST|DELETE /core/api/{path}`, `GET /core/api/` and the
// legacy `GET|POST /homeassistant/api/{path}`, `GET /homeassistant/api/`. What it does, in order:
// - the security middleware forbids `…/api/hassio/…` and `…/api/hassio_…` (403) before anything else;
// - `_check_access`: the token is the last word of `Authorization` (or `X-Ha-Access`) and must be the
//   Supervisor token of an add-on with `homeassistant_api: true`, else 401;
// - Core's API must be up (`check_api_state`), else 502;
// - the request goes to Core's `/api/{path}` with the query, the body streamed (no Content-Length: chunked),
//   its Content-Type and only the headers of FORWARD_HEADERS, authenticated as the Supervisor's own Core user;
// - Core's answer is read whole (`client.read()`) and answered with Core's status, its media type (without
//   parameters such as charset) and of its headers only Cache-Control and Mcp-Session-Id: so a download comes
//   with a Content-Length and without Content-Disposition. A text/event-stream answer is streamed instead.
// - Core unreachable, or its answer breaking off (a payload error), gives 502 "502: Bad Gateway".
// `/core/api/stream` (APIProxy.stream, the event stream) and the websocket paths are other handlers.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { TextError } from '../http';

/** proxy.py FORWARD_HEADERS: the only request headers passed to Core (besides Content-Type). */
const FORWARD_HEADERS = ['X-Speech-Content', 'Accept', 'Last-Event-ID', 'Mcp-Session-Id', 'MCP-Protocol-Version'];
/** The response headers copied from Core's answer. */
const COPIED_HEADERS = ['Cache-Control', 'Mcp-Session-Id'];

/** The routes of APIProxy.api, by path prefix: which methods each serves (aiohttp adds HEAD to GET). */
const ROUTES: readonly { prefix: string; methods: readonly string[] }[] = [
  { prefix: '/core/api/', methods: ['GET', 'HEAD', 'POST', 'DELETE'] },
  { prefix: '/homeassistant/api/', methods: ['GET', 'HEAD', 'POST'] },
];

/** supervisor/api/middleware/security.py BLACKLIST (and proxy.py CORE_API_DENY): Core's hassio endpoints. */
const BLACKLIST = /^\/(?:core|homeassistant)\/api\/hassio(?:\/|_)/;

export interface ApiProxyContext {
  /** Is this the Supervisor token of an installed add-on with `homeassistant_api: true`? */
  admits(token: string): boolean;
  /** The Supervisor's own access token for Core. */
  homeAssistantToken: string;
  /** Core's address (the emulator's, no trailing slash). */
  homeAssistantUrl(): string;
}

/** Is `path` (decoded, without query) one of APIProxy.api's routes? */
export function isProxyApiPath(path: string): boolean {
  return ROUTES.some((r) => path.startsWith(r.prefix)) || BLACKLIST.test(path);
}

/** The add-on's token as `_check_access` reads it. */
function tokenOf(headers: IncomingHttpHeaders): string {
  const authorization = headers.authorization;
  if (authorization !== undefined) return authorization.split(' ').at(-1) ?? '';
  const access = headers['x-ha-access'];
  return (Array.isArray(access) ? access[0] : access) ?? '';
}

/** Answers one request to APIProxy.api's routes; `path` is the decoded path, `search` the raw query (`?…` or ''). */
export async function proxyCoreApi(req: IncomingMessage, res: ServerResponse, path: string, search: string, context: ApiProxyContext): Promise<void> {
  if (BLACKLIST.test(path)) throw new TextError(403, '403: Forbidden');
  const method = (req.method ?? 'GET').toUpperCase();
  const route = ROUTES.find((r) => path.startsWith(r.prefix));
  if (!route) throw new TextError(404, '404: Not Found');
  const rest = path.slice(route.prefix.length);
  // `/core/api/` itself is a GET route only; `{path:.+}` takes the rest.
  const methods = rest === '' ? ['GET', 'HEAD'] : route.methods;
  if (!methods.includes(method)) throw new TextError(405, '405: Method Not Allowed', { Allow: methods.join(',') });
  if (!context.admits(tokenOf(req.headers))) throw new TextError(401, '401: Unauthorized');

  const headers: Record<string, string> = { authorization: `Bearer ${context.homeAssistantToken}` };
  for (const name of FORWARD_HEADERS) {
    const value = req.headers[name.toLowerCase()];
    if (typeof value === 'string') headers[name] = value;
  }
  if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
  // aiohttp sends `data=request.content` (a stream) chunked; a GET without a body sends none.
  const hasBody = method !== 'GET' && method !== 'HEAD';
  if (hasBody) headers['transfer-encoding'] = 'chunked';

  let upstream: IncomingMessage;
  try {
    upstream = await new Promise<IncomingMessage>((resolve, reject) => {
      const out = request(`${context.homeAssistantUrl()}/api/${encodePath(rest)}${search}`, { method, headers }, resolve);
      out.on('error', reject);
      if (hasBody) pipeline(req, out).catch(reject);
      else out.end();
    });
  } catch {
    throw badGateway();
  }

  const contentType = mediaType(upstream.headers['content-type']);
  const copied: Record<string, string> = {};
  for (const name of COPIED_HEADERS) {
    const value = upstream.headers[name.toLowerCase()];
    if (typeof value === 'string') copied[name] = value;
  }
  if (contentType === 'text/event-stream') {
    // _stream_client_response: chunked, unbuffered; a break ends the answer.
    res.writeHead(upstream.statusCode ?? 502, { 'Content-Type': contentType, ...copied, 'X-Accel-Buffering': 'no' });
    await pipeline(upstream, res).catch(() => res.end());
    return;
  }
  let body: Buffer;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of upstream as AsyncIterable<Buffer>) chunks.push(chunk);
    if (!upstream.complete) throw new Error('payload not completed');
    body = Buffer.concat(chunks);
  } catch {
    throw badGateway();
  }
  res.writeHead(upstream.statusCode ?? 502, { 'Content-Type': contentType, 'Content-Length': body.length, ...copied });
  res.end(method === 'HEAD' ? undefined : body);
}

const badGateway = (): TextError => new TextError(502, '502: Bad Gateway');

/** aiohttp's ClientResponse.content_type: the media type without parameters, application/octet-stream when absent. */
function mediaType(header: string | undefined): string {
  return header?.split(';')[0]?.trim().toLowerCase() || 'application/octet-stream';
}

/** The decoded `{path}` as aiohttp/yarl puts it back into Core's URL. */
function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
