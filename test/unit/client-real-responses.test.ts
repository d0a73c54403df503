// SupervisorClient against real Supervisor response bodies (test/fixtures/supervisor-responses, from
// python-supervisor-client's test fixtures): each body is served at its route by a fake transport, and
// the test asserts on values the client read from it, for every version of every fixture.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SupervisorClient } from '../../src/core/supervisor/client';
import type { RawResponse, RequestOptions, StreamResponse, SupervisorTransport, UploadSource } from '../../src/core/supervisor/transport';

const FIXTURES = path.join(__dirname, '../fixtures/supervisor-responses');

/** The text of `<name>@<commit>.json`. */
function fixture(file: string): string {
  return readFileSync(path.join(FIXTURES, file), 'utf8');
}

/** The files of every version of a fixture (`<name>@<commit>.json`), in name order. */
function versions(name: string): string[] {
  const found = readdirSync(FIXTURES).filter((f) => f.startsWith(`${name}@`) && f.endsWith('.json'));
  assert.ok(found.length > 0, `no fixture ${name}`);
  return found.sort();
}

interface Sent {
  method: string;
  path: string;
  body: unknown;
}

/** Answers exactly one route with one body (200, JSON), and records what the client sent. */
class FixtureTransport implements SupervisorTransport {
  readonly target = 'http://supervisor';
  readonly sent: Sent[] = [];
  constructor(
    private readonly route: string,
    private readonly text: string,
  ) {}

  private answer(method: string, p: string, body: unknown): RawResponse {
    this.sent.push({ method, path: p, body });
    const route = `${method} ${p.split('?')[0] ?? ''}`;
    if (route !== this.route) return { status: 404, contentType: 'text/plain', text: '404: Not Found' };
    return { status: 200, contentType: 'application/json', text: this.text };
  }

  send(method: string, p: string, options: RequestOptions = {}): Promise<RawResponse> {
    return Promise.resolve(this.answer(method, p, options.body));
  }

  openStream(): Promise<StreamResponse> {
    return Promise.reject(new Error('not used'));
  }

  upload(p: string, source: UploadSource): Promise<RawResponse> {
    return Promise.resolve(this.answer('POST', p, source.fileName));
  }

