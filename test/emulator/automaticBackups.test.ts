// Home Assistant's automatic backups on schedule (home-assistant/core backup/config.py BackupSchedule) and
// its retention of them (delete_backups_exceeding_configured_count, RetentionConfig's daily deletion by
// days, BackupManager.async_delete_filtered_backups): the emulated clock is moved past the next slot.
import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import type { Scenario } from '../../src/emulator/scenario';
import { CORE_SCENARIO, info, KEY, login, startCoreEmulator, Subscriber, WEBDAV } from './coreHelpers';
import type { Backup } from './coreHelpers';
import { FAST_SCENARIO, startTestEmulator } from './helpers';
import type { TestEmulator } from './helpers';
import type { Client } from './wsClient';

const TZ = 'Europe/Amsterdam';
const DAY = 86_400_000;

type Config = Record<string, unknown> & { next_automatic_backup: string | null; next_automatic_backup_additional: boolean };

/** A Core install with one old manual backup of this instance besides CORE_SCENARIO's. */
const SCENARIO: Scenario = {
  ...CORE_SCENARIO,
  timeZone: TZ,
  core: {
    ...CORE_SCENARIO.core,
    backups: [
      ...(CORE_SCENARIO.core?.backups ?? []),
      { name: 'Manual, made here', date: '2026-11-01T10:00:00.000001+01:00', agents: ['backup.local', 'cloud.cloud'], password: KEY, automatic: false, payloadBytes: 500 },
    ],
  },
};

async function configInfo(client: Client): Promise<Config> {
  const answer = await client.command({ type: 'backup/config/info' });
  assert.equal(answer.success, true, JSON.stringify(answer.error));
  return (answer.result as { config: Config }).config;
}

async function update(client: Client, changes: Record<string, unknown>): Promise<void> {
  const answer = await client.command({ type: 'backup/config/update', ...changes });
  assert.equal(answer.success, true, JSON.stringify(answer.error));
}

/** HH:MM in the scenario's time zone. */
function localTime(ms: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
}

/** A daily schedule at the minute three minutes from now; returns its next_automatic_backup. */
async function scheduleSoon(client: Client, more: Record<string, unknown> = {}): Promise<number> {
  await update(client, { schedule: { recurrence: 'daily', time: localTime(Date.now() + 3 * 60_000) }, ...more });
  const config = await configInfo(client);
  const next = Date.parse(String(config.next_automatic_backup));
  assert.ok(next > Date.now() + 60_000 && next <= Date.now() + 3 * 60_000, String(config.next_automatic_backup));
  assert.equal(config.next_automatic_backup_additional, false);
  return next;
}

/** Moves the emulated clock to `ms`. */
async function setNow(emu: TestEmulator, ms: number): Promise<void> {
  const res = await emu.control('POST', '/_emulator/settings', { clockOffsetMs: Math.round(ms - Date.now()) });
  assert.equal(res.status, 200, res.text);
}

/** next_automatic_backup is the schedule's next daily time after `now` (its local time; within a day), not an additional one. */
function assertNextDailySlot(config: Record<string, unknown>, slot: number, now: number): void {
  const next = Date.parse(String(config.next_automatic_backup));
  assert.ok(next > now && next <= now + DAY, String(config.next_automatic_backup));
  assert.equal(localTime(next), localTime(slot));
  assert.equal(config.next_automatic_backup_additional, false);
}

const automatic = (backups: Backup[]): Backup[] => backups.filter((b) => b.with_automatic_settings === true).sort((a, b) => String(a.date).localeCompare(String(b.date)));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

