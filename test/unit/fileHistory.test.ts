// The content index (src/core/archive/contentIndex.ts) and a file's versions across backups
// (src/core/history): hashes of regular files only, encrypted parts with the password, the same
// result read from a file and from a random-access source; versions collapse by content, newest first.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FileSource } from '../../src/core/archive/randomAccess';
import { indexPart, indexPartFrom } from '../../src/core/archive/contentIndex';
import { ledgerEntryFor } from '../../src/core/deletion';
import { fileHistory, lineChange } from '../../src/core/history';
import { ContentIndexStore } from '../../src/core/history/contentIndexStore';
import { readExtraTag, withExtraTag } from '../../src/core/options';
import { backupJsonFor, encryptV2, gzip, makeTar, tempDir, writeBackup } from './archive/helpers';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

async function configBackup(file: string, files: Record<string, string>, password?: string): Promise<void> {
  const tarBytes = await makeTar([
    { name: 'data', type: 'directory' },
    ...Object.entries(files).map(([name, data]) => ({ name: `data/${name}`, data })),
    { name: 'data/link.yaml', type: 'symlink', linkname: 'automations.yaml' },
    { name: '../escape.yaml', data: 'outside' },
  ]);
  const inner = gzip(tarBytes, 'homeassistant.tar');
  const data = password ? encryptV2(inner, password) : inner;
  await writeBackup(file, [{ name: 'homeassistant.tar.gz', data }], backupJsonFor(['homeassistant.tar.gz'], { protected: password !== undefined }));
}

describe('content index of a part', () => {
  it('hashes every regular file, leaves out links and unsafe entries, and reads the same from a source', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'b.tar');
      await configBackup(file, { 'automations.yaml': '- id: a\n', 'configuration.yaml': 'homeassistant:\n' });
      const index = await indexPart(file, 'homeassistant.tar.gz');
      assert.equal(index.archive, 'homeassistant.tar.gz');
      assert.deepEqual(
        index.files.map((f) => [f.path, f.size, f.sha256]),
        [
          ['data/automations.yaml', 8, sha('- id: a\n')],
          ['data/configuration.yaml', 15, sha('homeassistant:\n')],
        ],
      );
      assert.equal(index.files[0]!.mtime, 1_700_000_000);
      const fh = await fs.promises.open(file, 'r');
      try {
        const fromSource = await indexPartFrom(new FileSource(fh, (await fh.stat()).size, file), 'homeassistant.tar.gz');
        assert.deepEqual(fromSource, index);
      } finally {
        await fh.close();
      }
    } finally {
      cleanup();
    }
  });

  it('an encrypted part needs its password: wrong_password without the right one', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'p.tar');
      await configBackup(file, { 'automations.yaml': 'secret\n' }, 'hunter2');
      await assert.rejects(indexPart(file, 'homeassistant.tar.gz', { password: 'wrong' }), (e: Error & { kind?: string }) => e.kind === 'wrong_password');
      const index = await indexPart(file, 'homeassistant.tar.gz', { password: 'hunter2' });
      assert.deepEqual(
        index.files.map((f) => f.sha256),
        [sha('secret\n')],
      );
    } finally {
      cleanup();
    }
  });
});

