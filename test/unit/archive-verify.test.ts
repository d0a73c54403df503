// verifyBackup reads every inner archive completely and reports per part: gzip CRC, tar structure
// and end marker, AES padding and size, secretstream tags; damage in the outer tar and parts missing
// from backup.json are reported too; progress is monotonic; cancelling throws `aborted`.
import assert from 'node:assert/strict';
import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArchiveError, FileSource, listBackup, readBackupJson, verifyBackup, verifyPart, verifyPartFrom } from '../../src/core/archive/index';
import type { VerifyProgress } from '../../src/core/archive/index';
import { backupJsonFor, encryptV1, encryptV2, fixture, gzip, innerMembers, makeTar, tempDir, v1KeyFromPassword, writeBackup } from './archive/helpers';

void describe('archive: verifyBackup', () => {
  const tmp = tempDir();
  let innerTar: Buffer;
  const at = (name: string): string => path.join(tmp.dir, name);
  before(async () => {
    innerTar = await makeTar([
      { name: './', type: 'directory' },
      { name: 'a.txt', data: 'a'.repeat(5000) },
      { name: 'b.bin', data: Buffer.alloc(70_000, 7) },
    ]);
  });
  after(() => tmp.cleanup());

  void it('passes good fixtures (plain, v2, v3) with sizes and entry counts', async () => {
    const plain = await verifyBackup(fixture('supervisor/backup_example.tar'));
    assert.equal(plain.ok, true);
    assert.deepEqual(plain.problems, []);
    assert.deepEqual(plain.parts, [
      { name: 'a0d7b954_example.tar.gz', ok: true, encrypted: false, version: null, compressed: true, bytes: 1364, tarBytes: 10240, entries: 3, unsafeEntries: 0 },
    ]);
    const v2 = await verifyBackup(fixture('supervisor/backup_example_enc.tar'), { password: 'test' });
    assert.equal(v2.ok, true);
    assert.deepEqual([v2.parts[0]?.version, v2.parts[0]?.bytes], [2, 256]);
    const v3 = await verifyBackup(fixture('supervisor/backup_example_sec_v3.tar'), { password: 'supervisor' });
    assert.equal(v3.ok, true);
    const wrong = await verifyBackup(fixture('supervisor/backup_example_sec_v3.tar'), { password: 'x' });
    assert.equal(wrong.ok, false);
    assert.equal(wrong.parts[0]?.kind, 'wrong_password');
  });

  void it('fails the truncated v3 fixture on its last message', async () => {
    const v = await verifyBackup(fixture('securetar/backup_truncated.tar'), { password: 'hunter2' });
    assert.equal(v.ok, false);
    assert.equal(v.parts[0]?.name, 'core_truncated.tar.gz');
    assert.match(v.parts[0]?.error ?? '', /core_truncated\.tar\.gz: message 4 of its encrypted stream fails authentication/);
    assert.equal(v.parts[0]?.bytes, 3147747, 'every stored byte was read');
  });

  void it('reports a gzip CRC mismatch, broken deflate data and a tar without its end marker, per part', async () => {
    const good = gzip(innerTar);
    const badCrc = Buffer.from(good);
    badCrc[badCrc.length - 8]! ^= 0xff;
    const badDeflate = Buffer.from(good);
    badDeflate[40]! ^= 0xff;
    const cut = innerTar.subarray(0, 512 + 512 + 5120); // ./ and a.txt complete, no end marker
    const file = at('damaged.tar');
    await writeBackup(
      file,
      [
        { name: 'good.tar.gz', data: good },
        { name: 'crc.tar.gz', data: badCrc },
        { name: 'deflate.tar.gz', data: badDeflate },
        { name: 'cut.tar', data: cut },
      ],
      backupJsonFor(['good.tar.gz', 'crc.tar.gz', 'deflate.tar.gz', 'cut.tar.gz', 'gone.tar.gz'], { protected: false }),
    );
    const v = await verifyBackup(file);
    const by = new Map(v.parts.map((p) => [p.name, p]));
    assert.equal(v.ok, false);
    assert.equal(by.get('good.tar.gz')?.ok, true);
    assert.match(by.get('crc.tar.gz')?.error ?? '', /^crc\.tar\.gz: its gzip CRC does not match/);
    assert.match(by.get('deflate.tar.gz')?.error ?? '', /^deflate\.tar\.gz: its (gzip data is damaged|gzip CRC|tar)/);
    assert.match(by.get('cut.tar')?.error ?? '', /^cut\.tar: its tar data ends without the end-of-archive marker/);
    assert.equal(by.get('cut.tar.gz')?.kind, 'not_found');
    assert.equal(by.get('gone.tar.gz')?.kind, 'not_found');
    await assert.rejects(listBackup(file), (e: unknown) => e instanceof ArchiveError && e.kind === 'corrupt' && e.archive === 'crc.tar.gz');
  });

  void it('reports damaged encryption: v2 short by one block, v1 with a wrong CRC in its padded trailer', async () => {
    const v2 = encryptV2(gzip(innerTar), 'pw');
    const key = v1KeyFromPassword('pw');
    const v1 = encryptV1(gzip(innerTar), key);
    // The CRC sits in the second-to-last 16-byte block; any change there breaks the CRC check.
    const v1Bad = Buffer.from(v1);
    v1Bad[v1Bad.length - 30]! ^= 0x01;
    const file = at('enc-damaged.tar');
    await writeBackup(
      file,
      [
        { name: 'short.tar.gz', data: v2.subarray(0, v2.length - 16) },
        { name: 'v1ok.tar.gz', data: v1 },
        { name: 'v1bad.tar.gz', data: v1Bad },
      ],
      backupJsonFor(['short.tar.gz', 'v1ok.tar.gz', 'v1bad.tar.gz'], { protected: true }),
    );
    const v = await verifyBackup(file, { password: 'pw' });
    const by = new Map(v.parts.map((p) => [p.name, p]));
    assert.equal(by.get('short.tar.gz')?.kind, 'corrupt', by.get('short.tar.gz')?.error);
    assert.match(by.get('short.tar.gz')?.error ?? '', /^short\.tar\.gz: /);
    assert.equal(by.get('v1ok.tar.gz')?.ok, true, by.get('v1ok.tar.gz')?.error);
    assert.equal(by.get('v1bad.tar.gz')?.kind, 'corrupt');
    assert.match(by.get('v1bad.tar.gz')?.error ?? '', /^v1bad\.tar\.gz: its gzip (CRC does not match|trailer)/);
  });

  void it('reports a truncated download (outer tar cut short) without throwing', async () => {
    const whole = await readFile(fixture('supervisor/backup_example_enc.tar'));
    const file = at('partial.tar');
    await writeFile(file, whole.subarray(0, 1536 + 100));
    const v = await verifyBackup(file, { password: 'test' });
    assert.equal(v.ok, false);
    assert.equal(v.backup, null);
    assert.match(v.problems.join('\n'), /is truncated: ssl\.tar\.gz has 100 of its 256 bytes/);
    await assert.rejects(readBackupJson(file), (e: unknown) => e instanceof ArchiveError && e.kind === 'corrupt' && /truncated/.test(e.message));
  });

  void it('reports progress up to the total and stops on abort', async () => {
    const members = await innerMembers(fixture('securetar/backup_no_final_tag.tar'));
    const file = at('progress.tar');
    const parts = [
      { name: 'one.tar.gz', data: gzip(innerTar) },
      { name: 'two.tar.gz', data: gzip(innerTar) },
    ];
    await writeBackup(file, parts, backupJsonFor(['one.tar.gz', 'two.tar.gz'], { protected: false }));
    const seen: VerifyProgress[] = [];
    const v = await verifyBackup(file, { onProgress: (p) => seen.push(p) });
    assert.equal(v.ok, true);
    const total = parts.reduce((n, p) => n + p.data.length, 0);
    assert.ok(seen.length >= 3);
    assert.ok(seen.every((p, i) => p.bytesTotal === total && (i === 0 || p.bytesDone >= seen[i - 1]!.bytesDone)));
    assert.equal(seen.at(-1)?.bytesDone, total);

    const already = new AbortController();
    already.abort();
    await assert.rejects(verifyBackup(file, { signal: already.signal }), (e: unknown) => e instanceof ArchiveError && e.kind === 'aborted');
    // Abort while a 3 MB v3 part is being decrypted.
    const big = at('abort.tar');
    await writeBackup(big, members, backupJsonFor(['core_no_final_tag.tar.gz'], { protected: true }));
    const ac = new AbortController();
    await assert.rejects(
      verifyBackup(big, {
        password: 'hunter2',
        signal: ac.signal,
        onProgress: (p) => {
          if (p.bytesDone > 0) ac.abort();
        },
      }),
      (e: unknown) => e instanceof ArchiveError && e.kind === 'aborted',
    );
  });
});

