// Ranged reads of a remote backup (issue #14): a 5 GiB backup (a real homeassistant.tar.gz with
// data/configuration.yaml, add-on parts, a 5 GiB media part written as a hole in a sparse file) served
// over loopback by a file server that honours Range as aiohttp's FileResponse does, once directly and
// once with 20 ms added to every request (a proxy on a slow link). Measured with the extension's code
// (src/core/ranged, src/core/archive): the part list from the headers alone, and opening
// data/configuration.yaml. The standard it replaces is the whole file, which was downloaded before.
import { createReadStream, promises as fsp } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { openEntryFrom } from '../../src/core/archive/openEntry';
import { listRemoteParts } from '../../src/core/ranged/remoteParts';
import { openHttpRanged } from '../../src/core/ranged/httpRanged';
import { undiciRangedOpener } from '../../src/core/ranged/undiciOpener';
import { BENCH_DIR, bytes, GiB, KiB, list, median, ms } from './util';
import type { BenchOptions, Row } from './util';

const CONFIGURATION = 'homeassistant:\n  name: Home\n  unit_system: metric\ndefault_config:\nautomation: !include automations.yaml\n';

function header(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('14741000000\0', 136);
  h.fill(0x20, 148, 156);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

const pad = (n: number): number => Math.ceil(n / 512) * 512;

/** A plain tar of `files` (each padded), gzipped: what a part holds. */
function tarGz(files: Record<string, Buffer>): Buffer {
  const chunks: Buffer[] = [];
  for (const [name, data] of Object.entries(files)) {
    chunks.push(header(name, data.length), data, Buffer.alloc(pad(data.length) - data.length));
  }
  chunks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(chunks));
}

interface BigBackup {
  file: string;
  size: number;
  members: number;
  homeassistantBytes: number;
}

/** Written once into .bench/ (a sparse file: seconds, not 5 GiB of disk). */
async function bigBackup(mediaBytes: number): Promise<BigBackup> {
  const file = path.join(BENCH_DIR, `ranged-${mediaBytes}.tar`);
  // A realistic configuration part: the YAML files and 300 KiB of .storage that gzip cannot shrink (a
  // fixed pseudo-random sequence, so every run reads the same bytes).
  let seed = 0x2545f491;
  const storage = Buffer.from(
    Array.from({ length: 300 * KiB }, () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 24;
    }),
  );
  const ha = tarGz({ 'data/configuration.yaml': Buffer.from(CONFIGURATION), 'data/automations.yaml': Buffer.from('[]\n'), 'data/.storage/core.entity_registry': storage });
  const addons = ['core_mosquitto', 'core_ssh', 'a0d7b954_vscode', 'core_zigbee2mqtt', 'a0d7b954_influxdb'].map((slug) => ({
    name: `./${slug}.tar.gz`,
    data: tarGz({ [`${slug}/addon.json`]: Buffer.from(JSON.stringify({ slug })), [`${slug}/data/options.json`]: Buffer.alloc(20 * KiB, 0x61) }),
  }));
  const meta = Buffer.from(
    JSON.stringify({
      slug: 'bigremote',
      name: 'Five GiB',
      date: '2026-12-01T03:00:00+00:00',
      type: 'full',
      version: 2,
      protected: false,
      compressed: true,
      homeassistant: { version: '2026.12.0', exclude_database: false, size: 1 },
      addons: addons.map((a) => ({ slug: a.name.slice(2, -7), name: a.name, version: '1.0', size: 1 })),
      folders: ['media', 'share'],
      repositories: [],
    }),
  );
  const share = tarGz({ 'share/readme.txt': Buffer.from('shared\n') });
  const layout: { name: string; data?: Buffer; size: number }[] = [
    { name: './backup.json', data: meta, size: meta.length },
    { name: './homeassistant.tar.gz', data: ha, size: ha.length },
    ...addons.map((a) => ({ ...a, size: a.data.length })),
    { name: './share.tar.gz', data: share, size: share.length },
    { name: './media.tar.gz', size: mediaBytes },
  ];
  let pos = 0;
  const fh = await fsp.open(file, 'w');
  try {
    for (const m of layout) {
      await fh.write(header(m.name, m.size), 0, 512, pos);
      pos += 512;
      if (m.data) await fh.write(m.data, 0, m.data.length, pos);
      pos += pad(m.size);
    }
    await fh.truncate(pos + 1024);
  } finally {
    await fh.close();
  }
  return { file, size: pos + 1024, members: layout.length, homeassistantBytes: ha.length };
}

interface Served {
  url: string;
  bytesSent: number;
  requests: number;
  close(): Promise<void>;
}

