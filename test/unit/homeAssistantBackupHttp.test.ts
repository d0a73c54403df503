// Download and upload through Core's backup endpoints (backupManager/http.ts) against a scripted Core:
// what is sent (Bearer token, agent ids, the password only in the query), what comes back, and that
// neither the password nor the token ever reaches an error.
import * as assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { text } from 'node:stream/consumers';
import { HomeAssistantBackupHttp, fileNameOf } from '../../src/core/homeAssistant/backupManager';
import { SupervisorError } from '../../src/core/supervisor/errors';
import { FAKE_TOKEN, FakeCore } from './homeAssistantBackupFakeCore';

const PASSWORD = 'AB12-CD34-EF56-GH78-IJ90-KL12-MN34';

describe('Home Assistant backup download and upload', () => {
  let core: FakeCore;
  let http: HomeAssistantBackupHttp;

  before(async () => {
    core = await FakeCore.start();
    http = new HomeAssistantBackupHttp({ baseUrl: core.url, token: FAKE_TOKEN });
  });
  after(async () => {
    await http.close();
    await core.close();
  });
  beforeEach(() => {
    core.httpRequests.length = 0;
  });

  const noSecrets = (e: unknown): void => {
    const all = `${String(e)} ${JSON.stringify(e)} ${(e as SupervisorError).path}`;
    assert.doesNotMatch(all, new RegExp(PASSWORD));
    assert.doesNotMatch(all, new RegExp(FAKE_TOKEN));
  };

  describe('download', () => {
    it('streams the copy of one agent, with the token as Bearer and the file name of Content-Disposition', async () => {
      core.http = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/x-tar', 'content-disposition': 'attachment; filename=Automatic_backup_2026.11.2.tar', 'content-length': '11' });
        res.end('backup data');
      };
      const dl = await http.download('1a2b3c4d', 'hassio.NAS_mro');
      assert.equal(await text(dl.body), 'backup data');
      assert.equal(dl.fileName, 'Automatic_backup_2026.11.2.tar');
      assert.equal(dl.size, 11);
      const [req] = core.httpRequests;
      assert.equal(req?.url, '/api/backup/download/1a2b3c4d?agent_id=hassio.NAS_mro');
      assert.equal(req?.authorization, `Bearer ${FAKE_TOKEN}`);
    });

    it('sends the password in the query only, and never shows it (404, 400, 500 echoing the URL)', async () => {
      core.http = (req, res) => res.writeHead(404).end();
      const notFound = await http.download('1a2b3c4d', 'cloud.cloud', { password: PASSWORD }).catch((e: unknown) => e);
      assert.equal(new URL(core.httpRequests[0]!.url, core.url).searchParams.get('password'), PASSWORD);
      assert.ok(notFound instanceof SupervisorError);
      assert.equal(notFound.kind, 'not_found');
      assert.equal(notFound.path, '/api/backup/download/1a2b3c4d?agent_id=cloud.cloud&password=***');
      assert.match(notFound.message, new RegExp(`Home Assistant at ${core.url} has no backup 1a2b3c4d on cloud.cloud`));
      noSecrets(notFound);
      core.http = (req, res) => res.writeHead(500).end(`500 Internal Server Error: ${req.url} failed, Authorization: Bearer ${FAKE_TOKEN}`);
      const failed = await http.download('1a2b3c4d', 'cloud.cloud', { password: PASSWORD }).catch((e: unknown) => e);
      assert.match(String((failed as Error).message), /could not download backup 1a2b3c4d from cloud\.cloud \(HTTP 500\)/);
      noSecrets(failed);
      core.http = (_req, res) => res.writeHead(400).end('Invalid agent selected');
      const bad = await http.download('1a2b3c4d', 'nope.x').catch((e: unknown) => e);
      assert.match(String((bad as Error).message), /refused to download backup 1a2b3c4d from nope\.x: Invalid agent selected/);
    });

    it('401: not an administrator', async () => {
      core.http = (_req, res) => res.writeHead(401).end('401: Unauthorized');
      const err = await http.download('1a2b3c4d', 'hassio.local').catch((e: unknown) => e);
      assert.equal((err as SupervisorError).kind, 'forbidden_role');
      assert.match(String((err as Error).message), /administrator/);
    });

    it('a network failure keeps neither the password nor the token', async () => {
      const gone = new HomeAssistantBackupHttp({ baseUrl: 'http://127.0.0.1:1', token: FAKE_TOKEN });
      const err = await gone.download('1a2b3c4d', 'hassio.local', { password: PASSWORD }).catch((e: unknown) => e);
      await gone.close();
      assert.equal((err as SupervisorError).kind, 'connection_refused');
      assert.equal((err as SupervisorError).cause, undefined);
      noSecrets(err);
    });

    it('reads file names of both Content-Disposition forms', () => {
      assert.equal(fileNameOf('attachment; filename="My backup.tar"'), 'My backup.tar');
      assert.equal(fileNameOf("attachment; filename*=UTF-8''Sauvegarde%20%C3%A9t%C3%A9.tar"), 'Sauvegarde été.tar');
      assert.equal(fileNameOf(undefined), null);
    });
  });

  describe('upload', () => {
    const source = { fileName: 'Backup_2026.tar', blob: new Blob([Buffer.from('tar bytes')]) };

    it('posts the archive as field "file" to every agent and returns the backup id (201)', async () => {
      core.http = (_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"backup_id": "1a2b3c4d"}');
      assert.deepEqual(await http.upload(['hassio.local', 'cloud.cloud'], source), { backupId: '1a2b3c4d' });
      const [req] = core.httpRequests;
      assert.equal(req?.url, '/api/backup/upload?agent_id=hassio.local&agent_id=cloud.cloud');
      assert.equal(req?.authorization, `Bearer ${FAKE_TOKEN}`);
      const sent = String(req?.body.toString('latin1'));
      assert.match(sent, /Content-Disposition: form-data; name="file"; filename="Backup_2026.tar"/);
      assert.match(sent, /tar bytes/);
    });

    it('500 with Core\'s text: an error with that text (http.py: "Can\'t upload backup file: …")', async () => {
      core.http = (_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end("Can't upload backup file: Backup manager busy: create_backup");
      const err = await http.upload(['backup.local'], source).catch((e: unknown) => e);
      assert.ok(err instanceof SupervisorError);
      assert.equal(err.status, 500);
      assert.match(err.message, /could not take the upload of Backup_2026\.tar to backup\.local \(HTTP 500\): Can't upload backup file: Backup manager busy: create_backup/);
    });

    it('needs an agent; an answer without a backup id is unexpected', async () => {
      await assert.rejects(http.upload([], source), /at least one agent/);
      core.http = (_req, res) => res.writeHead(201).end('ok');
      await assert.rejects(http.upload(['backup.local'], source), (e: SupervisorError) => e.kind === 'invalid_response');
    });
  });
});
