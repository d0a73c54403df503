// Ranged reads of a remote backup (src/core/ranged): the outer tar walked by headers over HTTP Range,
// backup.json, one part streamed, and the inner readers on the same source — against a tiny local
// file server that honours Range and If-Range like aiohttp's FileResponse, serving the real archives
// of test/fixtures/ha-backup and a hand-made backup with a 50 MiB (sparse) part.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { listPart, openEntry, readBackupJson } from '../../src/core/archive';
import { openBackupFile } from '../../src/core/archive/backupJson';
import { listPartFrom } from '../../src/core/archive/listing';
import { openEntryFrom } from '../../src/core/archive/openEntry';
import { scanOuterTar } from '../../src/core/archive/outerTar';
import { openHttpRanged, RangedReadError } from '../../src/core/ranged/httpRanged';
import type { HttpRangedSource, OpenRanged } from '../../src/core/ranged/httpRanged';
import { findPart, innerParts, listRemoteParts, readRemotePart } from '../../src/core/ranged/remoteParts';
import { undiciRangedOpener } from '../../src/core/ranged/undiciOpener';
import { FIXTURES, fixture, tempDir } from './archive/helpers';
import { BIG, pad, writeBigBackup } from './ranged/bigBackup';

const KiB = 1024;
const MiB = 1024 * KiB;
const TOKEN = 'ranged-test-token';

interface Served {
  path: string;
  range: string | undefined;
  ifRange: string | undefined;
  status: number;
  bytes: number;
}

/** What the test server does besides honouring Range. */
const mode = { ignoreRange: false, always416: false };

/** A file server with aiohttp FileResponse's Range/If-Range behaviour, counting what it sends. */
function startFileServer(root: () => string): Promise<{ server: Server; url: string; log: Served[] }> {
  const log: Served[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401).end('401: Unauthorized');
      return;
    }
    const file = path.join(root(), decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const stat = await fsp.stat(file).catch(() => undefined);
    if (!stat) {
      res.writeHead(404).end();
      return;
    }
    const size = stat.size;
    const etag = `"${Math.floor(stat.mtimeMs * 1000).toString(16)}-${size.toString(16)}"`;
    const entry: Served = { path: req.url ?? '', range: req.headers.range, ifRange: String(req.headers['if-range'] ?? '') || undefined, status: 200, bytes: 0 };
    log.push(entry);
    const headers: Record<string, string | number> = { ETag: etag, 'Last-Modified': stat.mtime.toUTCString(), 'Accept-Ranges': 'bytes' };
    if (mode.always416) {
      entry.status = 416;
      res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    let start = 0;
    let end = size - 1;
    let partial = false;
    const m = mode.ignoreRange ? null : /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    if (m && (ifRange === undefined || ifRange === etag)) {
      start = Number(m[1]);
      end = Math.min(Number(m[2]), size - 1);
      if (start >= size) {
        entry.status = 416;
        res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
        return;
      }
      partial = true;
      headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    }
    entry.status = partial ? 206 : 200;
    headers['Content-Length'] = end - start + 1;
    res.writeHead(entry.status, headers);
    const stream = createReadStream(file, { start, end });
    stream.on('data', (c) => (entry.bytes += c.length));
    stream.pipe(res);
    res.on('close', () => stream.destroy());
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log })));
}

let served: { server: Server; url: string; log: Served[] };
let root = FIXTURES;

async function openRemote(rel: string, opener?: OpenRanged, signal?: AbortSignal): Promise<HttpRangedSource> {
  const open = opener ?? undiciRangedOpener({ url: `${served.url}/${rel}`, token: TOKEN });
  const result = await openHttpRanged(open, { describe: `${served.url}/${rel}`, signal });
  assert.equal(result.kind, 'ok', result.kind === 'ranged_not_supported' ? result.note : '');
  return result.source;
}

async function sha256(stream: Readable): Promise<{ hash: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const c of stream as AsyncIterable<Buffer>) {
    h.update(c);
    bytes += c.length;
  }
  return { hash: h.digest('hex'), bytes };
}

before(async () => {
  served = await startFileServer(() => root);
});
after(() => {
  served.server.closeAllConnections();
  served.server.close();
});

