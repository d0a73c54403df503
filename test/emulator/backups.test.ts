import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { decryptSecureTarV2, innerNames, readTar, startTestEmulator, TEST_SCENARIO } from './helpers';
import type { TestEmulator } from './helpers';

interface JobDict {
  name: string;
  reference: string | null;
  uuid: string;
  progress: number;
  stage: string | null;
  done: boolean | null;
  errors: Record<string, unknown>[];
  created: string;
  extra: unknown;
  child_jobs: JobDict[];
}

void describe('scenarios/test.json', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator(TEST_SCENARIO)));
  after(() => emu.close());

  void it('seeds exactly 5 backups with distinct dates and names', async () => {
    const res = await emu.call('GET', '/backups');
    const backups = (res.json.data?.backups ?? []) as Record<string, unknown>[];
    assert.equal(backups.length, 5);
    assert.equal(new Set(backups.map((b) => b.date)).size, 5);
    assert.equal(new Set(backups.map((b) => b.name)).size, 5);
    assert.deepEqual(new Set(backups.map((b) => b.type)), new Set(['full', 'partial']));
    assert.equal(backups.filter((b) => b.protected).length, 1);
    const onMount = backups.filter((b) => (b.locations as unknown[]).includes('nas_backups'));
    assert.equal(onMount.length, 1);
    assert.deepEqual(onMount[0]?.locations, [null, 'nas_backups']);
    assert.deepEqual(Object.keys(onMount[0]?.location_attributes as object), ['.local', 'nas_backups']);
    const info = await emu.call('GET', '/backups/info');
    assert.equal(info.json.data?.days_until_stale, 30);
    const sys = await emu.call('GET', '/info');
    assert.equal(sys.json.data?.timezone, 'Europe/Amsterdam');
  });

  void it('keeps the slug rule sha1("<date> - <name>".lower())[:8]', async () => {
    const res = await emu.call('GET', '/backups');
    const { createHash } = await import('node:crypto');
    for (const b of (res.json.data?.backups ?? []) as { slug: string; date: string; name: string }[]) {
      assert.equal(b.slug, createHash('sha1').update(`${b.date} - ${b.name}`.toLowerCase()).digest('hex').slice(0, 8));
    }
  });
});