  serverDate(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function clientFor(route: string, file: string): { client: SupervisorClient; transport: FixtureTransport } {
  const transport = new FixtureTransport(route, fixture(file));
  return { client: new SupervisorClient(transport), transport };
}

/** The fixtures this test reads, so that a new fixture cannot be added without a test. */
const COVERED = new Set<string>();
const use = (name: string): string[] => {
  COVERED.add(name);
  return versions(name);
};

describe('SupervisorClient reads real Supervisor answers', () => {
  for (const file of use('root_info')) {
    it(`GET /info: ${file}`, async () => {
      const info = await clientFor('GET /info', file).client.info();
      assert.equal(info.supervisor, '2024.07.1.dev3001');
      assert.equal(info.homeassistant, '2024.6.0.dev202405280218');
      assert.equal(info.hostname, 'homeassistant');
      assert.equal(info.state, 'running');
      assert.equal(info.timezone, 'America/New_York');
    });
  }

  for (const file of use('addons_list')) {
    it(`GET /addons: ${file}`, async () => {
      const addons = await clientFor('GET /addons', file).client.addons();
      assert.deepEqual(
        addons.map((a) => [a.slug, a.name, a.version, a.state]),
        [
          ['core_ssh', 'Terminal & SSH', '9.14.0', 'started'],
          ['a0d7b954_vscode', 'Studio Code Server', '5.15.0', 'started'],
        ],
      );
    });
  }

  for (const file of use('backups_info')) {
    it(`GET /backups/info: ${file}`, async () => {
      const list = await clientFor('GET /backups/info', file).client.listBackups();
      assert.equal(list.daysUntilStale, 30);
      // Newest first, whatever order the Supervisor sent.
      assert.deepEqual(
        list.backups.map((b) => b.slug),
        ['69558789', '58bc7491'],
      );
      const [partial, full] = list.backups;
      assert.equal(full?.type, 'full');
      assert.equal(full?.name, 'Full Backup 2024-04-06 00:05:39');
      assert.equal(full?.date, '2024-04-06T07:05:40.000000+00:00');
      assert.equal(full?.protected, false);
      assert.equal(full?.compressed, true);
      assert.deepEqual(full?.locations, [null]);
      assert.equal(full?.content.homeassistant, true);
      assert.equal(full?.content.addons.length, 8);
      assert.deepEqual(full?.content.folders, ['share', 'addons/local', 'ssl', 'media']);
      assert.equal(partial?.type, 'partial');
      assert.deepEqual(partial?.content, { homeassistant: false, addons: ['core_mosquitto'], folders: [] });
      if (file.includes('@4f8de4d')) {
        // Before size_bytes: the size is rounded MiB, so only an estimate.
        assert.equal(full?.size_exact, false);
        assert.equal(full?.size_bytes, Math.round(828.81 * 1048576));
        assert.equal(partial?.size_bytes, Math.round(0.01 * 1048576));
      } else {
        assert.equal(full?.size_exact, true);
        assert.equal(full?.size_bytes, 828810000);
        assert.equal(partial?.size_bytes, 10123);
      }
      if (file.includes('@69ed57e')) assert.deepEqual(partial?.location_attributes, { '.local': { protected: false, size_bytes: 120123 } });
      else assert.equal(partial?.location_attributes, undefined);
    });
  }

  for (const name of ['backups_list', 'backups_list_location_attributes']) {
    for (const file of use(name)) {
      // GET /backups has the same entries as /backups/info without days_until_stale; the client reads
      // them with the same schema, so it must accept every version of this list too.
      it(`GET /backups entries: ${file}`, async () => {
        const list = await clientFor('GET /backups/info', file).client.listBackups();
        assert.equal(list.daysUntilStale, 30, 'the default when the answer has no days_until_stale');
        for (const b of list.backups) {
          assert.match(b.slug, /^[0-9a-f]{8}$/);
          assert.ok(b.locations.length >= 1);
          assert.ok(b.size_bytes > 0);
        }
        if (name === 'backups_list_location_attributes') {
          const [only] = list.backups;
          assert.equal(only?.slug, 'd9c48f8b');
          assert.deepEqual(only?.locations, [null, 'test']);
          assert.equal(only?.protected, true);
          assert.deepEqual(only?.location_attributes, { '.local': { protected: true, size_bytes: 10240 }, test: { protected: true, size_bytes: 10240 } });
          assert.deepEqual(only?.content, { homeassistant: false, addons: [], folders: ['ssl'] });
        } else {
          assert.deepEqual(
            list.backups.map((b) => b.slug),
            ['69558789', '58bc7491'],
          );
        }
      });
    }
  }

  for (const name of ['backup_info', 'backup_info_location_attributes', 'backup_info_no_homeassistant', 'backup_info_with_extra', 'backup_info_with_locations']) {
    for (const file of use(name)) {
      it(`GET /backups/{slug}/info: ${file}`, async () => {
        const raw = (JSON.parse(fixture(file)) as { data: { slug: string } }).data;
        const { client, transport } = clientFor(`GET /backups/${raw.slug}/info`, file);
        const d = await client.backupInfo(raw.slug);
        assert.equal(d.slug, raw.slug);
        assert.equal(transport.sent[0]?.path, `/backups/${raw.slug}/info`);
        assert.equal(d.type, 'partial');
        assert.equal(d.homeassistant, null);
        assert.ok(d.repositories.includes('core'));
        switch (name) {
          case 'backup_info':
            assert.equal(d.name, 'addon_core_mosquitto_6.4.0');
            assert.equal(d.supervisor_version, '2024.05.0');
            assert.deepEqual(d.addons, [{ slug: 'core_mosquitto', name: 'Mosquitto broker', version: '6.4.0', size: 0 }]);
            assert.deepEqual(d.folders, []);
            assert.deepEqual(d.locations, [null]);
            assert.equal(d.homeassistant_exclude_database, null);
            break;
          case 'backup_info_location_attributes':
            assert.equal(d.protected, true);
            assert.deepEqual(d.locations, [null, 'test']);
            assert.equal(d.size_bytes, 10240);
            assert.deepEqual(d.location_attributes?.test, { protected: true, size_bytes: 10240 });
            assert.deepEqual(d.folders, ['ssl']);
            assert.deepEqual(d.addons, []);
            assert.deepEqual(d.extra, {});
            break;
          case 'backup_info_no_homeassistant':
            if (file.includes('@622970c')) {
              // The old single `location` (a mount name) becomes the only entry of `locations`.
              assert.equal(d.name, 'Studio Code Server');
              assert.deepEqual(d.locations, ['Test']);
              assert.deepEqual(d.addons, [{ slug: 'a0d7b954_vscode', name: 'Studio Code Server', version: '5.6.1', size: 0.1 }]);
              assert.equal(d.supervisor_version, '2023.08.2.dev1002');
            } else {
              assert.equal(d.homeassistant_exclude_database, null);
              assert.ok(d.addons.length > 0);
            }
            break;
          case 'backup_info_with_extra':
            if (file.includes('@69ed57e') || file.includes('@202f070')) assert.deepEqual(d.extra, { user: 'test', scheduled: true });
            break;
          case 'backup_info_with_locations':
            assert.deepEqual(d.locations, [null, 'Test']);
            if (file.includes('@69ed57e')) assert.deepEqual(Object.keys(d.location_attributes ?? {}), ['.local', 'Test']);
            break;
        }
      });
    }
  }

  for (const file of use('backup_background')) {
    it(`POST /backups/new/full and /partial (background): ${file}`, async () => {
      const full = clientFor('POST /backups/new/full', file);
      assert.equal(await full.client.startFullBackup({ name: 'x' }), 'dc9dbc16f6ad4de592ffa72c807ca2bf');
      assert.deepEqual(full.transport.sent[0]?.body, { name: 'x', background: true });
      const partial = clientFor('POST /backups/new/partial', file);
      assert.equal(await partial.client.startPartialBackup({ folders: ['ssl'] }), 'dc9dbc16f6ad4de592ffa72c807ca2bf');
    });
  }

  for (const file of use('backup_foreground')) {
    // A Supervisor that finished before answering sends the slug as well; the job id is still what counts.
    it(`POST /backups/new/full answered with the slug: ${file}`, async () => {
      assert.equal(await clientFor('POST /backups/new/full', file).client.startFullBackup({}), 'dc9dbc16f6ad4de592ffa72c807ca2bf');
      assert.equal(await clientFor('POST /backups/new/partial', file).client.startPartialBackup({}), 'dc9dbc16f6ad4de592ffa72c807ca2bf');
    });
  }

  for (const file of use('backup_restore')) {
    it(`POST /backups/{slug}/restore/full and /partial: ${file}`, async () => {
      const full = clientFor('POST /backups/abcd1234/restore/full', file);
      assert.equal(await full.client.startFullRestore('abcd1234', { password: 'pw' }), 'dc9dbc16f6ad4de592ffa72c807ca2bf');
      assert.deepEqual(full.transport.sent[0]?.body, { password: 'pw', background: true });
      const partial = clientFor('POST /backups/abcd1234/restore/partial', file);
      assert.equal(await partial.client.startPartialRestore('abcd1234', { folders: ['ssl'] }), 'dc9dbc16f6ad4de592ffa72c807ca2bf');
    });
  }

  for (const file of use('backup_uploaded')) {
    it(`POST /backups/new/upload: ${file}`, async () => {
      const { client, transport } = clientFor('POST /backups/new/upload', file);
      const slug = await client.uploadBackup({ fileName: 'b.tar', blob: new Blob(['x']) }, { locations: [null, 'nas'] });
      assert.equal(slug, '7fed74c8');
      assert.equal(transport.sent[0]?.path, '/backups/new/upload?location=.local&location=nas');
    });
  }

  for (const name of ['jobs_info', 'jobs_info_no_stage']) {
    for (const file of use(name)) {
      it(`GET /jobs/info: ${file}`, async () => {
        const jobs = await clientFor('GET /jobs/info', file).client.jobs();
        if (name === 'jobs_info_no_stage') {
          assert.equal(jobs.length, 1);
          assert.deepEqual(
            jobs[0]?.errors.map((e) => [e.type, e.message, e.stage]),
            [['TestError', 'Test error without stage field', null]],
          );
          return;
        }
        assert.deepEqual(
          jobs.map((j) => j.name),
          ['backup_manager_partial_backup', 'backup_manager_partial_restore'],
        );
        const [backup, restore] = jobs;
        assert.equal(backup?.uuid, '2febe59311f94d6ba36f6f9f73357ca8');
        assert.equal(backup?.reference, '89cafa67');
        assert.equal(backup?.stage, 'finishing_file');
        assert.equal(backup?.done, true);
        assert.equal(backup?.progress, 0);
        assert.equal(backup?.child_jobs[0]?.name, 'backup_store_folders');
        assert.equal(backup?.child_jobs[0]?.child_jobs[0]?.reference, 'ssl');
        assert.equal(restore?.errors[0]?.type, 'BackupInvalidError');
        assert.equal(restore?.errors[0]?.message, 'Invalid password for backup cfddca18');
        // Job errors got a stage in Supervisor 2025.x; older answers have none.
        assert.equal(restore?.errors[0]?.stage ?? null, file.includes('@c61384b') || file.includes('@8969cbf') ? null : 'restore_backup');
        // `created` exists since python-supervisor-client 8969cbf (Supervisor 2025.02).
        assert.equal(backup?.created ?? null, file.includes('@c61384b') ? null : '2025-01-30T20:55:12.859349+00:00');
      });
    }
  }

  for (const name of ['jobs_get_job', 'jobs_get_job_extra']) {
    for (const file of use(name)) {
      it(`GET /jobs/{uuid}: ${file}`, async () => {
        const job = await clientFor('GET /jobs/2febe59311f94d6ba36f6f9f73357ca8', file).client.job('2febe59311f94d6ba36f6f9f73357ca8');
        assert.equal(job.uuid, '2febe59311f94d6ba36f6f9f73357ca8');
        if (name === 'jobs_get_job_extra') {
          assert.equal(job.name, 'docker_interface_install');
          assert.equal(job.done, false);
          assert.equal(job.child_jobs[0]?.progress, 26.1);
          assert.equal(job.child_jobs[0]?.stage, 'Downloading');
        } else {
          assert.equal(job.name, 'backup_manager_partial_backup');
          assert.equal(job.child_jobs[0]?.child_jobs[0]?.name, 'backup_folder_save');
          assert.deepEqual(job.errors, []);
        }
      });
    }
  }

  for (const file of use('mounts_info')) {
    it(`GET /mounts: ${file}`, async () => {
      const mounts = await clientFor('GET /mounts', file).client.mounts();
      assert.equal(mounts.default_backup_mount, 'Test');
      assert.deepEqual(
        mounts.mounts.map((m) => [m.name, m.type, m.usage, m.state, m.read_only, m.server]),
        [
          ['Test', 'cifs', 'backup', 'active', false, 'test.local'],
          ['Test2', 'cifs', 'share', 'active', true, 'test2.local'],
          [file.includes('@4263b5e') ? 'Test2' : 'Test3', 'nfs', 'media', 'active', false, 'test3.local'],
        ],
      );
    });
  }

  it('covers every fixture in test/fixtures/supervisor-responses', () => {
    const all = new Set(
      readdirSync(FIXTURES)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, f.indexOf('@'))),
    );
    assert.deepEqual(
      [...all].filter((n) => !COVERED.has(n)),
      [],
    );
  });
});
