// The Supervisor client against the emulator over real HTTP (no mocks), directly: what only the direct
// transport does or what the scenarios of transportScenarios.ts (run for both transports) do not cover.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HttpTransport, JobLostError, SupervisorClient, waitForJob } from '../../src/core/supervisor';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { rejectsWith } from './transportScenarios';

const TOKEN = 'manager-token';
const BACKUP_ROLE_TOKEN = 'backup-role-token';

describe('SupervisorClient against the emulator', () => {
  let emu: RunningEmulator;
  let client: SupervisorClient;
  const clientWith = (token: string, url = emu.url) => new SupervisorClient(new HttpTransport({ baseUrl: url, token }));
  const control = (path: string, body?: unknown, method = 'POST') =>
    fetch(`${emu.url}/_emulator${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  before(async () => {
    emu = await startEmulator({
      port: 0,
      token: TOKEN,
      scenario: {
        timeZone: 'Europe/Amsterdam',
        jobStepDelayMs: 20,
        tokens: [{ token: BACKUP_ROLE_TOKEN, role: 'backup' }],
        addons: [
          { slug: 'core_mosquitto', name: 'Mosquitto broker', version: '6.5.1' },
          { slug: 'a0d7b954_vscode', name: 'Studio Code Server', version: '5.19.0' },
        ],
        mounts: [{ name: 'nas_backups', type: 'cifs', usage: 'backup', server: 'nas.local', share: 'backups', state: 'active' }],
        backups: [
          { name: 'Old', date: '2026-01-05T03:00:00.000000+01:00', type: 'full' },
          { name: 'Newest', date: '2026-11-20T03:00:00.000000+01:00', type: 'partial', homeassistant: true, addons: ['core_mosquitto'], folders: ['share'] },
          { name: 'Middle', date: '2026-06-10T03:00:00.000000+02:00', type: 'full', password: 'secret', locations: [null, 'nas_backups'] },
        ],
      },
    });
    client = clientWith(TOKEN);
  });

  after(async () => {
    await client.transport.close();
    await emu.close();
  });

  it('creates a partial backup', async () => {
    const jobId = await client.startPartialBackup({ name: 'Partial', addons: ['core_mosquitto'], folders: ['ssl'], homeassistant: false });
    const outcome = await waitForJob(client, jobId, { intervalMs: 20 });
    const details = await client.backupInfo(outcome.slug!);
    assert.equal(details.type, 'partial');
    assert.deepEqual(details.folders, ['ssl']);
    assert.equal(details.homeassistant, null);
  });

  it('rejects unknown keys like the Supervisor', async () => {
    await rejectsWith(client.startFullBackup({ name: 'x', bogus: 1 } as never), 'api', /extra keys not allowed @ data\['bogus'\]/);
  });

  it('surfaces a failed job with its error, and child-job errors as warnings', async () => {
    await control('/faults', { faults: [{ match: 'POST /backups/new/full', kind: 'job_failure', message: 'Boom' }] });
    const failed = await waitForJob(client, await client.startFullBackup({ name: 'Fails' }), { intervalMs: 20 });
    assert.equal(failed.failed, true);
    assert.match(failed.error ?? '', /Boom/);

    await control('/faults', { faults: [{ match: 'POST /backups/new/full', kind: 'child_job_failure', message: 'Add-on export failed' }] });
    const partial = await waitForJob(client, await client.startFullBackup({ name: 'Half' }), { intervalMs: 20 });
    assert.equal(partial.failed, false);
    assert.equal(partial.warnings.length, 1);
    assert.match(partial.warnings[0]!, /Add-on export failed/);
  });

  it('streams a download with the archive headers', async () => {
    const [newest] = (await client.listBackups()).backups;
    const res = await client.download(newest!.slug);
    assert.equal(res.headers['content-type'], 'application/tar');
    let bytes = 0;
    for await (const chunk of res.body) bytes += (chunk as Buffer).length;
    assert.equal(bytes, Number(res.headers['content-length']));
    assert.equal(bytes, newest!.size_bytes);
  });

  it('a job the Supervisor forgets (restart) is "lost", with the last state seen, not a failure', async () => {
    await control('/settings', { jobStepDelayMs: 300 });
    const jobId = await client.startFullBackup({ name: 'Interrupted' });
    // The expectation is attached at once: the rejection may come while the restart is being asked for.
    const lost = assert.rejects(waitForJob(client, jobId, { intervalMs: 50 }), (e: unknown) => {
      assert.ok(e instanceof JobLostError, String(e));
      assert.match(e.lastSeen?.reference ?? '', /^[0-9a-f]{8}$/);
      return true;
    });
    await new Promise((r) => setTimeout(r, 400));
    await control('/restart');
    await lost;
    await control('/settings', { jobStepDelayMs: 20 });
  });

  it('keeps following a job through a short outage, and gives up only after the tolerance', async () => {
    const jobId = await client.startFullBackup({ name: 'Through an outage' });
    await control('/faults', { faults: [{ match: 'GET /jobs/*', kind: 'reset', times: 3 }] });
    const outcome = await waitForJob(client, jobId, { intervalMs: 20 });
    assert.equal(outcome.failed, false);
    await control('/faults', { faults: [{ match: 'GET /jobs/*', kind: 'reset', times: 0 }] });
    await assert.rejects(waitForJob(client, jobId, { intervalMs: 20, tolerateErrorsForMs: 300 }), JobLostError);
    await control('/faults', undefined, 'DELETE');
  });

  it('uploads a downloaded archive to another location and gets its slug back', async () => {
    const [newest] = (await client.listBackups()).backups;
    const res = await client.download(newest!.slug);
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(c as Buffer);
    await client.deleteBackup(newest!.slug);
    const slug = await client.uploadBackup({ fileName: 'again.tar', blob: new Blob([Buffer.concat(chunks)]) }, { locations: ['nas_backups'] });
    assert.equal(slug, newest!.slug);
    const back = (await client.listBackups()).backups.find((b) => b.slug === slug);
    assert.deepEqual(back?.locations, ['nas_backups']);
  });

  it('an upload that is not a backup gets the Supervisor message', async () => {
    await rejectsWith(client.uploadBackup({ fileName: 'junk.tar', blob: new Blob(['not a tar']) }), 'api', /Unknown error, see Supervisor logs/);
  });

  it('restores with the password of a protected copy, and says so when it is wrong', async () => {
    const prot = (await client.listBackups()).backups.find((b) => b.name === 'Middle')!;
    await rejectsWith(client.startFullRestore(prot.slug, { password: 'wrong' }), 'api', /Invalid password for backup/);
    const outcome = await waitForJob(client, await client.startFullRestore(prot.slug, { password: 'secret' }), { intervalMs: 20 });
    assert.equal(outcome.failed, false, outcome.error);
    assert.equal(outcome.job.name, 'backup_manager_full_restore');
  });

  it('restores part of a backup', async () => {
    const partial = (await client.listBackups()).backups.find((b) => b.type === 'partial' && b.content.addons.includes('core_mosquitto'))!;
    await rejectsWith(client.startFullRestore(partial.slug, {}), 'api', /is only a partial backup/);
    const outcome = await waitForJob(client, await client.startPartialRestore(partial.slug, { addons: ['core_mosquitto'] }), { intervalMs: 20 });
    assert.equal(outcome.failed, false, outcome.error);
  });

  it('lists mounts and add-ons', async () => {
    const mounts = await client.mounts();
    assert.deepEqual(
      mounts.mounts.map((m) => m.name),
      ['nas_backups'],
    );
    assert.deepEqual((await client.addons()).map((a) => a.slug).sort(), ['a0d7b954_vscode', 'core_mosquitto']);
  });

  it('tells an unknown token from a role that may not call a route', async () => {
    await rejectsWith(clientWith('wrong-token').listBackups(), 'token_rejected', /token was rejected/);
    const backupRole = clientWith(BACKUP_ROLE_TOKEN);
    assert.ok((await backupRole.listBackups()).backups.length > 0, 'the backup role may list backups');
    await rejectsWith(backupRole.mounts(), 'forbidden_role', /role may not call \/mounts/);
    await rejectsWith(clientWith('').info(), 'unauthorized');
  });

  it('gives connection refused and DNS failures their own kinds', async () => {
    await rejectsWith(clientWith(TOKEN, 'http://127.0.0.1:9').info(), 'connection_refused');
    await rejectsWith(clientWith(TOKEN, 'http://no-such-host.invalid').info(), 'dns');
  });

  it('times out and aborts with their own kinds', async () => {
    await control('/faults', { faults: [{ match: 'GET /info', kind: 'delay', delayMs: 1500 }] });
    await rejectsWith(client.info({ timeoutMs: 200 }), 'timeout');
    await control('/faults', undefined, 'DELETE');
    const ac = new AbortController();
    const pending = client.info({ signal: ac.signal });
    ac.abort();
    await rejectsWith(pending, 'aborted');
  });

  it('turns a plain-text 5xx into an api error with the status', async () => {
    await control('/faults', { faults: [{ match: 'GET /backups/info', kind: 'status', status: 502, body: 'Bad Gateway' }] });
    const err = await rejectsWith(client.listBackups(), 'api', /HTTP 502: Bad Gateway/);
    assert.equal(err.status, 502);
  });

  it('reports a connection reset mid-answer', async () => {
    await control('/faults', { faults: [{ match: 'GET /backups/info', kind: 'reset' }] });
    await rejectsWith(client.listBackups(), 'connection_reset');
  });
});