void describe('creating backups', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.close());

  void it('runs a full backup in the background through all stages', async () => {
    const res = await emu.call('POST', '/backups/new/full', { body: { name: 'My full', background: true } });
    assert.equal(res.status, 200, res.text);
    const jobId = (res.json.data as { job_id: string }).job_id;
    assert.match(jobId, /^[0-9a-f]{32}$/);
    assert.deepEqual(Object.keys(res.json.data ?? {}), ['job_id']);

    const running = (await emu.call('GET', `/jobs/${jobId}`)).json.data as unknown as JobDict;
    assert.equal(running.name, 'backup_manager_full_backup');
    assert.equal(running.done, false);
    assert.equal(running.progress, 0);
    assert.match(running.reference ?? '', /^[0-9a-f]{8}$/);
    assert.equal((await emu.call('GET', '/info')).json.data?.state, 'freeze');

    const job = (await emu.waitForJob(jobId)) as unknown as JobDict;
    assert.equal(job.progress, 100);
    assert.deepEqual(job.errors, []);
    assert.equal(job.extra, null);
    assert.match(job.created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
    const names = job.child_jobs.map((c) => c.name);
    assert.deepEqual(names, ['backup_store_homeassistant', 'backup_store_apps', 'backup_store_folders', 'backup_store_supervisor_config']);
    // Jobs of the Backup job group carry the backup slug as reference.
    assert.ok(job.child_jobs.every((c) => c.reference === job.reference));
    const apps = job.child_jobs[1];
    assert.deepEqual(
      apps?.child_jobs.map((c) => [c.name, c.reference]),
      [
        ['backup_app_save', 'core_mosquitto'],
        ['backup_app_save', 'core_configurator'],
        ['backup_app_save', 'a0d7b954_vscode'],
      ],
    );
    assert.deepEqual(
      job.child_jobs[2]?.child_jobs.map((c) => c.reference),
      ['share', 'addons/local', 'ssl', 'media'],
    );
    assert.equal((await emu.call('GET', '/info')).json.data?.state, 'running');

    const info = await emu.call('GET', `/backups/${job.reference ?? ''}/info`);
    assert.equal(info.status, 200);
    const data = info.json.data ?? {};
    assert.equal(data.name, 'My full');
    assert.equal(data.type, 'full');
    assert.equal(data.homeassistant, '2026.11.2');
    assert.equal(data.homeassistant_exclude_database, false);
    assert.deepEqual(data.folders, ['share', 'addons/local', 'ssl', 'media']);
    assert.equal(data.location, null);
    assert.match(String(data.date), /\+00:00$/);

    // The jobs tree lists it too (root jobs newest first).
    const tree = (await emu.call('GET', '/jobs/info')).json.data as { jobs: JobDict[] };
    assert.equal(tree.jobs[0]?.uuid, jobId);
  });

  void it('writes the archive in the Supervisor layout', async () => {
    const res = await emu.call('POST', '/backups/new/partial', {
      body: { name: 'Layout', addons: ['core_mosquitto', 'not_installed'], folders: ['ssl', 'homeassistant'], background: false },
    });
    assert.equal(res.status, 200, res.text);
    const { slug, job_id: jobId } = res.json.data as { slug: string; job_id: string };
    assert.match(jobId, /^[0-9a-f]{32}$/);
    const file = path.join(emu.dataDir, 'backup', `${slug}.tar`);
    const raw = await readFile(file);
    assert.equal(raw.length % 10240, 0, 'outer tar padded to 10240-byte records');
    const items = await readTar(raw);
    assert.deepEqual(
      items.map((i) => i.name),
      ['homeassistant.tar.gz', 'core_mosquitto.tar.gz', 'ssl.tar.gz', 'supervisor.tar.gz', './backup.json'],
    );
    const json = JSON.parse(items.at(-1)?.data.toString() ?? '{}') as Record<string, unknown>;
    assert.equal(json.slug, slug);
    assert.equal(json.version, 2);
    assert.equal(json.type, 'partial');
    assert.equal(json.protected, false);
    assert.equal(json.compressed, true);
    assert.deepEqual(json.folders, ['ssl']);
    assert.deepEqual(json.addons, [{ slug: 'core_mosquitto', name: 'Mosquitto broker', version: '6.5.1', size: 0 }]);
    assert.deepEqual(json.homeassistant, { version: '2026.11.2', exclude_database: false, size: 0 });
    for (const key of ['name', 'date', 'supervisor_version', 'repositories', 'extra']) assert.ok(key in json, key);
    assert.match(items.at(-1)?.data.toString() ?? '', /"size":0\.0/, 'sizes are Python floats');

    const ha = items[0]?.data ?? Buffer.alloc(0);
    assert.deepEqual([...ha.subarray(0, 3)], [0x1f, 0x8b, 0x08], 'gzip');
    const haNames = await innerNames(ha);
    assert.deepEqual(haNames.slice(0, 3), ['./', './homeassistant.json', 'data/']);
    assert.ok(haNames.includes('data/configuration.yaml'));
    assert.ok(haNames.includes('data/home-assistant_v2.db'));
    assert.deepEqual(await innerNames(items[1]?.data ?? Buffer.alloc(0)), ['./', './addon.json', 'data/', 'data/options.json']);
    assert.deepEqual(await innerNames(items[2]?.data ?? Buffer.alloc(0)), ['./', './fullchain.pem', './privkey.pem']);
  });

  void it('encrypts every inner archive with SecureTar v2 when a password is given', async () => {
    const res = await emu.call('POST', '/backups/new/partial', {
      body: { name: 'Secret', password: 'hunter2', homeassistant: true, folders: ['share'], addons: 'ALL', compressed: null },
    });
    assert.equal(res.status, 200, res.text);
    const { slug } = res.json.data as { slug: string };
    const items = await readTar(await readFile(path.join(emu.dataDir, 'backup', `${slug}.tar`)));
    assert.deepEqual(
      items.map((i) => i.name),
      ['homeassistant.tar', 'core_mosquitto.tar', 'core_configurator.tar', 'a0d7b954_vscode.tar', 'share.tar', 'supervisor.tar', './backup.json'],
      'compressed:null → uncompressed .tar members',
    );
    for (const item of items.slice(0, -1)) {
      assert.equal(item.data.subarray(0, 9).toString(), 'SecureTar');
      const plain = decryptSecureTarV2(item.data, 'hunter2');
      assert.equal(plain.subarray(257, 262).toString(), 'ustar', `${item.name} decrypts to a tar`);
      assert.throws(() => decryptSecureTarV2(item.data, 'wrong'));
    }
    const ha = decryptSecureTarV2(items[0]?.data ?? Buffer.alloc(0), 'hunter2');
    assert.ok((await innerNames(ha, false)).includes('./homeassistant.json'));
    const json = JSON.parse(items.at(-1)?.data.toString() ?? '{}') as Record<string, unknown>;
    assert.equal(json.protected, true);
    assert.equal(json.compressed, false);

    const list = await emu.call('GET', '/backups');
    const entry = ((list.json.data?.backups ?? []) as Record<string, unknown>[]).find((b) => b.slug === slug);
    assert.equal(entry?.protected, true);
    assert.equal(entry?.compressed, false);
    assert.deepEqual((entry?.location_attributes as Record<string, { protected: boolean }>)['.local']?.protected, true);
  });

  void it('rejects a second backup while frozen, without creating a job', async () => {
    const first = await emu.call('POST', '/backups/new/full', { body: { background: true } });
    const jobsBefore = ((await emu.call('GET', '/jobs/info')).json.data as { jobs: unknown[] }).jobs.length;
    const second = await emu.call('POST', '/backups/new/partial', { body: { folders: ['ssl'], background: true } });
    assert.equal(second.status, 400);
    assert.deepEqual(second.json, { result: 'error', message: "'BackupManager.do_backup_partial' blocked from execution, system is not running - freeze" });
    const third = await emu.call('POST', '/backups/new/full', { body: {} });
    assert.equal(third.json.message, "'BackupManager.do_backup_full' blocked from execution, system is not running - freeze");
    const jobsAfter = ((await emu.call('GET', '/jobs/info')).json.data as { jobs: unknown[] }).jobs.length;
    assert.equal(jobsAfter, jobsBefore);
    // Listing and deleting still work while frozen.
    assert.equal((await emu.call('GET', '/backups')).status, 200);
    const job = await emu.waitForJob((first.json.data as { job_id: string }).job_id);
    assert.equal(job.name, 'backup_manager_full_backup');
    // Default name is "".
    const info = await emu.call('GET', `/backups/${String(job.reference)}/info`);
    assert.equal(info.json.data?.name, '');
  });

  void it('copies to additional locations as child jobs', async () => {
    const res = await emu.call('POST', '/backups/new/partial', { body: { name: 'Two places', folders: ['ssl'], location: ['.local', 'nas_backups'] } });
    assert.equal(res.status, 200, res.text);
    const { slug, job_id: jobId } = res.json.data as { slug: string; job_id: string };
    const job = (await emu.call('GET', `/jobs/${jobId}`)).json.data as unknown as JobDict;
    const copy = job.child_jobs.find((c) => c.name === 'backup_copy_to_additional_locations');
    assert.deepEqual(
      copy?.child_jobs.map((c) => [c.name, c.reference]),
      [['backup_copy_to_location', 'nas_backups']],
    );
    const info = await emu.call('GET', `/backups/${slug}/info`);
    assert.deepEqual(info.json.data?.locations, [null, 'nas_backups']);
    assert.ok(existsSync(path.join(emu.dataDir, 'mounts', 'nas_backups', `${slug}.tar`)));
  });

  void it('uses filename for the file on disk', async () => {
    const res = await emu.call('POST', '/backups/new/partial', { body: { name: 'Named', folders: ['media'], filename: 'my backup.tar' } });
    assert.equal(res.status, 200, res.text);
    assert.ok(existsSync(path.join(emu.dataDir, 'backup', 'my backup.tar')));
  });
});