describe('ranged reads: the real archives', () => {
  const files = [
    'supervisor/backup_example.tar',
    'supervisor/backup_example_enc.tar',
    'supervisor/backup_example_sec_v3.tar',
    'supervisor/test_consolidate.tar',
    'supervisor/test_consolidate_unc.tar',
  ];
  const noMetadata = ['securetar/backup_encrypted_gzipped_legacy_format.tar', 'securetar/backup_empty.tar', 'securetar/backup_no_final_tag.tar'];

  for (const rel of [...files, ...noMetadata]) {
    it(`lists the parts of ${rel} from its headers as a local walk does (PAX headers included)`, async () => {
      const source = await openRemote(rel);
      const parts = await listRemoteParts(source);
      const { fh, size } = await openBackupFile(fixture(rel));
      try {
        assert.equal(source.size, size);
        const local = await scanOuterTar(fh, size, fixture(rel));
        assert.deepEqual(parts.members, local.members);
      } finally {
        await fh.close();
      }
      if (files.includes(rel)) assert.deepEqual(parts.backup, await readBackupJson(fixture(rel)));
      else assert.equal(parts.backup, undefined);
      // 10 KiB files: the first 64 KiB read covers every header and backup.json. The 3 MiB ones:
      // the header at 0, then the end of the file (≤ 64 KiB) past the one big member.
      const expectedRequests = size <= 64 * KiB ? 1 : 2;
      assert.equal(source.stats.requests, expectedRequests);
      assert.ok(source.stats.bytes <= expectedRequests * 64 * KiB, `${source.stats.bytes} bytes`);
    });
  }

  it('lists one inner archive and opens one entry over the ranged source, as from the file', async () => {
    const rel = 'supervisor/backup_example.tar';
    const source = await openRemote(rel);
    const remote = await listPartFrom(source, 'a0d7b954_example.tar.gz');
    const local = await listPart(fixture(rel), 'a0d7b954_example.tar.gz');
    assert.deepEqual(remote, local);
    const entry = await openEntryFrom(source, 'a0d7b954_example.tar.gz', 'addon.json');
    const expected = await openEntry(fixture(rel), 'a0d7b954_example.tar.gz', 'addon.json');
    assert.deepEqual(await sha256(entry), await sha256(expected));
  });

  it('decrypts an encrypted part (SecureTar v2) over the ranged source', async () => {
    const rel = 'supervisor/backup_example_enc.tar';
    const source = await openRemote(rel);
    const remote = await listPartFrom(source, 'ssl.tar.gz', { password: 'test' });
    assert.deepEqual(remote, await listPart(fixture(rel), 'ssl.tar.gz', { password: 'test' }));
  });
});

describe('ranged reads: a backup with a 50 MiB part', () => {
  let dir: { dir: string; cleanup: () => void };
  let meta: Buffer;
  let addon: Buffer;
  before(async () => {
    dir = tempDir('ha-ranged-');
    ({ meta, addon } = await writeBigBackup(path.join(dir.dir, 'big.tar')));
    root = dir.dir;
  });
  after(() => {
    root = FIXTURES;
    dir.cleanup();
  });

  it('lists the parts (GNU base-256 size) with ≤ 64 KiB transferred per member', async () => {
    const source = await openRemote('big.tar');
    const parts = await listRemoteParts(source);
    assert.deepEqual(
      parts.members.map((m) => [m.name, m.size, m.dataOffset]),
      [
        ['homeassistant.tar.gz', BIG, 512],
        ['core_ssh.tar.gz', addon.length, 512 + BIG + 512],
        ['backup.json', meta.length, 512 + BIG + 512 + pad(addon.length) + 512],
      ],
    );
    assert.equal(parts.backup?.slug, 'bigpart1');
    assert.deepEqual(
      innerParts(parts).map((m) => m.name),
      ['homeassistant.tar.gz', 'core_ssh.tar.gz'],
    );
    // One read at the start, one past the big part (which also holds the small members and backup.json).
    assert.equal(source.stats.requests, 2);
    assert.ok(source.stats.bytes <= parts.members.length * 64 * KiB, `${source.stats.bytes} bytes for ${parts.members.length} members`);
    assert.ok(source.stats.bytes < 128 * KiB);
    console.log(`# 50 MiB backup, part list: ${source.stats.requests} requests, ${source.stats.bytes} bytes`);
  });

  it('reads one part: about that part’s bytes, streamed, exactly the file’s bytes', async () => {
    const source = await openRemote('big.tar');
    const parts = await listRemoteParts(source);
    const before = { ...source.stats };
    const big = findPart(source, parts, './homeassistant.tar.gz');
    const got = await sha256(readRemotePart(source, big));
    assert.equal(got.bytes, BIG);
    const { fh } = await openBackupFile(path.join(dir.dir, 'big.tar'));
    try {
      const local = await sha256(fh.createReadStream({ start: 512, end: 512 + BIG - 1, autoClose: false }));
      assert.equal(got.hash, local.hash);
    } finally {
      await fh.close();
    }
    const used = { requests: source.stats.requests - before.requests, bytes: source.stats.bytes - before.bytes };
    assert.equal(used.requests, 1);
    assert.ok(used.bytes >= BIG && used.bytes <= BIG + 64 * KiB, `${used.bytes} bytes`);
    const total = served.log.filter((l) => l.path === '/big.tar').reduce((n, l) => n + l.bytes, 0);
    assert.ok(total <= BIG + 3 * 64 * KiB, `server sent ${total} bytes`);
    console.log(`# 50 MiB part: ${used.requests} request, ${used.bytes} bytes (part ${BIG}); whole session ${source.stats.requests} requests, ${source.stats.bytes} bytes`);
  });

  it('detects a file replaced between two reads (If-Range no longer matches) and never mixes bytes', async () => {
    const file = path.join(dir.dir, 'replaced.tar');
    await writeBigBackup(file);
    const source = await openRemote('replaced.tar');
    assert.ok(source.validator);
    // The backup is replaced behind the reader's back (new content, new time).
    await fsp.writeFile(file, await fsp.readFile(fixture('supervisor/backup_example.tar')));
    await fsp.utimes(file, new Date(), new Date(Date.now() + 5000));
    await assert.rejects(listRemoteParts(source), (e: unknown) => {
      assert.ok(e instanceof RangedReadError);
      assert.equal(e.kind, 'changed');
      assert.match(e.message, /changed while it was read/);
      return true;
    });
    const last = served.log.at(-1);
    assert.equal(last?.ifRange, source.validator);
    assert.equal(last?.status, 200);
  });

  it('cancels a part read through the signal', async () => {
    const source = await openRemote('big.tar');
    const parts = await listRemoteParts(source);
    const controller = new AbortController();
    const stream = readRemotePart(source, findPart(source, parts, 'homeassistant.tar.gz'), { signal: controller.signal });
    let bytes = 0;
    await assert.rejects(
      (async () => {
        for await (const c of stream as AsyncIterable<Buffer>) {
          bytes += c.length;
          if (bytes > MiB) controller.abort();
        }
      })(),
      (e: unknown) => e instanceof RangedReadError && e.kind === 'aborted',
    );
    assert.ok(bytes < BIG);
    // Aborted before a request: no request at all.
    const requests = source.stats.requests;
    await assert.rejects(source.read(10 * MiB, 512, AbortSignal.abort()), (e: unknown) => e instanceof RangedReadError && e.kind === 'aborted');
    assert.equal(source.stats.requests, requests);
  });
});

