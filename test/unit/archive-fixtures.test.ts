// Every fixture of test/fixtures/ha-backup (real archives from the Supervisor's and securetar's
// test suites) read by the archive reader: good ones list their files with the README's password,
// broken ones fail with an error that names the inner archive, wrong passwords say so.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArchiveError, listArchives, listBackup, listInnerArchive, openEntry, readBackupJson, verifyBackup } from '../../src/core/archive/index';
import type { ArchiveErrorKind, InnerArchive } from '../../src/core/archive/index';
import { backupJsonFor, fixture, FIXTURES, innerMembers, readAll, tempDir, writeBackup } from './archive/helpers';

const LEGACY_KEY = Buffer.from('0123456789abcdef', 'ascii');

/** Every fixture file is tested below; a new one must be added here. */
const COVERED = [
  'securetar/backup_early_final_tag.tar',
  'securetar/backup_empty.tar',
  'securetar/backup_encrypted_gzipped_legacy_format.tar',
  'securetar/backup_no_final_tag.tar',
  'securetar/backup_truncated.tar',
  'securetar/core_empty.tar.gz',
  'supervisor/backup_example.tar',
  'supervisor/backup_example_enc.tar',
  'supervisor/backup_example_sec_v3.tar',
  'supervisor/backup_local_ssh_running.tar.gz',
  'supervisor/backup_local_ssh_stopped.tar.gz',
  'supervisor/test_consolidate.tar',
  'supervisor/test_consolidate_unc.tar',
];

function paths(a: InnerArchive | undefined): string[] {
  assert.ok(a, 'inner archive present');
  return a.entries.map((e) => e.path);
}

async function rejectsWith(p: Promise<unknown>, kind: ArchiveErrorKind, message: RegExp): Promise<ArchiveError> {
  let caught: unknown;
  await p.then(
    () => assert.fail(`expected an ArchiveError ${kind}`),
    (e: unknown) => {
      caught = e;
    },
  );
  assert.ok(caught instanceof ArchiveError, `an ArchiveError, got ${String(caught)}`);
  assert.equal(caught.kind, kind, caught.message);
  assert.match(caught.message, message);
  return caught;
}

