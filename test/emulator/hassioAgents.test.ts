// Core's backup manager on the Supervisor install (home-assistant/core homeassistant/components/hassio/backup.py):
// the hassio agents over the emulated Supervisor next to a cloud agent, backup/info mapped from the Supervisor's
// backups, generate as one Supervisor partial backup, delete across agents, restore, download and upload.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Scenario } from '../../src/emulator/scenario';
import { ADMIN, info, KEY, login, Subscriber } from './coreHelpers';
import type { Backup } from './coreHelpers';
import { decryptSecureTarV2, FAST_SCENARIO, readTar, REPO_ROOT, startTestEmulator } from './helpers';
import type { TestEmulator } from './helpers';

const INSTANCE = '9f1c2e4b7a8d4e0f9b6c3a2d1e0f4b5c';

const HASSIO_SCENARIO: Scenario = {
  ...FAST_SCENARIO,
  homeassistantVersion: '2026.11.2',
  mounts: [
    { name: 'NAS_mro', type: 'cifs', usage: 'backup', server: 'nas.local', share: 'backups', state: 'active' },
    { name: 'offsite', type: 'nfs', usage: 'backup', server: 'backup.example.net', path: '/export/ha', state: 'failed' },
    { name: 'nas_media', type: 'cifs', usage: 'media', server: 'nas.local', share: 'media', state: 'active' },
  ],
  backups: [
    { name: 'Seeded full', date: '2026-11-20T03:00:00.104512+01:00', type: 'full', payloadBytes: 3000 },
    { name: 'Seeded partial', date: '2026-10-15T21:30:12.345678+02:00', type: 'partial', addons: ['core_mosquitto'], folders: ['share'], locations: [null, 'NAS_mro'] },
    {
      name: 'Seeded protected',
      date: '2026-09-01T03:00:00.111111+02:00',
      type: 'full',
      password: 'secret',
      payloadBytes: 2000,
      extra: { instance_id: INSTANCE, with_automatic_settings: true, 'supervisor.backup_request_date': '2026-09-01T03:00:00.000042+02:00' },
    },
  ],
  core: {
    tokens: [{ token: ADMIN, admin: true }],
    instanceId: INSTANCE,
    agents: [{ agent_id: 'cloud.cloud', name: 'Home Assistant Cloud' }],
    supervisorBackupCopies: [{ backup: 'Seeded protected', agents: ['cloud.cloud'] }],
  },
};

type SupervisorBackup = { slug: string; name: string; location_attributes: Record<string, { protected: boolean; size_bytes: number }> };