void describe('Home Assistant’s automatic backups on schedule (Core install)', () => {
  let emu: TestEmulator;
  let client: Client;
  let sub: Subscriber;
  beforeEach(async () => {
    emu = await startCoreEmulator(SCENARIO);
    client = await login(emu.url);
    sub = await Subscriber.open(emu.url);
  });
  afterEach(async () => {
    sub.close();
    client.ws.close();
    await emu.close();
  });

  void it('makes one automatic backup when the clock passes the slot, with the automatic settings, and one more (not three) after three days', async () => {
    await update(client, { create_backup: { agent_ids: ['backup.local', WEBDAV], include_database: false, name: 'Nightly' } });
    const slot = await scheduleSoon(client);
    const before = await info(client);
    await sleep(600);
    assert.equal((await info(client)).backups.length, before.backups.length, 'nothing before the slot');

    await setNow(emu, slot + 1_500);
    const events = await sub.untilIdle(8000);
    assert.ok(
      events.some((e) => e.manager_state === 'create_backup' && e.state === 'completed'),
      JSON.stringify(events),
    );
    const first = await info(client);
    const made = first.backups.filter((b) => !before.backups.some((o) => o.backup_id === b.backup_id));
    assert.equal(made.length, 1);
    const backup = made[0] as Backup;
    assert.equal(backup.with_automatic_settings, true);
    assert.equal(backup.name, 'Nightly');
    assert.deepEqual(Object.keys(backup.agents).sort(), ['backup.local', WEBDAV].sort());
    assert.equal(backup.database_included, false);
    assert.equal(backup.homeassistant_included, true);
    assert.equal(backup.agents['backup.local']?.protected, true, 'encrypted with the automatic settings’ key');
    assert.ok(Date.parse(String(backup.date)) >= slot);
    assert.equal(first.last_completed_automatic_backup_id, backup.backup_id);
    assert.ok(Date.parse(String(first.last_attempted_automatic_backup)) >= slot);
    assert.ok(Date.parse(String(first.last_completed_automatic_backup)) >= Date.parse(String(first.last_attempted_automatic_backup)));
    assertNextDailySlot(first, slot, slot + 1_500);
    await sleep(800);
    assert.equal((await info(client)).backups.length, first.backups.length, 'one backup per slot');

    // Three days on: the missed slots give one backup, then the next daily time.
    await setNow(emu, slot + 3 * DAY + 1_500);
    await sub.untilIdle(8000);
    await sleep(800);
    const later = await info(client);
    assert.equal(automatic(later.backups).length, automatic(first.backups).length + 1);
    assert.equal(later.backups.length, first.backups.length + 1);
    assertNextDailySlot(later, slot, slot + 3 * DAY + 1_500);
    assert.notEqual(later.last_completed_automatic_backup_id, backup.backup_id);
  });

  void it('keeps the newest automatic backups that retention.copies allows, and leaves the others alone', async () => {
    const slot = await scheduleSoon(client, { retention: { copies: 2, days: null } });
    const seeded = automatic((await info(client)).backups);
    assert.equal(seeded.length, 1);
    await setNow(emu, slot + 1_500);
    await sub.untilIdle(8000);
    assert.equal(automatic((await info(client)).backups).length, 2, 'two are within copies 2');
    await setNow(emu, slot + DAY + 1_500);
    await sub.untilIdle(8000);
    const now = await info(client);
    const kept = automatic(now.backups);
    assert.equal(kept.length, 2);
    assert.ok(!kept.some((b) => b.backup_id === seeded[0]?.backup_id), 'the oldest automatic backup is gone');
    assert.equal(kept[1]?.backup_id, now.last_completed_automatic_backup_id);
    const names = now.backups.map((b) => b.name).sort();
    for (const name of ['Manual, made here', 'Before the kitchen', 'From another instance']) assert.ok(names.includes(name), `${name} stays`);
  });

  void it('applies an agent’s own retention to that agent’s copies instead of the global one', async () => {
    await update(client, {
      create_backup: { agent_ids: ['backup.local', 'cloud.cloud', WEBDAV] },
      agents: { 'cloud.cloud': { retention: { copies: 1 } }, [WEBDAV]: { retention: { copies: null, days: null } } },
    });
    const slot = await scheduleSoon(client, { retention: { copies: 2 } });
    const [seeded] = automatic((await info(client)).backups);
    await setNow(emu, slot + 1_500);
    await sub.untilIdle(8000);
    await setNow(emu, slot + DAY + 1_500);
    await sub.untilIdle(8000);
    const now = await info(client);
    const [a, b, ...rest] = automatic(now.backups);
    assert.equal(rest.length, 0);
    assert.ok(a && b && a.backup_id !== seeded?.backup_id);
    // backup.local: the global 2 copies; cloud.cloud: its own 1 copy; the WebDAV share: kept forever.
    assert.deepEqual(Object.keys(a.agents).sort(), ['backup.local', WEBDAV].sort());
    assert.deepEqual(Object.keys(b.agents).sort(), ['backup.local', 'cloud.cloud', WEBDAV].sort());
    const manual = now.backups.find((x) => x.name === 'Manual, made here');
    assert.deepEqual(Object.keys(manual?.agents ?? {}).sort(), ['backup.local', 'cloud.cloud'], 'a manual backup is never counted');
  });

  void it('deletes automatic backups older than retention.days once a day, but never the newest', async () => {
    const slot = await scheduleSoon(client, { retention: { copies: null, days: 1 } });
    const [seeded] = automatic((await info(client)).backups);
    await setNow(emu, slot + 1_500);
    await sub.untilIdle(8000);
    const [, first] = automatic((await info(client)).backups);
    assert.equal(automatic((await info(client)).backups).length, 2, 'not before a day has passed');
    // Three days on: the daily deletion comes first (both are older than a day: the newer one stays), then the backup.
    await setNow(emu, slot + 3 * DAY + 1_500);
    await sub.untilIdle(8000);
    const now = await info(client);
    const ids = automatic(now.backups).map((b) => b.backup_id);
    assert.equal(ids.length, 2);
    assert.ok(!ids.includes(String(seeded?.backup_id)));
    assert.equal(ids[0], first?.backup_id);
    assert.ok(now.backups.some((b) => b.name === 'Manual, made here'));
  });

  void it('makes no automatic backup without a schedule, however far the clock moves', async () => {
    await update(client, { schedule: { recurrence: 'never' } });
    await setNow(emu, Date.now() + 2 * DAY);
    await sleep(600);
    assert.equal((await configInfo(client)).next_automatic_backup, null);
    assert.equal(sub.events.length, 0);
  });
});

