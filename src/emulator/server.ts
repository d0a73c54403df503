// The Supervisor emulator: a real HTTP server on 127.0.0.1 speaking the Supervisor's backup API.
import { mkdtemp, mkdir } from 'node:fs/promises';
import { createServer, ServerResponse } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { authorize } from './auth';
import type { Clock } from './clock';
import { HomeAssistantFront } from './homeAssistant/homeAssistantFront';
import { isProxyApiPath, proxyCoreApi } from './homeAssistant/supervisorApiProxy';
import type { ApiProxyContext } from './homeAssistant/supervisorApiProxy';
import { HTTP_FAULT_KINDS } from './faults';
import { ApiError, HANDLED, notFound, sendApiError, sendJson, sendOk, sendText, TextError } from './http';
import type { RequestContext } from './http';
import { Router } from './router';
import * as backups from './routes/backups';
import * as control from './routes/control';
import { getDownload } from './routes/download';
import * as freeze from './routes/freeze';
import * as jobs from './routes/jobs';
import * as system from './routes/system';
import { postUpload } from './routes/upload';
import { loadScenario } from './scenario';
import type { Scenario } from './scenario';
import { prepareDataDir } from './seed';
import { Supervisor } from './supervisor';

export type { Scenario } from './scenario';

export interface EmulatorOptions {
  /** 0 = any free port. */
  port?: number;
  /** Token with the manager role (what the Studio Code Server add-on gets). */
  token: string;
  /** Default: a fresh temp dir. */
  dataDir?: string;
  /** Scenario object or path to a JSON file; default: a small built-in scenario (a fresh install for `install: 'core'`). */
  scenario?: Scenario | string;
  /**
   * `supervisor` (Home Assistant OS: the Supervisor's API, Core in front of it) or `core` (a Core/Container
   * install: Core's own backup manager, no Supervisor). Overrides the scenario's `install`.
   */
  install?: 'supervisor' | 'core';
  /** Called once per request (CLI --verbose). */
  onRequest?: (line: string) => void;
}

export interface RunningEmulator {
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  port: number;
  dataDir: string;
  close(): Promise<void>;
}

function buildApiRouter(): Router {
  return new Router()
    .add('GET', '/info', system.getInfo)
    .add('GET', '/supervisor/info', system.getSupervisorInfo)
    .add('GET', '/supervisor/ping', system.getPing)
    .add('GET', '/core/info', system.getHomeAssistantInfo)
    .add('GET', '/homeassistant/info', system.getHomeAssistantInfo)
    .add('GET', '/addons', system.getAddons)
    .add('GET', '/mounts', system.getMounts)
    .add('GET', '/jobs/info', jobs.getJobsInfo)
    .add('GET', '/jobs/{uuid}', jobs.getJob)
    .add('DELETE', '/jobs/{uuid}', jobs.deleteJob)
    .add('GET', '/backups', backups.getBackups)
    .add('GET', '/backups/info', backups.getBackupsInfo)
    .add('POST', '/backups/options', backups.postOptions)
    .add('POST', '/backups/reload', backups.postReload)
    .add('POST', '/backups/freeze', freeze.postFreeze)
    .add('POST', '/backups/thaw', freeze.postThaw)
    .add('POST', '/backups/new/full', backups.postNewFull)
    .add('POST', '/backups/new/partial', backups.postNewPartial)
    .add('POST', '/backups/new/upload', postUpload)
    .add('GET', '/backups/{slug}/info', backups.getBackupInfo)
    .add('DELETE', '/backups/{slug}', backups.deleteBackup)
    .add('POST', '/backups/{slug}/restore/full', backups.postRestoreFull)
    .add('POST', '/backups/{slug}/restore/partial', backups.postRestorePartial)
    .add('GET', '/backups/{slug}/download', getDownload);
}

function buildControlRouter(): Router {
  return new Router()
    .add('POST', '/_emulator/faults', control.postFaults)
    .add('DELETE', '/_emulator/faults', control.deleteFaults)
    .add('POST', '/_emulator/mounts/{name}', control.postMountState)
    .add('POST', '/_emulator/restart', control.postRestart)
    .add('GET', '/_emulator/state', control.getState)
    .add('POST', '/_emulator/settings', control.postSettings)
    .add('GET', '/_emulator/requests', control.getRequests)
    .add('DELETE', '/_emulator/requests', control.deleteRequests);
}

function decodePath(rawPath: string): string {
  try {
    return decodeURIComponent(rawPath);
  } catch {
    return rawPath;
  }
}

function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof TextError) sendText(res, err.status, err.body, err.headers);
  else if (err instanceof ApiError) sendApiError(res, err);
  else sendText(res, 500, '500 Internal Server Error\n\nServer got itself in trouble');
}

/**
 * Responses whose Date header is the emulated host's time (aiohttp, like Node, dates every response;
 * here it is set explicitly, when the headers are written, from the clock tests can shift).
 */
function datedResponse(clock: Clock): typeof ServerResponse {
  return class DatedResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
    override writeHead(statusCode: number, ...rest: unknown[]): this {
      if (!this.headersSent) this.setHeader('Date', clock.httpDate());
      return super.writeHead(statusCode, ...(rest as []));
    }
  };
}

