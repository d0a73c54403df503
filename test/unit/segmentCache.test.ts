// SegmentCachingSource (src/core/ranged/segmentCache.ts): a member streamed once is read from disk the
// next time; a stream stopped early or broken leaves no segment; small reads stay remote; a new
// source over the same folder finds the segments of an earlier one.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type { RandomAccessSource } from '../../src/core/archive/randomAccess';
import { SegmentCachingSource } from '../../src/core/ranged/segmentCache';
import { readAll, tempDir } from './archive/helpers';

class CountingRemote implements RandomAccessSource {
  readonly describe = 'remote';
  streams = 0;
  reads = 0;
  failAfter: number | undefined;
  constructor(readonly data: Buffer) {}
  get size(): number {
    return this.data.length;
  }
  read(offset: number, length: number): Promise<Buffer> {
    this.reads++;
    return Promise.resolve(this.data.subarray(offset, offset + length));
  }
  stream(offset: number, length: number): Readable {
    this.streams++;
    const bytes = this.data.subarray(offset, offset + length);
    if (this.failAfter === undefined) return Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]);
    const cut = this.failAfter;
    return new Readable({
      read() {
        this.push(bytes.subarray(0, cut));
        this.destroy(new Error('connection reset'));
      },
    });
  }
}

const settle = () => new Promise((r) => setTimeout(r, 50));

void describe('SegmentCachingSource', () => {
  const data = Buffer.from(Array.from({ length: 50_000 }, (_, i) => i % 251));

  void it('streams a member once from the remote, then from its segment file', async () => {
    const tmp = tempDir('segments-');
    const remote = new CountingRemote(data);
    const events: string[] = [];
    const source = new SegmentCachingSource(remote, path.join(tmp.dir, 'b'), { onSegment: (e, o, l) => events.push(`${e} ${o}+${l}`) });
    assert.deepEqual(await readAll(source.stream(1024, 20_000)), data.subarray(1024, 21_024));
    await settle();
    assert.deepEqual(await readAll(source.stream(1024, 20_000)), data.subarray(1024, 21_024));
    assert.deepEqual(await readAll(source.stream(2048, 100)), data.subarray(2048, 2148), 'a range inside a segment');
    assert.deepEqual(await source.read(1500, 10), data.subarray(1500, 1510), 'a read inside a segment');
    assert.equal(remote.streams, 1);
    assert.equal(remote.reads, 0);
    assert.deepEqual(events, ['stored 1024+20000', 'reused 1024+20000', 'reused 2048+100']);
    const again = new SegmentCachingSource(new CountingRemote(data), path.join(tmp.dir, 'b'));
    assert.deepEqual(await readAll(again.stream(1024, 20_000)), data.subarray(1024, 21_024), 'a later window finds it');
    tmp.cleanup();
  });

  void it('keeps nothing of a stream that broke off or one too big, and never a short segment', async () => {
    const tmp = tempDir('segments-');
    const dir = path.join(tmp.dir, 'b');
    const remote = new CountingRemote(data);
    remote.failAfter = 5000;
    const source = new SegmentCachingSource(remote, dir, { maxSegmentBytes: 30_000 });
    await assert.rejects(readAll(source.stream(0, 20_000)), /connection reset/);
    await settle();
    remote.failAfter = undefined;
    await readAll(source.stream(0, 40_000));
    await settle();
    assert.deepEqual(fs.existsSync(dir) ? fs.readdirSync(dir) : [], [], 'no segment, no partial file');
    // A reader that stops early: whatever is kept is whole.
    const early = source.stream(0, 20_000);
    for await (const _ of early) break;
    await settle();
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      assert.match(name, /^0-20000\.seg$/);
      assert.equal(fs.statSync(path.join(dir, name)).size, 20_000);
    }
    tmp.cleanup();
  });

  void it('leaves small reads (the headers) to the remote', async () => {
    const tmp = tempDir('segments-');
    const remote = new CountingRemote(data);
    const source = new SegmentCachingSource(remote, path.join(tmp.dir, 'b'));
    assert.deepEqual(await source.read(0, 512), data.subarray(0, 512));
    assert.equal(remote.reads, 1);
    tmp.cleanup();
  });
});
