// The shared backup model (src/core/backups/record.ts): agent kinds, the preferred copy, origin and date
// rules, and the Supervisor → record mapping on real Supervisor bodies (test/fixtures/supervisor-responses),
// compared with what Core's hassio agent makes of the same backup.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  agentIdOfLocation,
  agentKind,
  effectiveDate,
  fromSupervisorBackup,
  locationOfAgentId,
  mergeRecordLists,
  mergeRecords,
  orderAgents,
  originOf,
  preferredCopy,
  type BackupRecord,
} from '../../src/core/backups';
import { backupDetailsSchema, backupsInfoSchema } from '../../src/core/supervisor/schemas';
import { managerBackupSchema, toBackupRecord } from '../../src/core/homeAssistant/backupManager/schemas';
import { taggedPolicy, withExtraTag } from '../../src/core/options/extraTag';

const SUPERVISOR = path.join(__dirname, '../fixtures/supervisor-responses');
const CORE = path.join(__dirname, '../fixtures/home-assistant-responses');
const supervisorData = (file: string): unknown => (JSON.parse(readFileSync(path.join(SUPERVISOR, file), 'utf8')) as { data: unknown }).data;
const core = (file: string): unknown => JSON.parse(readFileSync(path.join(CORE, file), 'utf8'));

describe('backup record: agent kinds', () => {
  it('tells local, network and cloud agents apart by id and domain', () => {
    assert.equal(agentKind('backup.local'), 'local');
    assert.equal(agentKind('hassio.local'), 'local');
    assert.equal(agentKind('hassio.NAS_mro'), 'network');
    assert.equal(agentKind('synology_dsm.0123abcd'), 'network');
    assert.equal(agentKind('webdav.01JKXV07ASC62D620DGYNG2R8H'), 'network');
    assert.equal(agentKind('cloud.cloud'), 'cloud');
    assert.equal(agentKind('google_drive.abc'), 'cloud');
    assert.equal(agentKind('onedrive.abc'), 'cloud');
    assert.equal(agentKind('backblaze_b2.abc'), 'cloud');
    // A domain this code does not know (a custom integration): cloud, never local.
    assert.equal(agentKind('my_custom_store.x'), 'cloud');
    assert.equal(agentKind('test.remote'), 'cloud');
  });

  it('maps Supervisor locations to hassio agents and back', () => {
    assert.equal(agentIdOfLocation(null), 'hassio.local');
    assert.equal(agentIdOfLocation('.local'), 'hassio.local');
    assert.equal(agentIdOfLocation('NAS_mro'), 'hassio.NAS_mro');
    assert.equal(locationOfAgentId('hassio.local'), null);
    assert.equal(locationOfAgentId('hassio.NAS_mro'), 'NAS_mro');
    assert.equal(locationOfAgentId('cloud.cloud'), undefined);
  });
});

describe('backup record: preferred copy', () => {
  it("orders agents as the frontend does: local, then the Supervisor's mounts, then the rest in order", () => {
    assert.deepEqual(orderAgents(['cloud.cloud', 'hassio.nas', 'google_drive.x', 'hassio.local', 'hassio.b']), [
      'hassio.local',
      'hassio.nas',
      'hassio.b',
      'cloud.cloud',
      'google_drive.x',
    ]);
    assert.deepEqual(orderAgents(['webdav.x', 'backup.local']), ['backup.local', 'webdav.x']);
  });

  it('picks the copy to download or restore from, and none for a backup without copies', () => {
    const copies = { 'cloud.cloud': { protected: true, size: 10 }, 'hassio.nas': { protected: false, size: 12 } };
    assert.deepEqual(preferredCopy({ copies }), { agentId: 'hassio.nas', copy: { protected: false, size: 12 } });
    assert.equal(preferredCopy({ copies: {} }), undefined);
  });
});

