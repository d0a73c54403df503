// Core's backup HTTP views on a Core install: download (plain, encrypted, decrypted on the fly, a wrong
// password ending the stream early; 401/400/404) and upload (201 with the backup id, receive_backup
// events, 400 without agent_id, 500 while busy), and an upload round trip.
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { ADMIN, info, KEY, login, startCoreEmulator, Subscriber, USER, WEBDAV } from './coreHelpers';
import { decryptSecureTarV2, readTar } from './helpers';
import type { TestEmulator } from './helpers';

void describe('Core install: backup download and upload', () => {
  let emu: TestEmulator;
  let automaticId = '';
  let plainId = '';

  before(async () => {
    emu = await startCoreEmulator();
    const client = await login(emu.url);
    const backups = (await info(client)).backups;
    automaticId = backups.find((b) => b.name === 'Automatic backup 2026.11.2')?.backup_id ?? '';
    plainId = backups.find((b) => b.name === 'Before the kitchen')?.backup_id ?? '';
    client.ws.close();
  });
  after(() => emu.close());

  const download = (id: string, query: string, token: string | null = ADMIN) =>
    fetch(`${emu.url}/api/backup/download/${id}${query}`, { headers: token === null ? {} : { Authorization: `Bearer ${token}` } });

  void it('downloads a copy as it is stored, with Content-Disposition', async () => {
    const res = await download(plainId, '?agent_id=backup.local');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename=before_the_kitchen.tar');
    const members = await readTar(Buffer.from(await res.arrayBuffer()));
    assert.deepEqual(
      members.map((m) => m.name),
      ['./backup.json', './homeassistant.tar.gz'],
    );
    const fromWebdav = await download(plainId, `?agent_id=${WEBDAV}`);
    assert.equal(fromWebdav.status, 200);
    assert.equal((await readTar(Buffer.from(await fromWebdav.arrayBuffer()))).length, 2);
  });

  void it('downloads a protected copy encrypted without a password and decrypted with the right one', async () => {
    const encrypted = await readTar(Buffer.from(await (await download(automaticId, '?agent_id=cloud.cloud')).arrayBuffer()));
    assert.equal((JSON.parse(encrypted[0]?.data.toString() ?? '') as { protected: boolean }).protected, true);
    assert.equal(encrypted[1]?.data.subarray(0, 9).toString(), 'SecureTar');
    decryptSecureTarV2(encrypted[1]?.data ?? Buffer.alloc(0), KEY);

    const res = await download(automaticId, `?agent_id=cloud.cloud&password=${encodeURIComponent(KEY)}`);
    assert.equal(res.status, 200);
    const decrypted = await readTar(Buffer.from(await res.arrayBuffer()));
    assert.deepEqual(
      decrypted.map((m) => m.name),
      ['./backup.json', './homeassistant.tar.gz'],
    );
    const json = JSON.parse(decrypted[0]?.data.toString() ?? '') as { protected: boolean; slug: string };
    assert.equal(json.protected, false);
    assert.equal(json.slug, automaticId);
    const inner = await readTar(gunzipSync(decrypted[1]?.data ?? Buffer.alloc(0)));
    assert.ok(inner.some((m) => m.name === 'data/configuration.yaml'));
    // A password on an unprotected copy changes nothing.
    assert.equal((await download(plainId, '?agent_id=backup.local&password=x')).status, 200);
  });

  void it('ends the stream early for a wrong password', async () => {
    const res = await download(automaticId, '?agent_id=cloud.cloud&password=wrong');
    assert.equal(res.status, 200);
    await assert.rejects(res.arrayBuffer());
  });

  void it('answers 401, 400 and 404 as Core does', async () => {
    assert.equal((await download(plainId, '?agent_id=backup.local', null)).status, 401);
    assert.equal((await download(plainId, '?agent_id=backup.local', USER)).status, 401);
    assert.equal((await download(plainId, '')).status, 400);
    assert.equal((await download(plainId, '?agent_id=nope.nope')).status, 400);
    assert.equal((await download('deadbeef', '?agent_id=backup.local')).status, 404);
    await emu.control('POST', '/_emulator/core/backup/agents/cloud.cloud', { unreachable: true });
    assert.equal((await download(automaticId, '?agent_id=cloud.cloud')).status, 500);
    await emu.control('POST', '/_emulator/core/backup/agents/cloud.cloud', { unreachable: false });
  });

  const upload = (archive: Buffer, query: string, token = ADMIN) => {
    const form = new FormData();
    form.append('file', new Blob([archive]), 'backup.tar');
    return fetch(`${emu.url}/api/backup/upload${query}`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
  };

  void it('takes an upload back: 201 with the backup id, receive_backup events, the copy on the agents asked for', async () => {
    const archive = Buffer.from(await (await download(plainId, '?agent_id=backup.local')).arrayBuffer());
    const client = await login(emu.url);
    assert.deepEqual((await client.command({ type: 'backup/delete', backup_id: plainId })).result, { agent_errors: {} });
    const gone = (await client.command({ type: 'backup/details', backup_id: plainId })).result as { backup: unknown };
    assert.equal(gone.backup, null);

    const sub = await Subscriber.open(emu.url);
    const res = await upload(archive, `?agent_id=backup.local&agent_id=${WEBDAV}`);
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), { backup_id: plainId });
    const events = await sub.untilIdle();
    assert.equal(events.filter((e) => 'agent_id' in e).length, 4);
    assert.deepEqual(
      events.filter((e) => !('agent_id' in e)),
      [
        { manager_state: 'receive_backup', reason: null, stage: null, state: 'in_progress' },
        { manager_state: 'receive_backup', reason: null, stage: 'receive_file', state: 'in_progress' },
        { manager_state: 'receive_backup', reason: null, stage: 'upload_to_agents', state: 'in_progress' },
        { manager_state: 'receive_backup', reason: null, stage: null, state: 'completed' },
        { manager_state: 'idle' },
      ],
    );
    const back = (await client.command({ type: 'backup/details', backup_id: plainId })).result as { backup: { agents: Record<string, unknown> } };
    assert.deepEqual(Object.keys(back.backup.agents), ['backup.local', WEBDAV]);
    sub.close();
    client.ws.close();
  });

  void it('refuses an upload without agent_id (400), from a non-admin (401), and while busy (500)', async () => {
    const archive = Buffer.from(await (await download(plainId, '?agent_id=backup.local')).arrayBuffer());
    assert.equal((await upload(archive, '')).status, 400);
    assert.equal((await upload(archive, '?agent_id=backup.local', USER)).status, 401);
    await emu.control('POST', '/_emulator/core/settings', { stepDelayMs: 500 });
    const client = await login(emu.url);
    assert.equal((await client.command({ type: 'backup/generate', agent_ids: ['backup.local'] })).success, true);
    const busy = await upload(archive, '?agent_id=backup.local');
    assert.equal(busy.status, 500);
    assert.equal(await busy.text(), "Can't upload backup file: Backup manager busy: create_backup");
    await emu.control('POST', '/_emulator/core/settings', { stepDelayMs: 20 });
    client.ws.close();
  });
});