describe('verifyPart / verifyPartFrom: one part', () => {
  it('reads only the part asked for: a damaged other part does not fail it, the damaged one does', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const good = gzip(await makeTar([{ name: 'data/configuration.yaml', data: 'homeassistant:\n' }]), 'homeassistant.tar');
      const bad = gzip(await makeTar([{ name: 'notes.txt', data: 'x'.repeat(4096) }]), 'share.tar');
      for (let i = 40; i < 72; i++) bad[i] = bad[i]! ^ 0xff;
      const file = path.join(dir, 'b.tar');
      await writeBackup(
        file,
        [
          { name: 'homeassistant.tar.gz', data: good },
          { name: 'share.tar.gz', data: bad },
        ],
        backupJsonFor(['homeassistant.tar.gz', 'share.tar.gz'], { protected: false }),
      );
      const ha = await verifyPart(file, 'homeassistant.tar.gz');
      assert.equal(ha.ok, true, ha.error);
      assert.equal(ha.entries, 1);
      const share = await verifyPart(file, 'share.tar.gz');
      assert.equal(share.ok, false);
      assert.match(share.error ?? '', /share\.tar\.gz/);
      const fh = await open(file, 'r');
      try {
        const fromSource = await verifyPartFrom(new FileSource(fh, (await fh.stat()).size, file), 'homeassistant.tar.gz');
        assert.deepEqual(fromSource, ha);
      } finally {
        await fh.close();
      }
      await assert.rejects(verifyPart(file, 'media.tar.gz'), (e: Error & { kind?: string }) => e.kind === 'not_found');
    } finally {
      cleanup();
    }
  });
});
