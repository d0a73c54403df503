// Throughput: a ~200 MB SecureTar v2 backup (and a smaller v3 one) generated on disk, listed and
// read while the process's memory stays far below the archive size. Prints MB/s.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { listBackup, openEntry, verifyBackup } from '../../src/core/archive/index';
import { backupJsonFor, encryptV3, gzip, makeTar, tempDir, writeBackup, writeBigV2Backup } from './archive/helpers';

const MB = 1e6;

function rate(bytes: number, ms: number): string {
  return `${(bytes / MB / (ms / 1000)).toFixed(0)} MB/s`;
}

void describe('archive: throughput', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  void it('lists, verifies and reads a 200 MB v2 backup, streaming', async (t) => {
    const file = path.join(tmp.dir, 'big-v2.tar');
    let t0 = performance.now();
    const big = await writeBigV2Backup(file, 'pw', 200 * 1024 * 1024);
    const built = performance.now() - t0;
    assert.equal((await stat(file)).size, big.fileBytes);

    // Live buffers (not RSS, which never shrinks after building the file).
    const used = (): number => process.memoryUsage().arrayBuffers;
    const before = used();
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, used())), 10);
    try {
      t0 = performance.now();
      const l = await listBackup(file, { password: 'pw' });
      const listed = performance.now() - t0;
      assert.equal(l.archives[0]?.entries.length, big.entries);
      assert.equal(l.archives[0]?.tarBytes, big.tarBytes);

      t0 = performance.now();
      const v = await verifyBackup(file, { password: 'pw' });
      const verified = performance.now() - t0;
      assert.equal(v.ok, true, JSON.stringify(v.parts));

      t0 = performance.now();
      const hash = createHash('sha256');
      for await (const c of await openEntry(file, 'homeassistant.tar.gz', 'data/blob-007.bin', { password: 'pw' })) hash.update(c as Buffer);
      const opened = performance.now() - t0;
      assert.equal(hash.digest('hex'), big.sampleSha256);

      const line =
        `v2 ${(big.fileBytes / MB).toFixed(0)} MB file (${(big.tarBytes / MB).toFixed(0)} MB tar): built in ${built.toFixed(0)} ms; ` +
        `list ${listed.toFixed(0)} ms = ${rate(big.fileBytes, listed)} (${rate(big.tarBytes, listed)} of tar); ` +
        `verify ${rate(big.fileBytes, verified)}; openEntry of the 8th blob ${opened.toFixed(0)} ms; ` +
        `peak buffer memory +${((peak - before) / MB).toFixed(0)} MB`;
      t.diagnostic(line);
      console.log(`[archive throughput] ${line}`);
      assert.ok(peak - before < 100 * MB, `buffer memory stays well below the archive size (+${((peak - before) / MB).toFixed(0)} MB)`);
    } finally {
      clearInterval(timer);
    }
  });

  void it('lists a ~40 MB v3 backup', async (t) => {
    const payload = Buffer.from(randomBytes(36 * 1024 * 1024).toString('base64'));
    const inner = gzip(
      await makeTar([
        { name: 'data/', type: 'directory' },
        { name: 'data/payload.txt', data: payload },
      ]),
    );
    const file = path.join(tmp.dir, 'big-v3.tar');
    await writeBackup(file, [{ name: 'homeassistant.tar.gz', data: await encryptV3(inner, 'pw') }], backupJsonFor(['homeassistant.tar.gz'], { protected: true }));
    const size = (await stat(file)).size;
    const t0 = performance.now();
    const l = await listBackup(file, { password: 'pw' });
    const ms = performance.now() - t0;
    assert.equal(l.archives[0]?.entries[1]?.size, payload.length);
    const line = `v3 ${(size / MB).toFixed(0)} MB file: list ${ms.toFixed(0)} ms = ${rate(size, ms)} (Argon2id included)`;
    t.diagnostic(line);
    console.log(`[archive throughput] ${line}`);
  });
});
