// The core of looking inside backups: parts and config paths, the directory index, the archive
// cache's eviction, finding a backup in a folder, listing one part, and the restore target checks.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { findBackupFile, listPart } from '../../src/core/archive/index';
import type { ArchiveEntry } from '../../src/core/archive/index';
import {
  CacheTooSmallError,
  cacheFileOf,
  cachedParts,
  cachedArchives,
  configRelativePath,
  DirectoryIndex,
  evictionsFor,
  keepCopy,
  makeRoom,
  partsOf,
  resolveRestoreTarget,
  RestoreRefusedError,
  writeRestoredFile,
} from '../../src/core/browse/index';
import { backupJsonFor, encryptV2, gzip, makeTar, tempDir, writeBackup } from './archive/helpers';

const tmp = tempDir('ha-browse-');
after(() => tmp.cleanup());

function entry(p: string, type: ArchiveEntry['type'] = 'file', extra: Partial<ArchiveEntry> = {}): ArchiveEntry {
  return { path: p, type, size: 1, mode: 0o644, mtime: new Date(0), ...extra };
}

void describe('parts of a backup', () => {
  void it('lists Home Assistant, add-ons and folders with the Supervisor archive names', () => {
    const parts = partsOf({ homeassistant: true, addons: ['core_mosquitto', 'local/my'], folders: ['share', 'addons/local'] }, true);
    assert.deepEqual(
      parts.map((p) => [p.id, p.kind, p.archive]),
      [
        ['homeassistant', 'homeassistant', 'homeassistant.tar.gz'],
        ['core_mosquitto', 'addon', 'core_mosquitto.tar.gz'],
        ['local_my', 'addon', 'local_my.tar.gz'],
        ['share', 'folder', 'share.tar.gz'],
        ['addons_local', 'folder', 'addons_local.tar.gz'],
      ],
    );
    assert.equal(partsOf({ homeassistant: true, addons: [], folders: [] }, false)[0]?.archive, 'homeassistant.tar');
  });

  void it('maps only files under data/ of the config part to the config folder', () => {
    assert.equal(configRelativePath('homeassistant', 'data/configuration.yaml'), 'configuration.yaml');
    assert.equal(configRelativePath('homeassistant', './data/packages/a.yaml'), 'packages/a.yaml');
    assert.equal(configRelativePath('homeassistant', 'homeassistant.json'), undefined);
    assert.equal(configRelativePath('homeassistant', 'data/'), undefined);
    assert.equal(configRelativePath('homeassistant', 'data/../secrets.yaml'), undefined);
    assert.equal(configRelativePath('core_mosquitto', 'data/options.json'), undefined);
  });
});

void describe('directory index', () => {
  void it('builds folders (also implicit ones), sorts folders first, and leaves unsafe entries out', () => {
    const index = new DirectoryIndex([
      entry('.', 'directory'),
      entry('data/b.yaml'),
      entry('data/.storage/core.uuid'),
      entry('data/a.yaml'),
      entry('homeassistant.json'),
      entry('data/link', 'symlink', { linkname: 'a.yaml' }),
      entry('../evil', 'file', { unsafe: true, unsafeReason: 'path contains ".."' }),
    ]);
    assert.deepEqual(
      index.list('.').map((n) => `${n.name}:${n.type}`),
      ['data:directory', 'homeassistant.json:file'],
    );
    assert.deepEqual(
      index.list('data').map((n) => n.name),
      ['.storage', 'a.yaml', 'b.yaml', 'link'],
    );
    assert.equal(index.find('data/.storage')?.type, 'directory', 'an implicit folder');
    assert.equal(index.find('data/link')?.type, 'symlink');
    assert.equal(index.find('data/missing'), undefined);
    assert.equal(index.unsafe.length, 1);
    assert.equal(index.find('../evil'), undefined);
  });

  void it('shows the first of two entries with one path (what openEntry reads)', () => {
    const index = new DirectoryIndex([entry('a.yaml', 'file', { size: 1 }), entry('a.yaml', 'file', { size: 2 })]);
    assert.equal(index.find('a.yaml')?.entry?.size, 1);
  });

  void it('keeps children when a folder entry comes after its files', () => {
    const index = new DirectoryIndex([entry('d/x'), entry('d', 'directory', { mode: 0o700 })]);
    assert.deepEqual(
      index.list('d').map((n) => n.name),
      ['x'],
    );
    assert.equal(index.find('d')?.entry?.mode, 0o700);
  });
});

