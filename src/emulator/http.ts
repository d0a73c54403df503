// HTTP plumbing shared by the routes: the Supervisor's JSON envelope, aiohttp's plain-text
// errors, body reading.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Role } from './scenario';
import type { Fault } from './faults';
import { parsePyJson, PyJsonError } from './pyJson';

/** An error answered with the JSON envelope `{result:"error", message, …}` (api_return_error). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly extras: { jobId?: string; errorKey?: string | null; extraFields?: Record<string, unknown> | null } = {},
  ) {
    super(message);
  }
}

/** An aiohttp HTTPException: plain text body "<code>: <reason>" (or empty). */
export class TextError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(body);
  }
}

export const unauthorized = (): TextError => new TextError(401, '401: Unauthorized');
export const forbidden = (): TextError => new TextError(403, '403: Forbidden');
export const notFound = (): TextError => new TextError(404, '404: Not Found');

/** Returned by handlers that wrote the response themselves (downloads). */
export const HANDLED = Symbol('handled');

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Decoded path without query string. */
  path: string;
  url: URL;
  params: Record<string, string>;
  role: Role | null;
  /** HTTP-level faults taken for this request that the handler may act on (download reset). */
  faults: Fault[];
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, { ...(text ? { 'Content-Type': 'text/plain; charset=utf-8' } : {}), 'Content-Length': body.length, ...headers });
  res.end(body);
}

export function sendOk(res: ServerResponse, data: unknown): void {
  sendJson(res, 200, { result: 'ok', data: data ?? {} });
}

export function sendApiError(res: ServerResponse, err: ApiError): void {
  const body: Record<string, unknown> = { result: 'error', message: err.message || 'Unknown error, see Supervisor logs' };
  if (err.extras.jobId) body.job_id = err.extras.jobId;
  if (err.extras.errorKey) body.error_key = err.extras.errorKey;
  if (err.extras.extraFields) body.extra_fields = err.extras.extraFields;
  sendJson(res, err.status, body);
}

const MAX_BODY = 16 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new TextError(413, `413: Request Entity Too Large`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A JSON body for the emulator's own control routes: empty = {}, malformed = 400 "Invalid json". */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError('Invalid json');
  }
}

/**
 * A Supervisor API body, `request.json(loads=json_loads)` (supervisor/api/utils.py): empty = {},
 * malformed = 400 "Invalid json", and numbers written with a fraction or exponent stay floats
 * (PyFloat), as orjson keeps them, so that `int` in a voluptuous schema refuses 5.0.
 */
export async function readSupervisorJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString('utf8');
  if (!text) return {};
  try {
    return parsePyJson(text);
  } catch (e) {
    if (e instanceof PyJsonError) throw new ApiError('Invalid json');
    throw e;
  }
}
