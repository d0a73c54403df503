// `backup/config/update` on the emulated Home Assistant (Core's backup/websocket.py handle_config_update
// and backup/config.py BackupConfig.update): what changes, what stays, voluptuous's invalid_format
// messages, the admin check, per-agent settings, and a Core install's add-ons and folders.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN, CORE_SCENARIO, KEY, login, startCoreEmulator, Subscriber, USER, WEBDAV } from './coreHelpers';
import { FAST_SCENARIO, startTestEmulator } from './helpers';
import type { TestEmulator } from './helpers';
import type { Client, Msg } from './wsClient';

type Config = Record<string, unknown> & {
  agents: Record<string, { protected: boolean; retention: { copies: number | null; days: number | null } | null }>;
  create_backup: Record<string, unknown>;
  retention: { copies: number | null; days: number | null };
  schedule: Record<string, unknown>;
};

async function configInfo(client: Client): Promise<Config> {
  const answer = await client.command({ type: 'backup/config/info' });
  assert.equal(answer.success, true, JSON.stringify(answer.error));
  return (answer.result as { config: Config }).config;
}

async function update(client: Client, changes: Record<string, unknown>): Promise<Msg> {
  return client.command({ type: 'backup/config/update', ...changes });
}

void describe('backup/config/update on a Supervisor install', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({
      ...FAST_SCENARIO,
      homeassistantVersion: '2026.11.2',
      core: {
        tokens: [
          { token: ADMIN, admin: true },
          { token: USER, admin: false },
        ],
        backupConfig: {
          automatic_backups_configured: true,
          agents: { 'hassio.nas_backups': { protected: false } },
          create_backup: { agent_ids: ['hassio.local'], password: KEY, include_database: true },
          retention: { copies: 3 },
        },
      },
    });
  });
  after(() => emu.close());

  const stored = async (): Promise<Config> => (await emu.control('GET', '/_emulator/core/backup/config')).json as unknown as Config;

  void it('changes exactly the schedule, retention and create_backup keys given, and config/info shows them', async () => {
    const client = await login(emu.url);
    const was = await configInfo(client);
    assert.equal(was.create_backup.password, KEY);
    const answer = await update(client, {
      schedule: { recurrence: 'custom_days', days: ['mon', 'thu'], time: '03:15' },
      retention: { copies: 7, days: null },
      create_backup: { agent_ids: ['hassio.local', 'hassio.nas_backups'], include_all_addons: true, include_folders: ['share', 'media'], name: 'Nightly' },
    });
    assert.deepEqual(answer, { id: answer.id, type: 'result', success: true, result: null });
    const now = await configInfo(client);
    assert.deepEqual(now.create_backup, {
      ...was.create_backup,
      agent_ids: ['hassio.local', 'hassio.nas_backups'],
      include_all_addons: true,
      include_folders: ['share', 'media'],
      name: 'Nightly',
    });
    assert.deepEqual(now.retention, { copies: 7, days: null });
    // cv.time reads "03:15"; the config keeps the time's isoformat. config/info leaves out schedule.state.
    assert.deepEqual(now.schedule, { days: ['mon', 'thu'], recurrence: 'custom_days', time: '03:15:00' });
    assert.deepEqual(now.agents, was.agents);
    assert.equal(now.automatic_backups_configured, true);
    // A new schedule is applied: the next slot (Mon or Thu, 03:15 in the scenario's zone).
    const next = String(now.next_automatic_backup);
    assert.match(next, /^\d{4}-\d{2}-\d{2}T03:15:00\+0[12]:00$/);
    const inMs = Date.parse(next) - Date.now();
    assert.ok(inMs > 0 && inMs <= 7 * 86_400_000, next);
    assert.ok([1, 4].includes(new Date(`${next.slice(0, 10)}T12:00:00Z`).getUTCDay()), next);
    assert.equal(now.next_automatic_backup_additional, false);
    // The store keeps the deprecated state: a new schedule's is "never".
    assert.equal((await stored()).schedule.state, 'never');
    client.ws.close();
  });

  void it('leaves omitted keys alone; retention and schedule are replaced whole, create_backup key by key', async () => {
    const client = await login(emu.url);
    const was = await stored();
    assert.equal((await update(client, { automatic_backups_configured: false })).success, true);
    assert.deepEqual(await stored(), { ...was, automatic_backups_configured: false });
    assert.equal((await update(client, { create_backup: { name: null } })).success, true);
    assert.deepEqual((await stored()).create_backup, { ...was.create_backup, name: null });
    // RetentionConfig(**retention) and BackupSchedule(**schedule): a key not given is back to its default.
    assert.equal((await update(client, { retention: { days: 14 }, schedule: { recurrence: 'daily' } })).success, true);
    const now = await stored();
    assert.deepEqual(now.retention, { copies: null, days: 14 });
    assert.deepEqual(now.schedule, { days: [], recurrence: 'daily', state: 'never', time: null });
    assert.equal((await update(client, { schedule: {} })).success, true);
    const never = await configInfo(client);
    assert.deepEqual(never.schedule, { days: [], recurrence: 'never', time: null });
    assert.equal(never.next_automatic_backup, null);
    assert.equal((await update(client, {})).success, true);
    client.ws.close();
  });

  void it('refuses retention copies 0 with invalid_format and changes nothing', async () => {
    const client = await login(emu.url);
    const was = await stored();
    const answer = await update(client, { retention: { copies: 0 }, automatic_backups_configured: true });
    assert.equal(answer.success, false);
    assert.deepEqual(answer.error, { code: 'invalid_format', message: "value must be at least 1 for dictionary value @ data['retention']['copies']. Got 0" });
    assert.deepEqual(await stored(), was);
    client.ws.close();
  });

  void it('refuses unknown keys, at the top and inside, like voluptuous', async () => {
    const client = await login(emu.url);
    const was = await stored();
    assert.deepEqual((await update(client, { sheduel: { recurrence: 'daily' } })).error, {
      code: 'invalid_format',
      message: "extra keys not allowed @ data['sheduel']. Got {'recurrence': 'daily'}",
    });
    assert.deepEqual((await update(client, { schedule: { state: 'daily' } })).error, {
      code: 'invalid_format',
      message: "extra keys not allowed @ data['schedule']['state']. Got 'daily'",
    });
    assert.deepEqual(await stored(), was);
    client.ws.close();
  });

  void it("words every error as voluptuous's humanize_error does, sorted, one per line", async () => {
    const client = await login(emu.url);
    const was = await stored();
    const check = async (changes: Record<string, unknown>, message: string): Promise<void> => {
      assert.deepEqual((await update(client, changes)).error, { code: 'invalid_format', message }, JSON.stringify(changes));
    };
    await check({ retention: { copies: '5' } }, "expected int for dictionary value @ data['retention']['copies']. Got '5'");
    await check({ retention: 3 }, "expected a dictionary for dictionary value @ data['retention']. Got 3");
    await check({ schedule: { time: '25:00' } }, "Invalid time specified: 25:00 for dictionary value @ data['schedule']['time']. Got '25:00'");
    await check(
      { schedule: { recurrence: 'weekly' } },
      "expected ScheduleRecurrence or one of 'never', 'daily', 'custom_days' for dictionary value @ data['schedule']['recurrence']. Got 'weekly'",
    );
    await check({ schedule: { days: ['mon', 'Tue'] } }, "expected Day or one of 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun' @ data['schedule']['days'][1]. Got 'Tue'");
    await check(
      { create_backup: { agent_ids: ['hassio.local', 'hassio.local'] } },
      "contains duplicate items: ['hassio.local'] for dictionary value @ data['create_backup']['agent_ids']. Got ['hassio.local', 'hassio.local']",
    );
    await check(
      { create_backup: { include_folders: ['homeassistant'] } },
      "expected Folder or one of 'share', 'addons/local', 'ssl', 'media' @ data['create_backup']['include_folders'][0]. Got 'homeassistant'",
    );
    await check({ create_backup: { agent_ids: 'hassio.local' } }, "expected a list for dictionary value @ data['create_backup']['agent_ids']. Got 'hassio.local'");
    await check({ agents: { 'hassio.local': { protected: 'yes' } } }, "expected bool for dictionary value @ data['agents']['hassio.local']['protected']. Got 'yes'");
    await check(
      { automatic_backups_configured: 1, retention: { days: -1 }, create_backup: { name: 5 } },
      [
        "expected bool for dictionary value @ data['automatic_backups_configured']. Got 1",
        "expected str for dictionary value @ data['create_backup']['name']. Got 5",
        "value must be at least 1 for dictionary value @ data['retention']['days']. Got -1",
      ].join('\n'),
    );
    assert.deepEqual(await stored(), was);
    // cv.time also takes "H:M" and "HH:MM:SS".
    assert.equal((await update(client, { schedule: { recurrence: 'daily', time: '4:5' } })).success, true);
    assert.equal((await configInfo(client)).schedule.time, '04:05:00');
    assert.equal((await update(client, { schedule: { recurrence: 'daily', time: '23:59:30' } })).success, true);
    assert.equal((await configInfo(client)).schedule.time, '23:59:30');
    client.ws.close();
    // orjson keeps 5.0 a float, and `int` refuses it.
    const raw = await login(emu.url);
    raw.send('{"id": 1, "type": "backup/config/update", "retention": {"copies": 5.0}}');
    assert.deepEqual((await raw.next()).error, { code: 'invalid_format', message: "expected int for dictionary value @ data['retention']['copies']. Got 5.0" });
    raw.ws.close();
  });

  void it('is for administrators: a valid message from another user gets unauthorized (an invalid one invalid_format first)', async () => {
    const client = await login(emu.url, USER);
    const was = await stored();
    assert.deepEqual((await update(client, { automatic_backups_configured: false })).error, { code: 'unauthorized', message: 'Unauthorized' });
    // Core checks the command's schema before the handler's require_admin.
    assert.equal((await update(client, { nope: 1 })).error?.code, 'invalid_format');
    assert.deepEqual(await stored(), was);
    client.ws.close();
  });

  void it('keeps per-agent settings: a new agent is protected, retention is set, replaced and removed', async () => {
    const client = await login(emu.url);
    assert.equal((await update(client, { agents: { 'hassio.offsite': { retention: { copies: 2 } } } })).success, true);
    let agents = (await configInfo(client)).agents;
    assert.deepEqual(agents['hassio.offsite'], { protected: true, retention: { copies: 2, days: null } });
    assert.deepEqual(agents['hassio.nas_backups'], { protected: false, retention: null });
    assert.equal((await update(client, { agents: { 'hassio.offsite': { protected: false }, 'hassio.nas_backups': { retention: { days: 30 } } } })).success, true);
    agents = (await configInfo(client)).agents;
    // "retention" not given: kept; given: replaced whole.
    assert.deepEqual(agents['hassio.offsite'], { protected: false, retention: { copies: 2, days: null } });
    assert.deepEqual(agents['hassio.nas_backups'], { protected: false, retention: { copies: null, days: 30 } });
    assert.equal((await update(client, { agents: { 'hassio.offsite': { retention: null } } })).success, true);
    assert.deepEqual((await configInfo(client)).agents['hassio.offsite'], { protected: false, retention: null });
    assert.deepEqual((await update(client, { agents: { 'hassio.offsite': { retention: { copies: 0 } } } })).error, {
      code: 'invalid_format',
      message: "value must be at least 1 for dictionary value @ data['agents']['hassio.offsite']['retention']['copies']. Got 0",
    });
    client.ws.close();
  });
});