void describe('archive cache', () => {
  const mk = (slug: string, size: number, lastUsed: number) => ({ file: `/c/${slug}.tar`, slug, size, lastUsed });

  void it('evicts the least recently used first, only as much as needed, never a kept one', () => {
    const all = [mk('a', 40, 3), mk('b', 40, 1), mk('c', 40, 2)];
    assert.deepEqual(
      evictionsFor(all, 150, 20, new Set()).map((a) => a.slug),
      [],
    );
    assert.deepEqual(
      evictionsFor(all, 150, 50, new Set()).map((a) => a.slug),
      ['b'],
    );
    assert.deepEqual(
      evictionsFor(all, 150, 100, new Set(['b'])).map((a) => a.slug),
      ['c', 'a'],
    );
    assert.throws(() => evictionsFor(all, 150, 151), CacheTooSmallError);
    assert.throws(() => evictionsFor([mk('a', 100, 1)], 150, 100, new Set(['a'])), CacheTooSmallError);
  });

  void it('makes room on disk, counting only whole archives', async () => {
    const dir = path.join(tmp.dir, 'cache');
    mkdirSync(dir);
    for (const [slug, age] of [
      ['old1', 3000],
      ['new1', 1000],
    ] as const) {
      writeFileSync(cacheFileOf(dir, slug), Buffer.alloc(100));
      const t = new Date(Date.now() - age * 1000);
      utimesSync(cacheFileOf(dir, slug), t, t);
    }
    writeFileSync(path.join(dir, '.new2.tar.abcd.partial'), Buffer.alloc(500));
    assert.deepEqual((await cachedArchives(dir)).map((a) => a.slug).sort(), ['new1', 'old1']);
    const removed = await makeRoom(dir, 250, 100);
    assert.deepEqual(
      removed.map((f) => path.basename(f)),
      ['old1.tar'],
    );
    assert.deepEqual(readdirSync(dir).sort(), ['.new2.tar.abcd.partial', 'new1.tar']);
    assert.throws(() => cacheFileOf(dir, '../x'));
  });

  void it('counts the parts kept from ranged reads, one entry per backup, and removes the least recently used whole', async () => {
    const dir = path.join(tmp.dir, 'cache-parts');
    mkdirSync(path.join(dir, 'parts', 'aaaa1111~0123456789ab'), { recursive: true });
    mkdirSync(path.join(dir, 'parts', 'bbbb2222~0123456789ab'), { recursive: true });
    writeFileSync(path.join(dir, 'parts', 'aaaa1111~0123456789ab', '0-60.seg'), Buffer.alloc(60));
    writeFileSync(path.join(dir, 'parts', 'aaaa1111~0123456789ab', '100-40.seg'), Buffer.alloc(40));
    writeFileSync(path.join(dir, 'parts', 'bbbb2222~0123456789ab', '0-50.seg'), Buffer.alloc(50));
    writeFileSync(cacheFileOf(dir, 'cccc3333'), Buffer.alloc(100));
    const ages: [string, number][] = [
      [path.join(dir, 'parts', 'aaaa1111~0123456789ab'), 3000],
      [path.join(dir, 'parts', 'bbbb2222~0123456789ab'), 1000],
      [cacheFileOf(dir, 'cccc3333'), 2000],
    ];
    for (const [file, age] of ages) {
      const t = new Date(Date.now() - age * 1000);
      utimesSync(file, t, t);
    }
    assert.deepEqual((await cachedParts(dir)).map((p) => [p.slug, p.size]).sort(), [
      ['aaaa1111', 100],
      ['bbbb2222', 50],
    ]);
    // 250 in all, cap 200, 0 more needed: the oldest entry (a's parts, 100) goes; kept: b's parts and c.
    const removed = await makeRoom(dir, 200, 0, new Set(['bbbb2222']));
    assert.deepEqual(
      removed.map((f) => path.basename(f)),
      ['aaaa1111~0123456789ab'],
    );
    assert.deepEqual(readdirSync(path.join(dir, 'parts')), ['bbbb2222~0123456789ab']);
    assert.ok(readdirSync(dir).includes('cccc3333.tar'));
  });
});

