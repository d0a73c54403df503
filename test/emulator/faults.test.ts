import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { verifyBackup } from '../../src/core/archive/index';
import { startTestEmulator, TOKEN } from './helpers';
import type { TestEmulator } from './helpers';

interface JobDict {
  reference: string | null;
  progress: number;
  done: boolean;
  stage: string | null;
  errors: { type: string; message: string; stage: string | null; error_key: string | null; extra_fields: unknown }[];
  child_jobs: JobDict[];
  name: string;
}

void describe('fault injection and control routes', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.close());
  beforeEach(async () => {
    await emu.control('DELETE', '/_emulator/faults');
  });

  void it('answers with a status fault (envelope or raw body), then recovers', async () => {
    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'GET /backups', kind: 'status', status: 502, body: 'Bad Gateway' }] });
    const raw = await emu.call('GET', '/backups');
    assert.equal(raw.status, 502);
    assert.equal(raw.text, 'Bad Gateway');
    assert.equal((await emu.call('GET', '/backups')).status, 200, 'times defaults to 1');

    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'GET /backups/*/info', kind: 'status', status: 500, message: 'Boom', times: 2 }] });
    const env = await emu.call('GET', '/backups/abc/info');
    assert.equal(env.status, 500);
    assert.deepEqual(env.json, { result: 'error', message: 'Boom' });
    assert.equal((await emu.call('GET', '/backups/abc/info')).status, 500);
    assert.equal((await emu.call('GET', '/backups/abc/info')).status, 404);

    await emu.control('POST', '/_emulator/faults', { faults: [{ match: '* /backups*', kind: 'status', status: 503, times: 0 }] });
    assert.equal((await emu.call('GET', '/backups')).status, 503);
    assert.equal((await emu.call('POST', '/backups/reload')).status, 503);
    const state = await emu.control('GET', '/_emulator/state');
    assert.equal((state.json.faults as { hits: number }[])[0]?.hits, 2);
    await emu.control('DELETE', '/_emulator/faults');
    assert.equal((await emu.call('GET', '/backups')).status, 200);
  });

  void it('delays a request', async () => {
    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'GET /info', kind: 'delay', delayMs: 300 }] });
    const start = Date.now();
    assert.equal((await emu.call('GET', '/info')).status, 200);
    assert.ok(Date.now() - start >= 280);
  });

  void it('resets the connection, and cuts a download in half', async () => {
    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'GET /backups', kind: 'reset' }] });
    await assert.rejects(emu.call('GET', '/backups'));

    const list = await emu.call('GET', '/backups');
    const slug = ((list.json.data?.backups ?? []) as { slug: string }[])[0]?.slug ?? '';
    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'GET /backups/*/download', kind: 'reset' }] });
    const res = await fetch(`${emu.url}/backups/${slug}/download`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    const total = Number(res.headers.get('content-length'));
    let received = 0;
    await assert.rejects(async () => {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) received += chunk.length;
    });
    assert.ok(received > 0 && received < total, `received ${received} of ${total}`);
  });

  void it('fails a backup job: errors on the job, no archive kept', async () => {
    const before = await readdir(path.join(emu.dataDir, 'backup'));
    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'POST /backups/new/*', kind: 'job_failure', message: 'Simulated failure' }] });
    const res = await emu.call('POST', '/backups/new/full', { body: { name: 'Doomed', background: true } });
    assert.equal(res.status, 200);
    const job = (await emu.waitForJob((res.json.data as { job_id: string }).job_id)) as unknown as JobDict;
    assert.equal(job.progress, 100);
    assert.deepEqual(job.errors, [{ type: 'BackupError', message: 'Simulated failure', stage: 'finishing_file', error_key: null, extra_fields: null }]);
    assert.equal((await emu.call('GET', `/backups/${job.reference ?? ''}/info`)).status, 404);
    assert.deepEqual(await readdir(path.join(emu.dataDir, 'backup')), before);
    assert.equal((await emu.call('GET', '/info')).json.data?.state, 'running');

    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'POST /backups/new/full', kind: 'job_failure' }] });
    const sync = await emu.call('POST', '/backups/new/full', { body: {} });
    assert.equal(sync.status, 400);
    const jobId = String(sync.json.job_id);
    assert.equal(sync.json.message, `An error occurred while making backup, check job '${jobId}' or supervisor logs for details`);
  });

  void it('fails the first add-on child job but keeps the backup', async () => {
    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'POST /backups/new/full', kind: 'child_job_failure' }] });
    const res = await emu.call('POST', '/backups/new/full', { body: { name: 'Partly' } });
    assert.equal(res.status, 200, res.text);
    const { slug, job_id: jobId } = res.json.data as { slug: string; job_id: string };
    const job = (await emu.call('GET', `/jobs/${jobId}`)).json.data as unknown as JobDict;
    assert.deepEqual(job.errors, []);
    const store = job.child_jobs.find((c) => c.name === 'backup_store_apps');
    assert.equal(store?.errors.length, 1);
    assert.equal(store?.child_jobs[0]?.errors[0]?.type, 'BackupError');
    assert.deepEqual(store?.child_jobs[1]?.errors, []);
    const info = await emu.call('GET', `/backups/${slug}/info`);
    assert.deepEqual(
      (info.json.data?.addons as { slug: string }[]).map((a) => a.slug),
      ['core_configurator', 'a0d7b954_vscode'],
    );
  });

  void it('fails a backup on a full disk without writing anything', async () => {
    const before = await readdir(path.join(emu.dataDir, 'backup'));
    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'POST /backups/new/partial', kind: 'disk_full' }] });
    const res = await emu.call('POST', '/backups/new/partial', { body: { folders: ['ssl'], background: true } });
    const job = (await emu.waitForJob((res.json.data as { job_id: string }).job_id)) as unknown as JobDict;
    assert.match(job.errors[0]?.message ?? '', /\[Errno 28\] No space left on device$/);
    assert.deepEqual(await readdir(path.join(emu.dataDir, 'backup')), before);

    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'POST /backups/new/full', kind: 'disk_full' }] });
    const full = await emu.call('POST', '/backups/new/full', { body: {} });
    assert.equal(full.status, 400);
    const fullJob = (await emu.call('GET', `/jobs/${String(full.json.job_id)}`)).json.data as unknown as JobDict;
    assert.deepEqual(fullJob.errors, [
      {
        type: 'HomeAssistantBackupError',
        message: "Can't backup Home Assistant Core config folder: [Errno 28] No space left on device",
        stage: 'home_assistant',
        error_key: null,
        extra_fields: null,
      },
    ]);
    assert.equal(fullJob.child_jobs.length, 1);
    assert.equal(fullJob.child_jobs[0]?.errors[0]?.stage, null);
    assert.deepEqual(await readdir(path.join(emu.dataDir, 'backup')), before);
  });

  void it('corrupt_archive: the backup succeeds, and verifying it names the damaged first part', async () => {
    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'POST /backups/new/partial', kind: 'corrupt_archive' }] });
    const res = await emu.call('POST', '/backups/new/partial', { body: { name: 'Damaged', folders: ['ssl', 'share'], background: true } });
    const job = (await emu.waitForJob((res.json.data as { job_id: string }).job_id)) as unknown as JobDict;
    assert.deepEqual(job.errors, []);
    const slug = job.reference ?? '';
    const result = await verifyBackup(path.join(emu.dataDir, 'backup', `${slug}.tar`));
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.parts.filter((p) => !p.ok).map((p) => p.name),
      [result.parts[0]?.name],
    );
    assert.ok(
      result.parts.slice(1).every((p) => p.ok),
      'only the first part is damaged',
    );
  });

  void it('fails a restore job', async () => {
    const list = await emu.call('GET', '/backups');
    const slug = ((list.json.data?.backups ?? []) as { slug: string; name: string }[]).find((b) => b.name === 'Seeded full')?.slug ?? '';
    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'POST /backups/*/restore/*', kind: 'job_failure', message: 'Restore broke' }] });
    const res = await emu.call('POST', `/backups/${slug}/restore/full`, { body: {} });
    assert.equal(res.status, 400);
    assert.equal(res.json.message, 'Restore broke');
    const jobs = (await emu.call('GET', '/jobs/info')).json.data as { jobs: JobDict[] };
    const job = jobs.jobs.find((j) => j.name === 'backup_manager_full_restore');
    assert.equal(job?.done, true);
    assert.equal(job?.errors[0]?.message, 'Restore broke');
  });

  void it('fails one add-on of a restore: the error is on its child job, the restore goes on but is unsuccessful', async () => {
    const list = await emu.call('GET', '/backups');
    const slug = ((list.json.data?.backups ?? []) as { slug: string; name: string }[]).find((b) => b.name === 'Seeded partial')?.slug ?? '';
    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'POST /backups/*/restore/partial', kind: 'child_job_failure' }] });
    const res = await emu.call('POST', `/backups/${slug}/restore/partial`, { body: { addons: ['core_mosquitto'], folders: ['share'], background: true } });
    assert.equal(res.status, 200, res.text);
    const job = (await emu.waitForJob((res.json.data as { job_id: string }).job_id)) as unknown as JobDict;
    assert.deepEqual(job.errors, [], 'the restore job itself has no error');
    assert.equal(job.progress, 100);
    const apps = job.child_jobs.find((c) => c.name === 'backup_restore_apps');
    assert.deepEqual(apps?.errors, [], 'backup.py catches the failure of one add-on');
    assert.equal(apps?.child_jobs[0]?.reference, 'core_mosquitto');
    assert.deepEqual(
      apps?.child_jobs[0]?.errors.map((e) => e.message),
      ["Can't restore backup core_mosquitto"],
    );
    const folders = job.child_jobs.find((c) => c.name === 'backup_restore_folders');
    assert.deepEqual(
      folders?.child_jobs.map((c) => c.errors.length),
      [0],
      'folders restore fine when an add-on takes the failure',
    );
    assert.equal((await emu.call('GET', '/info')).json.data?.state, 'running');

    // Without background the answer says the restore was not successful, with the job to look at.
    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'POST /backups/*/restore/partial', kind: 'child_job_failure', message: 'share is busy' }] });
    const sync = await emu.call('POST', `/backups/${slug}/restore/partial`, { body: { folders: ['share'] } });
    assert.equal(sync.status, 400);
    const jobId = String(sync.json.job_id);
    assert.equal(sync.json.message, `An error occurred during restore of ${slug}, check job '${jobId}' or supervisor logs for details`);
    const folderJob = ((await emu.call('GET', `/jobs/${jobId}`)).json.data as unknown as JobDict).child_jobs[0];
    assert.deepEqual(
      folderJob?.child_jobs[0]?.errors.map((e) => e.message),
      ['share is busy'],
      'without add-ons the first folder fails',
    );
  });

  void it('answers an upload on a full disk with the generic error and stores nothing', async () => {
    const list = await emu.call('GET', '/backups');
    const slug = ((list.json.data?.backups ?? []) as { slug: string; name: string }[]).find((b) => b.name === 'Seeded full')?.slug ?? '';
    const archive = Buffer.from(await (await fetch(`${emu.url}/backups/${slug}/download`, { headers: { Authorization: `Bearer ${TOKEN}` } })).arrayBuffer());
    const before = await readdir(path.join(emu.dataDir, 'mounts', 'nas_backups'));
    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'POST /backups/new/upload', kind: 'disk_full' }] });
    const form = new FormData();
    form.append('file', new Blob([archive]), 'backup.tar');
    const res = await fetch(`${emu.url}/backups/new/upload?location=nas_backups`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: form });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { result: 'error', message: 'Unknown error, see Supervisor logs' });
    assert.deepEqual(await readdir(path.join(emu.dataDir, 'mounts', 'nas_backups')), before, 'no file on the target');
    assert.deepEqual(await readdir(path.join(emu.dataDir, 'tmp')), [], 'no temporary file left');
    const info = await emu.call('GET', `/backups/${slug}/info`);
    assert.deepEqual(info.json.data?.locations, [null]);
  });

  void it('reports a backup mount that is down with error_key backup_mount_down', async () => {
    const down = await emu.control('POST', '/_emulator/mounts/nas_backups', { state: 'failed' });
    assert.equal(down.status, 200);
    const mounts = (await emu.call('GET', '/mounts')).json.data as { mounts: { name: string; state: string }[] };
    assert.equal(mounts.mounts.find((m) => m.name === 'nas_backups')?.state, 'failed');
    const res = await emu.call('POST', '/backups/new/full', { body: { location: 'nas_backups', background: true } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, { result: 'error', message: "Backup mount 'nas_backups' is down", error_key: 'backup_mount_down', extra_fields: { mount: 'nas_backups' } });
    // The job ran and failed during validation: it stays, done, with the error and no reference.
    const jobs = (await emu.call('GET', '/jobs/info')).json.data as { jobs: (JobDict & { progress: number })[] };
    const failed = jobs.jobs[0];
    assert.equal(failed?.done, true);
    assert.equal(failed?.reference, null);
    assert.deepEqual(failed?.errors, [
      { type: 'BackupMountDownError', message: "Backup mount 'nas_backups' is down", stage: null, error_key: 'backup_mount_down', extra_fields: { mount: 'nas_backups' } },
    ]);
    // Backups stored only there are no longer listed while it is down.
    const partial = ((await emu.call('GET', '/backups')).json.data?.backups as { name: string; locations: unknown[] }[]).find((b) => b.name === 'Seeded partial');
    assert.deepEqual(partial?.locations, [null]);
    await emu.control('POST', '/_emulator/mounts/nas_backups', { state: 'active' });
    assert.equal((await emu.call('GET', '/info')).json.data?.state, 'running');
  });

  void it('forgets jobs on a Supervisor restart and rescans backups', async () => {
    const res = await emu.call('POST', '/backups/new/partial', { body: { folders: ['ssl'], background: true } });
    const jobId = (res.json.data as { job_id: string }).job_id;
    const state = await emu.control('GET', '/_emulator/state');
    assert.equal(state.json.state, 'freeze');
    assert.ok((state.json.jobs as unknown[]).length > 0);
    assert.equal((await emu.control('POST', '/_emulator/restart')).status, 200);
    const gone = await emu.call('GET', `/jobs/${jobId}`);
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.json, { result: 'error', message: 'Job does not exist' });
    const after = await emu.control('GET', '/_emulator/state');
    assert.equal(after.json.state, 'running');
    assert.deepEqual(after.json.jobs, []);
    assert.equal((after.json.backups as unknown[]).length, ((await emu.call('GET', '/backups')).json.data?.backups as unknown[]).length);
  });
});
