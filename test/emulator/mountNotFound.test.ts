// An unknown mount name in `location` (create full, create partial, delete, upload): MountManager.get
// raises MountNotFound("No mount exists with name '<name>'") (supervisor/mounts/manager.py). How the
// API answers depends on the Supervisor release (supervisor/exceptions.py):
//   < 2026.06.2           400, no error_key (MountError was a plain HassioError)
//   2026.06.2 – 2026.07.x 404, no error_key (commit dae48c62: MountNotFound is an APINotFound)
//   ≥ 2026.08.0           404, error_key "mount_not_found_error" (commit 143da593); never extra_fields,
//                         as the manager passes a message and no name=.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FAST_SCENARIO, startTestEmulator, TOKEN } from './helpers';
import type { TestEmulator } from './helpers';

const MESSAGE = "No mount exists with name 'nowhere'";

const CASES: { version: string; status: number; body: Record<string, unknown> }[] = [
  { version: '2026.06.1', status: 400, body: { result: 'error', message: MESSAGE } },
  { version: '2026.06.2', status: 404, body: { result: 'error', message: MESSAGE } },
  { version: '2026.07.5', status: 404, body: { result: 'error', message: MESSAGE } },
  { version: '2026.08.0', status: 404, body: { result: 'error', message: MESSAGE, error_key: 'mount_not_found_error' } },
  { version: '2026.11.0', status: 404, body: { result: 'error', message: MESSAGE, error_key: 'mount_not_found_error' } },
];

for (const { version, status, body } of CASES) {
  void describe(`unknown mount name with Supervisor ${version}`, () => {
    let emu: TestEmulator;
    let slug: string;
    before(async () => {
      emu = await startTestEmulator({ ...FAST_SCENARIO, supervisorVersion: version });
      slug = ((await emu.call('GET', '/backups')).json.data?.backups as { slug: string }[])[0]!.slug;
    });
    after(() => emu.close());

    const expectAnswer = (res: { status: number; json: unknown; text: string }): void => {
      assert.equal(res.status, status, res.text);
      assert.deepEqual(res.json, body);
    };

    void it('POST /backups/new/full and /partial, first or additional location', async () => {
      expectAnswer(await emu.call('POST', '/backups/new/full', { body: { location: 'nowhere' } }));
      expectAnswer(await emu.call('POST', '/backups/new/full', { body: { location: ['.local', 'nowhere'], background: true } }));
      expectAnswer(await emu.call('POST', '/backups/new/partial', { body: { location: ['nowhere'], folders: ['ssl'] } }));
      // Nothing was started: no job, the Supervisor is still running.
      assert.deepEqual((await emu.call('GET', '/jobs/info')).json.data?.jobs, []);
      assert.equal((await emu.call('GET', '/info')).json.data?.state, 'running');
    });

    void it('DELETE /backups/{slug} with the name in location; the backup stays', async () => {
      expectAnswer(await emu.call('DELETE', `/backups/${slug}`, { body: { location: ['nowhere'] } }));
      assert.equal((await emu.call('GET', `/backups/${slug}/info`)).status, 200);
      // An unknown slug is checked first: "Backup does not exist" (404 since 2024.12.0).
      const unknown = await emu.call('DELETE', '/backups/deadbeef', { body: { location: ['nowhere'] } });
      assert.deepEqual([unknown.status, unknown.json.message], [404, 'Backup does not exist']);
    });

    void it('POST /backups/new/upload?location=…, before the body is read', async () => {
      const form = new FormData();
      form.append('file', new Blob(['not even a tar']), 'x.tar');
      for (const query of ['location=nowhere', 'location=.local&location=nowhere']) {
        const res = await fetch(`${emu.url}/backups/new/upload?${query}`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: form });
        assert.equal(res.status, status, query);
        assert.deepEqual(await res.json(), body);
      }
    });

    void it('a mount that exists but is not for backups is still 400', async () => {
      const res = await emu.call('POST', '/backups/new/full', { body: { location: 'nas_media' } });
      assert.equal(res.status, 400);
      assert.deepEqual(res.json, { result: 'error', message: 'Mount nas_media is not used for backups, cannot backup to there' });
    });
  });
}
