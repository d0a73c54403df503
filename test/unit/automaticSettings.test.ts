// Home Assistant's automatic backups as code (src/core/homeAssistant/automaticSettings.ts): the
// `automatic_backups:` section of auto_backup.yaml, the differences with `backup/config/info`, and the
// `backup/config/update` that makes Home Assistant match — only for the keys the file names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackupManagerConfig } from '../../src/core/homeAssistant/backupManager/client';
import { automaticDrift, formatAutomaticSchedule, parseAutomaticSchedule, sectionFromConfig } from '../../src/core/homeAssistant/automaticSettings';
import { parsePolicyFile } from '../../src/core/policy';
import { withAutomaticSection } from '../../src/core/policy/writeSection';

function config(over: Partial<BackupManagerConfig> = {}): BackupManagerConfig {
  return {
    agents: { 'cloud.cloud': { protected: true, retention: null } },
    automaticBackupsConfigured: true,
    createBackup: {
      agentIds: ['backup.local', 'cloud.cloud'],
      includeAddons: null,
      includeAllAddons: true,
      includeDatabase: true,
      includeFolders: ['share'],
      name: null,
      password: 'KEY1-AAAA-BBBB-CCCC-DDDD-EEEE-FFFF',
    },
    retention: { copies: 3, days: null },
    schedule: { recurrence: 'daily', days: [], time: '04:45:00' },
    automatic: { lastAttempted: null, lastCompleted: null, lastCompletedId: null, next: null, nextAdditional: false },
    ...over,
  };
}

describe('the schedule as the file writes it', () => {
  it('round-trips never, daily, daily with a time, and days of the week (sorted, without repeats)', () => {
    assert.deepEqual(parseAutomaticSchedule('never'), { recurrence: 'never', days: [], time: null });
    assert.deepEqual(parseAutomaticSchedule('daily'), { recurrence: 'daily', days: [], time: null });
    assert.deepEqual(parseAutomaticSchedule('daily 04:45'), { recurrence: 'daily', days: [], time: '04:45' });
    assert.deepEqual(parseAutomaticSchedule('thu,mon,thu 23:05'), { recurrence: 'custom_days', days: ['mon', 'thu'], time: '23:05' });
    assert.equal(formatAutomaticSchedule({ recurrence: 'custom_days', days: ['sun', 'mon'], time: '04:45:00' }), 'mon,sun 04:45');
    assert.equal(formatAutomaticSchedule({ recurrence: 'daily', days: [], time: null }), 'daily');
  });
});

describe('automaticDrift', () => {
  it('nothing differs when the file says what Home Assistant has (seconds and order do not count)', () => {
    const drift = automaticDrift(
      { schedule: 'daily 04:45', locations: ['cloud.cloud', 'backup.local'], database: true, addons: 'all', folders: ['share'], retention: { copies: 3 } },
      config(),
    );
    assert.deepEqual(drift.changes, []);
    assert.deepEqual(drift.update, {});
  });

  it('names each difference and builds an update of exactly those keys', () => {
    const drift = automaticDrift(
      { schedule: 'mon,thu 03:00', database: false, addons: ['core_mosquitto'], retention: { days: 14 }, per_location: { 'cloud.cloud': { retention: { copies: 1 } } } },
      config(),
    );
    assert.deepEqual(
      drift.changes.map((c) => [c.label, c.file, c.homeAssistant]),
      [
        ['schedule', 'mon,thu 03:00', 'daily 04:45'],
        ['database', 'false', 'true'],
        ['addons', 'core_mosquitto', 'all'],
        ['retention', '14 days', '3 copies'],
        ['per_location.cloud.cloud.retention', '1 copy', 'the global one'],
      ],
    );
    assert.deepEqual(drift.update, {
      schedule: { recurrence: 'custom_days', days: ['mon', 'thu'], time: '03:00' },
      create_backup: { include_database: false, include_all_addons: false, include_addons: ['core_mosquitto'] },
      retention: { copies: null, days: 14 },
      agents: { 'cloud.cloud': { retention: { copies: 1, days: null } } },
    });
  });

  it('never shows the encryption key: only that it differs', () => {
    const drift = automaticDrift({ encryption_key: 'KEY2-0000' }, config());
    assert.deepEqual(
      drift.changes.map((c) => [c.label, c.file, c.homeAssistant]),
      [['encryption key', 'another key', 'a key']],
    );
    assert.ok(!JSON.stringify(drift.changes).includes('KEY'), 'no key in the changes');
    assert.deepEqual(drift.update, { create_backup: { password: 'KEY2-0000' } });
  });

  it('a file without a time asks Home Assistant to pick one (null), which differs from a set time', () => {
    assert.deepEqual(automaticDrift({ schedule: 'daily' }, config()).update, { schedule: { recurrence: 'daily', days: [], time: null } });
  });
});