describe('backup record: origin and date', () => {
  it('reads the origin from with_automatic_settings and the before-update tags', () => {
    assert.equal(originOf(true, {}), 'automatic');
    assert.equal(originOf(false, {}), 'manual');
    assert.equal(originOf(null, {}), 'foreign');
    assert.equal(originOf(undefined, {}), 'foreign');
    assert.equal(originOf(false, { 'supervisor.addon_update': 'core_mosquitto' }), 'app_update');
    assert.equal(originOf(null, { 'supervisor.app_update': 'core_mosquitto' }), 'app_update');
  });

  it("takes supervisor.backup_request_date over the archive's date", () => {
    assert.equal(effectiveDate('2025-01-30T13:42:20+00:00', { 'supervisor.backup_request_date': '2025-01-30T05:42:12.345678-08:00' }), '2025-01-30T05:42:12.345678-08:00');
    assert.equal(effectiveDate('2025-01-30T13:42:20+00:00', {}), '2025-01-30T13:42:20+00:00');
  });
});

describe('backup record: from a Supervisor backup', () => {
  it('one copy per location with its own size and protection (location_attributes)', () => {
    const details = backupDetailsSchema.parse(supervisorData('backup_info_location_attributes@69ed57e.json'));
    const r = fromSupervisorBackup(details);
    assert.equal(r.id, 'd9c48f8b');
    assert.equal(r.name, 'test_consolidate');
    assert.deepEqual(r.copies, { 'hassio.local': { protected: true, size: 10240 }, 'hassio.test': { protected: true, size: 10240 } });
    assert.deepEqual(r.content, { homeassistant: false, homeassistantVersion: null, database: false, addons: [], folders: ['ssl'] });
    assert.equal(r.origin, 'foreign');
  });

  it('keeps the case of mount names, add-on names and versions, and string/boolean extra values', () => {
    const r = fromSupervisorBackup(backupDetailsSchema.parse(supervisorData('backup_info_with_locations@69ed57e.json')));
    assert.deepEqual(Object.keys(r.copies), ['hassio.local', 'hassio.Test']);
    assert.deepEqual(r.content.addons, [{ slug: 'core_mosquitto', name: 'Mosquitto broker', version: '6.4.0' }]);
    const extra = fromSupervisorBackup(backupDetailsSchema.parse(supervisorData('backup_info_with_extra@69ed57e.json')));
    assert.deepEqual(extra.extra, { user: 'test', scheduled: true });
  });

  it("keeps this extension's nested tag in extra, from the Supervisor and through Core's hassio agent", () => {
    // The Supervisor keeps a backup's `extra` as given; Core's hassio agent passes it on as extra_metadata.
    const details = backupDetailsSchema.parse(supervisorData('backup_info_with_extra@69ed57e.json'));
    const tagged = { ...details, extra: withExtraTag(details.extra, { policy: 'nightly', keepDays: 7 }) };
    const fromSupervisor = fromSupervisorBackup(tagged);
    assert.equal(taggedPolicy(fromSupervisor.extra), 'nightly');
    assert.deepEqual(fromSupervisor.extra, { user: 'test', scheduled: true, vscode_ha_backups: { policy: 'nightly', keep_days: 7 } });
    const viaCore = toBackupRecord(
      managerBackupSchema.parse({
        addons: [],
        agents: { 'hassio.local': { protected: false, size: 10240 } },
        backup_id: details.slug,
        database_included: true,
        date: details.date,
        extra_metadata: tagged.extra,
        folders: [],
        homeassistant_included: true,
        homeassistant_version: '2026.11.3',
        name: details.name,
        with_automatic_settings: null,
      }),
    );
    assert.equal(taggedPolicy(viaCore.extra), 'nightly');
    // The record's extra is a copy: changing it does not change what it was made from.
    (fromSupervisor.extra.vscode_ha_backups as { policy: string }).policy = 'changed';
    assert.equal(taggedPolicy(tagged.extra), 'nightly');
  });

  it('a list entry: add-on slugs only, database unknown, sizes from location_attributes', () => {
    const { backups } = backupsInfoSchema.parse(supervisorData('backups_info@69ed57e.json'));
    const [full, partial] = backups.map((b) => fromSupervisorBackup(b));
    assert.equal(full?.content.homeassistant, true);
    assert.equal(full?.content.database, null);
    assert.deepEqual(full?.content.folders, ['share', 'addons/local', 'ssl', 'media']);
    assert.deepEqual(full?.content.addons[0], { slug: 'core_matter_server', name: 'core_matter_server', version: null });
    // The fixture's own oddity: size_bytes 10123 but location_attributes says 120123; the copy's size is the location's.
    assert.deepEqual(partial?.copies, { 'hassio.local': { protected: false, size: 120123 } });
  });

  it('an old Supervisor without location_attributes: the backup size for its one location', () => {
    const { backups } = backupsInfoSchema.parse(supervisorData('backups_info@4f8de4d.json'));
    const r = fromSupervisorBackup(backups[0]!);
    assert.deepEqual(r.copies, { 'hassio.local': { protected: false, size: Math.round(828.81 * 1024 * 1024) } });
  });

  it('hides the temporary .cloud_backup location', () => {
    const { backups } = backupsInfoSchema.parse(supervisorData('backups_info@69ed57e.json'));
    const b = { ...backups[0]!, locations: [null, '.cloud_backup'] };
    assert.deepEqual(Object.keys(fromSupervisorBackup(b).copies), ['hassio.local']);
  });

  it("describes the same backup as Core's hassio agent does (hassio/test_backup.py, TEST_BACKUP_DETAILS)", () => {
    // The Supervisor details behind Core's answer in the fixture, as the Core test builds them.
    const supervisorDetails = backupDetailsSchema.parse({
      slug: 'abc123',
      type: 'partial',
      name: 'Test',
      date: '1970-01-01T00:00:00+00:00',
      size: 1,
      compressed: false,
      protected: false,
      location_attributes: { '.local': { protected: false, size_bytes: 1048576 } },
      homeassistant: '2024.12.0',
      locations: [null],
      addons: [{ slug: 'core_ssh', name: 'Terminal & SSH', version: '9.14.0', size: 0 }],
      repositories: [],
      folders: ['share'],
      homeassistant_exclude_database: false,
      extra: null,
    });
    const fromCore = toBackupRecord(managerBackupSchema.parse((core('backup_details@2025.4-hassio.json') as { backup: unknown }).backup));
    assert.deepEqual(fromSupervisorBackup(supervisorDetails), fromCore);
  });
});

