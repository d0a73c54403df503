// SupervisorClient scenarios that must behave the same whichever way requests travel: directly to
// the Supervisor (HttpTransport) or through Home Assistant Core (HomeAssistantTransport). Each test
// file calls `describeClientScenarios` with the transport it checks; the emulator serves both.
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isFreezeConflict, SupervisorClient, SupervisorError, waitForJob } from '../../src/core/supervisor';
import type { Job, SupervisorTransport } from '../../src/core/supervisor';
import { startEmulator } from '../../src/emulator/server';
import type { RunningEmulator, Scenario } from '../../src/emulator/server';

export const SUPERVISOR_TOKEN = 'manager-token';
export const HA_ADMIN_TOKEN = 'ha-admin-llat';
export const HA_USER_TOKEN = 'ha-user-llat';
export const DEFAULT_BACKUP_KEY = 'K7QW-2MZP-R4TX-9BNC-H3VD-L8FY-E6GS';

export const SCENARIO: Scenario = {
  timeZone: 'Europe/Amsterdam',
  jobStepDelayMs: 20,
  newBackupPayloadBytes: 4000,
  mounts: [{ name: 'nas_backups', type: 'cifs', usage: 'backup', server: 'nas.local', share: 'backups', state: 'active' }],
  backups: [
    { name: 'Old', date: '2026-01-05T03:00:00.000000+01:00', type: 'full', payloadBytes: 3000 },
    { name: 'Newest', date: '2026-11-20T03:00:00.000000+01:00', type: 'partial', homeassistant: true, addons: ['core_mosquitto'], folders: ['share'] },
    { name: 'Middle', date: '2026-06-10T03:00:00.000000+02:00', type: 'full', password: 'secret', locations: [null, 'nas_backups'], payloadBytes: 3000 },
    // Uploaded archives can carry any slug; Core's proxy only passes 8 hex characters.
    { name: 'Imported', date: '2025-12-24T10:00:00.000000+01:00', type: 'partial', folders: ['ssl'], slug: 'imported_2025' },
  ],
  core: {
    tokens: [
      { token: HA_ADMIN_TOKEN, admin: true },
      { token: HA_USER_TOKEN, admin: false },
    ],
    backupConfig: { automatic_backups_configured: true, create_backup: { agent_ids: ['hassio.local'], password: DEFAULT_BACKUP_KEY } },
  },
};

export interface TransportUnderTest {
  /** "directly", "through Home Assistant Core" */
  name: string;
  /** A transport to the emulator with working credentials, or with `token` / to `baseUrl` instead. */
  create(emu: RunningEmulator, options?: { token?: string; baseUrl?: string }): SupervisorTransport;
}

export async function startScenarioEmulator(): Promise<RunningEmulator> {
  return startEmulator({ port: 0, token: SUPERVISOR_TOKEN, scenario: SCENARIO });
}

export async function rejectsWith(p: Promise<unknown>, kind: string, message?: RegExp): Promise<SupervisorError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SupervisorError, `expected SupervisorError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected a ${kind} error`);
}