void describe('deleting and restoring', () => {
  let emu: TestEmulator;
  const slugOf = async (name: string): Promise<string> => {
    const list = await emu.call('GET', '/backups');
    const found = ((list.json.data?.backups ?? []) as { slug: string; name: string }[]).find((b) => b.name === name);
    assert.ok(found, name);
    return found.slug;
  };
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.close());

  void it('deletes one location, then all, and 404s for a vanished file', async () => {
    const slug = await slugOf('Seeded partial');
    const one = await emu.call('DELETE', `/backups/${slug}`, { body: { location: 'nas_backups' } });
    assert.deepEqual(one.json, { result: 'ok', data: {} });
    assert.deepEqual((await emu.call('GET', `/backups/${slug}/info`)).json.data?.locations, [null]);
    assert.equal((await emu.call('DELETE', `/backups/${slug}`)).status, 200);
    assert.equal((await emu.call('GET', `/backups/${slug}/info`)).status, 404);
    assert.equal((await emu.call('DELETE', `/backups/${slug}`)).json.message, 'Backup does not exist');

    const full = await slugOf('Seeded full');
    const { rm } = await import('node:fs/promises');
    const file = path.join(emu.dataDir, 'backup', `${full}.tar`);
    await rm(file);
    const gone = await emu.call('DELETE', `/backups/${full}`);
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.json, { result: 'error', message: `Cannot delete backup at ${file}, file does not exist!` });
  });

  void it('checks the password of a protected backup before restoring', async () => {
    const slug = await slugOf('Seeded protected');
    const wrong = await emu.call('POST', `/backups/${slug}/restore/full`, { body: { password: 'nope', background: true } });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.json, { result: 'error', message: `Invalid password for backup ${slug}` });
    const missing = await emu.call('POST', `/backups/${slug}/restore/full`, { body: {} });
    assert.equal(missing.json.message, `Invalid password for backup ${slug}`);
    assert.equal((await emu.call('GET', '/info')).json.data?.state, 'running');

    const ok = await emu.call('POST', `/backups/${slug}/restore/full`, { body: { password: 'secret', background: true } });
    assert.equal(ok.status, 200, ok.text);
    const job = (await emu.waitForJob((ok.json.data as { job_id: string }).job_id)) as unknown as JobDict;
    assert.equal(job.name, 'backup_manager_full_restore');
    assert.equal(job.reference, slug);
    assert.deepEqual(job.errors, []);
    assert.equal(job.stage, 'await_home_assistant_restart');
    assert.deepEqual(
      job.child_jobs.map((c) => c.name),
      ['backup_restore_folders', 'backup_restore_homeassistant', 'backup_remove_delta_apps', 'backup_restore_apps', 'backup_restore_supervisor_config'],
    );
  });

  void it('refuses a full restore of a partial backup and restores it partially', async () => {
    const res = await emu.call('POST', '/backups/new/partial', { body: { name: 'Only ssl', folders: ['ssl'] } });
    const { slug } = res.json.data as { slug: string };
    const full = await emu.call('POST', `/backups/${slug}/restore/full`, { body: {} });
    assert.equal(full.status, 400);
    assert.equal(full.json.message, `${slug} is only a partial backup!`);
    const noHomeAssistant = await emu.call('POST', `/backups/${slug}/restore/partial`, { body: { homeassistant: true } });
    assert.equal(noHomeAssistant.json.message, 'No Home Assistant Core data inside the backup');
    const partial = await emu.call('POST', `/backups/${slug}/restore/partial`, { body: { folders: ['ssl'] } });
    assert.equal(partial.status, 200, partial.text);
    const job = (await emu.call('GET', `/jobs/${(partial.json.data as { job_id: string }).job_id}`)).json.data as unknown as JobDict;
    assert.equal(job.done, true);
    assert.equal(job.name, 'backup_manager_partial_restore');
    assert.deepEqual(
      job.child_jobs[0]?.child_jobs.map((c) => c.reference),
      ['ssl'],
    );
  });

  void it('deletes finished jobs only', async () => {
    const res = await emu.call('POST', '/backups/new/partial', { body: { folders: ['ssl'], background: true } });
    const jobId = (res.json.data as { job_id: string }).job_id;
    const early = await emu.call('DELETE', `/jobs/${jobId}`);
    assert.equal(early.status, 400);
    assert.equal(early.json.message, `Job ${jobId} is not done!`);
    await emu.waitForJob(jobId);
    assert.equal((await emu.call('DELETE', `/jobs/${jobId}`)).status, 200);
    assert.equal((await emu.call('GET', `/jobs/${jobId}`)).status, 404);
  });

  void it('decompresses seeded parts of the right size', async () => {
    const slug = await slugOf('Seeded protected');
    const items = await readTar(await readFile(path.join(emu.dataDir, 'backup', `${slug}.tar`)));
    const tar = gunzipSync(decryptSecureTarV2(items[0]?.data ?? Buffer.alloc(0), 'secret'));
    const db = (await readTar(tar)).find((i) => i.name === 'data/home-assistant_v2.db');
    assert.equal(db?.data.length, 2000, 'payloadBytes inside the homeassistant part');
  });
});

