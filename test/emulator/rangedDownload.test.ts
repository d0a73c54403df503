// Ranged reads against the emulated Supervisor's download (GET /backups/{slug}/download, aiohttp
// FileResponse's Range/If-Range): the part list and one part through src/core/ranged, the bytes the
// emulator counts per download path (/_emulator/state `downloads`), the `ignore_range` fault (a proxy
// that drops Range), a file replaced mid-read, 416.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openHttpRanged, RangedReadError } from '../../src/core/ranged/httpRanged';
import type { HttpRangedSource, OpenRanged } from '../../src/core/ranged/httpRanged';
import { findPart, listRemoteParts, readRemotePart } from '../../src/core/ranged/remoteParts';
import { undiciRangedOpener } from '../../src/core/ranged/undiciOpener';
import { BIG, writeBigBackup } from '../unit/ranged/bigBackup';
import { startTestEmulator, TOKEN } from './helpers';
import type { TestEmulator } from './helpers';

const KiB = 1024;

interface DownloadCount {
  requests: number;
  bytes: number;
  statuses: Record<string, number>;
}

async function slugOf(emu: TestEmulator, name: string): Promise<string> {
  const list = (await emu.call('GET', '/backups')).json.data?.backups as { slug: string; name: string }[];
  const found = list.find((b) => b.name === name);
  assert.ok(found, name);
  return found.slug;
}

async function fileOf(emu: TestEmulator, slug: string): Promise<string> {
  const state = (await emu.control('GET', '/_emulator/state')).json as unknown as { files: Record<string, Record<string, string>> };
  const relative = state.files[slug]?.['.local'];
  assert.ok(relative);
  return path.join(emu.dataDir, relative);
}

async function downloads(emu: TestEmulator, slug: string): Promise<DownloadCount | undefined> {
  const state = (await emu.control('GET', '/_emulator/state')).json as unknown as { downloads: Record<string, DownloadCount> };
  return state.downloads[`/backups/${slug}/download`];
}

void describe('ranged reads of the emulated Supervisor download', () => {
  let emu: TestEmulator;
  let slug: string;
  let opener: OpenRanged;

  before(async () => {
    emu = await startTestEmulator();
    slug = await slugOf(emu, 'Seeded full');
    opener = undiciRangedOpener({ url: `${emu.url}/backups/${slug}/download`, token: TOKEN });
  });
  after(() => emu.close());

  async function open(signal?: AbortSignal, via: OpenRanged = opener): Promise<HttpRangedSource> {
    const result = await openHttpRanged(via, { describe: `/backups/${slug}/download`, signal });
    assert.equal(result.kind, 'ok', result.kind === 'ranged_not_supported' ? result.note : '');
    return result.source;
  }

  void it('lists the parts of the emulator’s own archive from its headers (one request) and reads one part', async () => {
    await emu.control('DELETE', '/_emulator/requests');
    const source = await open();
    const parts = await listRemoteParts(source);
    assert.equal(parts.backup?.slug, slug);
    assert.ok(parts.members.some((m) => m.name === 'homeassistant.tar.gz'));
    assert.equal(source.stats.requests, 1);
    const counted = await downloads(emu, slug);
    assert.deepEqual(counted, { requests: 1, bytes: source.stats.bytes, statuses: { 206: 1 } });
    const ha = findPart(source, parts, 'homeassistant.tar.gz');
    let bytes = 0;
    for await (const c of readRemotePart(source, ha) as AsyncIterable<Buffer>) bytes += c.length;
    assert.equal(bytes, ha.size);
  });

  void it('the emulator counts what a part list of a backup with a 50 MiB part costs: ≤ 64 KiB per member', async () => {
    const file = await fileOf(emu, slug);
    const saved = await fsp.readFile(file);
    try {
      // The archive is replaced behind the Supervisor's back by one with a 50 MiB part.
      await writeBigBackup(file);
      await emu.control('DELETE', '/_emulator/requests');
      const source = await open();
      const parts = await listRemoteParts(source);
      assert.equal(parts.members.length, 3);
      const listed = await downloads(emu, slug);
      assert.equal(listed?.requests, 2);
      assert.equal(listed?.bytes, source.stats.bytes);
      assert.ok(listed.bytes <= parts.members.length * 64 * KiB, `${listed.bytes} bytes`);
      const part = readRemotePart(source, findPart(source, parts, 'homeassistant.tar.gz'));
      let bytes = 0;
      for await (const c of part as AsyncIterable<Buffer>) bytes += c.length;
      assert.equal(bytes, BIG);
      const read = await downloads(emu, slug);
      assert.equal(read?.requests, 3);
      assert.deepEqual(read.statuses, { 206: 3 });
      assert.ok(read.bytes - listed.bytes <= BIG + 64 * KiB, `${read.bytes - listed.bytes} bytes for the part`);
      console.log(`# emulator, 50 MiB part: part list ${listed.requests} requests / ${listed.bytes} bytes; the part 1 request / ${read.bytes - listed.bytes} bytes`);
    } finally {
      await fsp.writeFile(file, saved);
    }
  });

  void it('the ignore_range fault (a proxy that drops Range) makes the outcome ranged_not_supported', async () => {
    await emu.control('DELETE', '/_emulator/requests');
    const added = await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'GET /backups/*/download', kind: 'ignore_range' }] });
    assert.equal(added.status, 200, added.text);
    const result = await openHttpRanged(opener, { describe: 'the download' });
    assert.equal(result.kind, 'ranged_not_supported');
    assert.match(result.note, /the whole file has to be downloaded/);
    assert.deepEqual((await downloads(emu, slug))?.statuses, { 200: 1 });
    // The fault fired once: the next reader gets ranges again.
    await open();
  });

  void it('a file replaced while it is read: If-Range no longer matches → `changed`, no mixed bytes', async () => {
    const file = await fileOf(emu, slug);
    const saved = await fsp.readFile(file);
    try {
      await writeBigBackup(file);
      const source = await open();
      assert.ok(source.validator);
      await fsp.writeFile(file, saved);
      await fsp.utimes(file, new Date(), new Date(Date.now() + 5000));
      await assert.rejects(listRemoteParts(source), (e: unknown) => e instanceof RangedReadError && e.kind === 'changed');
    } finally {
      await fsp.writeFile(file, saved);
    }
  });

  void it('416 for a range past the end names the range and the size; an aborted read sends nothing', async () => {
    const source0 = await open();
    let shift = 0;
    const shifting: OpenRanged = (req, signal) => opener({ ...req, start: req.start + shift, end: req.end + shift }, signal);
    const source = await open(undefined, shifting);
    shift = source.size + 100;
    // Everything is cached after the first read (the archive is < 64 KiB): a stream always asks.
    await assert.rejects(
      (async () => {
        for await (const c of source.stream(0, 512) as AsyncIterable<Buffer>) assert.ok(c);
      })(),
      (e: unknown) => {
        assert.ok(e instanceof RangedReadError);
        assert.equal(e.kind, 'range_not_satisfiable');
        assert.equal(e.message, `/backups/${slug}/download: the range bytes=0-511 is not satisfiable (416); the file is ${source.size} bytes`);
        return true;
      },
    );
    const before = source0.stats.requests;
    await assert.rejects(source0.stream(0, 512, AbortSignal.abort()).toArray(), (e: unknown) => e instanceof RangedReadError && e.kind === 'aborted');
    assert.equal(source0.stats.requests, before);
  });
});