void describe('Home Assistant’s automatic backups on schedule (Supervisor install)', () => {
  let emu: TestEmulator;
  after(() => emu.close());

  void it('makes the automatic backup through the Supervisor when the clock passes the slot, and keeps retention.copies of them', async () => {
    emu = await startTestEmulator({
      ...FAST_SCENARIO,
      timeZone: TZ,
      homeassistantVersion: '2026.11.2',
      core: {
        tokens: [{ token: 'core-admin-llat', admin: true }],
        backupConfig: { automatic_backups_configured: true, create_backup: { agent_ids: ['hassio.local', 'hassio.nas_backups'], password: KEY }, retention: { copies: 1 } },
      },
    });
    const client = await login(emu.url);
    const sub = await Subscriber.open(emu.url);
    try {
      const slot = await scheduleSoon(client);
      const before = await info(client);
      await setNow(emu, slot + 1_500);
      await sub.untilIdle(10_000);
      const first = await info(client);
      const [a, ...others] = automatic(first.backups);
      assert.equal(others.length, 0);
      assert.deepEqual(Object.keys(a?.agents ?? {}).sort(), ['hassio.local', 'hassio.nas_backups']);
      assert.equal(a?.backup_id, first.last_completed_automatic_backup_id);
      assert.equal(first.backups.length, before.backups.length + 1);

      await setNow(emu, slot + 3 * DAY + 1_500);
      await sub.untilIdle(10_000);
      await sleep(600);
      const later = await info(client);
      const [b, ...more] = automatic(later.backups);
      assert.equal(more.length, 0, 'copies 1: only the newest automatic backup');
      assert.notEqual(b?.backup_id, a?.backup_id);
      assert.equal(later.backups.length, before.backups.length + 1, 'the Supervisor’s other backups stay');
      const state = await emu.control('GET', '/_emulator/state');
      const slugs = (state.json.backups as { slug: string }[]).map((x) => x.slug);
      assert.ok(!slugs.includes(String(a?.backup_id)), 'the older automatic backup is gone from the Supervisor');
    } finally {
      sub.close();
      client.ws.close();
    }
  });
});
