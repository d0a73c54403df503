// The backup-manager client (src/core/homeAssistant/backupManager/client.ts) through the real
// HomeAssistantTransport against a scripted Core (homeAssistantBackupFakeCore.ts) that answers with the
// real bodies of test/fixtures/home-assistant-responses. Each test asserts the values read from them.
// Bodies that are not from Core's tests are marked "written from source" with the file they follow.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { HomeAssistantTransport } from '../../src/core/homeAssistant';
import {
  agentsInfo,
  atLeastVersion,
  backupConfig,
  backupDetails,
  backupInfo,
  canDecryptOnDownload,
  deleteBackup,
  detectBackupManager,
  generate,
  generateWithAutomaticSettings,
  isBackupManagerError,
  restore,
  BackupManagerError,
} from '../../src/core/homeAssistant/backupManager';
import { SupervisorError } from '../../src/core/supervisor/errors';
import { FAKE_TOKEN, FakeCore } from './homeAssistantBackupFakeCore';

const FIXTURES = path.join(__dirname, '../fixtures/home-assistant-responses');
const body = (file: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8'));
const record = (r: unknown): Record<string, unknown> => r as Record<string, unknown>;

describe('Home Assistant backup manager client', () => {
  let core: FakeCore;
  let ha: HomeAssistantTransport;

  before(async () => {
    core = await FakeCore.start();
    ha = new HomeAssistantTransport({ baseUrl: core.url, token: FAKE_TOKEN });
  });
  after(async () => {
    await ha.close();
    await core.close();
  });
  beforeEach(() => {
    core.handlers.clear();
    core.received.length = 0;
  });

  /** An answer in the shape Core sends, with `backups` from a fixture that holds only that list. */
  const infoWith = (backups: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ agent_errors: {}, backups, ...extra });

  describe('backup/info', () => {
    it('2025.1: agent_ids with one size and protection, no state, no names', async () => {
      core.answer('backup/info', infoWith(body('backup_info.backups@2025.1-cloud.json'), { last_attempted_automatic_backup: null, last_completed_automatic_backup: null }));
      const info = await backupInfo(ha);
      assert.deepEqual(info.backups, [
        {
          id: '23e64aec',
          name: 'Core 2024.12.0.dev0',
          date: '2024-11-22T11:48:48.727189+01:00',
          copies: { 'cloud.cloud': { protected: false, size: 34519040 } },
          content: { homeassistant: true, homeassistantVersion: '2024.12.0.dev0', database: true, addons: [], folders: [] },
          extra: {},
          origin: 'foreign',
          failures: { agents: [], addons: [], folders: [] },
        },
      ]);
      assert.equal(info.state, null);
      assert.equal(info.lastActionEvent, null);
      assert.equal(info.shapeRelease, '2025.1');
    });

    it('2025.1: an agent that could not list its backups', async () => {
      core.answer('backup/info', body('backup_info@2025.1-cloud-agent-error.json'));
      const info = await backupInfo(ha);
      assert.deepEqual(info.agentErrors, { 'cloud.cloud': 'Failed to list backups' });
      assert.deepEqual(info.backups, []);
      assert.deepEqual(info.automatic, { lastAttempted: null, lastCompleted: null, lastCompletedId: null, next: null, nextAdditional: false });
    });

    it('2025.4: the agents map, state idle, automatic and foreign backups, add-ons and folders, newest first', async () => {
      core.answer('backup/info', body('backup_info@2025.4-manager-three-backups.json'));
      const info = await backupInfo(ha);
      assert.equal(info.state, 'idle');
      assert.equal(info.shapeRelease, '2025.4');
      assert.deepEqual(
        info.backups.map((b) => [b.id, b.origin, b.content.database, b.copies['test.remote']?.size]),
        [
          ['backup2', 'foreign', false, 1],
          ['backup1', 'automatic', true, 0],
          ['backup3', 'automatic', true, 0],
        ],
      );
      const b1 = info.backups[1]!;
      assert.deepEqual(b1.content, {
        homeassistant: true,
        homeassistantVersion: '2024.12.0',
        database: true,
        addons: [{ slug: 'test', name: 'Test', version: '1.0.0' }],
        folders: ['media', 'share'],
      });
      assert.deepEqual(b1.extra, { instance_id: 'our_uuid', with_automatic_settings: true });
      // Another instance's automatic backup is not ours: Core says null, the record says foreign.
      assert.deepEqual(info.backups[0]!.extra, { instance_id: 'unknown_uuid', with_automatic_settings: true });
    });

    it('2025.4: the last action event (a failed upload)', async () => {
      // The fixture is `result` with `backups` popped, as Core's test does; an empty list is put back.
      core.answer('backup/info', { ...record(body('backup_info-without-backups@2025.4-manager-upload-failed.json')), backups: [] });
      const info = await backupInfo(ha);
      assert.deepEqual(info.lastActionEvent, { kind: 'manager', managerState: 'create_backup', stage: null, state: 'failed', reason: 'upload_failed' });
    });

    it('2025.3: last_non_idle_event is read as the last action event (written from source: frontend 20250226 backup_manager.ts)', async () => {
      core.answer('backup/info', {
        agent_errors: {},
        backups: [],
        last_non_idle_event: { manager_state: 'create_backup', stage: null, state: 'completed', reason: null },
        state: 'idle',
      });
      assert.equal((await backupInfo(ha)).lastActionEvent?.state, 'completed');
    });

    it('2025.4 cloud and hassio bodies, and the 2026 webdav body with failed_addons', async () => {
      core.answer('backup/info', infoWith(body('backup_info.backups@2025.4-cloud.json')));
      assert.deepEqual(
        (await backupInfo(ha)).backups.map((b) => [b.id, b.copies]),
        [
          ['23e64aec', { 'cloud.cloud': { protected: false, size: 34519040 } }],
          ['23e64aed', { 'cloud.cloud': { protected: false, size: 34519040 } }],
        ],
      );
      core.answer('backup/info', infoWith(body('backup_info.backups@2025.4-hassio-without-homeassistant.json')));
      const [noHa] = (await backupInfo(ha)).backups;
      assert.deepEqual(noHa?.content, {
        homeassistant: false,
        homeassistantVersion: null,
        database: false,
        addons: [{ slug: 'core_ssh', name: 'Terminal & SSH', version: '9.14.0' }],
        folders: ['share'],
      });
      assert.deepEqual(noHa?.copies, { 'hassio.local': { protected: false, size: 1048576 } });
      core.answer('backup/info', infoWith(body('backup_info.backups@2026-webdav.json')));
      const [webdav] = (await backupInfo(ha)).backups;
      assert.equal(webdav?.name, 'Automatic backup 2025.2.1');
      assert.equal(webdav?.content.homeassistantVersion, '2025.2.1');
      assert.deepEqual(webdav?.copies, { 'webdav.01JKXV07ASC62D620DGYNG2R8H': { protected: false, size: 34519040 } });
      assert.deepEqual(webdav?.failures, { agents: [], addons: [], folders: [] });
      assert.equal((await backupInfo(ha)).shapeRelease, '2025.6');
      core.answer('backup/info', body('backup_info@2025.4-cloud-agent-error.json'));
      assert.equal((await backupInfo(ha)).shapeRelease, '2025.4');
      core.answer('backup/info', infoWith(body('backup_info.backups@2025.4-cloud.json')));
      assert.equal((await backupInfo(ha)).shapeRelease, '2025.2');
    });

    it('failures, the request date and an add-on update tag (written from source: manager.py ManagerBackup, hassio/backup.py)', async () => {
      const [base] = body('backup_info.backups@2026-webdav.json') as Record<string, unknown>[];
      core.answer(
        'backup/info',
        infoWith([
          {
            ...base,
            extra_metadata: {
              'supervisor.backup_request_date': '2025-02-10T17:47:00+01:00',
              'supervisor.addon_update': 'core_ssh',
              instance_id: 'x',
              with_automatic_settings: false,
            },
            failed_addons: [{ name: 'Terminal & SSH', slug: 'core_ssh', version: '9.14.0' }],
            failed_agent_ids: ['cloud.cloud'],
            failed_folders: ['media'],
            with_automatic_settings: false,
          },
        ]),
      );
      const [b] = (await backupInfo(ha)).backups;
      assert.equal(b?.date, '2025-02-10T17:47:00+01:00');
      assert.equal(b?.origin, 'app_update');
      assert.deepEqual(b?.failures, { agents: ['cloud.cloud'], addons: [{ slug: 'core_ssh', name: 'Terminal & SSH', version: '9.14.0' }], folders: ['media'] });
    });

    it('an answer of the wrong shape: invalid_response naming the command', async () => {
      core.answer('backup/info', { backups: 'nope' });
      await assert.rejects(backupInfo(ha), (e: SupervisorError) => e.kind === 'invalid_response' && /backup\/info/.test(e.message) && e.message.includes(core.url));
    });
  });

  describe('backup/details, agents, generate, delete', () => {
    it('details of a hassio backup, and null with or without an agent error', async () => {
      core.answer('backup/details', body('backup_details@2025.4-hassio.json'));
      const { backup } = await backupDetails(ha, 'abc123');
      assert.equal(backup?.id, 'abc123');
      assert.deepEqual(backup?.copies, { 'hassio.local': { protected: false, size: 1048576 } });
      assert.equal(backup?.date, '1970-01-01T00:00:00+00:00');
      assert.deepEqual(core.sent('backup/details')[0]?.backup_id, 'abc123');
      core.answer('backup/details', body('backup_details@2025.4-hassio-agent-error.json'));
      assert.deepEqual(await backupDetails(ha, 'abc123'), { backup: null, agentErrors: { 'hassio.local': 'blah' } });
      core.answer('backup/details', body('backup_details@2025.4-hassio-not-found.json'));
      assert.deepEqual(await backupDetails(ha, 'abc123'), { backup: null, agentErrors: {} });
    });

    it('agents: names since 2025.2, the id as name in 2025.1', async () => {
      core.answer('backup/agents/info', body('agents_info@2025.1-cloud.json'));
      assert.deepEqual(await agentsInfo(ha), [
        { agentId: 'backup.local', name: 'backup.local' },
        { agentId: 'cloud.cloud', name: 'cloud.cloud' },
      ]);
      core.answer('backup/agents/info', body('agents_info@2025.4-cloud.json'));
      assert.deepEqual(await agentsInfo(ha), [
        { agentId: 'backup.local', name: 'local' },
        { agentId: 'cloud.cloud', name: 'cloud' },
      ]);
    });

    it('generate sends only the options given and returns the job id', async () => {
      core.answer('backup/generate', body('generate@2025.4-hassio.json'));
      const started = await generate(ha, { agentIds: ['hassio.local'], name: 'Test', includeDatabase: false, includeFolders: ['media'] });
      assert.deepEqual(started, { backupJobId: 'd17bd02be1f0437fa7264b16d38f700e' });
      const { id: _id, ...sent } = core.sent('backup/generate')[0]!;
      assert.deepEqual(sent, { type: 'backup/generate', agent_ids: ['hassio.local'], name: 'Test', include_database: false, include_folders: ['media'] });
      core.answer('backup/generate_with_automatic_settings', body('generate@2025.4-hassio.json'));
      assert.equal((await generateWithAutomaticSettings(ha)).backupJobId, 'd17bd02be1f0437fa7264b16d38f700e');
    });

    it('delete: a partial failure is visible, never "deleted"', async () => {
      core.answer('backup/delete', body('backup_delete@2025.4-hassio-agent-error.json'));
      assert.deepEqual(await deleteBackup(ha, 'abc123'), { deleted: false, agentErrors: { 'hassio.local': 'blah' } });
      core.answer('backup/delete', body('backup_delete@2025.4-cloud-agent-error.json'));
      assert.deepEqual(await deleteBackup(ha, '23e64aec'), { deleted: false, agentErrors: { 'cloud.cloud': 'Failed to delete backup' } });
      core.answer('backup/delete', body('backup_delete@2025.4-hassio.json'));
      assert.deepEqual(await deleteBackup(ha, 'abc123'), { deleted: true, agentErrors: {} });
      core.answer('backup/delete', body('backup_delete@2026-webdav-not-found.json'));
      assert.equal((await deleteBackup(ha, 'gone')).deleted, true);
    });

    it('restore sends the copy and what to restore; resolves on null', async () => {
      core.answer('backup/restore', null);
      await restore(ha, { backupId: 'abc123', agentId: 'hassio.nas', password: 'key-1234', restoreDatabase: true, restoreAddons: ['core_ssh'] });
      const { id: _id, ...sent } = core.sent('backup/restore')[0]!;
      assert.deepEqual(sent, {
        type: 'backup/restore',
        backup_id: 'abc123',
        agent_id: 'hassio.nas',
        password: 'key-1234',
        restore_database: true,
        restore_addons: ['core_ssh'],
      });
    });
  });

  describe('error answers', () => {
    it('busy: "Backup manager busy: create_backup" (real answer)', async () => {
      const { code, message } = body('error@2025.4-generate-busy.json') as { code: string; message: string };
      core.refuse('backup/generate', code, message);
      const err = await generate(ha, { agentIds: ['backup.local'] }).catch((e: unknown) => e);
      assert.ok(isBackupManagerError(err, 'busy'));
      assert.equal(err.code, 'home_assistant_error');
      assert.equal(err.kind, 'api');
      assert.equal(err.path, 'backup/generate');
      assert.match(err.message, new RegExp(`Home Assistant at ${core.url} refused backup/generate: its backup manager is busy \\(create backup\\)`));
    });

    it("wrong requests (real answers): invalid_request with Core's sentence", async () => {
      for (const file of ['error@2025.4-generate-unknown-agent.json', 'error@2025.4-generate-core-without-homeassistant.json']) {
        const { code, message } = body(file) as { code: string; message: string };
        core.refuse('backup/generate', code, message);
        const err = await generate(ha, { agentIds: ['non_existing'] }).catch((e: unknown) => e);
        assert.ok(isBackupManagerError(err, 'invalid_request'), file);
        assert.ok(err.message.endsWith(message), err.message);
      }
    });

    it('unknown_command (real answer): needs Home Assistant 2025.1 or newer', async () => {
      // The fake answers unknown_command for anything not scripted, with Core's text (error@legacy-unknown-command.json).
      assert.deepEqual(body('error@legacy-unknown-command.json'), { code: 'unknown_command', message: 'Unknown command.' });
      const err = await backupInfo(ha).catch((e: unknown) => e);
      assert.ok(isBackupManagerError(err, 'not_supported'));
      assert.match(err.message, /does not know backup\/info: its backup manager needs Home Assistant 2025\.1 or newer/);
    });

    it('unauthorized (written from source: websocket_api/decorators.py require_admin): needs an administrator', async () => {
      core.refuse('backup/config/info', 'unauthorized', 'Unauthorized');
      const err = await backupConfig(ha).catch((e: unknown) => e);
      assert.ok(isBackupManagerError(err, 'needs_admin'));
      assert.equal(err.kind, 'forbidden_role');
      assert.match(err.message, /administrator/);
      assert.ok(err instanceof SupervisorError);
    });

    it('an unknown refusal keeps its code and text', async () => {
      core.refuse('backup/delete', 'home_assistant_error', 'Something else');
      const err = await deleteBackup(ha, 'abc123').catch((e: unknown) => e);
      assert.ok(isBackupManagerError(err, 'refused'));
      assert.match(err.message, /refused backup\/delete \(backup abc123\): Something else \(home_assistant_error\)/);
    });

    it('a password Core repeats in its message does not reach ours', async () => {
      core.refuse('backup/restore', 'home_assistant_error', 'Could not restore with password Sup3r-Secret-Key');
      const err = await restore(ha, { backupId: 'abc123', agentId: 'hassio.local', password: 'Sup3r-Secret-Key' }).catch((e: unknown) => e);
      assert.ok(err instanceof BackupManagerError);
      assert.doesNotMatch(err.message, /Sup3r-Secret-Key/);
      assert.match(err.message, /with password \*\*\*/);
    });
  });

  describe('can_decrypt_on_download (written from source: backup/websocket.py can_decrypt_on_download)', () => {
    const cases: [string, string, string][] = [
      ['password_incorrect', 'Incorrect password', 'password_incorrect'],
      ['decrypt_not_supported', 'Decrypt on download not supported', 'decrypt_not_supported'],
      ['backup_not_found', 'Backup not found', 'not_found'],
    ];
    for (const [code, message, outcome] of cases) {
      it(`${code} → ${outcome}`, async () => {
        core.refuse('backup/can_decrypt_on_download', code, message);
        assert.equal(await canDecryptOnDownload(ha, { backupId: 'abc123', agentId: 'hassio.local', password: 'k-0000' }), outcome);
      });
    }
    it('null → ok; other refusals are thrown', async () => {
      core.answer('backup/can_decrypt_on_download', null);
      assert.equal(await canDecryptOnDownload(ha, { backupId: 'abc123', agentId: 'hassio.local', password: 'k-0000' }), 'ok');
      core.refuse('backup/can_decrypt_on_download', 'home_assistant_error', 'Invalid agent selected: nope.x');
      await assert.rejects(canDecryptOnDownload(ha, { backupId: 'abc123', agentId: 'nope.x', password: 'k-0000' }), /Invalid agent selected/);
    });
  });

  describe('backup/config/info (written from source: backup/config.py BackupConfigData, websocket.py handle_config_info; no real body was found)', () => {
    const KEY = 'AB12-CD34-EF56-GH78-IJ90-KL12-MN34';
    it('the newest shape: per-agent protection and retention, schedule, the key', async () => {
      core.answer('backup/config/info', {
        config: {
          agents: { 'hassio.local': { protected: false, retention: null }, 'cloud.cloud': { protected: true, retention: { copies: 3, days: null } } },
          automatic_backups_configured: true,
          create_backup: {
            agent_ids: ['hassio.local', 'cloud.cloud'],
            include_addons: null,
            include_all_addons: true,
            include_database: true,
            include_folders: ['media'],
            name: null,
            password: KEY,
          },
          last_attempted_automatic_backup: '2026-11-30T04:45:00+01:00',
          last_completed_automatic_backup: '2026-11-30T04:52:10+01:00',
          last_completed_automatic_backup_id: '1a2b3c4d',
          retention: { copies: 7, days: null },
          schedule: { days: [], recurrence: 'daily', time: null },
          next_automatic_backup: '2026-12-01T04:52:00+01:00',
          next_automatic_backup_additional: false,
        },
      });
      const c = await backupConfig(ha);
      assert.deepEqual(c.agents, { 'hassio.local': { protected: false, retention: null }, 'cloud.cloud': { protected: true, retention: { copies: 3, days: null } } });
      assert.equal(c.createBackup.password, KEY);
      assert.equal(c.createBackup.includeAllAddons, true);
      assert.deepEqual(c.retention, { copies: 7, days: null });
      assert.deepEqual(c.schedule, { recurrence: 'daily', days: [], time: null });
      assert.equal(c.automatic.lastCompletedId, '1a2b3c4d');
      assert.equal(c.automatic.next, '2026-12-01T04:52:00+01:00');
    });

    it('2025.1: schedule.state (one weekday), no agents, no names', async () => {
      core.answer('backup/config/info', {
        config: {
          create_backup: {
            agent_ids: ['backup.local'],
            include_addons: null,
            include_all_addons: false,
            include_database: true,
            include_folders: null,
            name: null,
            password: null,
          },
          last_attempted_automatic_backup: null,
          last_completed_automatic_backup: null,
          retention: { copies: null, days: null },
          schedule: { state: 'mon' },
        },
      });
      const c = await backupConfig(ha);
      assert.deepEqual(c.schedule, { recurrence: 'custom_days', days: ['mon'], time: null });
      assert.deepEqual(c.agents, {});
      assert.equal(c.createBackup.password, null);
    });

    it('a malformed answer never puts the key in the error', async () => {
      core.answer('backup/config/info', { config: { create_backup: { agent_ids: 'x', password: KEY } } });
      const err = await backupConfig(ha).catch((e: unknown) => e);
      assert.ok(err instanceof SupervisorError);
      assert.equal(err.kind, 'invalid_response');
      assert.doesNotMatch(`${err.message} ${JSON.stringify(err)}`, new RegExp(KEY));
    });
  });

  describe('feature detection from get_config', () => {
    it('install type, version gate and the backup integration', async () => {
      core.answer('get_config', { version: '2026.11.2', components: ['backup', 'hassio', 'http'] });
      assert.deepEqual(await detectBackupManager(ha), { version: '2026.11.2', installType: 'os_or_supervised', supported: true, reason: null });
      core.answer('get_config', { version: '2025.1.0', components: ['backup'] });
      assert.equal((await detectBackupManager(ha)).installType, 'core_or_container');
      core.answer('get_config', { version: '2024.12.5', components: ['backup', 'hassio'] });
      const old = await detectBackupManager(ha);
      assert.equal(old.supported, false);
      assert.match(old.reason ?? '', /runs Home Assistant 2024\.12\.5; its backup manager needs Home Assistant 2025\.1 or newer/);
      core.answer('get_config', { version: '2025.6.0', components: ['http'] });
      assert.match((await detectBackupManager(ha)).reason ?? '', /backup integration/);
    });

    it('compares versions by year and month', () => {
      assert.equal(atLeastVersion('2025.1.0', 2025, 1), true);
      assert.equal(atLeastVersion('2025.12.0.dev0', 2025, 2), true);
      assert.equal(atLeastVersion('2026.1.0b1', 2025, 6), true);
      assert.equal(atLeastVersion('2024.12.5', 2025, 1), false);
      assert.equal(atLeastVersion('unknown', 2025, 1), false);
    });
  });
});