/** What Node's HTTP server answers a request it cannot parse, with the emulated Date. */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, clock: Clock): void {
  const socketWritable = socket.writable && (socket as Partial<Socket>).bytesWritten === 0;
  if (socketWritable) {
    const [status, reason] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout']
          : [400, 'Bad Request'];
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nDate: ${clock.httpDate()}\r\nConnection: close\r\n\r\n`);
  }
  socket.destroy(err);
}

export async function startEmulator(opts: EmulatorOptions): Promise<RunningEmulator> {
  const scenario = await loadScenario(opts.scenario, opts.install);
  if (opts.install) scenario.install = opts.install;
  const isCore = scenario.install === 'core';
  const dataDir = path.resolve(opts.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'ha-supervisor-emulator-'))));
  await mkdir(dataDir, { recursive: true });
  const sup = new Supervisor(dataDir, scenario, opts.token);
  await prepareDataDir(sup);
  await sup.reload();

  const api = buildApiRouter();
  const controlRoutes = buildControlRouter();
  // Home Assistant Core in front of the Supervisor, on the same port (/api/…); `port` is set below.
  let port = 0;
  const homeAssistant = new HomeAssistantFront(scenario, sup.tokens, () => `http://127.0.0.1:${port}`, sup.clock, {
    install: scenario.install,
    dataDir,
    token: opts.token,
    supervisor: isCore ? undefined : sup,
  });
  await homeAssistant.start(scenario);
  // The Supervisor's proxy to Core's REST API for add-ons admits the add-ons the websocket proxy admits and
  // reaches Core as the same Supervisor user: the websocket proxy's context, a private field of the Home
  // Assistant front, read by index (making it public there would be the cleaner way).
  const websocketProxy = homeAssistant.proxy;
  const apiProxy: ApiProxyContext = {
    admits: (token) => websocketProxy.admits(token),
    homeAssistantToken: websocketProxy.homeAssistantToken,
    homeAssistantUrl: () => `http://127.0.0.1:${port}`,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reqPath = decodePath(url.pathname);
    opts.onRequest?.(`${method} ${req.url ?? ''}`);
    if (homeAssistant.handles(url.pathname)) return homeAssistant.handle(req, res);
    const ctx: RequestContext = { req, res, method, path: reqPath, url, params: {}, role: null, faults: [] };

    if (reqPath.startsWith('/_emulator/')) {
      const found = controlRoutes.resolve(method, reqPath);
      if (found.kind !== 'found') throw found.kind === 'not_found' ? notFound() : new TextError(405, '405: Method Not Allowed', { Allow: found.allowed.join(',') });
      ctx.params = found.params;
      sendJson(res, 200, await found.handler(ctx, sup));
      return;
    }

    // A Core install has no Supervisor: its routes are unknown paths.
    if (isCore) throw notFound();

    const key = `${method} ${reqPath}`;
    sup.requestCounts.set(key, (sup.requestCounts.get(key) ?? 0) + 1);

    // Faults act in front of everything else, like a flaky network or proxy would.
    ctx.faults = sup.faults.take(method, reqPath, HTTP_FAULT_KINDS);
    for (const f of ctx.faults) if (f.kind === 'delay') await new Promise((r) => setTimeout(r, f.delayMs ?? 1000));
    const statusFault = ctx.faults.find((f) => f.kind === 'status');
    if (statusFault) {
      const status = statusFault.status ?? 500;
      if (statusFault.body !== undefined) sendText(res, status, statusFault.body);
      else sendApiError(res, new ApiError(statusFault.message ?? 'Unknown error, see Supervisor logs', status));
      return;
    }
    const resetFault = ctx.faults.some((f) => f.kind === 'reset');
    const isDownload = method === 'GET' && /^\/backups\/[^/]+\/download$/.test(reqPath);
    if (resetFault && !isDownload) {
      req.socket.destroy();
      return;
    }

    // APIProxy.api: its own token check (security.py lets /core/api/… through unchecked).
    if (isProxyApiPath(reqPath)) return proxyCoreApi(req, res, reqPath, url.search, apiProxy);

    ctx.role = authorize(reqPath, req.headers, sup.tokens);
    const found = api.resolve(method, reqPath);
    if (found.kind === 'not_found') throw notFound();
    if (found.kind === 'method_not_allowed') throw new TextError(405, '405: Method Not Allowed', { Allow: found.allowed.join(',') });
    ctx.params = found.params;
    const data = await found.handler(ctx, sup);
    if (data !== HANDLED) sendOk(res, data);
  }

  const server = createServer({ ServerResponse: datedResponse(sup.clock) }, (req, res) => {
    handle(req, res).catch((err: unknown) => sendError(res, err));
  });
  // Malformed requests: Node's own answer (400, 408 or 431), dated by the emulated clock too.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket, sup.clock));
  // Big uploads/downloads may take long: no overall request timeout.
  server.requestTimeout = 0;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    opts.onRequest?.(`${req.method ?? 'GET'} ${req.url ?? ''} (upgrade)`);
    homeAssistant.upgrade(req, socket, head);
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        sup.shutdown();
        homeAssistant.closeAll();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}
