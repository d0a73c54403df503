import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseAutoBackupStore, readAutoBackupStore } from '../../src/core/autoBackup/snapshotsExpiry';

// The exact file Home Assistant's Store writes for the integration (jcwillox/hass-auto-backup
// manager.py AutoBackup.__init__ @faaddd1c).
const STORE = JSON.stringify({
  version: 1,
  minor_version: 1,
  key: 'auto_backup.snapshots_expiry',
  data: { a1b2c3d4: '2025-01-13T02:41:07.123456+00:00', deadbeef: 'not a date' },
});

describe('Auto Backup integration store', () => {
  it('reads slug → expiry and sets aside dates that do not parse', () => {
    const { expiries, invalid } = parseAutoBackupStore(STORE);
    assert.equal(expiries.get('a1b2c3d4')?.toISOString(), '2025-01-13T02:41:07.123Z');
    assert.deepEqual(invalid, ['deadbeef']);
  });
  it('refuses other files clearly', () => {
    assert.throws(() => parseAutoBackupStore('{'), /not valid JSON/);
    assert.throws(() => parseAutoBackupStore(JSON.stringify({ key: 'core.config', data: {} })), /not an Auto Backup store/);
  });
  it('finds the store in a config folder, and nothing where the integration is not installed', async () => {
    const config = mkdtempSync(path.join(tmpdir(), 'ha-config-'));
    assert.equal(await readAutoBackupStore(config), undefined);
    mkdirSync(path.join(config, '.storage'));
    writeFileSync(path.join(config, '.storage', 'auto_backup.snapshots_expiry'), STORE);
    assert.equal((await readAutoBackupStore(config))?.expiries.size, 1);
  });
});