void describe('backup/config/update on a Core install', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startCoreEmulator();
  });
  after(() => emu.close());

  void it('is what backup/generate_with_automatic_settings then uses', async () => {
    const client = await login(emu.url);
    assert.equal((await update(client, { create_backup: { agent_ids: ['backup.local', WEBDAV], name: 'Nightly', password: null } })).success, true);
    const sub = await Subscriber.open(emu.url);
    const answer = await client.command({ type: 'backup/generate_with_automatic_settings' });
    const id = (answer.result as { backup_job_id: string }).backup_job_id;
    assert.equal((await sub.untilIdle()).at(-2)?.state, 'completed');
    const details = (await client.command({ type: 'backup/details', backup_id: id })).result as { backup: { name: string; agents: Record<string, { protected: boolean }> } };
    assert.equal(details.backup.name, 'Nightly');
    assert.deepEqual(Object.keys(details.backup.agents).sort(), ['backup.local', WEBDAV]);
    assert.equal(details.backup.agents['backup.local']?.protected, false);
    sub.close();
    client.ws.close();
  });

  void it('accepts add-ons, folders and hassio agents (only a start strips them); an automatic backup then fails', async () => {
    const client = await login(emu.url);
    const changes = { agent_ids: ['hassio.local', 'backup.local'], include_all_addons: true, include_folders: ['share'] };
    assert.equal((await update(client, { create_backup: changes })).success, true);
    const stored = (await configInfo(client)).create_backup;
    assert.deepEqual([stored.agent_ids, stored.include_all_addons, stored.include_folders], [changes.agent_ids, true, ['share']]);
    const answer = await client.command({ type: 'backup/generate_with_automatic_settings' });
    assert.deepEqual(answer.error, { code: 'home_assistant_error', message: 'Addons and folders are not supported by core backup' });
    client.ws.close();
  });
});

void describe('a Core install starting with settings from a Supervisor install', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startCoreEmulator({
      ...CORE_SCENARIO,
      core: {
        ...CORE_SCENARIO.core,
        backupConfig: {
          create_backup: { agent_ids: ['hassio.local', 'hassio.nas_backups', 'cloud.cloud'], include_addons: ['core_mosquitto'], include_folders: ['share'], password: KEY },
        },
      },
    });
  });
  after(() => emu.close());

  void it('has them stripped by async_validate_config: no add-ons, folders or hassio agents; hassio.local becomes backup.local', async () => {
    const client = await login(emu.url);
    assert.deepEqual((await configInfo(client)).create_backup, {
      agent_ids: ['backup.local', 'cloud.cloud'],
      include_addons: null,
      include_all_addons: false,
      include_database: true,
      include_folders: null,
      name: null,
      password: KEY,
    });
    client.ws.close();
  });
});
