// DELETE /backups/{slug}: only the Supervisor's "Backup does not exist" means a backup is gone (case 5
// of issue #10). Its other 404 — a copy whose file vanished — leaves the other copies, so it is an
// error, never "already deleted". Bodies as the Supervisor sends them (supervisor/api/backups.py,
// supervisor/backups/manager.py `remove`; aiohttp's api_return_error envelope).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SupervisorClient, SupervisorError, type RawResponse, type SupervisorTransport } from '../../src/core/supervisor';

function answering(status: number, body: unknown): SupervisorClient {
  const res: RawResponse = { status, contentType: 'application/json', text: typeof body === 'string' ? body : JSON.stringify(body) };
  const transport: SupervisorTransport = {
    target: 'http://supervisor',
    send: () => Promise.resolve(res),
    openStream: () => Promise.reject(new Error('not used')),
    upload: () => Promise.reject(new Error('not used')),
    serverDate: () => Promise.resolve(undefined),
    close: () => Promise.resolve(),
  };
  return new SupervisorClient(transport);
}

describe('deleteBackup: gone, or not', () => {
  it('"Backup does not exist" (404 since Supervisor 2024.12.0) is already gone', async () => {
    assert.equal(await answering(404, { result: 'error', message: 'Backup does not exist' }).deleteBackup('7fed74c8'), 'already_gone');
  });
  it('the same message with 400 (older Supervisors) is already gone too', async () => {
    assert.equal(await answering(400, { result: 'error', message: 'Backup does not exist' }).deleteBackup('7fed74c8'), 'already_gone');
  });
  it('404 "Cannot delete backup at …, file does not exist!" is an error: copies elsewhere remain', async () => {
    const client = answering(404, { result: 'error', message: 'Cannot delete backup at /data/backup/7fed74c8.tar, file does not exist!', job_id: null });
    await assert.rejects(client.deleteBackup('7fed74c8'), (e: unknown) => {
      assert.ok(e instanceof SupervisorError);
      assert.equal(e.status, 404);
      assert.equal(e.message, 'Cannot delete backup at /data/backup/7fed74c8.tar, file does not exist!');
      return true;
    });
  });
  it('a bare 404 without the envelope (a proxy, an unknown route) is an error', async () => {
    await assert.rejects(answering(404, '404: Not Found').deleteBackup('7fed74c8'), /HTTP 404/);
  });
});
