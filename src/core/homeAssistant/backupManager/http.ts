// The backup manager's two HTTP endpoints (home-assistant/core homeassistant/components/backup/http.py
// DownloadBackupView, UploadBackupView; both need an administrator's token):
// - `GET /api/backup/download/{backup_id}?agent_id=<id>[&password=<key>]`: the archive of the copy on
//   that agent, streamed; with a password Core decrypts it on the fly (ask can_decrypt_on_download
//   first). 400 for a missing or unknown agent, 404 when the agent has no such backup, 401 for a
//   token that is not an administrator's.
// - `POST /api/backup/upload?agent_id=a&agent_id=b`: multipart, the archive as field `file`; 201
//   `{"backup_id": …}`, 400 without an agent, 500 with a text body ("Can't upload backup file: …",
//   also when the manager is busy).
// The password travels in the query string: it is never part of an error message, a path in an error,
// or an error's cause; neither is the token.
import type { Readable } from 'node:stream';
import { FormData, request, type Agent } from 'undici';
import { networkError, redactSecret, SupervisorError } from '../../supervisor/errors';
import { instanceAgent, type UploadSource } from '../../supervisor/transport';

export interface HomeAssistantHttpOptions {
  /** Home Assistant's address, e.g. `http://homeassistant.local:8123`. */
  baseUrl: string;
  /** A long-lived access token of an administrator user. */
  token: string;
  rejectUnauthorized?: boolean;
}

export interface BackupDownload {
  /** The archive's bytes; read it to the end or destroy it. */
  body: Readable;
  /** From Content-Disposition (`<slugified name>.tar`), when Core sent one. */
  fileName: string | null;
  /** Content-Length when Core sent one (not for decrypted or remote-agent streams). */
  size: number | null;
}

export class HomeAssistantBackupHttp {
  readonly target: string;
  private readonly token: string;
  private readonly agent: Agent;

  constructor(options: HomeAssistantHttpOptions) {
    this.target = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.agent = instanceAgent(options.rejectUnauthorized, { transfers: true });
  }

  /** Downloads the copy of `backupId` on `agentId`; with `password`, decrypted by Core. */
  async download(backupId: string, agentId: string, options: { password?: string; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<BackupDownload> {
    const query = new URLSearchParams({ agent_id: agentId });
    if (options.password !== undefined) query.set('password', options.password);
    const path = `/api/backup/download/${encodeURIComponent(backupId)}`;
    const shownPath = `${path}?agent_id=${encodeURIComponent(agentId)}${options.password !== undefined ? '&password=***' : ''}`;
    // The password as sent (URLSearchParams' encoding) and as a server may repeat it (percent-encoded or not).
    const secrets =
      options.password !== undefined
        ? [this.token, options.password, encodeURIComponent(options.password), new URLSearchParams({ p: options.password }).toString().slice(2)]
        : [this.token];
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(`${this.target}${path}?${query.toString()}`, {
        method: 'GET',
        headers: { authorization: `Bearer ${this.token}`, 'accept-encoding': 'identity' },
        signal: options.signal,
        dispatcher: this.agent,
        headersTimeout: options.timeoutMs ?? 60_000,
      });
    } catch (e) {
      throw this.failure(e, 'GET', shownPath, secrets);
    }
    if (res.statusCode >= 300) {
      const text = redactAll((await res.body.text().catch(() => '')).trim(), secrets);
      const what = `backup ${backupId} from ${agentId}`;
      const status = res.statusCode;
      const message =
        status === 401
          ? `Home Assistant at ${this.target} refused to download ${what}: the access token is not valid or its user is not an administrator`
          : status === 404
            ? `Home Assistant at ${this.target} has no backup ${backupId} on ${agentId}`
            : status === 400
              ? `Home Assistant at ${this.target} refused to download ${what}: ${text || 'unknown or missing agent'}`
              : `Home Assistant at ${this.target} could not download ${what} (HTTP ${status})${text ? `: ${text}` : ''}`;
      throw new SupervisorError(message, { kind: status === 401 ? 'forbidden_role' : status === 404 ? 'not_found' : 'api', method: 'GET', path: shownPath, status });
    }
    const disposition = headerOf(res.headers['content-disposition']);
    const length = Number(headerOf(res.headers['content-length']));
    return { body: res.body, fileName: fileNameOf(disposition), size: Number.isFinite(length) && headerOf(res.headers['content-length']) ? length : null };
  }

  /** Uploads an archive to the agents; resolves to the backup's id as Core read it from the archive. */
  async upload(agentIds: string[], source: UploadSource, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<{ backupId: string }> {
    if (agentIds.length === 0)
      throw new SupervisorError('Uploading a backup to Home Assistant needs at least one agent', { kind: 'api', method: 'POST', path: '/api/backup/upload' });
    const query = new URLSearchParams(agentIds.map((id): [string, string] => ['agent_id', id]));
    const path = `/api/backup/upload?${query.toString()}`;
    const form = new FormData();
    form.append('file', source.blob, source.fileName);
    let status: number;
    let text: string;
    try {
      const res = await request(`${this.target}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, accept: 'application/json' },
        body: form,
        signal: options.signal,
        dispatcher: this.agent,
        headersTimeout: options.timeoutMs ?? 600_000,
      });
      status = res.statusCode;
      text = redactSecret(await res.body.text(), this.token);
    } catch (e) {
      throw this.failure(e, 'POST', path, [this.token]);
    }
    const what = `${source.fileName} to ${agentIds.join(', ')}`;
    if (status === 201 || status === 200) {
      try {
        const id = (JSON.parse(text) as { backup_id?: unknown }).backup_id;
        if (typeof id === 'string' && id) return { backupId: id };
      } catch {
        // not JSON: said below
      }
      throw new SupervisorError(`Unexpected answer from Home Assistant at ${this.target} for the upload of ${what}`, {
        kind: 'invalid_response',
        method: 'POST',
        path,
        status,
      });
    }
    const reason = text.trim();
    const message =
      status === 401
        ? `Home Assistant at ${this.target} refused the upload of ${what}: the access token is not valid or its user is not an administrator`
        : `Home Assistant at ${this.target} could not take the upload of ${what} (HTTP ${status})${reason ? `: ${reason}` : ''}`;
    throw new SupervisorError(message, { kind: status === 401 ? 'forbidden_role' : 'api', method: 'POST', path, status });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** A network failure, without the URL's password or the token anywhere (the cause is dropped: it may hold the URL). */
  private failure(e: unknown, method: string, shownPath: string, secrets: string[]): SupervisorError {
    const err = networkError(e, method, shownPath, this.target);
    return new SupervisorError(redactAll(err.message, secrets), { kind: err.kind, method, path: shownPath });
  }
}

function redactAll(text: string, secrets: string[]): string {
  return secrets.reduce((t, s) => redactSecret(t, s), text);
}

function headerOf(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** `attachment; filename=My_backup.tar` or `filename="…"` → the name; null without one. */
export function fileNameOf(disposition: string | undefined): string | null {
  if (!disposition) return null;
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename=("?)([^";]+)\1/i.exec(disposition);
  return plain?.[2]?.trim() || null;
}
