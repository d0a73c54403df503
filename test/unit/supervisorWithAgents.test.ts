// Home Assistant OS through Home Assistant (src/core/homeAssistant/coreInstall/supervisorWithAgents.ts)
// against the emulated Supervisor install with Core's backup manager in front (scenarios/demo.json: the two
// newest automatic backups also on Home Assistant Cloud): the Supervisor's list with the cloud copies
// added, the cloud copy downloaded through Home Assistant, what the Supervisor cannot do with it refused,
// and a delete of such a backup done by Home Assistant on every agent. Also the add-on's client (inside the
// Studio Code Server add-on): the same through the Supervisor's proxies to Core (`/core/websocket`, `/core/api/…`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AddonHomeAssistantConnection } from '../../src/core/homeAssistant/addonConnection';
import { HomeAssistantBackupHttp } from '../../src/core/homeAssistant/backupManager';
import { SupervisorWithAgentsClient } from '../../src/core/homeAssistant/coreInstall';
import { HomeAssistantTransport } from '../../src/core/homeAssistant/homeAssistantTransport';
import { HttpTransport, SupervisorClient } from '../../src/core/supervisor';
import type { Scenario } from '../../src/emulator/scenario';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { readAll } from './archive/helpers';

const ADMIN = 'with-agents-admin-token';
const SCENARIO = path.resolve(__dirname, '../../scenarios/demo.json');

