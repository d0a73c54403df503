import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKUP_TOKEN, startTestEmulator, TOKEN } from './helpers';
import type { TestEmulator } from './helpers';

void describe('auth and envelope', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.close());

  void it('answers a missing token with plain-text 401', async () => {
    const res = await emu.call('GET', '/backups', { token: null });
    assert.equal(res.status, 401);
    assert.equal(res.text, '401: Unauthorized');
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  });

  void it('answers an unknown token with plain-text 403', async () => {
    const res = await emu.call('GET', '/backups', { token: 'nope' });
    assert.equal(res.status, 403);
    assert.equal(res.text, '403: Forbidden');
  });

  void it('accepts X-Supervisor-Token, X-Hassio-Key and Authorization: <anything> <token>', async () => {
    const variants: Record<string, string>[] = [{ 'X-Supervisor-Token': TOKEN }, { 'X-Hassio-Key': TOKEN }, { Authorization: `Token ${TOKEN}` }];
    for (const headers of variants) {
      const res = await emu.call('GET', '/backups', { token: null, headers });
      assert.equal(res.status, 200, JSON.stringify(headers));
    }
  });

  void it('limits the backup role to /.+/info and /backups*', async () => {
    const call = (p: string): Promise<number> => emu.call('GET', p, { token: BACKUP_TOKEN }).then((r) => r.status);
    assert.equal(await call('/backups'), 200);
    assert.equal(await call('/backups/info'), 200);
    assert.equal(await call('/jobs/info'), 200);
    assert.equal(await call('/supervisor/info'), 200);
    assert.equal(await call('/info'), 200);
    assert.equal(await call('/mounts'), 403);
    assert.equal(await call('/addons'), 403);
    assert.equal(await call('/jobs/0123456789abcdef0123456789abcdef'), 403);
    const forbidden = await emu.call('GET', '/mounts', { token: BACKUP_TOKEN });
    assert.equal(forbidden.text, '403: Forbidden');
  });

  void it('gives the manager role mounts, add-ons and jobs', async () => {
    assert.equal((await emu.call('GET', '/mounts')).status, 200);
    assert.equal((await emu.call('GET', '/addons')).status, 200);
    const job = await emu.call('GET', '/jobs/0123456789abcdef0123456789abcdef');
    assert.equal(job.status, 404);
    assert.deepEqual(job.json, { result: 'error', message: 'Job does not exist' });
  });

  void it('wraps data in the {result, data} envelope', async () => {
    const res = await emu.call('GET', '/info');
    assert.equal(res.status, 200);
    assert.equal(res.json.result, 'ok');
    const data = res.json.data ?? {};
    for (const key of ['supervisor', 'homeassistant', 'hassos', 'hostname', 'machine', 'arch', 'state', 'timezone', 'channel', 'supported']) assert.ok(key in data, key);
    assert.equal(data.state, 'running');
    assert.equal(data.timezone, 'Europe/Amsterdam');
  });

  void it('lists installed add-ons in /supervisor/info and /addons', async () => {
    const sup = await emu.call('GET', '/supervisor/info', { token: BACKUP_TOKEN });
    const addons = (sup.json.data?.addons ?? []) as { slug: string }[];
    assert.deepEqual(
      addons.map((a) => a.slug),
      ['core_mosquitto', 'core_configurator', 'a0d7b954_vscode'],
    );
    const list = await emu.call('GET', '/addons');
    assert.equal(((list.json.data?.addons ?? []) as unknown[]).length, 3);
  });

  void it('describes mounts like GET /mounts does', async () => {
    const res = await emu.call('GET', '/mounts');
    const data = res.json.data as { default_backup_mount: unknown; mounts: Record<string, unknown>[] };
    assert.equal(data.default_backup_mount, null);
    const nas = data.mounts.find((m) => m.name === 'nas_backups');
    assert.deepEqual(nas, {
      share: 'backups',
      server: 'nas.local',
      name: 'nas_backups',
      type: 'cifs',
      usage: 'backup',
      read_only: false,
      version: null,
      state: 'active',
      user_path: null,
    });
    assert.equal(data.mounts.find((m) => m.name === 'nas_media')?.user_path, '/media/nas_media');
  });

  void it('answers unknown routes with plain-text 404 and wrong methods with 405', async () => {
    // The role check comes first: a path outside the role's patterns is 403 even if no route exists.
    assert.equal((await emu.call('GET', '/nothing/here')).status, 403);
    const missing = await emu.call('GET', '/backups/nothing/here');
    assert.equal(missing.status, 404);
    assert.equal(missing.text, '404: Not Found');
    const wrongMethod = await emu.call('PUT', '/backups');
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.text, '405: Method Not Allowed');
  });

  void it('returns 404 "Backup does not exist" for an unknown slug', async () => {
    const res = await emu.call('GET', '/backups/deadbeef/info');
    assert.equal(res.status, 404);
    assert.deepEqual(res.json, { result: 'error', message: 'Backup does not exist' });
  });

  void it('rejects malformed JSON with "Invalid json" and treats an empty body as {}', async () => {
    const bad = await emu.call('POST', '/backups/options', { rawBody: '{nope' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json, { result: 'error', message: 'Invalid json' });
    const empty = await emu.call('POST', '/backups/options', { rawBody: '' });
    assert.deepEqual(empty.json, { result: 'ok', data: {} });
  });
});
