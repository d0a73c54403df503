// libsodium is loaded only when a SecureTar v3 archive is opened, and the Argon2id root key is
// derived once per root salt and password. (Its own file: node:test runs each file in a fresh process.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listBackup } from '../../src/core/archive/index';
import { cachedRootKeyCount } from '../../src/core/archive/secureTar';
import { sodiumRequested } from '../../src/core/archive/sodium';
import { fixture } from './archive/helpers';

const loadedModules = (): string[] => Object.keys(require.cache).filter((k) => k.includes('libsodium'));

void describe('archive: lazy libsodium', () => {
  void it('does not load libsodium for plain and v2 backups', async () => {
    assert.equal(sodiumRequested(), false);
    assert.deepEqual(loadedModules(), []);
    await listBackup(fixture('supervisor/backup_example.tar'));
    await listBackup(fixture('supervisor/backup_example_enc.tar'), { password: 'test' });
    assert.equal(sodiumRequested(), false);
    assert.deepEqual(loadedModules(), []);
  });

  void it('loads it for v3 and derives the root key once per root salt', async () => {
    const file = fixture('supervisor/backup_example_sec_v3.tar');
    let t = performance.now();
    await listBackup(file, { password: 'supervisor' });
    const first = performance.now() - t;
    assert.equal(sodiumRequested(), true);
    assert.equal(cachedRootKeyCount(), 1);
    t = performance.now();
    await listBackup(file, { password: 'supervisor' });
    const second = performance.now() - t;
    assert.equal(cachedRootKeyCount(), 1, 'cached');
    assert.ok(second < first, `second listing (${second.toFixed(0)} ms) reuses the key (first ${first.toFixed(0)} ms)`);
    await assert.rejects(listBackup(file, { password: 'other' }));
    assert.equal(cachedRootKeyCount(), 2, 'a different password is a different key');
  });
});
