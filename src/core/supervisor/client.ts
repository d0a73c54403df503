// Typed Supervisor client (home-assistant/supervisor supervisor/api/__init__.py routes, handlers in
// backups.py, jobs.py, mounts.py, apps.py, root.py @090ef31e). Every call takes an AbortSignal,
// every answer is parsed with zod, and every failure becomes a SupervisorError with a specific
// kind.
import * as z from 'zod';
import type { BackupClient } from '../backups/client';
import { SupervisorError } from './errors';
import {
  addonsSchema,
  backupDetailsSchema,
  backupsInfoSchema,
  envelopeSchema,
  jobSchema,
  jobStartedSchema,
  mountsSchema,
  supervisorInfoSchema,
  type Addon,
  type Backup,
  type BackupDetails,
  type Job,
  type Mounts,
  type SupervisorInfo,
} from './schemas';
import { readClockOf, type ClockReading } from './serverClock';
import type { RawResponse, StreamResponse, SupervisorTransport, UploadSource } from './transport';

export type Location = string | null;

/** Options shared by full and partial backups (POST /backups/new/*: SCHEMA_BACKUP_FULL, supervisor/api/backups.py). */
export interface NewBackupOptions {
  name?: string;
  filename?: string;
  password?: string | null;
  compressed?: boolean;
  location?: Location | Location[];
  homeassistant_exclude_database?: boolean;
  extra?: Record<string, unknown>;
}

export interface NewPartialBackupOptions extends NewBackupOptions {
  addons?: 'ALL' | string[];
  folders?: string[];
  homeassistant?: boolean;
}

/** POST /backups/{slug}/restore/partial (SCHEMA_RESTORE_PARTIAL_V1); `location` picks which copy is read. */
export interface RestoreOptions {
  password?: string | null;
  location?: Location;
}

export interface PartialRestoreOptions extends RestoreOptions {
  homeassistant?: boolean;
  addons?: string[];
  folders?: string[];
}

