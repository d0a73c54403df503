// The emulated Home Assistant's service registry and config check: `get_services` (Auto Backup's
// services only while the emulator says it is installed), `call_service` (recorded; unknown services
// not_found, admin services refused to other users), `validate_config` (triggers, conditions, actions
// as in an automation: websocket_api/commands.py handle_get_services, handle_call_service,
// handle_validate_config). The automations the extension generates pass it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateAutomations } from '../../src/core/autoBackup/deploy';
import { parsePolicyFile } from '../../src/core/policy';
import { ADMIN, CORE_SCENARIO, login, startCoreEmulator, USER } from './coreHelpers';
import type { TestEmulator } from './helpers';

void describe("the emulated Home Assistant's services and validate_config", () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startCoreEmulator(CORE_SCENARIO);
  });
  after(() => emu.close());

  const calls = async () => (await emu.control('GET', '/_emulator/core/services/calls')).json as unknown as { domain: string; service: string; service_data: unknown }[];

  void it('lists auto_backup with its services.yaml fields only while it is installed', async () => {
    const client = await login(emu.url, ADMIN);
    const without = (await client.command({ type: 'get_services' })).result as Record<string, Record<string, { fields: Record<string, unknown> }>>;
    assert.equal(without.auto_backup, undefined);
    assert.ok(without.automation?.reload);
    await emu.control('POST', '/_emulator/core/settings', { autoBackupInstalled: true });
    const withIt = (await client.command({ type: 'get_services' })).result as Record<string, Record<string, { fields: Record<string, unknown> }>>;
    assert.deepEqual(Object.keys(withIt.auto_backup ?? {}).sort(), ['backup', 'backup_full', 'backup_partial', 'purge']);
    assert.ok('keep_days' in (withIt.auto_backup?.backup?.fields ?? {}));
    assert.ok('exclude_addons' in (withIt.auto_backup?.backup?.fields ?? {}));
    await emu.control('POST', '/_emulator/core/settings', { autoBackupInstalled: false });
  });

  void it("records an administrator's automation.reload; refuses other users, unknown services and malformed calls", async () => {
    await emu.control('DELETE', '/_emulator/core/services/calls');
    const admin = await login(emu.url, ADMIN);
    const answer = await admin.command({ type: 'call_service', domain: 'automation', service: 'reload', service_data: {} });
    assert.equal(answer.success, true, JSON.stringify(answer.error));
    assert.deepEqual(
      (await calls()).map((c) => `${c.domain}.${c.service}`),
      ['automation.reload'],
    );
    const user = await login(emu.url, USER);
    assert.equal((await user.command({ type: 'call_service', domain: 'automation', service: 'reload' })).error?.code, 'unauthorized');
    const unknown = await admin.command({ type: 'call_service', domain: 'auto_backup', service: 'backup' });
    assert.deepEqual(unknown.error, { code: 'not_found', message: 'Service auto_backup.backup not found.' });
    assert.equal((await admin.command({ type: 'call_service', domain: 'automation' })).error?.code, 'invalid_format');
    assert.equal((await admin.command({ type: 'call_service', domain: 'automation', service: 'reload', service_data: [1] })).error?.code, 'invalid_format');
    assert.equal((await calls()).length, 1);
  });

  void it('validates triggers, conditions and actions, answering only the keys given', async () => {
    const client = await login(emu.url, ADMIN);
    const ok = await client.command({
      type: 'validate_config',
      triggers: [
        { trigger: 'time', at: '02:30:00' },
        { platform: 'time_pattern', hours: '/3', minutes: 0 },
      ],
      conditions: [
        { condition: 'time', weekday: ['mon'] },
        { condition: 'template', value_template: '{{ now().day == 1 }}' },
      ],
      actions: [{ action: 'auto_backup.backup', data: { keep_days: 7 } }],
    });
    assert.deepEqual(ok.result, { triggers: { valid: true, error: null }, conditions: { valid: true, error: null }, actions: { valid: true, error: null } });
    const bad = await client.command({ type: 'validate_config', trigger: { platform: 'non_existing' }, condition: [{ condition: 'time', weekday: 'monday' }] });
    assert.deepEqual(bad.result, {
      triggers: { valid: false, error: "Invalid trigger 'non_existing' specified @ data[0]" },
      conditions: { valid: false, error: "value must be one of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] @ data[0]['weekday']" },
    });
    const action = await client.command({ type: 'validate_config', actions: [{ action: 'not a service' }] });
    assert.equal((action.result as { actions: { valid: boolean } }).actions.valid, false);
    assert.equal((await client.command({ type: 'validate_config', scripts: [] })).error?.code, 'invalid_format');
  });

  void it('accepts every automation the extension generates, tier by tier and schedule by schedule', async () => {
    const client = await login(emu.url, ADMIN);
    const file = parsePolicyFile(
      [
        'policies:',
        '  - name: gfs',
        '    schedule: daily 02:30',
        '    backup: {exclude: {addons: [core_*]}, password: !secret pw}',
        '    retention: {daily: 7, weekly: 4, monthly: 12, yearly: 1}',
        '  - name: hourly',
        '    schedule: every 3 hours :10',
        '    backup: {addons: [core_mariadb], folders: [config]}',
        '    retention: {keep_days: 2}',
        '  - name: monthly',
        '    schedule: monthly 1,last 04:00',
        '  - name: weekly',
        '    schedule: weekly mon-fri 01:00',
      ].join('\n'),
      { secrets: () => 'hunter2' },
    );
    assert.equal(file.policies.length, 4);
    for (const policy of file.policies) {
      const generated = generateAutomations(policy);
      assert.ok(generated.ok, generated.ok ? '' : generated.reason);
      for (const { automation } of generated.automations) {
        // The password is a !secret in the file; over the websocket a placeholder stands for it.
        const actions = JSON.parse(JSON.stringify(automation.actions).replace(/\{"!secret":"pw"\}/g, '"secret"')) as unknown;
        const answer = await client.command({ type: 'validate_config', triggers: automation.triggers, conditions: automation.conditions ?? [], actions });
        assert.deepEqual(
          answer.result,
          { triggers: { valid: true, error: null }, conditions: { valid: true, error: null }, actions: { valid: true, error: null } },
          automation.id,
        );
      }
    }
  });
});
