// The Auto Backup integration's "automatically delete expired backups" option, read from Home
// Assistant's config entries (case 4 of issue #10: with it off, its expiries are only shown).
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseAutoBackupOptions, readAutoBackupOptions } from '../../src/core/autoBackup/configEntry';

/** `.storage/core.config_entries` as Home Assistant writes it (homeassistant/config_entries.py), trimmed to two entries. */
function entries(autoBackup: Record<string, unknown> | undefined): string {
  return JSON.stringify({
    version: 1,
    minor_version: 5,
    key: 'core.config_entries',
    data: {
      entries: [
        { entry_id: '01J0', domain: 'met', title: 'Home', data: {}, options: {}, source: 'onboarding', disabled_by: null },
        ...(autoBackup ? [{ entry_id: '01J1', domain: 'auto_backup', title: 'Auto Backup', data: {}, source: 'user', disabled_by: null, ...autoBackup }] : []),
      ],
    },
  });
}

describe('Auto Backup options', () => {
  it('reads auto_purge on and off, and defaults to on', () => {
    assert.deepEqual(parseAutoBackupOptions(entries({ options: { auto_purge: false, backup_timeout: 20 } })), { installed: true, autoPurge: false });
    assert.deepEqual(parseAutoBackupOptions(entries({ options: { auto_purge: true } })), { installed: true, autoPurge: true });
    assert.deepEqual(parseAutoBackupOptions(entries({ options: {} })), { installed: true, autoPurge: true });
  });
  it('a disabled entry or a missing integration purges nothing', () => {
    assert.deepEqual(parseAutoBackupOptions(entries({ options: { auto_purge: true }, disabled_by: 'user' })), { installed: true, autoPurge: false });
    assert.deepEqual(parseAutoBackupOptions(entries(undefined)), { installed: false, autoPurge: false });
  });
  it('says which file is not what it should be', () => {
    assert.throws(() => parseAutoBackupOptions('{'), /core\.config_entries is not valid JSON/);
    assert.throws(() => parseAutoBackupOptions('{"data": 1}'), /not Home Assistant's list of config entries/);
  });
  it('reads the file of a config folder', async () => {
    const config = mkdtempSync(path.join(tmpdir(), 'ha-config-'));
    assert.deepEqual(await readAutoBackupOptions(config), { installed: false, autoPurge: false });
    mkdirSync(path.join(config, '.storage'));
    writeFileSync(path.join(config, '.storage', 'core.config_entries'), entries({ options: { auto_purge: false } }));
    assert.deepEqual(await readAutoBackupOptions(config), { installed: true, autoPurge: false });
  });
});