void describe('finding and listing a backup in a folder', () => {
  void it('finds <slug>.tar, or a file named otherwise whose backup.json has the slug', async () => {
    const dir = path.join(tmp.dir, 'backup');
    mkdirSync(dir);
    const inner = gzip(await makeTar([{ name: 'data/configuration.yaml', data: 'x: 1\n' }]));
    await writeBackup(
      path.join(dir, 'aaaa1111.tar'),
      [{ name: 'homeassistant.tar.gz', data: inner }],
      backupJsonFor(['homeassistant.tar.gz'], { protected: false, slug: 'aaaa1111' }),
    );
    await writeBackup(
      path.join(dir, 'Nightly_2026.tar'),
      [{ name: 'homeassistant.tar.gz', data: inner }],
      backupJsonFor(['homeassistant.tar.gz'], { protected: false, slug: 'bbbb2222' }),
    );
    writeFileSync(path.join(dir, 'junk.tar'), 'not a tar');
    writeFileSync(path.join(dir, 'eeee5555.tar'), 'a damaged backup');
    // A file named after a slug it does not hold is not that backup.
    await writeBackup(
      path.join(dir, 'cccc3333.tar'),
      [{ name: 'homeassistant.tar.gz', data: inner }],
      backupJsonFor(['homeassistant.tar.gz'], { protected: false, slug: 'dddd4444' }),
    );
    assert.equal(await findBackupFile(dir, 'aaaa1111'), path.join(dir, 'aaaa1111.tar'));
    assert.equal(await findBackupFile(dir, 'bbbb2222'), path.join(dir, 'Nightly_2026.tar'));
    assert.equal(await findBackupFile(dir, 'cccc3333'), undefined);
    assert.equal(await findBackupFile(dir, 'dddd4444'), path.join(dir, 'cccc3333.tar'));
    assert.equal(await findBackupFile(path.join(tmp.dir, 'no-such-folder'), 'aaaa1111'), undefined);
    assert.equal(await findBackupFile(dir, 'eeee5555'), path.join(dir, 'eeee5555.tar'), 'a damaged <slug>.tar is still that backup');
    assert.equal(await findBackupFile(dir, 'ffff6666'), undefined);
  });

  void it('lists one part of a protected backup, and says "wrong password" for a wrong one', async () => {
    const file = path.join(tmp.dir, 'prot.tar');
    const ha = encryptV2(gzip(await makeTar([{ name: 'data/configuration.yaml', data: 'x: 1\n' }])), 'pw');
    const addon = encryptV2(gzip(await makeTar([{ name: 'data/options.json', data: '{}' }])), 'pw');
    await writeBackup(
      file,
      [
        { name: 'homeassistant.tar.gz', data: ha },
        { name: 'core_x.tar.gz', data: addon },
      ],
      backupJsonFor(['homeassistant.tar.gz', 'core_x.tar.gz'], { protected: true }),
    );
    const part = await listPart(file, 'core_x.tar.gz', { password: 'pw' });
    assert.deepEqual(
      part.entries.map((e) => e.path),
      ['data/options.json'],
    );
    assert.equal(part.version, 2);
    await assert.rejects(
      listPart(file, 'homeassistant.tar.gz', { password: 'nope' }),
      (e: Error & { kind?: string }) => e.kind === 'wrong_password' && /homeassistant\.tar\.gz/.test(e.message),
    );
    await assert.rejects(listPart(file, 'share.tar.gz', { password: 'pw' }), (e: Error & { kind?: string }) => e.kind === 'not_found');
  });
});