void describe('freeze and thaw', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.close());

  void it('freezes until thawed, blocking backups meanwhile', async () => {
    const notFrozen = await emu.call('POST', '/backups/thaw');
    assert.equal(notFrozen.json.message, "'BackupManager.thaw_all' blocked from execution, system is not frozen - running");
    assert.equal((await emu.call('POST', '/backups/freeze', { body: { timeout: 0 } })).json.message, "value must be at least 1 for dictionary value @ data['timeout']. Got 0");
    assert.deepEqual((await emu.call('POST', '/backups/freeze', { body: { timeout: 60 } })).json, { result: 'ok', data: {} });
    assert.equal((await emu.call('GET', '/info')).json.data?.state, 'freeze');
    const jobs = (await emu.call('GET', '/jobs/info')).json.data as { jobs: JobDict[] };
    assert.deepEqual(
      jobs.jobs.map((j) => j.name),
      ['backup_manager_thaw_all'],
    );
    const blocked = await emu.call('POST', '/backups/new/full', { body: {} });
    assert.equal(blocked.json.message, "'BackupManager.do_backup_full' blocked from execution, system is not running - freeze");
    assert.deepEqual((await emu.call('POST', '/backups/thaw')).json, { result: 'ok', data: {} });
    assert.equal((await emu.call('GET', '/info')).json.data?.state, 'running');
  });

  void it('refuses to thaw a freeze made by a backup', async () => {
    const res = await emu.call('POST', '/backups/new/partial', { body: { folders: ['ssl'], background: true } });
    const thaw = await emu.call('POST', '/backups/thaw');
    assert.equal(thaw.json.message, 'Freeze was not initiated by freeze API, cannot thaw this way');
    await emu.waitForJob((res.json.data as { job_id: string }).job_id);
  });
});

void describe('default backup mount', () => {
  let emu: TestEmulator;
  before(
    async () =>
      (emu = await startTestEmulator({
        jobStepDelayMs: 5,
        mounts: [{ name: 'nas', type: 'nfs', usage: 'backup', server: 'nas.local', path: '/b' }],
        defaultBackupMount: 'nas',
      })),
  );
  after(() => emu.close());

  void it('writes to the default backup mount when no location is given, and locally for null', async () => {
    const onMount = await emu.call('POST', '/backups/new/partial', { body: { folders: ['ssl'] } });
    const { slug } = onMount.json.data as { slug: string };
    assert.deepEqual((await emu.call('GET', `/backups/${slug}/info`)).json.data?.locations, ['nas']);
    const local = await emu.call('POST', '/backups/new/partial', { body: { folders: ['ssl'], location: null } });
    const info = await emu.call('GET', `/backups/${(local.json.data as { slug: string }).slug}/info`);
    assert.deepEqual(info.json.data?.locations, [null]);
    assert.equal(((await emu.call('GET', '/mounts')).json.data as { default_backup_mount: string }).default_backup_mount, 'nas');
  });
});