describe('ranged reads: servers that do not play along', () => {
  it('a server that ignores Range (200 with the whole body) is the outcome ranged_not_supported', async () => {
    mode.ignoreRange = true;
    try {
      const rel = 'supervisor/backup_example.tar';
      const result = await openHttpRanged(undiciRangedOpener({ url: `${served.url}/${rel}`, token: TOKEN }), { describe: rel });
      assert.equal(result.kind, 'ranged_not_supported');
      assert.equal(result.status, 200);
      assert.equal(result.size, 10240);
      assert.match(result.note, /does not support ranged reads, so the whole file has to be downloaded/);
      assert.equal(result.stats.requests, 1);
    } finally {
      mode.ignoreRange = false;
    }
  });

  it('416 is an error naming the range and the size', async () => {
    mode.always416 = true;
    try {
      const rel = 'supervisor/backup_example.tar';
      await assert.rejects(openHttpRanged(undiciRangedOpener({ url: `${served.url}/${rel}`, token: TOKEN }), { describe: rel }), (e: unknown) => {
        assert.ok(e instanceof RangedReadError);
        assert.equal(e.kind, 'range_not_satisfiable');
        assert.equal(e.message, `${rel}: the range bytes=0-65535 is not satisfiable (416); the file is 10240 bytes`);
        return true;
      });
    } finally {
      mode.always416 = false;
    }
  });

  it('a wrong Content-Range is refused, and other statuses are errors with the status', async () => {
    const rel = 'supervisor/backup_example.tar';
    const real = undiciRangedOpener({ url: `${served.url}/${rel}`, token: TOKEN });
    const shifted: OpenRanged = async (req, signal) => {
      const res = await real(req, signal);
      return { ...res, headers: { ...res.headers, 'content-range': `bytes ${req.start + 1}-${req.end}/10240` } };
    };
    await assert.rejects(openHttpRanged(shifted, { describe: rel }), (e: unknown) => e instanceof RangedReadError && e.kind === 'bad_response');
    await assert.rejects(openHttpRanged(undiciRangedOpener({ url: `${served.url}/${rel}`, token: 'wrong' }), { describe: rel }), (e: unknown) => {
      assert.ok(e instanceof RangedReadError);
      assert.equal(e.kind, 'http_status');
      assert.equal(e.status, 401);
      assert.doesNotMatch(e.message, /wrong/);
      return true;
    });
  });
});
