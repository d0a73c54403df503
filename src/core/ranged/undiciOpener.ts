// An OpenRanged over undici's `request`: a base URL and a Bearer token (the Supervisor's download
// route, Core's `/api/backup/download/…`, or any file server). The token is never in a message.
import { request } from 'undici';
import type { Dispatcher } from 'undici';
import type { OpenRanged, RangedRequest, RangedResponse } from './httpRanged';

export interface UndiciRangedOptions {
  /** The file's URL (path and query included). */
  url: string;
  token?: string;
  dispatcher?: Dispatcher;
  /** Wait for the answer's headers at most this long; default 60 s. */
  headersTimeoutMs?: number;
}

export function undiciRangedOpener(options: UndiciRangedOptions): OpenRanged {
  return async (req: RangedRequest, signal?: AbortSignal): Promise<RangedResponse> => {
    const headers: Record<string, string> = {
      range: `bytes=${req.start}-${req.end}`,
      // A compressed answer has no usable byte offsets.
      'accept-encoding': 'identity',
    };
    if (req.ifRange !== undefined) headers['if-range'] = req.ifRange;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await request(options.url, {
      method: 'GET',
      headers,
      signal,
      headersTimeout: options.headersTimeoutMs ?? 60_000,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    const out: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(res.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    return { status: res.statusCode, headers: out, body: res.body };
  };
}