void describe('Supervisor install: Core backup manager with hassio agents', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator(HASSIO_SCENARIO);
  });
  after(() => emu.close());
  afterEach(async () => {
    await emu.control('POST', '/_emulator/core/backup/agents/cloud.cloud', { unreachable: false, delayMs: 0 });
  });

  const supervisorBackups = async (): Promise<SupervisorBackup[]> => {
    const res = await emu.call('GET', '/backups');
    assert.equal(res.status, 200, res.text);
    return (res.json.data as { backups: SupervisorBackup[] }).backups;
  };
  const byName = <T extends { name: string }>(list: T[], name: string): T => {
    const found = list.find((b) => b.name === name);
    assert.ok(found, `${name} in ${list.map((b) => b.name).join(', ')}`);
    return found;
  };
  const agentId = (location: string): string => `hassio.${location === '.local' ? 'local' : location}`;

  void it('has hassio.local and one agent per backup mount (case kept, down or not), the cloud agent, no backup.local', async () => {
    const client = await login(emu.url);
    assert.deepEqual((await client.command({ type: 'backup/agents/info' })).result, {
      agents: [
        { agent_id: 'hassio.local', name: 'local' },
        { agent_id: 'hassio.NAS_mro', name: 'NAS_mro' },
        { agent_id: 'hassio.offsite', name: 'offsite' },
        { agent_id: 'cloud.cloud', name: 'Home Assistant Cloud' },
      ],
    });
    const config = (await client.command({ type: 'get_config' })).result as { components: string[] };
    assert.ok(config.components.includes('hassio') && config.components.includes('backup') && config.components.includes('cloud'));
    client.ws.close();
  });

  void it('lists the Supervisor backups with one copy per location_attributes entry, merged with the cloud copies', async () => {
    const client = await login(emu.url);
    const result = await info(client);
    // A failed mount is not an error: the Supervisor just lists no copies there.
    assert.deepEqual(result.agent_errors, {});
    const sup = await supervisorBackups();
    for (const s of sup) {
      const b = byName(result.backups, s.name);
      assert.equal(b.backup_id, s.slug);
      const expected = Object.fromEntries(Object.entries(s.location_attributes).map(([loc, a]) => [agentId(loc), { protected: a.protected, size: a.size_bytes }]));
      const hassioCopies = Object.fromEntries(Object.entries(b.agents).filter(([id]) => id.startsWith('hassio.')));
      assert.deepEqual(hassioCopies, expected, s.name);
    }
    const partial = byName(result.backups, 'Seeded partial');
    assert.deepEqual(partial.addons, [{ name: 'Mosquitto broker', slug: 'core_mosquitto', version: (partial.addons as { version: string }[])[0]?.version }]);
    assert.deepEqual(partial.folders, ['share']);
    assert.equal(partial.homeassistant_included, false);
    assert.equal(partial.database_included, false);
    assert.equal(partial.with_automatic_settings, null);

    const both = byName(result.backups, 'Seeded protected');
    assert.deepEqual(Object.keys(both.agents), ['hassio.local', 'cloud.cloud']);
    assert.equal(both.agents['cloud.cloud']?.protected, true);
    assert.equal(both.agents['hassio.local']?.protected, true);
    assert.equal(both.date, '2026-09-01T03:00:00.000042+02:00');
    assert.equal(both.with_automatic_settings, true);
    assert.equal(both.database_included, true);
    const details = (await client.command({ type: 'backup/details', backup_id: both.backup_id })).result;
    assert.deepEqual(details, { agent_errors: {}, backup: both });
    client.ws.close();
  });

  void it('generate: one Supervisor partial backup whose job id is the answer, then a copy on the cloud agent', async () => {
    const sub = await Subscriber.open(emu.url);
    const client = await login(emu.url);
    const answer = await client.command({ type: 'backup/generate', agent_ids: ['hassio.local', 'cloud.cloud'], name: 'From Core', password: KEY });
    assert.equal(answer.success, true, JSON.stringify(answer.error));
    const jobId = (answer.result as { backup_job_id: string }).backup_job_id;
    assert.match(jobId, /^[0-9a-f]{32}$/);
    const job = await emu.waitForJob(jobId);
    assert.equal(job.name, 'backup_manager_partial_backup');
    assert.deepEqual(job.errors, []);
    const events = await sub.untilIdle();
    const stages = events.filter((e) => e.state === 'in_progress').map((e) => e.stage);
    assert.ok(stages.includes('home_assistant') && stages.includes('upload_to_agents'), JSON.stringify(stages));
    assert.ok(!stages.includes('supervisor_config'));
    assert.deepEqual(events.at(-2), { manager_state: 'create_backup', reason: null, stage: null, state: 'completed' });

    const slug = job.reference as string;
    assert.notEqual(slug, jobId);
    const made = byName(await supervisorBackups(), 'From Core');
    assert.equal(made.slug, slug);
    assert.deepEqual(Object.keys(made.location_attributes), ['.local']);
    const details = (await emu.call('GET', `/backups/${slug}/info`)).json.data as Record<string, unknown>;
    const extra = details.extra as Record<string, unknown>;
    assert.equal(extra.instance_id, INSTANCE);
    assert.equal(extra.with_automatic_settings, false);
    assert.match(String(extra['supervisor.backup_request_date']), /^\d{4}-\d{2}-\d{2}T/);
    assert.deepEqual(details.folders, ['ssl']);
    assert.equal(details.protected, true);
    assert.equal(details.homeassistant_exclude_database, false);

    const listed = byName((await info(client)).backups, 'From Core');
    assert.deepEqual(Object.keys(listed.agents), ['hassio.local', 'cloud.cloud']);
    assert.equal(listed.agents['cloud.cloud']?.size, made.location_attributes['.local']?.size_bytes);
    assert.equal(listed.with_automatic_settings, false);
    assert.equal(listed.date, extra['supervisor.backup_request_date']);
    assert.deepEqual(listed.failed_agent_ids, []);
    sub.close();
    client.ws.close();
  });

  void it('generate to the cloud agent only goes through .cloud_backup, which is removed afterwards', async () => {
    const sub = await Subscriber.open(emu.url);
    const client = await login(emu.url);
    const answer = await client.command({ type: 'backup/generate', agent_ids: ['cloud.cloud'], name: 'Cloud only', password: KEY });
    assert.equal(answer.success, true, JSON.stringify(answer.error));
    await sub.untilIdle();
    assert.ok(!(await supervisorBackups()).some((b) => b.name === 'Cloud only'));
    const listed = byName((await info(client)).backups, 'Cloud only');
    assert.deepEqual(Object.keys(listed.agents), ['cloud.cloud']);
    assert.deepEqual(listed.folders, ['ssl']);
    sub.close();
    client.ws.close();
  });

  void it('refuses a database without Home Assistant, and fails early on a mount that is down', async () => {
    const client = await login(emu.url);
    const noHa = await client.command({ type: 'backup/generate', agent_ids: ['hassio.local'], include_homeassistant: false });
    assert.deepEqual(noHa.error, { code: 'home_assistant_error', message: 'Cannot create a backup with database but without Home Assistant' });
    const down = await client.command({ type: 'backup/generate', agent_ids: ['hassio.offsite'] });
    assert.deepEqual(down.error, { code: 'home_assistant_error', message: "Error creating backup: Backup mount 'offsite' is down" });
    client.ws.close();
  });

  void it('downloads a hassio.local copy with the Supervisor bytes', async () => {
    const slug = byName(await supervisorBackups(), 'Seeded full').slug;
    const core = await fetch(`${emu.url}/api/backup/download/${slug}?agent_id=hassio.local`, { headers: { Authorization: `Bearer ${ADMIN}` } });
    assert.equal(core.status, 200);
    assert.equal(core.headers.get('content-disposition'), 'attachment; filename=seeded_full.tar');
    const supervisor = await emu.call('GET', `/backups/${slug}/download`);
    assert.equal(supervisor.status, 200);
    const coreBytes = Buffer.from(await core.arrayBuffer());
    const supBytes = Buffer.from(await (await fetch(`${emu.url}/backups/${slug}/download`, { headers: { Authorization: 'Bearer test-manager-token' } })).arrayBuffer());
    assert.ok(coreBytes.length > 0);
    assert.ok(coreBytes.equals(supBytes));
    const missing = await fetch(`${emu.url}/api/backup/download/${slug}?agent_id=hassio.NAS_mro`, { headers: { Authorization: `Bearer ${ADMIN}` } });
    assert.equal(missing.status, 404);
  });

  void it('decrypts every inner archive of a Supervisor backup on a download with the password', async () => {
    const slug = byName(await supervisorBackups(), 'Seeded protected').slug;
    const auth = { headers: { Authorization: `Bearer ${ADMIN}` } };
    const original = await readTar(
      Buffer.from(await (await fetch(`${emu.url}/backups/${slug}/download`, { headers: { Authorization: 'Bearer test-manager-token' } })).arrayBuffer()),
    );
    const res = await fetch(`${emu.url}/api/backup/download/${slug}?agent_id=hassio.local&password=secret`, auth);
    assert.equal(res.status, 200);
    const plain = await readTar(Buffer.from(await res.arrayBuffer()));
    assert.deepEqual(
      plain.map((m) => m.name),
      original.map((m) => m.name),
    );
    const encrypted = original.filter((m) => m.name.endsWith('.tar.gz'));
    assert.ok(encrypted.length >= 2, JSON.stringify(original.map((m) => m.name)));
    for (const m of encrypted) {
      const got = plain.find((p) => p.name === m.name)?.data;
      assert.ok(got?.equals(decryptSecureTarV2(m.data, 'secret')), m.name);
    }
    const json = JSON.parse(plain.find((m) => m.name.endsWith('backup.json'))?.data.toString('utf8') ?? '{}') as { protected: boolean; slug: string };
    assert.equal(json.protected, false);
    assert.equal(json.slug, slug);
    const wrong = await fetch(`${emu.url}/api/backup/download/${slug}?agent_id=hassio.local&password=nope`, auth);
    assert.equal(wrong.status, 200);
    await assert.rejects(wrong.arrayBuffer());
  });

  void it('uploads into the Supervisor location of a hassio agent and onto the cloud agent', async () => {
    const source = byName(await supervisorBackups(), 'Seeded full');
    const bytes = Buffer.from(await (await fetch(`${emu.url}/backups/${source.slug}/download`, { headers: { Authorization: 'Bearer test-manager-token' } })).arrayBuffer());
    const form = new FormData();
    form.append('file', new Blob([bytes]), 'backup.tar');
    const res = await fetch(`${emu.url}/api/backup/upload?agent_id=hassio.NAS_mro&agent_id=cloud.cloud`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN}` },
      body: form,
    });
    assert.equal(res.status, 201, await res.clone().text());
    assert.deepEqual(await res.json(), { backup_id: source.slug });
    const after = byName(await supervisorBackups(), 'Seeded full');
    assert.deepEqual(Object.keys(after.location_attributes).sort(), ['.local', 'NAS_mro']);
    // The Supervisor's upload without a filename: `<slug>.tar` (hassio/backup.py async_receive_backup).
    const files = ((await emu.control('GET', '/_emulator/state')).json as unknown as { files: Record<string, Record<string, string>> }).files;
    assert.equal(files[source.slug]?.NAS_mro, `mounts/NAS_mro/${source.slug}.tar`);
    const client = await login(emu.url);
    const listed = byName((await info(client)).backups, 'Seeded full');
    // Not protected: the cloud agent refuses it (cloud/backup.py), and Core remembers the failed agent.
    assert.deepEqual(Object.keys(listed.agents), ['hassio.local', 'hassio.NAS_mro']);
    assert.deepEqual(listed.failed_agent_ids, ['cloud.cloud']);
    client.ws.close();
  });

  void it('restores through the Supervisor with the location, and maps a wrong password to password_incorrect', async () => {
    const client = await login(emu.url);
    const slug = byName(await supervisorBackups(), 'Seeded protected').slug;
    const wrong = await client.command({ type: 'backup/restore', backup_id: slug, agent_id: 'hassio.local', password: 'nope' });
    assert.deepEqual(wrong.error, { code: 'password_incorrect', message: 'Incorrect password' });
    const mismatch = await client.command({ type: 'backup/restore', backup_id: slug, agent_id: 'hassio.local', password: 'secret', restore_database: false });
    assert.deepEqual(mismatch.error, { code: 'home_assistant_error', message: 'Restore database must match backup' });
    const sub = await Subscriber.open(emu.url);
    const ok = await client.command({ type: 'backup/restore', backup_id: slug, agent_id: 'cloud.cloud', password: 'secret', restore_folders: ['share'] });
    assert.equal(ok.success, true, JSON.stringify(ok.error));
    assert.equal(ok.result, null);
    const events = await sub.untilIdle();
    assert.deepEqual(events.at(-2), { manager_state: 'restore_backup', reason: null, stage: null, state: 'completed' });
    const jobs = ((await emu.call('GET', '/jobs/info')).json.data as { jobs: { name: string; reference: string | null }[] }).jobs;
    assert.ok(jobs.some((j) => j.name === 'backup_manager_partial_restore' && j.reference === slug));
    // The copy on the cloud agent went to the Supervisor's `.cloud_backup` first (the Supervisor cleans it up later).
    assert.deepEqual(Object.keys(byName(await supervisorBackups(), 'Seeded protected').location_attributes), ['.local', '.cloud_backup']);
    sub.close();
    client.ws.close();
  });

  void it('deletes from every agent; an unreachable cloud agent keeps its copy and is reported', async () => {
    const client = await login(emu.url);
    const slug = byName(await supervisorBackups(), 'Seeded protected').slug;
    await emu.control('POST', '/_emulator/core/backup/agents/cloud.cloud', { unreachable: true });
    const answer = await client.command({ type: 'backup/delete', backup_id: slug });
    assert.deepEqual(answer.result ?? answer.error, { agent_errors: { 'cloud.cloud': 'The backup agent is unreachable.' } });
    // What is left in the Supervisor is the copy the restore from the cloud agent put into `.cloud_backup`.
    assert.deepEqual(Object.keys(byName(await supervisorBackups(), 'Seeded protected').location_attributes), ['.cloud_backup']);
    await emu.control('POST', '/_emulator/core/backup/agents/cloud.cloud', { unreachable: false });
    const left = byName((await info(client)).backups, 'Seeded protected');
    assert.deepEqual(Object.keys(left.agents), ['cloud.cloud']);
    assert.deepEqual((await client.command({ type: 'backup/delete', backup_id: slug })).result, { agent_errors: {} });
    assert.ok(!(await info(client)).backups.some((b: Backup) => b.backup_id === slug));
    client.ws.close();
  });
});

void describe('Supervisor install: the demo scenario', () => {
  let emu: TestEmulator;
  before(async () => {
    const demo = JSON.parse(readFileSync(path.join(REPO_ROOT, 'scenarios/demo.json'), 'utf8')) as Scenario & { core: Record<string, unknown> };
    emu = await startTestEmulator({ ...demo, core: { ...demo.core, tokens: [{ token: ADMIN, admin: true }] } });
  });
  after(() => emu.close());

  void it('has backups on hassio.local, the NAS mount and the cloud agent; the Supervisor sees only its own locations', async () => {
    const client = await login(emu.url);
    const result = await info(client);
    assert.deepEqual(result.agent_errors, {});
    const latest = result.backups.find((b) => b.name === 'Automatic backup 2026.11.2');
    assert.ok(latest);
    assert.deepEqual(Object.keys(latest.agents), ['hassio.local', 'hassio.nas_backups', 'cloud.cloud']);
    assert.equal(latest.agents['cloud.cloud']?.protected, true);
    assert.equal(latest.with_automatic_settings, true);
    assert.equal(result.backups.filter((b) => 'cloud.cloud' in b.agents).length, 2);
    const res = await emu.call('GET', '/backups');
    const sup = (res.json.data as { backups: { name: string; location_attributes: Record<string, unknown> }[] }).backups;
    assert.equal(sup.length, 12);
    assert.deepEqual(Object.keys(sup.find((b) => b.name === 'Automatic backup 2026.11.2')?.location_attributes ?? {}), ['.local', 'nas_backups']);
    client.ws.close();
  });
});

void describe('Supervisor install: core.supervisorBackupCopies', () => {
  void it('names a backup of the scenario and agents of core.agents', async () => {
    const core = { agents: [{ agent_id: 'cloud.cloud', name: 'Home Assistant Cloud' }] };
    await assert.rejects(
      startTestEmulator({ ...FAST_SCENARIO, core: { ...core, supervisorBackupCopies: [{ backup: 'No such backup', agents: ['cloud.cloud'] }] } }),
      /No such backup is not the name or slug/,
    );
    await assert.rejects(
      startTestEmulator({ ...FAST_SCENARIO, core: { ...core, supervisorBackupCopies: [{ backup: 'Seeded full', agents: ['hassio.local'] }] } }),
      /agent hassio.local is not one of core.agents/,
    );
  });
});
