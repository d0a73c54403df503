// The extension's client for a Home Assistant Core or Container install (src/core/homeAssistant/coreInstall)
// against the emulated Core install (scenarios/core.json): the Supervisor's shapes from Core's backup
// manager, creates and restores followed as jobs, the extension's tag kept beside Core, what Core cannot
// do refused before anything starts, and an unreachable agent said, not hidden.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BackupTagFile, CoreInstallClient } from '../../src/core/homeAssistant/coreInstall';
import { HomeAssistantBackupHttp } from '../../src/core/homeAssistant/backupManager';
import { HomeAssistantTransport } from '../../src/core/homeAssistant/homeAssistantTransport';
import { waitForJob, type BackupDetails } from '../../src/core/supervisor';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { readAll, tempDir } from './archive/helpers';

const TOKEN = 'core-install-client-token';
const WEBDAV = 'webdav.01JKXV07ASC62D620DGYNG2R8H';
const SCENARIO = path.resolve(__dirname, '../../scenarios/core.json');

void describe('CoreInstallClient against the emulated Core install', () => {
  let emu: RunningEmulator;
  let ha: HomeAssistantTransport;
  let http: HomeAssistantBackupHttp;
  let client: CoreInstallClient;
  const tmp = tempDir('ha-core-client-');
  const tagFile = () => path.join(tmp.dir, 'auto_backup.tags.json');

  before(async () => {
    emu = await startEmulator({ port: 0, token: TOKEN, scenario: SCENARIO, install: 'core', dataDir: path.join(tmp.dir, 'data') });
    ha = new HomeAssistantTransport({ baseUrl: emu.url, token: TOKEN });
    http = new HomeAssistantBackupHttp({ baseUrl: emu.url, token: TOKEN });
    client = new CoreInstallClient({ transport: ha, homeAssistant: () => Promise.resolve(ha), http: () => http, tags: new BackupTagFile(tagFile), restartPollMs: 50 });
  });
  after(async () => {
    await ha.close();
    await http.close();
    await emu.close();
    tmp.cleanup();
  });

  const control = async (route: string, body: unknown) => {
    const res = await fetch(`${emu.url}/_emulator/core/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200, await res.text());
  };

  void it('answers info with Home Assistant’s version and time zone, and no Supervisor', async () => {
    const info = await client.info();
    assert.equal(info.supervisor, '');
    assert.equal(info.homeassistant, '2026.11.2');
    assert.equal(info.timezone, 'Europe/Amsterdam');
  });

  void it('lists each backup in the Supervisor’s shape, a copy per agent as a location (the local disk as null)', async () => {
    const { backups } = await client.listBackups();
    assert.equal(backups.length, 4);
    const newest = backups.find((b) => b.name === 'Automatic backup 2026.11.2')!;
    assert.deepEqual(newest.locations, [null, WEBDAV, 'cloud.cloud']);
    assert.equal(newest.location_attributes?.['.local']?.protected, false);
    assert.equal(newest.location_attributes?.['cloud.cloud']?.protected, true);
    assert.equal(newest.type, 'full');
    assert.equal(newest.size_exact, true);
    assert.equal(backups.find((b) => b.name === 'Old laptop install')!.type, 'partial', 'without its database');
    const status = client.status!;
    assert.deepEqual(
      status.agents.map((a) => a.name),
      ['local', 'Nextcloud', 'Home Assistant Cloud'],
    );
    assert.deepEqual(status.agentErrors, {});
    assert.deepEqual(status.failedAgentsOfLastAutomatic, [], 'the newest automatic backup reached every agent');
    assert.deepEqual(status.schedule, { recurrence: 'daily', days: [], time: '04:45:00' });
    const mounts = await client.mounts();
    assert.deepEqual(
      mounts.mounts.map((m) => [m.name, m.server, m.state]),
      [
        [WEBDAV, 'Nextcloud', 'active'],
        ['cloud.cloud', 'Home Assistant Cloud', 'active'],
      ],
    );
    assert.deepEqual(await client.addons(), []);
  });

  void it('refuses, before anything starts, what Core cannot do on this install type, naming the option', async () => {
    await assert.rejects(client.startPartialBackup({ name: 'x', addons: ['core_ssh'] }), /add-ons \(core_ssh\).*Home Assistant Core or Container install/);
    await assert.rejects(client.startPartialBackup({ name: 'x', folders: ['share'] }), /folders \(share\)/);
    await assert.rejects(client.startFullBackup({ name: 'x', compressed: false }), /compressed: false cannot be honoured on a Home Assistant Core or Container install/);
    await assert.rejects(client.startPartialRestore('abc', { addons: ['core_ssh'] }), /add-ons \(core_ssh\) cannot be restored/);
    const { backups } = await client.listBackups();
    assert.equal(backups.length, 4, 'nothing was made');
  });

  let made: string;
  void it('creates a backup on two agents, follows it as a job, and keeps the extension’s tag beside Core', async () => {
    const stages: string[] = [];
    const jobId = await client.startFullBackup({
      name: 'From VS Code',
      location: [null, 'cloud.cloud'],
      password: 'vscode-test-password',
      extra: { vscode_ha_backups: { policy: 'nightly' } },
    });
    const outcome = await waitForJob(client, jobId, { intervalMs: 20, onUpdate: (j) => j.stage && stages.push(j.stage) });
    assert.equal(outcome.failed, false, outcome.error);
    assert.match(outcome.slug ?? '', /^[0-9a-f]{8}$/);
    made = outcome.slug!;
    assert.ok(stages.length > 0, 'stages were reported');
    const details: BackupDetails = await client.backupInfo(made);
    assert.deepEqual(details.extra?.vscode_ha_backups, { policy: 'nightly' });
    assert.deepEqual(details.locations, [null, 'cloud.cloud']);
    const file = JSON.parse(await readFile(tagFile(), 'utf8')) as { backups: Record<string, { extra: unknown }> };
    assert.deepEqual(file.backups[made]?.extra, { vscode_ha_backups: { policy: 'nightly' } });
    assert.ok((await client.jobs()).some((j) => j.uuid === jobId && j.done === true));
  });

  void it('a copy an agent refuses (the cloud takes only protected backups) is a warning; the backup is there', async () => {
    const jobId = await client.startFullBackup({ name: 'Unprotected', location: [null, 'cloud.cloud'] });
    const outcome = await waitForJob(client, jobId, { intervalMs: 20 });
    assert.equal(outcome.failed, false, outcome.error);
    assert.deepEqual(outcome.warnings, [`${'backup_manager_create_backup'}: the copy to Home Assistant Cloud failed`]);
    const { backups } = await client.listBackups();
    assert.deepEqual(backups.find((b) => b.slug === outcome.slug)?.locations, [null]);
    assert.equal(await client.deleteBackup(outcome.slug!), 'deleted');
  });

  void it('downloads the copy of a chosen agent', async () => {
    const { backups } = await client.listBackups();
    const backup = backups.find((b) => b.slug === made)!;
    const res = await client.download(made, { location: 'cloud.cloud' });
    const bytes = await readAll(res.body);
    assert.equal(bytes.length, backup.location_attributes?.['cloud.cloud']?.size_bytes);
    // A remote agent's copy is streamed without a length (Core's DownloadBackupView for non-local agents).
    assert.equal(res.headers['content-length'], undefined);
    const local = await readAll((await client.download(made)).body);
    assert.equal(local.length, backup.location_attributes?.['.local']?.size_bytes, 'without a location: the local copy');
  });

  void it('restores Home Assistant through its restart and reports the end', async () => {
    await control('settings', { restartDelayMs: 300 });
    const jobId = await client.startPartialRestore(made, { homeassistant: true });
    const outcome = await waitForJob(client, jobId, { intervalMs: 20 });
    assert.equal(outcome.failed, false, outcome.error);
    assert.equal(outcome.slug, made);
    const { backups } = await client.listBackups();
    assert.ok(
      backups.some((b) => b.slug === made),
      'Home Assistant answers again after the restart',
    );
  });

  void it('deletes every copy; a second delete finds it gone; its tag goes with it', async () => {
    await assert.rejects(client.deleteBackup(made, { location: ['cloud.cloud'] }), /deletes a backup from every location at once/);
    assert.equal(await client.deleteBackup(made), 'deleted');
    assert.equal(await client.deleteBackup(made), 'already_gone');
    await client.listBackups();
    const file = JSON.parse(await readFile(tagFile(), 'utf8')) as { backups: Record<string, unknown> };
    assert.equal(file.backups[made], undefined);
  });

  void it('says which agent is unreachable, and a delete it refuses names the copy that remains', async () => {
    await control('backup/agents/cloud.cloud', { unreachable: true });
    const { backups } = await client.listBackups();
    assert.deepEqual(Object.keys(client.status!.agentErrors), ['cloud.cloud']);
    assert.equal((await client.mounts()).mounts.find((m) => m.name === 'cloud.cloud')?.state, 'failed');
    const withWebdav = backups.find((b) => b.name === 'Automatic backup 2026.11.1')!;
    await control('backup/agents/cloud.cloud', { unreachable: false });
    const jobId = await client.startFullBackup({ name: 'Two copies', location: [null, 'cloud.cloud'], password: 'vscode-test-password' });
    const slug = (await waitForJob(client, jobId, { intervalMs: 20 })).slug!;
    await control('backup/agents/cloud.cloud', { unreachable: true });
    await assert.rejects(
      client.deleteBackup(slug),
      /could not delete every copy of backup [0-9a-f]{8}; these may remain: Home Assistant Cloud \(unreachable: may hold a copy\): /,
    );
    assert.ok(withWebdav);
    await control('backup/agents/cloud.cloud', { unreachable: false });
  });

  void it('a backup only on an unreachable agent is not "already gone": the delete says it may remain', async () => {
    const { backups } = await client.listBackups();
    const onlyOnWebdav = backups.find((b) => b.name === 'Old laptop install')!;
    assert.deepEqual(onlyOnWebdav.locations, [WEBDAV]);
    await control(`backup/agents/${WEBDAV}`, { unreachable: true });
    try {
      await assert.rejects(client.deleteBackup(onlyOnWebdav.slug), /these may remain: Nextcloud \(unreachable: may hold a copy\)/);
    } finally {
      await control(`backup/agents/${WEBDAV}`, { unreachable: false });
    }
    assert.ok(
      (await client.listBackups()).backups.some((b) => b.slug === onlyOnWebdav.slug),
      'still there',
    );
  });
});