/** A port where nothing listens (fetch-based clients refuse "bad ports" such as 9 before connecting). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export function describeClientScenarios(t: TransportUnderTest): void {
  describe(`SupervisorClient ${t.name}`, () => {
    let emu: RunningEmulator;
    let client: SupervisorClient;
    const clientWith = (options: { token?: string; baseUrl?: string }) => new SupervisorClient(t.create(emu, options));
    const control = (p: string, body?: unknown, method = 'POST') =>
      fetch(`${emu.url}/_emulator${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

    before(async () => {
      emu = await startScenarioEmulator();
      client = new SupervisorClient(t.create(emu));
    });
    after(async () => {
      await client.transport.close();
      await emu.close();
    });

    it('reads /info with the time zone', async () => {
      const info = await client.info();
      assert.equal(info.timezone, 'Europe/Amsterdam');
      assert.equal(info.state, 'running');
    });

    it('lists backups newest first with days_until_stale', async () => {
      const list = await client.listBackups();
      assert.deepEqual(
        list.backups.map((b) => b.name),
        ['Newest', 'Middle', 'Old', 'Imported'],
      );
      assert.equal(list.daysUntilStale, 30);
      assert.equal(list.backups[1]!.protected, true);
      assert.deepEqual(list.backups[1]!.locations, [null, 'nas_backups']);
    });

    it('reads one backup with add-on names', async () => {
      const [newest] = (await client.listBackups()).backups;
      const details = await client.backupInfo(newest!.slug);
      assert.equal(details.name, 'Newest');
      assert.deepEqual(
        details.addons.map((a) => a.name),
        ['Mosquitto broker'],
      );
    });

    it("reads Home Assistant's clock (three days behind, here)", async () => {
      await control('/settings', { clockOffsetMs: -3 * 86_400_000 });
      try {
        const reading = await client.readClock();
        assert.ok(reading && Math.abs(reading.offsetMs + 3 * 86_400_000) < 2_000, `offset ${reading?.offsetMs}`);
      } finally {
        await control('/settings', { clockOffsetMs: 0 });
      }
    });

    it('maps an unknown slug to not_found with the Supervisor message', async () => {
      await rejectsWith(client.backupInfo('deadbeef'), 'not_found', /Backup does not exist/);
    });

    it('creates a full backup in the background and follows the job to its slug', async () => {
      const jobId = await client.startFullBackup({ name: 'From the client' });
      const seen: Job[] = [];
      const outcome = await waitForJob(client, jobId, { intervalMs: 20, onUpdate: (j) => seen.push(j) });
      assert.equal(outcome.failed, false);
      assert.match(outcome.slug ?? '', /^[0-9a-f]{8}$/);
      assert.ok(
        seen.some((j) => !j.done),
        'the job was seen running',
      );
      assert.equal((await client.backupInfo(outcome.slug!)).name, 'From the client');
    });

    it('reports a second backup during a running one as a freeze conflict', async () => {
      await control('/settings', { jobStepDelayMs: 200 });
      const jobId = await client.startFullBackup({ name: 'Long one' });
      const err = await rejectsWith(client.startFullBackup({ name: 'Too soon' }), 'api', /system is not running - freeze/);
      assert.ok(isFreezeConflict(err));
      await control('/settings', { jobStepDelayMs: 20 });
      await waitForJob(client, jobId, { intervalMs: 20 });
    });

    it('deletes, and reports a backup that is already gone as such', async () => {
      const jobId = await client.startFullBackup({ name: 'Short-lived' });
      const { slug } = await waitForJob(client, jobId, { intervalMs: 20 });
      assert.equal(await client.deleteBackup(slug!), 'deleted');
      assert.equal(await client.deleteBackup(slug!), 'already_gone');
    });

    it('streams a download: the archive as stored', async () => {
      const old = (await client.listBackups()).backups.find((b) => b.name === 'Old')!;
      const res = await client.download(old.slug);
      assert.equal(res.headers['content-type'], 'application/tar');
      assert.match(res.headers['content-disposition'] ?? '', /filename=Old\.tar/);
      const chunks: Buffer[] = [];
      for await (const chunk of res.body) chunks.push(chunk as Buffer);
      const stored = await readFile(path.join(emu.dataDir, 'backup', `${old.slug}.tar`));
      assert.ok(Buffer.concat(chunks).equals(stored));
    });

    it('uploads an archive and gets its slug back', async () => {
      const old = (await client.listBackups()).backups.find((b) => b.name === 'Old')!;
      const archive = await readFile(path.join(emu.dataDir, 'backup', `${old.slug}.tar`));
      assert.equal(await client.deleteBackup(old.slug), 'deleted');
      const slug = await client.uploadBackup({ fileName: 'old.tar', blob: new Blob([archive]) });
      assert.equal(slug, old.slug);
      assert.equal((await client.backupInfo(slug)).name, 'Old');
    });

    it('rejects a wrong token as token_rejected without repeating it', async () => {
      const err = await rejectsWith(clientWith({ token: 'wrong-token-1234' }).listBackups(), 'token_rejected');
      assert.doesNotMatch(err.message, /wrong-token-1234/);
    });

    it('gives a refused connection its own kind', async () => {
      await rejectsWith(clientWith({ baseUrl: `http://127.0.0.1:${await closedPort()}` }).info(), 'connection_refused');
    });

    it('aborts with its own kind', async () => {
      await control('/faults', { faults: [{ match: 'GET /info', kind: 'delay', delayMs: 1000 }] });
      const ac = new AbortController();
      const pending = client.info({ signal: ac.signal });
      setTimeout(() => ac.abort(), 50);
      await rejectsWith(pending, 'aborted');
      await control('/faults', undefined, 'DELETE');
    });
  });
}