void describe('restore target', () => {
  const root = path.join(tmp.dir, 'config');
  mkdirSync(path.join(root, 'packages'), { recursive: true });
  writeFileSync(path.join(root, 'configuration.yaml'), 'old\n');
  const outside = path.join(tmp.dir, 'outside');
  mkdirSync(outside);
  symlinkSync(outside, path.join(root, 'linked-dir'));
  symlinkSync(path.join(outside, 'x.yaml'), path.join(root, 'linked.yaml'));

  void it('accepts plain paths inside the config folder, existing or not', async () => {
    const t = await resolveRestoreTarget(root, 'configuration.yaml');
    assert.equal(t.target, path.join(root, 'configuration.yaml'));
    assert.equal(t.exists, true);
    const n = await resolveRestoreTarget(root, 'packages/new/a.yaml');
    assert.equal(n.exists, false);
  });

  void it('refuses escapes, links anywhere on the path, and non-files', async () => {
    for (const rel of ['../x.yaml', '/etc/passwd', 'a/../../x', 'C:/x', 'a\\..\\x', '', 'a//b', './a']) {
      await assert.rejects(resolveRestoreTarget(root, rel), RestoreRefusedError, rel);
    }
    await assert.rejects(resolveRestoreTarget(root, 'linked-dir/x.yaml'), /symbolic link/);
    await assert.rejects(resolveRestoreTarget(root, 'linked.yaml'), /symbolic link/);
    await assert.rejects(resolveRestoreTarget(root, 'packages'), /not a regular file/);
    await assert.rejects(resolveRestoreTarget(root, 'configuration.yaml/x'), /not a folder/);
  });

  void it('writes the new bytes whole, keeps the mode, and keeps a copy of the old file', async () => {
    const file = path.join(root, 'configuration.yaml');
    const t = await resolveRestoreTarget(root, 'configuration.yaml');
    const copy = path.join(tmp.dir, 'kept', 'configuration.yaml');
    await keepCopy(file, copy);
    await writeRestoredFile(t, Buffer.from('new\n'), 0o600);
    assert.equal(readFileSync(file, 'utf8'), 'new\n');
    assert.equal(readFileSync(copy, 'utf8'), 'old\n');
    assert.equal(statSync(file).mode & 0o777, t.mode! & 0o777);
    await assert.rejects(keepCopy(file, copy), /EEXIST/, 'a kept copy is never overwritten');
    const created = await resolveRestoreTarget(root, 'packages/new/a.yaml');
    await writeRestoredFile(created, Buffer.from('a: 1\n'), 0o644);
    assert.equal(readFileSync(path.join(root, 'packages/new/a.yaml'), 'utf8'), 'a: 1\n');
    assert.deepEqual(
      readdirSync(root).filter((f) => f.includes('restoring')),
      [],
    );
  });

  void it('refuses when the target changed after the check: created meanwhile, or replaced by a link', async () => {
    const late = await resolveRestoreTarget(root, 'late.yaml');
    writeFileSync(path.join(root, 'late.yaml'), 'made meanwhile\n');
    await assert.rejects(writeRestoredFile(late, Buffer.from('from backup\n'), 0o644), /created meanwhile/);
    assert.equal(readFileSync(path.join(root, 'late.yaml'), 'utf8'), 'made meanwhile\n');
    writeFileSync(path.join(root, 'swapped.yaml'), 'real\n');
    const swapped = await resolveRestoreTarget(root, 'swapped.yaml');
    rmSync(path.join(root, 'swapped.yaml'));
    symlinkSync(path.join(outside, 'target.yaml'), path.join(root, 'swapped.yaml'));
    await assert.rejects(writeRestoredFile(swapped, Buffer.from('x'), 0o644), /no longer a regular file/);
    assert.deepEqual(readdirSync(outside), [], 'nothing was written through the link');
    assert.deepEqual(
      readdirSync(root).filter((f) => f.includes('restoring')),
      [],
      'the temporary file was removed',
    );
  });
});