void describe('archive fixtures', () => {
  void it('finds the fixtures folder and covers every file in it', () => {
    assert.ok(existsSync(FIXTURES), `the fixtures folder is missing: ${FIXTURES}`);
    const present = ['supervisor', 'securetar'].flatMap((d) => readdirSync(path.join(FIXTURES, d)).map((f) => `${d}/${f}`)).sort();
    assert.deepEqual(present, [...COVERED].sort(), 'every fixture has a test');
  });

  void describe('supervisor/', () => {
    void it('backup_example.tar (plain): lists the add-on archive and reads addon.json', async () => {
      const file = fixture('supervisor/backup_example.tar');
      const l = await listBackup(file);
      assert.equal(l.backup.slug, '7fed74c8');
      assert.equal(l.backup.protected, false);
      assert.deepEqual(l.missing, []);
      assert.equal(l.archives.length, 1);
      const a = l.archives[0]!;
      assert.deepEqual(
        { name: a.name, encrypted: a.encrypted, version: a.version, compressed: a.compressed },
        {
          name: 'a0d7b954_example.tar.gz',
          encrypted: false,
          version: null,
          compressed: true,
        },
      );
      assert.deepEqual(paths(a), ['.', 'addon.json', 'data']);
      const addonJson = a.entries.find((e) => e.path === 'addon.json')!;
      assert.equal(addonJson.type, 'file');
      assert.equal(addonJson.mode, 0o600);
      assert.ok(addonJson.mtime instanceof Date && addonJson.mtime.getUTCFullYear() >= 2024);
      const text = (await readAll(await openEntry(file, 'a0d7b954_example.tar.gz', './addon.json'))).toString('utf8');
      assert.equal(text.length, addonJson.size);
      assert.equal((JSON.parse(text) as { version: string }).version, '9.0.1');
    });

    void it('backup_example_enc.tar (SecureTar v2): password "test" lists ssl.tar.gz; wrong password says so', async () => {
      const file = fixture('supervisor/backup_example_enc.tar');
      const l = await listBackup(file, { password: 'test' });
      assert.equal(l.backup.protected, true);
      assert.equal(l.backup.crypto, 'aes128');
      const a = l.archives[0]!;
      assert.deepEqual([a.name, a.encrypted, a.version, a.compressed], ['ssl.tar.gz', true, 2, true]);
      assert.deepEqual(paths(a), ['.']);
      const e = await rejectsWith(listBackup(file, { password: 'bad' }), 'wrong_password', /^ssl\.tar\.gz: wrong password/);
      assert.doesNotMatch(e.message, /corrupt|damaged/);
      assert.equal(e.archive, 'ssl.tar.gz');
      await rejectsWith(listBackup(file), 'password_required', /ssl\.tar\.gz: .*password is needed/);
    });

    void it('backup_example_sec_v3.tar (SecureTar v3): password "supervisor"; wrong password says so', async () => {
      const file = fixture('supervisor/backup_example_sec_v3.tar');
      const l = await listBackup(file, { password: 'supervisor' });
      const a = l.archives[0]!;
      assert.deepEqual([a.name, a.encrypted, a.version, a.compressed, a.size], ['a0d7b954_example.tar.gz', true, 3, true, 1448]);
      assert.deepEqual(paths(a), ['.', 'addon.json', 'data']);
      const text = (await readAll(await openEntry(file, 'a0d7b954_example.tar.gz', 'addon.json', { password: 'supervisor' }))).toString();
      assert.equal((JSON.parse(text) as { version: string }).version, '9.0.1');
      const e = await rejectsWith(listBackup(file, { password: 'wrong' }), 'wrong_password', /^a0d7b954_example\.tar\.gz: wrong password/);
      assert.doesNotMatch(e.message, /corrupt|damaged/);
      await rejectsWith(openEntry(file, 'a0d7b954_example.tar.gz', 'addon.json', { password: 'wrong' }), 'wrong_password', /wrong password/);
      await rejectsWith(listBackup(file, { key: Buffer.alloc(16) }), 'password_required', /raw key only opens SecureTar v1\/v2/);
    });

    void it('test_consolidate.tar (v2, backup.json first, legacy docker registries) and its unencrypted twin', async () => {
      const enc = await listBackup(fixture('supervisor/test_consolidate.tar'), { password: 'test' });
      assert.equal(enc.backup.slug, 'd9c48f8b');
      assert.deepEqual(enc.backup.folders, ['ssl']);
      assert.deepEqual(
        enc.archives.map((a) => [a.name, a.version]),
        [['ssl.tar.gz', 2]],
      );
      assert.deepEqual(paths(enc.archives[0]), ['.']);
      await rejectsWith(listBackup(fixture('supervisor/test_consolidate.tar'), { password: 'nope' }), 'wrong_password', /ssl\.tar\.gz: wrong password/);
      const unc = await listBackup(fixture('supervisor/test_consolidate_unc.tar'));
      assert.equal(unc.backup.slug, 'd9c48f8b');
      assert.equal(unc.backup.protected, false);
      assert.deepEqual(
        unc.archives.map((a) => [a.name, a.encrypted]),
        [['ssl.tar.gz', false]],
      );
    });

    void describe('backup_local_ssh_{running,stopped}.tar.gz (inner app archives)', () => {
      const tmp = tempDir();
      after(() => tmp.cleanup());
      for (const state of ['running', 'stopped'] as const) {
        void it(`${state}: not a backup by itself, listed as an inner archive, and read inside a backup`, async () => {
          const file = fixture(`supervisor/backup_local_ssh_${state}.tar.gz`);
          await rejectsWith(listBackup(file), 'not_a_backup', /gzip-compressed; a backup is a plain tar/);
          const inner = await listInnerArchive(file);
          assert.deepEqual(paths(inner), ['.', 'addon.json', 'image.tar', 'data']);
          assert.equal(inner.entries.find((e) => e.path === 'image.tar')?.size, 0);
          // The same bytes as local_ssh.tar.gz of a backup.
          const { readFile } = await import('node:fs/promises');
          const backup = path.join(tmp.dir, `${state}.tar`);
          await writeBackup(backup, [{ name: 'local_ssh.tar.gz', data: await readFile(file) }], backupJsonFor(['local_ssh.tar.gz'], { protected: false }));
          const addon = JSON.parse((await readAll(await openEntry(backup, 'local_ssh.tar.gz', 'addon.json'))).toString()) as { state: string };
          assert.equal(addon.state, state === 'running' ? 'started' : 'stopped');
        });
      }
    });
  });

  void describe('securetar/', () => {
    const tmp = tempDir();
    after(() => tmp.cleanup());

    void it('backup_encrypted_gzipped_legacy_format.tar (SecureTar v1, raw key, padding bug)', async () => {
      const file = fixture('securetar/backup_encrypted_gzipped_legacy_format.tar');
      // No backup.json: not a backup, but its inner archives can be listed.
      await rejectsWith(listBackup(file, { key: LEGACY_KEY }), 'not_a_backup', /no backup\.json/);
      const l = await listArchives(file, { key: LEGACY_KEY });
      assert.equal(l.backup, null);
      assert.deepEqual(
        l.archives.map((a) => [a.name, a.encrypted, a.version, a.compressed]),
        [
          ['core.tar.gz', true, 1, true],
          ['core2.tar.gz', true, 1, true],
          ['core3.tar.gz', true, 1, true],
        ],
      );
      for (const a of l.archives) {
        assert.deepEqual(paths(a), ['.', 'README.md', 'test_symlink', 'test1', 'test1/script.sh']);
        const link = a.entries.find((e) => e.path === 'test_symlink')!;
        assert.deepEqual([link.type, link.linkname, link.unsafe], ['symlink', 'test1', undefined]);
      }
      const readme = await readAll(await openEntry(file, 'core2.tar.gz', 'README.md', { key: LEGACY_KEY }));
      assert.equal(readme.toString(), '# Tar Data\n\nThis is just a test for backup files\n');
      const wrongKey = Buffer.from('0123456789abcdeX', 'ascii');
      await rejectsWith(listArchives(file, { key: wrongKey }), 'wrong_password', /^core\.tar\.gz: wrong password/);
      await rejectsWith(listArchives(file), 'password_required', /core\.tar\.gz: .*password is needed/);
      // verify checks the CRC and size found in the padded trailer.
      const v = await verifyBackup(file, { key: LEGACY_KEY });
      assert.deepEqual(
        v.parts.map((p) => [p.name, p.ok, p.entries]),
        [
          ['core.tar.gz', true, 5],
          ['core2.tar.gz', true, 5],
          ['core3.tar.gz', true, 5],
        ],
      );
      assert.equal(v.ok, false, 'no backup.json');
      assert.match(v.problems.join('\n'), /no backup\.json/);
    });

    const BROKEN: [string, string, RegExp][] = [
      ['backup_empty', 'core_empty.tar.gz', /ciphertext is too short/],
      ['backup_early_final_tag', 'core_early_final_tag.tar.gz', /unexpected final tag/],
      ['backup_no_final_tag', 'core_no_final_tag.tar.gz', /missing final tag/],
      ['backup_truncated', 'core_truncated.tar.gz', /fails authentication.*1 byte shorter than its header announces/],
    ];
    for (const [fixtureName, inner, why] of BROKEN) {
      void it(`${fixtureName}.tar (v3) fails naming ${inner}; a wrong password still says "wrong password"`, async () => {
        const file = fixture(`securetar/${fixtureName}.tar`);
        const e = await rejectsWith(listArchives(file, { password: 'hunter2' }), 'corrupt', why);
        assert.ok(e.message.startsWith(`${inner}: `), e.message);
        assert.equal(e.archive, inner);
        await rejectsWith(listArchives(file, { password: 'hunter3' }), 'wrong_password', new RegExp(`^${inner.replace(/\./g, '\\.')}: wrong password`));
        // The same inner archive inside a real (protected) backup.
        const backup = path.join(tmp.dir, `${fixtureName}-wrapped.tar`);
        await writeBackup(backup, await innerMembers(file), backupJsonFor([inner], { protected: true }));
        await rejectsWith(listBackup(backup, { password: 'hunter2' }), 'corrupt', new RegExp(`^${inner.replace(/\./g, '\\.')}: .*`));
        const v = await verifyBackup(backup, { password: 'hunter2' });
        assert.equal(v.ok, false);
        assert.equal(v.parts.length, 1);
        assert.equal(v.parts[0]!.ok, false);
        assert.equal(v.parts[0]!.kind, 'corrupt');
        assert.match(v.parts[0]!.error ?? '', why);
      });
    }

    void it('core_empty.tar.gz (a bare v3 header): too short with the password, wrong password otherwise', async () => {
      const file = fixture('securetar/core_empty.tar.gz');
      await rejectsWith(listInnerArchive(file, { password: 'hunter2' }), 'corrupt', /^core_empty\.tar\.gz: its ciphertext is too short/);
      await rejectsWith(listInnerArchive(file, { password: 'not-it' }), 'wrong_password', /^core_empty\.tar\.gz: wrong password/);
    });
  });

  void describe('readBackupJson (upload check) on the fixtures', () => {
    let names: string[] = [];
    before(() => {
      names = COVERED.filter((f) => f.startsWith('supervisor/') && f.endsWith('.tar'));
    });
    void it('reads every supervisor backup and refuses the rest', async () => {
      for (const f of names) {
        const meta = await readBackupJson(fixture(f));
        assert.match(meta.slug, /^[0-9a-f]{8}$/, f);
      }
      await rejectsWith(readBackupJson(fixture('securetar/backup_truncated.tar')), 'not_a_backup', /no backup\.json/);
      await rejectsWith(readBackupJson(fixture('supervisor/backup_local_ssh_running.tar.gz')), 'not_a_backup', /not a readable tar archive/);
    });
  });
});