describe('fileHistory', () => {
  const ref = (slug: string, day: number) => ({ slug, name: `Backup ${slug}`, date: `2026-12-0${day}T03:00:00+00:00` });
  const at = (hash: string, size = 10) => ({ path: 'data/automations.yaml', size, mtime: 0, sha256: hash });

  it('collapses identical versions, newest first, and lists the backups without the file', () => {
    const h = fileHistory([
      { backup: ref('b1', 1), file: at('A') },
      { backup: ref('b3', 3), file: at('B') },
      { backup: ref('b2', 2), file: at('A') },
      { backup: ref('b5', 5), file: at('C') },
      { backup: ref('b4', 4), file: undefined },
      { backup: ref('b6', 6), file: at('C') },
    ]);
    assert.deepEqual(
      h.versions.map((v) => [v.sha256, v.backups.map((b) => b.slug)]),
      [
        ['C', ['b6', 'b5']],
        ['B', ['b3']],
        ['A', ['b2', 'b1']],
      ],
    );
    assert.deepEqual(
      h.without.map((b) => b.slug),
      ['b4'],
    );
  });

  it('a version that comes back is one entry, placed by its newest backup', () => {
    const h = fileHistory([
      { backup: ref('b1', 1), file: at('A') },
      { backup: ref('b2', 2), file: at('B') },
      { backup: ref('b3', 3), file: at('A') },
    ]);
    assert.deepEqual(
      h.versions.map((v) => v.sha256),
      ['A', 'B'],
    );
  });

  it('counts lines added and removed', () => {
    assert.deepEqual(lineChange('a\nb\nc\n', 'a\nc\nd\ne\n'), { added: 2, removed: 1 });
    assert.deepEqual(lineChange('same\n', 'same\n'), { added: 0, removed: 0 });
  });
});

describe('safety-net backups: tag and ledger', () => {
  it("the files being edited travel in `extra` beside the extension's other tags, and read back", () => {
    const extra = withExtraTag(withExtraTag({ other: 1 }, { keepDays: 7 }), { safetyNet: ['automations.yaml', 'scripts.yaml'] });
    assert.deepEqual(extra, { other: 1, vscode_ha_backups: { keep_days: 7, safety_net: ['automations.yaml', 'scripts.yaml'] } });
    assert.deepEqual(readExtraTag(extra), { keepDays: 7, safetyNet: ['automations.yaml', 'scripts.yaml'] });
    assert.deepEqual(readExtraTag({ vscode_ha_backups: { safety_net: ['a.yaml', 3, null] } }), { safetyNet: ['a.yaml'] });
  });

  it('the ledger entry keeps them, bound to the backup it was written for', () => {
    const entry = ledgerEntryFor({ slug: 's1', date: '2026-12-06T06:00:00+00:00', size_bytes: 10, locations: [null] }, { keepDays: 7, safetyNet: ['automations.yaml'] }, 1);
    assert.deepEqual(entry.safetyNet, ['automations.yaml']);
    assert.equal(ledgerEntryFor({ slug: 's2', date: '2026-12-06T06:00:00+00:00', size_bytes: 10, locations: [null] }, { keepDays: 7 }, 1).safetyNet, undefined);
  });
});

describe('ContentIndexStore', () => {
  const index = { archive: 'homeassistant.tar.gz', files: [{ path: 'data/a.yaml', size: 1, mtime: 0, sha256: 'x' }] };
  const b1 = { slug: 'aa11', size_bytes: 100, date: '2026-12-01T03:00:00+00:00' };

  it('keeps an index per backup identity, reads it in a new store, and drops it when the backup is gone', async () => {
    const { dir, cleanup } = tempDir();
    try {
      await new ContentIndexStore(dir).put('http://ha', b1, index);
      const again = new ContentIndexStore(dir);
      assert.deepEqual(await again.get('http://ha', b1), index);
      assert.equal(again.reads, 1);
      assert.deepEqual(await again.get('http://ha', b1), index);
      assert.equal(again.reads, 1, 'the second get is from memory');
      assert.equal(await again.get('http://ha', { ...b1, size_bytes: 101 }), undefined, 'another backup under the same slug has no index');
      assert.equal(await again.get('http://other', b1), undefined, 'another instance has its own');
      assert.equal(await again.prune('http://ha', []), 0, 'an empty list proves nothing');
      assert.equal(await again.prune('http://ha', [{ ...b1, slug: 'bb22' }]), 1);
      assert.equal(await new ContentIndexStore(dir).get('http://ha', b1), undefined);
    } finally {
      cleanup();
    }
  });
});