/** A file server answering Range as aiohttp's FileResponse: 206 with Content-Range, else 200. */
async function serve(file: string, size: number, delayMs: number): Promise<Served> {
  const served = { bytesSent: 0, requests: 0 };
  const server = http.createServer((req, res) => {
    served.requests++;
    setTimeout(() => {
      const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      const start = m ? Number(m[1]) : 0;
      const end = m && m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
      res.writeHead(m ? 206 : 200, {
        'content-length': String(end - start + 1),
        'accept-ranges': 'bytes',
        etag: '"bench"',
        ...(m ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
      });
      const stream = createReadStream(file, { start, end });
      stream.on('data', (c) => (served.bytesSent += c.length));
      stream.pipe(res);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/backup.tar`,
    get bytesSent() {
      return served.bytesSent;
    },
    get requests() {
      return served.requests;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function measure(
  backup: BigBackup,
  delayMs: number,
  runs: number,
): Promise<{ listMs: number[]; listBytes: number; listRequests: number; openBytes: number; openMs: number[] }> {
  const listMs: number[] = [];
  const openMs: number[] = [];
  let listBytes = 0;
  let listRequests = 0;
  let openBytes = 0;
  for (let i = 0; i < runs; i++) {
    const server = await serve(backup.file, backup.size, delayMs);
    try {
      const opener = undiciRangedOpener({ url: server.url });
      let t = performance.now();
      const opened = await openHttpRanged(opener, { describe: 'bench backup' });
      if (opened.kind !== 'ok') throw new Error(opened.note);
      const parts = await listRemoteParts(opened.source);
      listMs.push(performance.now() - t);
      if (parts.members.length !== backup.members) throw new Error(`listed ${parts.members.length} of ${backup.members} members`);
      listBytes = server.bytesSent;
      listRequests = server.requests;
      // Opening one file: a fresh source, as a new look inside would be.
      const before = server.bytesSent;
      t = performance.now();
      const again = await openHttpRanged(opener, { describe: 'bench backup' });
      if (again.kind !== 'ok') throw new Error(again.note);
      const entry = await openEntryFrom(again.source, 'homeassistant.tar.gz', 'data/configuration.yaml');
      let text = '';
      for await (const c of entry) text += (c as Buffer).toString();
      openMs.push(performance.now() - t);
      if (text !== CONFIGURATION) throw new Error('configuration.yaml read back differently');
      openBytes = server.bytesSent - before;
    } finally {
      await server.close();
    }
  }
  return { listMs, listBytes, listRequests, openBytes, openMs };
}

export async function rangedBenchmark(o: BenchOptions): Promise<Row[]> {
  await fsp.mkdir(BENCH_DIR, { recursive: true });
  const mediaBytes = o.quick ? 64 * 1024 * 1024 : 5 * GiB;
  const backup = await bigBackup(mediaBytes);
  const title = o.quick ? 'remote 64 MiB backup' : 'remote 5 GiB backup';
  const rows: Row[] = [];
  for (const delayMs of [0, 20]) {
    o.log(`ranged: ${title}, ${delayMs} ms per request`);
    const r = await measure(backup, delayMs, o.runs);
    const perMember = r.listBytes / backup.members;
    const goalMs = delayMs ? 2000 : 1000;
    const where = delayMs ? ', 20 ms per request' : ', loopback';
    rows.push({
      benchmark: `part list of a ${title}${where}`,
      extension: `${bytes(r.listBytes)} in ${r.listRequests} requests, ${ms(median(r.listMs))}`,
      standard: `${bytes(backup.size)} (the whole file, as before)`,
      ratio: `${bytes(perMember)} per member (${backup.members} members)`,
      goal: `≤ 64 KiB per member, < ${goalMs / 1000} s`,
      met: perMember <= 64 * KiB && median(r.listMs) < goalMs ? 'yes' : 'no',
      notes: [`part list${where}: ${list(r.listMs)}`],
    });
    if (delayMs === 0) {
      rows.push({
        benchmark: `open data/configuration.yaml of a ${title}`,
        extension: `${bytes(r.openBytes)}, ${ms(median(r.openMs))}`,
        standard: `${bytes(backup.size)} (the whole file, as before)`,
        ratio: `${((r.openBytes / backup.size) * 100).toPrecision(2)} % of the file`,
        goal: `≤ homeassistant.tar.gz (${bytes(backup.homeassistantBytes)}) + 64 KiB`,
        met: r.openBytes <= backup.homeassistantBytes + 64 * KiB ? 'yes' : 'no',
        notes: [`open configuration.yaml: ${list(r.openMs)}`],
      });
    }
  }
  return rows;
}