describe('sectionFromConfig', () => {
  it("writes Home Assistant's settings as the section, without the key; the drift from it is empty", () => {
    const section = sectionFromConfig(config());
    assert.equal('encryption_key' in section, false);
    assert.deepEqual(section, {
      schedule: 'daily 04:45',
      locations: ['backup.local', 'cloud.cloud'],
      database: true,
      addons: 'all',
      folders: ['share'],
      name: null,
      retention: { copies: 3, days: null },
      per_location: { 'cloud.cloud': { protected: true } },
    });
    assert.deepEqual(automaticDrift(section, config()).changes, []);
  });

  it('leaves locations out when Home Assistant has none chosen (a section needs at least one)', () => {
    const section = sectionFromConfig(config({ createBackup: { ...config().createBackup, agentIds: [] } }));
    assert.equal('locations' in section, false);
    assert.equal(parsePolicyFile(withAutomaticSection('', section, undefined)).diagnostics.length, 0);
  });
});

describe('the section in auto_backup.yaml', () => {
  it('parses with the ranges of its keys, beside valid policies', () => {
    const text = 'policies: []\nautomatic_backups:\n  schedule: daily 04:45\n  retention: {copies: 3}\n';
    const parsed = parsePolicyFile(text);
    assert.deepEqual(parsed.diagnostics, []);
    assert.deepEqual(parsed.automaticBackups?.section, { schedule: 'daily 04:45', retention: { copies: 3 } });
    assert.equal(parsed.automaticBackups?.keyRanges.schedule?.start.line, 2);
    assert.equal(parsed.automaticBackups?.keyRanges.retention?.start.line, 3);
  });

  it('an unknown key, a bad schedule or copies: 0 is an error on that line, and there is no section', () => {
    const parsed = parsePolicyFile('automatic_backups:\n  schedule: sometimes\n  retention: {copies: 0}\n  colour: red\n');
    assert.equal(parsed.automaticBackups, undefined);
    const lines = parsed.diagnostics.filter((d) => d.severity === 'error').map((d) => d.range.start.line);
    assert.ok(lines.includes(3), `unknown key on line 4: ${JSON.stringify(parsed.diagnostics.map((d) => d.message))}`);
    const withoutUnknown = parsePolicyFile('automatic_backups:\n  schedule: sometimes\n  retention: {copies: 0}\n');
    assert.deepEqual(withoutUnknown.diagnostics.map((d) => d.range.start.line).sort(), [1, 2]);
  });
});

describe('writing the section into the file', () => {
  it('replaces only automatic_backups, keeps comments, policies and their !secret, and refers to the key by name', () => {
    const before =
      '# my policies\npolicies:\n  - name: nightly   # every night\n    schedule: daily 02:30\n    backup:\n      password: !secret backup_password\nautomatic_backups:\n  schedule: never\n';
    const after = withAutomaticSection(before, { schedule: 'daily 04:45', retention: { copies: 3, days: null } }, 'backup_encryption_key');
    assert.match(after, /^# my policies\npolicies:\n {2}- name: nightly +# every night\n/);
    assert.match(after, /password: !secret backup_password\n/);
    assert.match(after, /automatic_backups:\n {2}schedule: daily 04:45\n {2}retention:\n {4}copies: 3\n {4}days: null\n {2}encryption_key: !secret backup_encryption_key\n$/);
    const parsed = parsePolicyFile(after, { secrets: (name) => (name === 'backup_encryption_key' ? 'KEY' : name === 'backup_password' ? 'pw' : undefined) });
    assert.deepEqual(parsed.diagnostics, []);
    assert.deepEqual(parsed.automaticBackups?.section, { schedule: 'daily 04:45', retention: { copies: 3, days: null }, encryption_key: 'KEY' });
  });

  it('adds the section to an empty file', () => {
    assert.equal(withAutomaticSection('', { schedule: 'never' }, undefined), 'automatic_backups:\n  schedule: never\n');
  });
});