export interface BackupList {
  backups: Backup[];
  daysUntilStale: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export class SupervisorClient implements BackupClient {
  readonly system = 'supervisor' as const;

  constructor(readonly transport: SupervisorTransport) {}

  async info(opts: CallOptions = {}): Promise<SupervisorInfo> {
    return this.call('GET', '/info', supervisorInfoSchema, opts);
  }

  /** All backups, newest first (the Supervisor returns them in cache order). */
  async listBackups(opts: CallOptions = {}): Promise<BackupList> {
    // Listing can be slow with large network mounts (home-assistant/core#134218): allow more time
    // than other calls.
    const data = await this.call('GET', '/backups/info', backupsInfoSchema, { timeoutMs: 120_000, ...opts });
    return { backups: sortNewestFirst(data.backups), daysUntilStale: data.days_until_stale };
  }

  async backupInfo(slug: string, opts: CallOptions = {}): Promise<BackupDetails> {
    return this.call('GET', `/backups/${encodeURIComponent(slug)}/info`, backupDetailsSchema, opts);
  }

  /** Starts a full backup in the background and returns the job id to follow. */
  async startFullBackup(options: NewBackupOptions, opts: CallOptions = {}): Promise<string> {
    const data = await this.call('POST', '/backups/new/full', jobStartedSchema, { ...opts, body: { ...options, background: true } });
    return data.job_id;
  }

  async startPartialBackup(options: NewPartialBackupOptions, opts: CallOptions = {}): Promise<string> {
    const data = await this.call('POST', '/backups/new/partial', jobStartedSchema, { ...opts, body: { ...options, background: true } });
    return data.job_id;
  }

  /** The job tree (root jobs newest first); open to the backup role too (`/.+/info`). */
  async jobs(opts: CallOptions = {}): Promise<Job[]> {
    return (await this.call('GET', '/jobs/info', jobsInfoSchema, opts)).jobs;
  }

  async job(uuid: string, opts: CallOptions = {}): Promise<Job> {
    return this.call('GET', `/jobs/${encodeURIComponent(uuid)}`, jobSchema, opts);
  }

  /**
   * Deletes a backup (all copies, or only the given locations). A backup the Supervisor does not know
   * is reported as already gone: the goal state is reached. Every other refusal is an error — also a
   * 404 such as "Cannot delete backup at …, file does not exist!", after which other copies remain.
   */
  async deleteBackup(slug: string, opts: CallOptions & { location?: Location[] } = {}): Promise<'deleted' | 'already_gone'> {
    const body = opts.location ? { location: opts.location } : undefined;
    try {
      await this.call('DELETE', `/backups/${encodeURIComponent(slug)}`, undefined, { ...opts, body });
      return 'deleted';
    } catch (e) {
      if (isBackupUnknown(e)) return 'already_gone';
      throw e;
    }
  }

  /** Starts a full restore in the background; returns the job id (APIBackups.restore_full). */
  async startFullRestore(slug: string, options: RestoreOptions, opts: CallOptions = {}): Promise<string> {
    const body = { ...options, background: true };
    return (await this.call('POST', `/backups/${encodeURIComponent(slug)}/restore/full`, jobStartedSchema, { ...opts, body })).job_id;
  }

  async startPartialRestore(slug: string, options: PartialRestoreOptions, opts: CallOptions = {}): Promise<string> {
    const body = { ...options, background: true };
    return (await this.call('POST', `/backups/${encodeURIComponent(slug)}/restore/partial`, jobStartedSchema, { ...opts, body })).job_id;
  }

  /**
   * Uploads a backup archive (APIBackups.upload) to the given locations (first = target, others get
   * copies) and returns its slug (read by the Supervisor from the archive's backup.json).
   */
  async uploadBackup(source: UploadSource, opts: CallOptions & { locations?: Location[]; filename?: string } = {}): Promise<string> {
    const query = new URLSearchParams();
    for (const l of opts.locations ?? []) query.append('location', l ?? '.local');
    if (opts.filename) query.set('filename', opts.filename);
    const path = `/backups/new/upload${query.size ? `?${query.toString()}` : ''}`;
    const res = await this.transport.upload(path, source, opts);
    return (await this.parse('POST', path, res, uploadedSchema, opts.signal)).slug;
  }

  /** Home Assistant's clock against this machine's; undefined when the transport cannot tell. */
  readClock(opts: CallOptions = {}): Promise<ClockReading | undefined> {
    return readClockOf(this.transport, opts);
  }

  async mounts(opts: CallOptions = {}): Promise<Mounts> {
    return this.call('GET', '/mounts', mountsSchema, opts);
  }

  async addons(opts: CallOptions = {}): Promise<Addon[]> {
    return (await this.call('GET', '/addons', addonsSchema, opts)).addons;
  }

  /** Opens the archive of a backup as a stream (still encrypted if it is protected). */
  async download(slug: string, opts: CallOptions & { location?: Location; password?: string } = {}): Promise<StreamResponse> {
    if (opts.password !== undefined)
      throw new SupervisorError('The Supervisor hands out a backup as it is stored; only Home Assistant’s backup manager decrypts on download', {
        kind: 'api',
        method: 'GET',
        path: `/backups/${slug}/download`,
      });
    const query = opts.location === undefined ? '' : `?location=${encodeURIComponent(opts.location ?? '.local')}`;
    const path = `/backups/${encodeURIComponent(slug)}/download${query}`;
    const res = await this.transport.openStream('GET', path, opts);
    if (res.status === 200) return res;
    const text = await readAll(res.body);
    throw await this.errorFor('GET', path, { status: res.status, contentType: res.headers['content-type'] ?? '', text });
  }

  private async call<S extends z.ZodType>(method: string, path: string, schema: S | undefined, opts: CallOptions & { body?: unknown }): Promise<z.output<S>> {
    const res = await this.transport.send(method, path, opts);
    return this.parse(method, path, res, schema, opts.signal);
  }

  private async parse<S extends z.ZodType>(method: string, path: string, res: RawResponse, schema: S | undefined, signal?: AbortSignal): Promise<z.output<S>> {
    if (res.status !== 200) throw await this.errorFor(method, path, res, signal);
    const envelope = parseJson(res.text);
    const parsed = envelopeSchema.safeParse(envelope);
    if (!parsed.success) throw invalid(method, path, 'the answer is not a Supervisor envelope');
    if (parsed.data.result === 'error') throw apiError(method, path, res.status, parsed.data);
    if (!schema) return undefined as z.output<S>;
    const data = schema.safeParse(parsed.data.data ?? {});
    if (!data.success) {
      const issue = data.error.issues[0];
      throw invalid(method, path, `${issue?.path.join('.') || 'data'}: ${issue?.message ?? 'invalid'}`);
    }
    return data.data;
  }

  private async errorFor(method: string, path: string, res: RawResponse, signal?: AbortSignal): Promise<SupervisorError> {
    if (res.status === 401) {
      return new SupervisorError('The Supervisor did not accept the token (401 Unauthorized)', { kind: 'unauthorized', method, path, status: 401 });
    }
    if (res.status === 403) return this.classifyForbidden(method, path, signal);
    const json = envelopeSchema.safeParse(parseJson(res.text));
    if (json.success && json.data.result === 'error') return apiError(method, path, res.status, json.data);
    // A bare 404 (no Supervisor envelope) comes from a proxy or an unknown route, not from the
    // Supervisor saying "no such backup": it must never count as "already deleted".
    const snippet = res.text.trim().slice(0, 200);
    return new SupervisorError(`The Supervisor answered ${method} ${path} with HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`, {
      kind: 'api',
      method,
      path,
      status: res.status,
    });
  }

  /**
   * The Supervisor sends the same plain-text 403 for an unknown token and for a role that may not
   * use a route. `/info` is open to every valid token, so asking it tells the two apart.
   */
  private async classifyForbidden(method: string, path: string, signal?: AbortSignal): Promise<SupervisorError> {
    const route = `/${path.split('/')[1] ?? ''}`.replace(/\?.*$/, '');
    let tokenWorks = false;
    if (path !== '/info') {
      try {
        tokenWorks = (await this.transport.send('GET', '/info', { signal, timeoutMs: 10_000 })).status === 200;
      } catch {
        tokenWorks = false;
      }
    }
    return tokenWorks
      ? new SupervisorError(`This token's role may not call ${route}`, { kind: 'forbidden_role', method, path, status: 403 })
      : new SupervisorError('The token was rejected by the Supervisor', { kind: 'token_rejected', method, path, status: 403 });
  }
}

const uploadedSchema = z.object({ slug: z.string().min(1) });
const jobsInfoSchema = z.object({ jobs: z.array(jobSchema) });

/**
 * The Supervisor's answer for a slug it does not know (`_extract_slug` in supervisor/api/backups.py:
 * 404 since 2024.12.0, 400 before). Only this message means a backup is gone.
 */
export const BACKUP_UNKNOWN_MESSAGE = 'Backup does not exist';

export function isBackupUnknown(e: unknown): boolean {
  return e instanceof SupervisorError && (e.status === 404 || e.status === 400) && e.message === BACKUP_UNKNOWN_MESSAGE;
}

export function sortNewestFirst(backups: Backup[]): Backup[] {
  return [...backups].sort((a, b) => Date.parse(b.date) - Date.parse(a.date) || a.slug.localeCompare(b.slug));
}

function apiError(method: string, path: string, status: number, e: z.infer<typeof envelopeSchema>): SupervisorError {
  return new SupervisorError(e.message || 'Unknown error, see Supervisor logs', {
    kind: status === 404 ? 'not_found' : 'api',
    method,
    path,
    status,
    errorKey: e.error_key ?? undefined,
    jobId: e.job_id ?? undefined,
    extraFields: e.extra_fields ?? undefined,
  });
}

function invalid(method: string, path: string, why: string): SupervisorError {
  return new SupervisorError(`Unexpected answer from the Supervisor for ${method} ${path}: ${why}`, { kind: 'invalid_response', method, path });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}
