// Entries that would land outside the extraction folder are listed with `unsafe: true` and a
// reason, and openEntry refuses them. Nothing is ever written anywhere by the reader.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArchiveError, listBackup, openEntry, verifyBackup } from '../../src/core/archive/index';
import type { ArchiveEntry } from '../../src/core/archive/index';
import { normalizeEntryPath, unsafeReason } from '../../src/core/archive/entries';
import { backupJsonFor, encryptV2, gzip, makeTar, readAll, tempDir, writeBackup } from './archive/helpers';

void describe('archive: unsafe entries', () => {
  const tmp = tempDir();
  let file: string;
  let entries: Map<string, ArchiveEntry>;

  before(async () => {
    const inner = await makeTar([
      { name: './', type: 'directory' },
      { name: 'sub/', type: 'directory' },
      { name: 'sub/file.txt', data: 'fine\n' },
      { name: '../evil', data: 'escaped\n' },
      { name: '/etc/evil', data: 'absolute\n' },
      { name: 'sub/../../evil2', data: 'escaped too\n' },
      { name: 'passwd', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'sub/up', type: 'symlink', linkname: '../../outside' },
      { name: 'sub/sibling', type: 'symlink', linkname: '../sub/file.txt' },
      { name: 'hard', type: 'link', linkname: '../outside' },
      { name: 'hard-ok', type: 'link', linkname: 'sub/file.txt' },
      { name: 'sub/sibling/through', data: 'written through a link\n' },
      { name: 'pipe', type: 'fifo' },
      // Links through links: `dot -> .` makes `dot/..` the parent of the root.
      { name: 'early', type: 'symlink', linkname: 'dot/../escape' },
      { name: 'dot', type: 'symlink', linkname: '.' },
      { name: 'late', type: 'symlink', linkname: 'dot/..' },
    ]);
    file = path.join(tmp.dir, 'evil.tar');
    await writeBackup(file, [{ name: 'share.tar.gz', data: encryptV2(gzip(inner), 'pw') }], { ...backupJsonFor([], { protected: true }), folders: ['share'] });
    const l = await listBackup(file, { password: 'pw' });
    entries = new Map(l.archives[0]!.entries.map((e) => [e.path, e]));
  });
  after(() => tmp.cleanup());

  void it('lists unsafe entries with a reason, and safe ones without', () => {
    const reason = (p: string): string | undefined => {
      const e = entries.get(p);
      assert.ok(e, `listed: ${p} (have ${[...entries.keys()].join(', ')})`);
      assert.equal(e.unsafe === true, e.unsafeReason !== undefined, p);
      return e.unsafeReason;
    };
    assert.equal(reason('.'), undefined);
    assert.equal(reason('sub/file.txt'), undefined);
    assert.equal(reason('sub/sibling'), undefined, 'a relative link staying inside');
    assert.equal(reason('hard-ok'), undefined);
    assert.match(reason('../evil') ?? '', /path contains "\.\."/);
    assert.match(reason('/etc/evil') ?? '', /absolute path/);
    assert.match(reason('sub/../../evil2') ?? '', /path contains "\.\."/);
    assert.match(reason('passwd') ?? '', /symbolic link to an absolute path \(\/etc\/passwd\)/);
    assert.match(reason('sub/up') ?? '', /symbolic link pointing outside the archive/);
    assert.match(reason('hard') ?? '', /hard link pointing outside the archive/);
    assert.match(reason('sub/sibling/through') ?? '', /goes through the symbolic link sub\/sibling/);
    assert.match(reason('pipe') ?? '', /fifo/);
    assert.equal(reason('dot'), undefined);
    assert.match(reason('late') ?? '', /target goes through the symbolic link dot/);
    assert.match(reason('early') ?? '', /target goes through the symbolic link dot/, 'checked again once every link is known');
    assert.equal(entries.get('passwd')?.linkname, '/etc/passwd');
  });

  void it('openEntry refuses every unsafe entry and still reads the safe file', async () => {
    for (const p of ['../evil', '/etc/evil', 'sub/../../evil2', 'passwd', 'sub/up', 'hard', 'sub/sibling/through', 'pipe', 'late']) {
      await assert.rejects(openEntry(file, 'share.tar.gz', p, { password: 'pw' }), (e: unknown) => {
        assert.ok(e instanceof ArchiveError, String(e));
        assert.equal(e.kind, 'unsafe_path', `${p}: ${e.message}`);
        assert.match(e.message, /^share\.tar\.gz: .* is refused: /);
        return true;
      });
    }
    assert.equal((await readAll(await openEntry(file, 'share.tar.gz', 'sub/file.txt', { password: 'pw' }))).toString(), 'fine\n');
    // Nothing was written next to the archive.
    assert.deepEqual(readdirSync(tmp.dir), ['evil.tar']);
  });

  void it('verify counts unsafe entries without failing the part', async () => {
    const v = await verifyBackup(file, { password: 'pw' });
    assert.equal(v.parts[0]?.ok, true);
    assert.equal(v.parts[0]?.unsafeEntries, 10);
  });

  void it('path rules: Windows forms, link resolution, normalization', () => {
    const none = new Set<string>();
    assert.match(unsafeReason('C:\\Windows\\evil', 'file', undefined, none) ?? '', /absolute/);
    assert.match(unsafeReason('..\\evil', 'file', undefined, none) ?? '', /"\.\."/);
    assert.match(unsafeReason('\\\\server\\share', 'file', undefined, none) ?? '', /absolute/);
    assert.equal(unsafeReason('a/b/../c', 'file', undefined, none), 'path contains ".." (a/b/../c)');
    assert.equal(unsafeReason('a/b', 'symlink', '../c', none), undefined);
    assert.match(unsafeReason('a', 'symlink', '../c', none) ?? '', /outside/);
    assert.match(unsafeReason('x', 'link', 'C:/x', none) ?? '', /absolute/);
    assert.match(unsafeReason('', 'file', undefined, none) ?? '', /empty/);
    assert.equal(unsafeReason('./', 'directory', undefined, none), undefined);
    assert.equal(normalizeEntryPath('./a//b/./c/'), 'a/b/c');
    assert.equal(normalizeEntryPath('./'), '.');
    assert.equal(normalizeEntryPath('/etc/x'), '/etc/x');
  });
});
