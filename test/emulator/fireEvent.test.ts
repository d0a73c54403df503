// The emulated Home Assistant's `fire_event` (homeassistant/components/websocket_api/commands.py
// handle_fire_event: `event_type` required, `event_data` an optional dict, administrators only,
// answered with the event's context), and the control route the tests read fired events from. Also the
// mapping of the extension's events onto the Auto Backup integration's (src/core/autoBackup/events.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { autoBackupEventOf } from '../../src/core/autoBackup/events';
import { ADMIN, CORE_SCENARIO, login, startCoreEmulator, USER } from './coreHelpers';
import type { TestEmulator } from './helpers';

void describe('fire_event on the emulated Home Assistant', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startCoreEmulator(CORE_SCENARIO);
  });
  after(() => emu.close());

  const fired = async () => (await emu.control('GET', '/_emulator/core/events')).json as unknown as { event_type: string; event_data: Record<string, unknown> }[];

  void it("puts an administrator's event on the bus and answers its context", async () => {
    const client = await login(emu.url, ADMIN);
    const answer = await client.command({ type: 'fire_event', event_type: 'auto_backup.backup_failed', event_data: { name: 'Nightly', error: 'disk full' } });
    assert.equal(answer.success, true, JSON.stringify(answer.error));
    assert.equal(typeof (answer.result as { context: { id: string } }).context.id, 'string');
    const last = (await fired()).at(-1);
    assert.equal(last?.event_type, 'auto_backup.backup_failed');
    assert.deepEqual(last.event_data, { name: 'Nightly', error: 'disk full' });
  });

  void it('refuses other users, a missing event_type and event_data that is not a dict, firing nothing', async () => {
    const before = (await fired()).length;
    const user = await login(emu.url, USER);
    assert.equal((await user.command({ type: 'fire_event', event_type: 'x' })).error?.code, 'unauthorized');
    const admin = await login(emu.url, ADMIN);
    assert.equal((await admin.command({ type: 'fire_event' })).error?.code, 'invalid_format');
    assert.equal((await admin.command({ type: 'fire_event', event_type: 'x', event_data: [1] })).error?.code, 'invalid_format');
    assert.equal((await fired()).length, before);
  });
});

void describe("the Auto Backup integration's event data", () => {
  void it('has the data fields the integration fires, and nothing for events it does not have', () => {
    assert.deepEqual(autoBackupEventOf({ type: 'backup_start', name: 'N', slug: 'ignored' }), { type: 'auto_backup.backup_start', data: { name: 'N' } });
    assert.deepEqual(autoBackupEventOf({ type: 'backup_successful', name: 'N', slug: 'abcd1234' }), {
      type: 'auto_backup.backup_successful',
      data: { name: 'N', slug: 'abcd1234' },
    });
    assert.deepEqual(autoBackupEventOf({ type: 'backup_failed', name: 'N', error: 'boom' }), { type: 'auto_backup.backup_failed', data: { name: 'N', error: 'boom' } });
    assert.deepEqual(autoBackupEventOf({ type: 'purged_backups', backups: ['a', 'b'] }), { type: 'auto_backup.purged_backups', data: { backups: ['a', 'b'] } });
    assert.equal(autoBackupEventOf({ type: 'download_successful', name: 'N' }), undefined);
  });
});