describe('backup record: merging views of one backup', () => {
  const coreView: BackupRecord = {
    id: 'abc123',
    name: 'Test',
    date: '2025-01-30T05:42:12-08:00',
    copies: { 'hassio.local': { protected: true, size: 100 }, 'cloud.cloud': { protected: true, size: 120 } },
    content: { homeassistant: true, homeassistantVersion: '2025.1.0', database: true, addons: [{ slug: 'core_ssh', name: 'core_ssh', version: null }], folders: [] },
    extra: { instance_id: 'x', with_automatic_settings: true },
    origin: 'automatic',
    failures: { agents: ['google_drive.y'], addons: [], folders: [] },
  };
  const supervisorView: BackupRecord = {
    ...coreView,
    copies: { 'hassio.local': { protected: false, size: 99 }, 'hassio.nas': { protected: true, size: 101 } },
    content: { ...coreView.content, database: null, addons: [{ slug: 'core_ssh', name: 'Terminal & SSH', version: '9.14.0' }] },
    extra: {},
    origin: 'foreign',
    failures: { agents: [], addons: [], folders: ['media'] },
  };

  it('unions the copies (the primary wins for an agent in both) and fills what the primary lacks', () => {
    const m = mergeRecords(coreView, supervisorView);
    assert.deepEqual(m.copies, {
      'hassio.local': { protected: true, size: 100 },
      'hassio.nas': { protected: true, size: 101 },
      'cloud.cloud': { protected: true, size: 120 },
    });
    assert.deepEqual(m.content.addons, [{ slug: 'core_ssh', name: 'Terminal & SSH', version: '9.14.0' }]);
    assert.equal(m.content.database, true);
    assert.equal(m.origin, 'automatic');
    assert.deepEqual(m.failures, { agents: ['google_drive.y'], addons: [], folders: ['media'] });
  });

  it('refuses to merge different backups, and merges lists by id, newest first', () => {
    assert.throws(() => mergeRecords(coreView, { ...supervisorView, id: 'other' }), /different backups/);
    const older = { ...supervisorView, id: 'old1', date: '2024-01-01T00:00:00Z' };
    const list = mergeRecordLists([coreView], [supervisorView, older]);
    assert.deepEqual(
      list.map((r) => [r.id, Object.keys(r.copies).length]),
      [
        ['abc123', 3],
        ['old1', 2],
      ],
    );
  });
});
