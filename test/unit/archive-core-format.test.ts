// Backups written by Home Assistant Core itself (Container and Core installs, 2025.1+): the outer tar holds
// `./backup.json` without addons/folders/crypto keys and `./homeassistant.tar.gz`, the config folder under
// `data/` (home-assistant/core homeassistant/components/backup/backup.py CoreBackupReaderWriter
// `_mkdir_and_generate_backup_contents`, util.py). Encrypted with the automatic-backup key, SecureTar v2 (2025)
// or v3 (2026.3+). The archive reader must read them like the Supervisor's.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ArchiveError, listBackup, openEntry, readBackupJson, verifyBackup } from '../../src/core/archive/index';
import { encryptV2, encryptV3, gzip, makeTar, readAll, tempDir, writeBackup } from './archive/helpers';

/** The shape of a Core-generated key (frontend `generateEncryptionKey`). */
const KEY = 'A1B2-C3D4-E5F6-G7H8-J9K0-L1M2-N3P4';

/** backup.json exactly as Core writes it: only these keys, "partial", version 2. */
function coreBackupJson(protectedBackup: boolean): Record<string, unknown> {
  return {
    compressed: true,
    date: '2026-11-30T04:45:12.345678+01:00',
    extra: { instance_id: '0d9cfd3a5e6c4a5b8f1f0b1c2d3e4f50', with_automatic_settings: true },
    homeassistant: { exclude_database: true, version: '2026.11.3' },
    name: 'Automatic backup 2026.11.3',
    protected: protectedBackup,
    slug: '5f3c2a1b',
    type: 'partial',
    version: 2,
  };
}

/** homeassistant.tar.gz as Core writes it: `tar.add(config_dir, arcname="data")`, so `data` then `data/…`. */
async function configPart(): Promise<Buffer> {
  const tar = await makeTar([
    { name: 'data', type: 'directory' },
    { name: 'data/configuration.yaml', data: 'homeassistant:\n  name: Core install\n' },
    { name: 'data/automations.yaml', data: '- id: "1"\n  alias: Lights\n' },
    { name: 'data/.storage', type: 'directory' },
    { name: 'data/.storage/core.config_entries', data: '{"data": {"entries": []}}' },
  ]);
  return gzip(tar, 'homeassistant.tar');
}

void describe('archive reader: backups written by Home Assistant Core (Container and Core installs)', () => {
  const tmp = tempDir('ha-core-format-');
  after(() => tmp.cleanup());

  async function write(name: string, data: (plain: Buffer) => Promise<Buffer> | Buffer, protectedBackup: boolean): Promise<string> {
    const file = path.join(tmp.dir, name);
    await writeBackup(file, [{ name: './homeassistant.tar.gz', data: await data(await configPart()) }], coreBackupJson(protectedBackup), { jsonFirst: true });
    return file;
  }

  void it('reads backup.json without addons, folders or crypto keys', async () => {
    const file = await write('plain.tar', (p) => p, false);
    const meta = await readBackupJson(file);
    assert.equal(meta.slug, '5f3c2a1b');
    assert.equal(meta.type, 'partial');
    assert.deepEqual(meta.addons, []);
    assert.deepEqual(meta.folders, []);
    assert.equal(meta.homeassistant?.version, '2026.11.3');
    assert.equal(meta.homeassistant?.exclude_database, true);
    assert.equal(meta.extra.with_automatic_settings, true);
  });

  void it('lists and opens the config folder of an unencrypted backup, and verifies it', async () => {
    const file = await write('plain2.tar', (p) => p, false);
    const l = await listBackup(file);
    assert.deepEqual(l.missing, []);
    assert.deepEqual(
      l.archives.map((a) => [a.name, a.encrypted]),
      [['homeassistant.tar.gz', false]],
    );
    const paths = l.archives[0]!.entries.map((e) => e.path);
    for (const p of ['data/configuration.yaml', 'data/automations.yaml', 'data/.storage/core.config_entries']) assert.ok(paths.includes(p), p);
    const text = (await readAll(await openEntry(file, 'homeassistant.tar.gz', 'data/automations.yaml'))).toString('utf8');
    assert.match(text, /alias: Lights/);
    const v = await verifyBackup(file);
    assert.equal(v.ok, true, JSON.stringify(v));
  });

  for (const [version, encrypt] of [
    [2, (p: Buffer): Buffer => encryptV2(p, KEY)],
    [3, (p: Buffer): Promise<Buffer> => encryptV3(p, KEY)],
  ] as const) {
    void it(`reads a backup encrypted with the automatic-backup key (SecureTar v${version}), and refuses a wrong key`, async () => {
      const file = await write(`v${version}.tar`, encrypt, true);
      const l = await listBackup(file, { password: KEY });
      assert.deepEqual(
        l.archives.map((a) => [a.name, a.encrypted, a.version]),
        [['homeassistant.tar.gz', true, version]],
      );
      const text = (await readAll(await openEntry(file, 'homeassistant.tar.gz', 'data/configuration.yaml', { password: KEY }))).toString('utf8');
      assert.match(text, /name: Core install/);
      await assert.rejects(listBackup(file, { password: KEY.toLowerCase() }), (e: unknown) => e instanceof ArchiveError && e.kind === 'wrong_password');
      assert.equal((await verifyBackup(file, { password: KEY })).ok, true);
    });
  }
});
