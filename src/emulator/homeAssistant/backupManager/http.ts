// Core's backup HTTP views (home-assistant/core homeassistant/components/backup/http.py):
// GET /api/backup/download/{backup_id}?agent_id=…[&password=…] and POST /api/backup/upload?agent_id=….
import { createReadStream, promises as fsp } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sendJson, sendText } from '../../http';
import { boundaryOf, saveFirstPart } from '../../multipart';
import { slugify } from './coreArchive';
import type { BackupManager } from './manager';

export const DOWNLOAD_PREFIX = '/api/backup/download/';
export const UPLOAD_PATH = '/api/backup/upload';

/** aiohttp's answer to an exception in a view. */
const sendServerError = (res: ServerResponse): void => sendText(res, 500, '500 Internal Server Error\n\nServer got itself in trouble');

/** DownloadBackupView.get. `admin` is the authenticated user's flag (the auth middleware has let the request in). */
export async function downloadBackup(
  manager: BackupManager,
  req: IncomingMessage,
  res: ServerResponse,
  backupId: string,
  query: URLSearchParams,
  admin: boolean,
): Promise<void> {
  manager.count('GET /api/backup/download');
  if (!admin) return sendText(res, 401, '');
  const agentId = query.get('agent_id');
  if (agentId === null) return sendText(res, 400, '');
  const password = query.get('password');
  const agent = manager.agents.get(agentId);
  if (!agent) return sendText(res, 400, '');
  let copy;
  try {
    copy = await agent.get(backupId);
  } catch {
    return sendServerError(res);
  }
  if (!copy) return sendText(res, 404, '');
  const disposition = `attachment; filename=${slugify(copy.json.name)}.tar`;

  if (!password || !copy.json.protected) {
    // backup.local: a FileResponse (with its length); other agents: a stream.
    const headers: Record<string, string | number> = agent.isLocal
      ? { 'Content-Type': 'application/x-tar', 'Content-Length': copy.size, 'Content-Disposition': disposition }
      : { 'Content-Type': 'application/octet-stream', 'Content-Disposition': disposition };
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    createReadStream(copy.file)
      .on('error', () => res.destroy())
      .pipe(res);
    return;
  }
  // util.decrypt_backup in a worker thread, streamed; a wrong password ends the stream early.
  const { head, archive } = await manager.decryptArchive(await fsp.readFile(copy.file), password);
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Disposition': disposition });
  if (archive) {
    res.end(archive);
    return;
  }
  res.write(head, () => res.destroy());
}

/** UploadBackupView.post (@require_admin): the first multipart part is the backup. */
export async function uploadBackup(manager: BackupManager, req: IncomingMessage, res: ServerResponse, query: URLSearchParams, admin: boolean): Promise<void> {
  manager.count('POST /api/backup/upload');
  if (!admin) return sendText(res, 401, '401: Unauthorized');
  const agentIds = query.getAll('agent_id');
  if (agentIds.length === 0) return sendText(res, 400, '');
  const boundary = boundaryOf(req.headers['content-type']);
  if (!boundary) return sendServerError(res);
  const tmpDir = path.join(manager.configDir, 'tmp_backups');
  await fsp.mkdir(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, `upload-${randomBytes(6).toString('hex')}.tar`);
  try {
    try {
      await saveFirstPart(req, boundary, tmp);
    } catch (e) {
      return sendText(res, 500, `Can't write backup file: ${(e as Error).message}`);
    }
    const archive = await fsp.readFile(tmp);
    let backupId: string;
    try {
      backupId = await manager.receiveBackup(agentIds, archive);
    } catch (e) {
      return sendText(res, 500, `Can't upload backup file: ${(e as Error).message}`);
    }
    sendJson(res, 201, { backup_id: backupId });
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}
