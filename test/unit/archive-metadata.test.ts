// backup.json validation: old (snapshot-era, Supervisor < 2022) and new key sets normalize to the
// same shape; unknown keys are kept; invalid files say which key is wrong.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ArchiveError, listBackup, parseBackupJson, readBackupJson } from '../../src/core/archive/index';
import { buildTar } from '../../src/emulator/tar';
import { backupJsonFor, gzip, makeTar, tempDir, writeBackup } from './archive/helpers';

const OLD_SNAPSHOT = {
  slug: '0a1b2c3d',
  type: 'partial',
  name: 'Snapshot 2020-06-01',
  date: '2020-06-01T10:00:00.000000+00:00',
  protected: 'bcrypt-like-hash',
  crypto: 'aes128',
  homeassistant: { version: null, watchdog: true, boot: true, port: 8123, ssl: false },
  folders: ['homeassistant', 'ssl', 'addons/local'],
  addons: [{ slug: 'core_ssh', name: 'Terminal & SSH', version: 8.6, size: 0.01 }],
  repositories: ['https://github.com/hassio-addons/repository'],
  docker: { registries: {} },
};

void describe('archive: backup.json', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  void it('normalizes an old snapshot.json key set', () => {
    const meta = parseBackupJson(OLD_SNAPSHOT, 'old');
    assert.equal(meta.version, 1);
    assert.equal(meta.supervisor_version, '2022.08.3');
    assert.equal(meta.compressed, true);
    assert.equal(meta.protected, true, 'a non-boolean counts as protected');
    assert.equal(meta.homeassistant, null, 'version null means no Home Assistant');
    assert.deepEqual(meta.folders, ['ssl', 'addons/local']);
    assert.deepEqual(meta.addons, [{ slug: 'core_ssh', name: 'Terminal & SSH', version: '8.6', size: 0.01 }]);
    assert.deepEqual(meta.extra, {});
    assert.deepEqual(meta.docker, { registries: {} }, 'unknown keys are kept');
    assert.equal(meta.crypto, 'aes128');
  });

  void it('keeps a current backup.json as it is', () => {
    const raw = { ...backupJsonFor(['homeassistant.tar.gz'], { protected: false }), compressed: 'false', extra: { with_automatic_settings: true } };
    const meta = parseBackupJson(raw, 'new');
    assert.equal(meta.version, 2);
    assert.equal(meta.compressed, false, 'voluptuous booleans');
    assert.equal(meta.protected, false);
    assert.deepEqual(meta.homeassistant, { version: '2026.11.2', exclude_database: false, size: 0 });
    assert.deepEqual(meta.extra, { with_automatic_settings: true });
  });

  void it('says which key is missing or invalid', () => {
    const check = (raw: unknown, re: RegExp): void => {
      assert.throws(
        () => parseBackupJson(raw, 'x.tar'),
        (e: unknown) => e instanceof ArchiveError && e.kind === 'not_a_backup' && re.test(e.message),
      );
    };
    const { slug: _slug, ...noSlug } = OLD_SNAPSHOT;
    check(noSlug, /^x\.tar: backup\.json lacks slug$/);
    check({ ...OLD_SNAPSHOT, type: 'weekly' }, /invalid type/);
    check({ ...OLD_SNAPSHOT, version: 3 }, /invalid version/);
    check({ ...OLD_SNAPSHOT, addons: [{ slug: 'x' }] }, /lacks addons\.0\.name/);
    check([], /backup\.json/);
  });

  void it('reads ./snapshot.json from an old archive (./-prefixed members, directory entry first)', async () => {
    const inner = gzip(
      await makeTar([
        { name: './', type: 'directory' },
        { name: './x.pem', data: 'pem' },
      ]),
    );
    const file = path.join(tmp.dir, 'old.tar');
    const tarBytes = buildTar([
      { name: '.', type: 'dir', mode: 0o755, mtime: 1_590_000_000 },
      { name: './ssl.tar.gz', type: 'file', mode: 0o644, mtime: 1_590_000_000, data: inner },
      {
        name: './snapshot.json',
        type: 'file',
        mode: 0o644,
        mtime: 1_590_000_000,
        data: Buffer.from(JSON.stringify({ ...OLD_SNAPSHOT, protected: false, folders: ['ssl'], addons: [] })),
      },
    ]);
    await writeFile(file, tarBytes);
    const meta = await readBackupJson(file);
    assert.equal(meta.slug, '0a1b2c3d');
    const l = await listBackup(file);
    assert.deepEqual(
      l.archives.map((a) => [a.name, a.entries.map((e) => e.path)]),
      [['ssl.tar.gz', ['.', 'x.pem']]],
    );
    assert.deepEqual(l.missing, []);
    assert.deepEqual(l.others, []);
  });

  void it('refuses invalid JSON and files that are not tars', async () => {
    const file = path.join(tmp.dir, 'badjson.tar');
    await writeBackup(file, [], null);
    await writeFile(file, buildTar([{ name: './backup.json', type: 'file', mode: 0o644, mtime: 0, data: Buffer.from('{nope') }]));
    await assert.rejects(readBackupJson(file), (e: unknown) => e instanceof ArchiveError && e.kind === 'not_a_backup' && /backup\.json is not valid JSON/.test(e.message));
    const junk = path.join(tmp.dir, 'junk.bin');
    await writeFile(junk, Buffer.alloc(4096, 0x41));
    await assert.rejects(listBackup(junk), (e: unknown) => e instanceof ArchiveError && e.kind === 'not_a_backup' && /not a readable tar archive/.test(e.message));
    await assert.rejects(listBackup(path.join(tmp.dir, 'absent.tar')), (e: unknown) => e instanceof ArchiveError && e.kind === 'not_found');
  });
});
