import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readBackupJson } from '../../src/core/archive/backupJson';

const FIXTURES = path.resolve(__dirname, '../emulator/fixtures');

describe('readBackupJson', () => {
  it('reads the metadata of a real Supervisor backup', async () => {
    const meta = await readBackupJson(path.join(FIXTURES, 'backup_example.tar'));
    assert.match(meta.slug, /^[0-9a-f]{8}$/);
    assert.equal(typeof meta.name, 'string');
    assert.ok(['full', 'partial'].includes(meta.type));
  });
  it('says clearly when a file is not a backup', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ha-bj-'));
    const junk = path.join(dir, 'junk.tar');
    writeFileSync(junk, 'hello');
    await assert.rejects(readBackupJson(junk), /not a readable tar archive|no backup\.json/);
  });
});