void describe('SupervisorWithAgentsClient against the emulated Supervisor install', () => {
  let emu: RunningEmulator;
  let ha: HomeAssistantTransport;
  let http: HomeAssistantBackupHttp;
  let client: SupervisorWithAgentsClient;
  const warnings: string[] = [];

  before(async () => {
    const demo = JSON.parse(readFileSync(SCENARIO, 'utf8')) as Scenario & { core: Record<string, unknown> };
    emu = await startEmulator({ port: 0, token: 'supervisor-token', scenario: { ...demo, core: { ...demo.core, tokens: [{ token: ADMIN, admin: true }] } } });
    ha = new HomeAssistantTransport({ baseUrl: emu.url, token: ADMIN });
    http = new HomeAssistantBackupHttp({ baseUrl: emu.url, token: ADMIN });
    client = new SupervisorWithAgentsClient({
      supervisor: new SupervisorClient(ha),
      homeAssistant: () => Promise.resolve(ha),
      http: () => http,
      warn: (m) => warnings.push(m),
    });
  });
  after(async () => {
    await ha.close();
    await http.close();
    await emu.close();
  });

  void it('adds the cloud copies to the Supervisor’s backups as a location named by agent id', async () => {
    const { backups } = await client.listBackups();
    assert.equal(backups.length, 12, 'the same backups as the Supervisor lists');
    const latest = backups.find((b) => b.name === 'Automatic backup 2026.11.2')!;
    assert.deepEqual(latest.locations, [null, 'nas_backups', 'cloud.cloud']);
    assert.equal(latest.location_attributes?.['cloud.cloud']?.protected, true);
    assert.equal(backups.filter((b) => b.locations.includes('cloud.cloud')).length, 2);
    assert.deepEqual(client.status?.agentErrors, {});
    assert.ok(client.status?.agents.some((a) => a.agentId === 'cloud.cloud' && a.name === 'Home Assistant Cloud'));
    const mounts = (await client.mounts()).mounts.map((m) => [m.name, m.type, m.state]);
    assert.deepEqual(mounts.at(-1), ['cloud.cloud', 'agent', 'active']);
    assert.deepEqual(warnings, []);
  });

  void it('downloads the cloud copy through Home Assistant, the others from the Supervisor', async () => {
    const { backups } = await client.listBackups();
    const latest = backups.find((b) => b.name === 'Automatic backup 2026.11.2')!;
    const cloud = await readAll((await client.download(latest.slug, { location: 'cloud.cloud' })).body);
    assert.equal(cloud.length, latest.location_attributes?.['cloud.cloud']?.size_bytes);
    const local = await readAll((await client.download(latest.slug, { location: null })).body);
    assert.equal(local.length, latest.location_attributes?.['.local']?.size_bytes);
  });

  void it('refuses what the Supervisor cannot do with an agent’s copy, naming the agent', async () => {
    const { backups } = await client.listBackups();
    const latest = backups.find((b) => b.name === 'Automatic backup 2026.11.2')!;
    await assert.rejects(client.startFullRestore(latest.slug, { location: 'cloud.cloud' }), /Restoring from Home Assistant Cloud is not supported/);
    await assert.rejects(client.startFullBackup({ location: [null, 'cloud.cloud'] }), /Home Assistant copies it to Home Assistant Cloud/);
    await assert.rejects(client.deleteBackup(latest.slug, { location: ['nas_backups'] }), /Home Assistant deletes such a backup from every location at once/);
  });

  void it('deletes a backup with a cloud copy from every agent, through Home Assistant', async () => {
    const { backups } = await client.listBackups();
    const older = backups.find((b) => b.name === 'Automatic backup 2026.11.1')!;
    assert.ok(older.locations.includes('cloud.cloud'));
    assert.equal(await client.deleteBackup(older.slug), 'deleted');
    const after = await client.listBackups();
    assert.ok(!after.backups.some((b) => b.slug === older.slug), 'gone from the Supervisor and the cloud');
  });

  void it('shows the Supervisor’s list alone, with a warning, when Home Assistant’s backup manager cannot be asked', async () => {
    const broken = new SupervisorWithAgentsClient({
      supervisor: new SupervisorClient(ha),
      homeAssistant: () => Promise.reject(new Error('backup/info: unknown_command')),
      http: () => http,
      warn: (m) => warnings.push(m),
    });
    const { backups } = await broken.listBackups();
    assert.ok(backups.length > 0);
    assert.ok(!backups.some((b) => b.locations.includes('cloud.cloud')));
    assert.equal(broken.status, undefined);
    assert.match(warnings.at(-1) ?? '', /only the Supervisor's locations are shown \(backup\/info: unknown_command\)/);
  });

  void it('warns once while Home Assistant’s backup manager cannot be asked, again after it worked in between', async () => {
    const seen: string[] = [];
    let failing = true;
    const flaky = new SupervisorWithAgentsClient({
      supervisor: new SupervisorClient(ha),
      homeAssistant: () => (failing ? Promise.reject(new Error('Invalid access')) : Promise.resolve(ha)),
      http: () => http,
      warn: (m) => seen.push(m),
    });
    await flaky.listBackups();
    await flaky.listBackups();
    await flaky.listBackups();
    assert.equal(seen.length, 1, 'one warning for three failed lists');
    assert.match(seen[0] ?? '', /\(Invalid access\)/);
    failing = false;
    await flaky.listBackups();
    assert.ok(flaky.status, 'listed by Home Assistant');
    assert.equal(seen.length, 1);
    failing = true;
    await flaky.listBackups();
    await flaky.listBackups();
    assert.equal(seen.length, 2, 'warned again after it had worked');
  });
});

void describe('SupervisorWithAgentsClient inside the add-on, through the Supervisor’s proxies to Home Assistant', () => {
  /** The add-on's SUPERVISOR_TOKEN: the emulator's own token is an add-on's with homeassistant_api. */
  const ADDON = 'addon-supervisor-token';
  let emu: RunningEmulator;
  let transport: HttpTransport;
  let ha: AddonHomeAssistantConnection;
  let http: HomeAssistantBackupHttp;
  let client: SupervisorWithAgentsClient;
  const warnings: string[] = [];

  before(async () => {
    emu = await startEmulator({ port: 0, token: ADDON, scenario: SCENARIO });
    transport = new HttpTransport({ baseUrl: emu.url, token: ADDON });
    ha = new AddonHomeAssistantConnection({ supervisorUrl: emu.url, token: ADDON });
    http = new HomeAssistantBackupHttp({ baseUrl: `${emu.url}/core`, token: ADDON });
    client = new SupervisorWithAgentsClient({
      supervisor: new SupervisorClient(transport),
      homeAssistant: () => Promise.resolve(ha),
      http: () => http,
      warn: (m) => warnings.push(m),
    });
  });
  after(async () => {
    await ha.close();
    await http.close();
    await transport.close();
    await emu.close();
  });

  void it('lists the cloud copies and downloads one through /core/api', async () => {
    const { backups } = await client.listBackups();
    assert.deepEqual(warnings, []);
    const onCloud = backups.filter((b) => b.locations.includes('cloud.cloud'));
    assert.equal(onCloud.length, 2);
    const latest = backups.find((b) => b.name === 'Automatic backup 2026.11.2')!;
    assert.deepEqual(latest.locations, [null, 'nas_backups', 'cloud.cloud']);
    assert.ok(client.status?.agents.some((a) => a.agentId === 'cloud.cloud' && a.name === 'Home Assistant Cloud'));
    const download = await client.download(latest.slug, { location: 'cloud.cloud' });
    const cloud = await readAll(download.body);
    assert.equal(cloud.length, latest.location_attributes?.['cloud.cloud']?.size_bytes);
    // The Supervisor's proxy reads Core's answer whole and sends it with its length.
    assert.equal(download.headers['content-length'], String(cloud.length));
  });
});
