// Core's own backup manager on a Core install: the list and details, generate with its events and its
// validation, the archive Core writes, a busy manager, unreachable and slow agents, delete, automatic
// settings, can_decrypt_on_download and restore with Core's restart.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, afterEach, before, describe, it } from 'node:test';
import { info, KEY, login, startCoreEmulator, Subscriber, WEBDAV } from './coreHelpers';
import type { Backup } from './coreHelpers';
import { decryptSecureTarV2, readTar } from './helpers';
import type { TestEmulator } from './helpers';

interface CoreState {
  state: string;
  backups: Record<string, { name: string; failed_agent_ids: string[]; agents: Record<string, { protected: boolean; size: number; file: string }> }>;
  requests: Record<string, number>;
}

void describe('Core install: the backup manager', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startCoreEmulator();
  });
  after(() => emu.close());
  afterEach(async () => {
    await emu.control('POST', `/_emulator/core/backup/agents/cloud.cloud`, { unreachable: false, delayMs: 0 });
    await emu.control('POST', '/_emulator/core/settings', { stepDelayMs: 20 });
  });

  const state = async (): Promise<CoreState> => (await emu.control('GET', '/_emulator/core/backup/state')).json as unknown as CoreState;
  const byName = (backups: Backup[], name: string): Backup => {
    const b = backups.find((x) => x.name === name);
    assert.ok(b, `${name} in ${backups.map((x) => x.name).join(', ')}`);
    return b;
  };

  void it('lists the scenario backups merged over their agents, as Core sends them', async () => {
    const client = await login(emu.url);
    const result = await info(client);
    assert.deepEqual(result.agent_errors, {});
    assert.equal(result.state, 'idle');
    const automatic = byName(result.backups, 'Automatic backup 2026.11.2');
    assert.deepEqual(Object.keys(automatic), [
      'addons',
      'agents',
      'backup_id',
      'database_included',
      'date',
      'extra_metadata',
      'failed_addons',
      'failed_agent_ids',
      'failed_folders',
      'folders',
      'homeassistant_included',
      'homeassistant_version',
      'name',
      'with_automatic_settings',
    ]);
    assert.deepEqual(Object.keys(automatic.agents), ['backup.local', 'cloud.cloud']);
    assert.equal(automatic.agents['cloud.cloud']?.protected, true);
    assert.equal(automatic.with_automatic_settings, true);
    assert.match(automatic.backup_id, /^[0-9a-f]{8}$/);
    const other = byName(result.backups, 'From another instance');
    assert.deepEqual(other.agents[WEBDAV], { protected: false, size: other.agents[WEBDAV]?.size });
    assert.equal(other.with_automatic_settings, null);
    assert.equal(other.database_included, false);
    assert.equal(other.homeassistant_version, '2026.9.1');
    assert.deepEqual((await client.command({ type: 'backup/agents/info' })).result, {
      agents: [
        { agent_id: 'backup.local', name: 'local' },
        { agent_id: WEBDAV, name: 'Nextcloud' },
        { agent_id: 'cloud.cloud', name: 'Home Assistant Cloud' },
      ],
    });
    const details = (await client.command({ type: 'backup/details', backup_id: automatic.backup_id })).result;
    assert.deepEqual(details, { agent_errors: {}, backup: automatic });
    assert.deepEqual((await client.command({ type: 'backup/details', backup_id: 'nope' })).result, { agent_errors: {}, backup: null });
    assert.equal((await client.command({ type: 'backup/details' })).error?.code, 'invalid_format');
    client.ws.close();
  });

  void it('generates a backup: job id = backup id, events in order, Core archive on every agent', async () => {
    const sub = await Subscriber.open(emu.url);
    assert.deepEqual(sub.replayed, { manager_state: 'idle' });
    const client = await login(emu.url);
    const answer = await client.command({ type: 'backup/generate', agent_ids: ['backup.local', WEBDAV], name: 'Kitchen ', password: 'hunter2' });
    assert.equal(answer.success, true, JSON.stringify(answer.error));
    const jobId = (answer.result as { backup_job_id: string }).backup_job_id;
    assert.match(jobId, /^[0-9a-f]{8}$/);
    const events = await sub.untilIdle();
    // Upload progress (2026.4+): per agent, interleaved; the rest in order.
    const uploads = events.filter((e) => 'agent_id' in e);
    for (const agent of ['backup.local', WEBDAV]) {
      const mine = uploads.filter((e) => e.agent_id === agent);
      const total = mine[0]?.total_bytes as number;
      assert.ok(total >= 10240, JSON.stringify(mine));
      assert.deepEqual(mine, [
        { manager_state: 'create_backup', agent_id: agent, uploaded_bytes: 0, total_bytes: total },
        { manager_state: 'create_backup', agent_id: agent, uploaded_bytes: total, total_bytes: total },
      ]);
    }
    assert.deepEqual(
      events.filter((e) => !('agent_id' in e)),
      [
        { manager_state: 'create_backup', reason: null, stage: null, state: 'in_progress' },
        { manager_state: 'create_backup', reason: null, stage: 'home_assistant', state: 'in_progress' },
        { manager_state: 'create_backup', reason: null, stage: 'upload_to_agents', state: 'in_progress' },
        { manager_state: 'create_backup', reason: null, stage: null, state: 'completed' },
        { manager_state: 'idle' },
      ],
    );
    const backup = (await client.command({ type: 'backup/details', backup_id: jobId })).result as { backup: Backup };
    assert.equal(backup.backup.name, 'Kitchen');
    assert.deepEqual(Object.keys(backup.backup.agents), ['backup.local', WEBDAV]);
    assert.equal(backup.backup.agents['backup.local']?.protected, true);
    assert.equal(backup.backup.with_automatic_settings, false);
    assert.deepEqual(backup.backup.failed_agent_ids, []);
    const last = (await info(client)).last_action_event;
    assert.deepEqual(last, { manager_state: 'create_backup', reason: null, stage: null, state: 'completed' });

    // The archive: exactly ./backup.json and ./homeassistant.tar.gz, Core's backup.json, data/ inside.
    const files = (await state()).backups[jobId]?.agents ?? {};
    const local = files['backup.local']?.file ?? '';
    assert.match(local, /^config\/backups\/Kitchen_\d{4}-\d{2}-\d{2}_\d{2}\.\d{2}_\d{8}\.tar$/);
    const outer = await readTar(await readFile(path.join(emu.dataDir, local)));
    assert.deepEqual(
      outer.map((m) => m.name),
      ['./backup.json', './homeassistant.tar.gz'],
    );
    const json = JSON.parse(outer[0]?.data.toString() ?? '') as Record<string, unknown>;
    assert.deepEqual(Object.keys(json), ['compressed', 'date', 'extra', 'homeassistant', 'name', 'protected', 'slug', 'type', 'version']);
    assert.equal(json.slug, jobId);
    assert.equal(json.protected, true);
    assert.equal(json.type, 'partial');
    assert.deepEqual(json.homeassistant, { exclude_database: false, version: '2026.11.2' });
    assert.deepEqual(Object.keys(json.extra as object), ['instance_id', 'with_automatic_settings']);
    const inner = await readTar(gunzipSync(decryptSecureTarV2(outer[1]?.data ?? Buffer.alloc(0), 'hunter2')));
    assert.ok(inner.length > 3);
    for (const m of inner) assert.ok(m.name === 'data' || m.name.startsWith('data/'), m.name);
    assert.ok(inner.some((m) => m.name === 'data/configuration.yaml'));
    sub.close();
    client.ws.close();
  });

  void it('refuses what Core refuses, with in_progress → failed → idle events', async () => {
    const sub = await Subscriber.open(emu.url);
    const client = await login(emu.url);
    const cases: [Record<string, unknown>, string][] = [
      [{ agent_ids: ['nope.nope'] }, "At least one available backup agent must be selected, got ['nope.nope']"],
      [{ agent_ids: ['backup.local'], include_folders: ['share'] }, 'Addons and folders are not supported by core backup'],
      [{ agent_ids: ['backup.local'], include_all_addons: true }, 'Addons and folders are not supported by core backup'],
      [{ agent_ids: ['backup.local'], include_homeassistant: false }, 'Home Assistant must be included in backup'],
    ];
    for (const [params, message] of cases) {
      const answer = await client.command({ type: 'backup/generate', ...params });
      assert.deepEqual(answer.error, { code: 'home_assistant_error', message });
      assert.deepEqual(await sub.untilIdle(), [
        { manager_state: 'create_backup', reason: null, stage: null, state: 'in_progress' },
        { manager_state: 'create_backup', reason: 'backup_manager_error', stage: null, state: 'failed' },
        { manager_state: 'idle' },
      ]);
    }
    const missing = await client.command({ type: 'backup/generate' });
    assert.deepEqual(missing.error, { code: 'invalid_format', message: "required key not provided @ data['agent_ids']. Got None" });
    const extra = await client.command({ type: 'backup/generate', agent_ids: ['backup.local'], bogus: 1 });
    assert.equal(extra.error?.code, 'invalid_format');
    const folder = await client.command({ type: 'backup/generate', agent_ids: ['backup.local'], include_folders: ['homeassistant'] });
    assert.equal(folder.error?.code, 'invalid_format');
    assert.deepEqual(sub.events, []);
    sub.close();
    client.ws.close();
  });

  void it('is busy while a backup runs: generate, restore and automatic backups are refused', async () => {
    await emu.control('POST', '/_emulator/core/settings', { stepDelayMs: 400 });
    const sub = await Subscriber.open(emu.url);
    const client = await login(emu.url);
    assert.equal((await client.command({ type: 'backup/generate', agent_ids: ['backup.local'] })).success, true);
    const busy = { code: 'home_assistant_error', message: 'Backup manager busy: create_backup' };
    assert.deepEqual((await client.command({ type: 'backup/generate', agent_ids: ['backup.local'] })).error, busy);
    assert.deepEqual((await client.command({ type: 'backup/generate_with_automatic_settings' })).error, busy);
    const some = (await info(client)).backups[0];
    assert.deepEqual((await client.command({ type: 'backup/restore', backup_id: some?.backup_id, agent_id: 'backup.local' })).error, busy);
    assert.equal((await info(client)).state, 'create_backup');
    const events = await sub.untilIdle();
    assert.equal(events.at(-2)?.state, 'completed');
    sub.close();
    client.ws.close();
  });

  void it('reports an unreachable agent in info, generate and delete; its copies stay', async () => {
    await emu.control('POST', '/_emulator/core/backup/agents/cloud.cloud', { unreachable: true });
    const client = await login(emu.url);
    const listed = await info(client);
    assert.deepEqual(listed.agent_errors, { 'cloud.cloud': 'The backup agent is unreachable.' });
    const automatic = byName(listed.backups, 'Automatic backup 2026.11.2');
    assert.deepEqual(Object.keys(automatic.agents), ['backup.local']);
    const details = (await client.command({ type: 'backup/details', backup_id: automatic.backup_id })).result as { agent_errors: Record<string, string> };
    assert.deepEqual(details.agent_errors, { 'cloud.cloud': 'The backup agent is unreachable.' });

    const sub = await Subscriber.open(emu.url);
    const started = await client.command({ type: 'backup/generate', agent_ids: ['backup.local', 'cloud.cloud'], password: KEY, name: 'Half' });
    const id = (started.result as { backup_job_id: string }).backup_job_id;
    const events = await sub.untilIdle();
    assert.deepEqual(events.at(-2), { manager_state: 'create_backup', reason: 'upload_failed', stage: null, state: 'failed' });
    const half = (await client.command({ type: 'backup/details', backup_id: id })).result as { backup: Backup };
    assert.deepEqual(Object.keys(half.backup.agents), ['backup.local']);
    assert.deepEqual(half.backup.failed_agent_ids, ['cloud.cloud']);

    const deleted = await client.command({ type: 'backup/delete', backup_id: automatic.backup_id });
    assert.deepEqual(deleted.result, { agent_errors: { 'cloud.cloud': 'The backup agent is unreachable.' } });
    const left = (await state()).backups[automatic.backup_id];
    assert.deepEqual(Object.keys(left?.agents ?? {}), ['cloud.cloud']);
    await emu.control('POST', '/_emulator/core/backup/agents/cloud.cloud', { unreachable: false });
    assert.deepEqual((await client.command({ type: 'backup/delete', backup_id: automatic.backup_id })).result, { agent_errors: {} });
    assert.equal((await state()).backups[automatic.backup_id], undefined);
    sub.close();
    client.ws.close();
  });

  void it('waits for a slow agent', async () => {
    await emu.control('POST', '/_emulator/core/backup/agents/cloud.cloud', { delayMs: 300 });
    const client = await login(emu.url);
    const t0 = Date.now();
    await info(client);
    assert.ok(Date.now() - t0 >= 280);
    client.ws.close();
  });

  void it('generates with the automatic settings and stamps last_attempted/last_completed', async () => {
    const sub = await Subscriber.open(emu.url);
    const client = await login(emu.url);
    const answer = await client.command({ type: 'backup/generate_with_automatic_settings' });
    const id = (answer.result as { backup_job_id: string }).backup_job_id;
    assert.equal((await sub.untilIdle()).at(-2)?.state, 'completed');
    const result = await info(client);
    const backup = result.backups.find((b) => b.backup_id === id);
    assert.ok(backup);
    assert.match(backup.name, /^Automatic backup 2026\.11\.2$/);
    assert.equal(backup.with_automatic_settings, true);
    assert.deepEqual(backup.agents['cloud.cloud']?.protected, true);
    assert.equal(result.last_completed_automatic_backup_id, id);
    assert.match(String(result.last_attempted_automatic_backup), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}[+-]\d{2}:\d{2}$/);
    assert.ok(String(result.last_completed_automatic_backup) >= String(result.last_attempted_automatic_backup));
    const config = (await client.command({ type: 'backup/config/info' })).result as { config: Record<string, unknown> };
    assert.equal(config.config.last_completed_automatic_backup_id, id);
    sub.close();
    client.ws.close();
  });

  void it('refuses an unprotected copy on Home Assistant Cloud', async () => {
    const sub = await Subscriber.open(emu.url);
    const client = await login(emu.url);
    const answer = await client.command({ type: 'backup/generate', agent_ids: ['backup.local', 'cloud.cloud'], name: 'Plain' });
    const id = (answer.result as { backup_job_id: string }).backup_job_id;
    await sub.untilIdle();
    const b = (await client.command({ type: 'backup/details', backup_id: id })).result as { backup: Backup };
    assert.deepEqual(b.backup.failed_agent_ids, ['cloud.cloud']);
    sub.close();
    client.ws.close();
  });

  void it('answers can_decrypt_on_download', async () => {
    const client = await login(emu.url);
    const automatic = byName((await info(client)).backups, 'Before the kitchen');
    const protectedOne = (await info(client)).backups.find((b) => b.agents['backup.local']?.protected === true);
    assert.ok(protectedOne);
    const ask = (backup_id: string, password: string, agent_id = 'backup.local') => client.command({ type: 'backup/can_decrypt_on_download', backup_id, agent_id, password });
    assert.equal((await ask(protectedOne.backup_id, protectedOne.name === 'Kitchen' ? 'hunter2' : KEY)).success, true);
    assert.deepEqual((await ask(protectedOne.backup_id, 'wrong')).error, { code: 'password_incorrect', message: 'Incorrect password' });
    assert.deepEqual((await ask('nope', 'x')).error, { code: 'backup_not_found', message: 'Backup not found' });
    assert.equal((await ask(automatic.backup_id, 'anything')).success, true);
    client.ws.close();
  });

  void it('restores: wrong password refused before the restart; a good one restarts Core and writes the config', async () => {
    const client = await login(emu.url);
    const target = byName((await info(client)).backups, 'Automatic backup 2026.11.2');
    const sub = await Subscriber.open(emu.url);
    const wrong = await client.command({ type: 'backup/restore', backup_id: target.backup_id, agent_id: 'cloud.cloud', password: 'wrong' });
    assert.deepEqual(wrong.error, { code: 'password_incorrect', message: 'Incorrect password' });
    assert.deepEqual(await sub.untilIdle(), [
      { manager_state: 'restore_backup', reason: null, stage: null, state: 'in_progress' },
      { manager_state: 'restore_backup', reason: 'password_incorrect', stage: null, state: 'failed' },
      { manager_state: 'idle' },
    ]);
    const missing = await client.command({ type: 'backup/restore', backup_id: 'nope', agent_id: 'backup.local' });
    assert.deepEqual(missing.error, { code: 'backup_not_found', message: 'Backup not found' });
    await sub.untilIdle();
    const addons = await client.command({ type: 'backup/restore', backup_id: target.backup_id, agent_id: 'cloud.cloud', password: KEY, restore_folders: ['share'] });
    assert.deepEqual(addons.error, { code: 'home_assistant_error', message: 'Addons and folders are not supported in core restore' });
    await sub.untilIdle();

    const ok = await client.command({ type: 'backup/restore', backup_id: target.backup_id, agent_id: 'cloud.cloud', password: KEY });
    assert.deepEqual(ok, { id: ok.id, type: 'result', success: true, result: null });
    assert.equal(await client.closed(), 1001);
    assert.equal(await sub.client.closed(), 1001);
    assert.deepEqual(sub.events, [
      { manager_state: 'restore_backup', reason: null, stage: null, state: 'in_progress' },
      { manager_state: 'restore_backup', reason: null, stage: null, state: 'core_restart' },
    ]);
    // Core comes back; the restore is done.
    let again;
    for (let i = 0; i < 100 && !again; i++) {
      again = await login(emu.url).catch(() => undefined);
      if (!again) await new Promise((r) => setTimeout(r, 30));
    }
    assert.ok(again, 'Core is back');
    let result = await info(again);
    for (let i = 0; i < 50 && result.state !== 'idle'; i++) {
      await new Promise((r) => setTimeout(r, 30));
      result = await info(again);
    }
    assert.equal(result.state, 'idle');
    assert.deepEqual(result.last_action_event, { manager_state: 'restore_backup', reason: null, stage: null, state: 'completed' });
    const configDir = path.join(emu.dataDir, 'config');
    assert.match(await readFile(path.join(configDir, 'configuration.yaml'), 'utf8'), /default_config:/);
    assert.equal(existsSync(path.join(configDir, '.HA_RESTORE')), false);
    assert.ok((await state()).requests['backup/restore']! >= 4);
    again.ws.close();
  });
});

void describe('Core install: the scenario file', () => {
  void it('scenarios/core.json starts with its three agents and backups', async () => {
    const emu = await startCoreEmulator(path.join(__dirname, '../../scenarios/core.json'));
    try {
      const client = await login(emu.url, 'dev-core-admin-token');
      const agents = (await client.command({ type: 'backup/agents/info' })).result as { agents: { agent_id: string }[] };
      assert.deepEqual(
        agents.agents.map((a) => a.agent_id),
        ['backup.local', WEBDAV, 'cloud.cloud'],
      );
      assert.ok((await info(client)).backups.length >= 3);
      client.ws.close();
    } finally {
      await emu.close();
    }
  });
});
