// Security checklist: archives with path traversal or link escapes are refused. Hostile inner tars
// (built here with tar-stream, including PAX and GNU long-name overrides, Windows forms and device
// files) are wrapped as a Home Assistant backup, plain and encrypted. Listing marks every hostile
// entry `unsafe` with a reason, openEntry refuses it with `unsafe_path`, and the reader never writes
// a file: every fs call that could create or change one is watched while it works, and the
// temporary folder is compared before and after. See also archive-unsafe.test.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tar from 'tar-stream';
import { ArchiveError, listBackup, openEntry, verifyBackup, type ArchiveEntry } from '../../src/core/archive/index';
import { encryptV2, gzip, readAll, tempDir, writeBackup } from './archive/helpers';

interface Spec {
  name: string;
  /** tar-stream's types, plus a GNU long name (written as a file, then retyped). */
  type?: tar.Header['type'] | 'gnu-long-path';
  data?: string;
  linkname?: string;
  pax?: Record<string, string>;
}

/** A tar written exactly as specified (tar-stream pack: any type, PAX records, GNU long names). */
async function hostileTar(entries: Spec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const e of entries) {
    const data = e.data === undefined ? undefined : Buffer.from(e.data);
    // tar-stream writes bodies only for files: a GNU long name is written as one, then retyped.
    const type = e.type === 'gnu-long-path' ? 'file' : (e.type ?? 'file');
    const header: Partial<tar.Header> & { name: string } = { name: e.name, type, mode: 0o644, mtime: new Date(1_700_000_000_000), size: data?.length ?? 0 };
    if (e.linkname !== undefined) header.linkname = e.linkname;
    if (e.pax) header.pax = e.pax;
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (data) pack.entry(header, data, cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  await done;
  const out = Buffer.concat(chunks);
  for (const e of entries.filter((x) => x.type === 'gnu-long-path')) retype(out, e.name, 'L');
  return out;
}

/** Changes the typeflag of the header named `name` (and its checksum). */
function retype(tarBytes: Buffer, name: string, typeflag: string): void {
  for (let at = 0; at + 512 <= tarBytes.length; at += 512) {
    const header = tarBytes.subarray(at, at + 512);
    if (header.subarray(0, name.length + 1).toString('latin1') !== `${name}\0`) continue;
    header.write(typeflag, 156, 'latin1');
    header.fill(0x20, 148, 156);
    const sum = header.reduce((n, b) => n + b, 0);
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    return;
  }
  throw new Error(`no header named ${name}`);
}

/** Hostile entries: the path listing shows, and what the reason must say. */
const HOSTILE: { spec: Spec; listedAs: string; reason: RegExp }[] = [
  { spec: { name: '../x', data: 'up\n' }, listedAs: '../x', reason: /path contains "\.\."/ },
  { spec: { name: '/etc/passwd', data: 'root::0:0\n' }, listedAs: '/etc/passwd', reason: /absolute path/ },
  { spec: { name: 'a/../../x', data: 'up\n' }, listedAs: 'a/../../x', reason: /path contains "\.\."/ },
  { spec: { name: 'l', type: 'symlink', linkname: '../../etc' }, listedAs: 'l', reason: /symbolic link pointing outside the archive/ },
  { spec: { name: 'l/passwd', data: 'through the link\n' }, listedAs: 'l/passwd', reason: /goes through the symbolic link l/ },
  { spec: { name: 'abs', type: 'symlink', linkname: '/etc' }, listedAs: 'abs', reason: /symbolic link to an absolute path/ },
  { spec: { name: 'shadow', type: 'link', linkname: '/etc/shadow' }, listedAs: 'shadow', reason: /hard link to an absolute path \(\/etc\/shadow\)/ },
  { spec: { name: 'deep/hard', type: 'link', linkname: '../../../etc/shadow' }, listedAs: 'deep/hard', reason: /hard link pointing outside the archive/ },
  { spec: { name: 'C:\\x', data: 'windows\n' }, listedAs: 'C:\\x', reason: /absolute path/ },
  { spec: { name: 'D:relative', data: 'drive-relative\n' }, listedAs: 'D:relative', reason: /absolute path/ },
  { spec: { name: '..\\..\\x', data: 'backslashes\n' }, listedAs: '..\\..\\x', reason: /path contains "\.\."/ },
  { spec: { name: 'sub\\..\\..\\x', data: 'backslashes\n' }, listedAs: 'sub\\..\\..\\x', reason: /path contains "\.\."/ },
  { spec: { name: '\\\\server\\share\\x', data: 'unc\n' }, listedAs: '\\\\server\\share\\x', reason: /absolute path/ },
  { spec: { name: 'winlink', type: 'symlink', linkname: 'C:\\Windows\\System32' }, listedAs: 'winlink', reason: /symbolic link to an absolute path/ },
  { spec: { name: 'bslink', type: 'symlink', linkname: '..\\..\\..\\etc' }, listedAs: 'bslink', reason: /symbolic link pointing outside the archive/ },
  { spec: { name: 'dev/sda', type: 'block-device' }, listedAs: 'dev/sda', reason: /block-device \(never extracted\)/ },
  { spec: { name: 'dev/null', type: 'character-device' }, listedAs: 'dev/null', reason: /character-device \(never extracted\)/ },
  { spec: { name: 'pipe', type: 'fifo' }, listedAs: 'pipe', reason: /fifo/ },
  // The ustar header says one thing, the PAX record (which wins) another.
  { spec: { name: 'innocent.txt', data: 'pax\n', pax: { path: '../pax-escape' } }, listedAs: '../pax-escape', reason: /path contains "\.\."/ },
  {
    spec: { name: 'innocent-link', type: 'symlink', linkname: 'ok/file.txt', pax: { linkpath: '/etc/shadow' } },
    listedAs: 'innocent-link',
    reason: /symbolic link to an absolute path \(\/etc\/shadow\)/,
  },
  // A GNU long name ('L' entry) that names the next entry.
  { spec: { name: '././@LongLink', type: 'gnu-long-path', data: `../../${'g'.repeat(120)}\0` }, listedAs: `../../${'g'.repeat(120)}`, reason: /path contains "\.\."/ },
];
/** The GNU long-name entry above names this one. */
const GNU_TARGET: Spec = { name: 'short-name', data: 'gnu\n' };
const SAFE: Spec[] = [
  { name: './', type: 'directory' },
  { name: 'ok/', type: 'directory' },
  { name: 'ok/file.txt', data: 'fine\n' },
  { name: 'ok/link', type: 'symlink', linkname: 'file.txt' },
  { name: 'ok/hard', type: 'link', linkname: 'ok/file.txt' },
  { name: './ok//dots..txt', data: 'two dots in a name are fine\n' },
];

/** Every file and folder under `dir`, with size and mtime: anything written changes it. */
function snapshot(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((rel) => {
      const st = fs.lstatSync(path.join(dir, rel));
      return `${rel} ${st.size} ${st.mtimeMs} ${st.isSymbolicLink() ? 'link' : ''}`;
    })
    .sort();
}

const WRITING_CALLS = [
  'writeFile',
  'appendFile',
  'mkdir',
  'mkdtemp',
  'symlink',
  'link',
  'rename',
  'copyFile',
  'cp',
  'rm',
  'rmdir',
  'unlink',
  'truncate',
  'chmod',
  'chown',
  'utimes',
  'lutimes',
];

/**
 * Runs `work` while every fs function that could create or change a file is replaced by one that
 * records the call (and still works), also `open` with a writing flag. Returns the recorded calls.
 */
async function watchingWrites(work: () => Promise<void>): Promise<string[]> {
  const calls: string[] = [];
  const restore: (() => void)[] = [];
  const patch = (module: object, name: string, isWrite: (args: unknown[]) => boolean, label: string): void => {
    const target = module as Record<string, unknown>;
    const original = target[name];
    if (typeof original !== 'function') return;
    target[name] = function (this: unknown, ...args: unknown[]) {
      if (isWrite(args)) calls.push(`${label}.${name}(${String(args[0])})`);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    restore.push(() => (target[name] = original));
  };
  const always = () => true;
  const writingFlags = (args: unknown[]) =>
    typeof args[1] === 'string'
      ? /[wa+]/.test(args[1])
      : typeof args[1] === 'number'
        ? (args[1] & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT)) !== 0
        : false;
  for (const name of WRITING_CALLS) {
    patch(fsp, name, always, 'fs/promises');
    patch(fs, name, always, 'fs');
    patch(fs, `${name}Sync`, always, 'fs');
  }
  patch(fs, 'createWriteStream', always, 'fs');
  patch(fsp, 'open', writingFlags, 'fs/promises');
  patch(fs, 'open', writingFlags, 'fs');
  patch(fs, 'openSync', writingFlags, 'fs');
  // The watch itself is checked: a read of the backup must go through the patched `open`.
  let opens = 0;
  patch(fsp, 'open', () => (opens++, false), 'count');
  try {
    await work();
  } finally {
    for (const undo of restore.reverse()) undo();
  }
  assert.ok(opens > 0, 'the reader opened the backup through the watched fs/promises.open');
  return calls;
}

async function refused(p: Promise<unknown>, what: string): Promise<ArchiveError> {
  try {
    const stream = await p;
    (stream as { destroy?: () => void }).destroy?.();
  } catch (e) {
    assert.ok(e instanceof ArchiveError, `${what}: ${String(e)}`);
    assert.equal(e.kind, 'unsafe_path', `${what}: ${e.kind}: ${e.message}`);
    assert.match(e.message, / is refused: /);
    return e;
  }
  assert.fail(`${what} was opened`);
}

void describe('security: hostile archives', () => {
  const tmp = tempDir('ha-hostile-');
  const file = path.join(tmp.dir, 'hostile.tar');
  const PASSWORD = 'hostile-password';
  let before0: string[];
  const parts = ['share.tar.gz', 'ssl.tar.gz'];

  before(async () => {
    const entries = [...SAFE, ...HOSTILE.map((h) => h.spec)];
    entries.splice(entries.indexOf(HOSTILE.at(-1)!.spec) + 1, 0, GNU_TARGET);
    const inner = gzip(await hostileTar(entries));
    const json = {
      slug: 'bad00bad',
      version: 2,
      name: 'Hostile',
      date: '2026-11-20T03:00:00+01:00',
      type: 'partial',
      compressed: true,
      protected: true,
      homeassistant: null,
      folders: ['share', 'ssl'],
      addons: [],
      repositories: [],
      extra: {},
      supervisor_version: '2026.11.0',
    };
    // The same hostile content encrypted (SecureTar v2) and plain gzip.
    await writeBackup(
      file,
      [
        { name: 'share.tar.gz', data: encryptV2(inner, PASSWORD) },
        { name: 'ssl.tar.gz', data: inner },
      ],
      json,
    );
    before0 = snapshot(tmp.dir);
  });
  after(() => tmp.cleanup());

  void it('listing marks every hostile entry unsafe with its reason, in every part', async () => {
    let listing: Awaited<ReturnType<typeof listBackup>> | undefined;
    const writes = await watchingWrites(async () => {
      listing = await listBackup(file, { password: PASSWORD });
    });
    assert.deepEqual(writes, []);
    assert.deepEqual(
      listing!.archives.map((a) => a.name),
      parts,
    );
    for (const archive of listing!.archives) {
      const byPath = new Map<string, ArchiveEntry>(archive.entries.map((e) => [e.path, e]));
      for (const h of HOSTILE) {
        const entry = byPath.get(h.listedAs);
        assert.ok(entry, `${archive.name}: ${h.listedAs} is listed (have ${[...byPath.keys()].join(' | ')})`);
        assert.equal(entry.unsafe, true, `${archive.name}: ${h.listedAs} is unsafe`);
        assert.match(entry.unsafeReason ?? '', h.reason, `${archive.name}: ${h.listedAs}`);
      }
      for (const safe of ['.', 'ok', 'ok/file.txt', 'ok/link', 'ok/hard', 'ok/dots..txt']) {
        assert.equal(byPath.get(safe)?.unsafe, undefined, `${archive.name}: ${safe} is safe`);
      }
      assert.equal(byPath.get('innocent.txt'), undefined, 'the PAX path replaces the header name');
      assert.equal(byPath.get('short-name'), undefined, 'the GNU long name replaces the header name');
    }
  });

  void it('openEntry refuses every hostile entry (unsafe_path) and still reads a safe one', async () => {
    const writes = await watchingWrites(async () => {
      for (const archive of parts) {
        for (const h of HOSTILE) await refused(openEntry(file, archive, h.listedAs, { password: PASSWORD }), `${archive}: ${h.listedAs}`);
        assert.equal((await readAll(await openEntry(file, archive, 'ok/file.txt', { password: PASSWORD }))).toString(), 'fine\n');
      }
    });
    assert.deepEqual(writes, []);
  });

  void it('a hostile path asked for is refused before the archive is read, whether or not it exists', async () => {
    for (const request of ['../../../../etc/passwd', '/etc/shadow', 'C:\\Windows\\win.ini', '..\\..\\boot.ini', 'ok/../../x', '\\\\server\\share', '']) {
      const err = await refused(openEntry(file, 'share.tar.gz', request), JSON.stringify(request));
      assert.equal(err.archive, 'share.tar.gz');
    }
  });

  void it('verify counts the hostile entries and does not fail the parts for them', async () => {
    const writes = await watchingWrites(async () => {
      const result = await verifyBackup(file, { password: PASSWORD });
      assert.equal(result.ok, true, JSON.stringify(result.problems));
      for (const part of result.parts) assert.equal(part.unsafeEntries, HOSTILE.length, part.name);
    });
    assert.deepEqual(writes, []);
  });

  void it('hostile names of the inner archives themselves are listed, not used as paths', async () => {
    const outer = path.join(tmp.dir, 'outer-names.tar');
    const inner = gzip(await hostileTar([{ name: 'ok.txt', data: 'ok\n' }]));
    const names = ['../escape.tar.gz', '/abs.tar.gz', 'C:\\win.tar.gz', 'a/../../b.tar.gz'];
    await writeBackup(
      outer,
      names.map((name) => ({ name, data: inner })),
      {
        slug: 'bad00bad',
        version: 2,
        name: 'x',
        date: '2026-11-20T03:00:00+01:00',
        type: 'partial',
        compressed: true,
        protected: false,
        homeassistant: null,
        folders: [],
        addons: [],
        repositories: [],
        extra: {},
      },
    );
    const snap = snapshot(tmp.dir);
    const writes = await watchingWrites(async () => {
      const listing = await listBackup(outer);
      assert.deepEqual(listing.archives.map((a) => a.name).sort(), [...names].sort());
      for (const name of names) assert.equal((await readAll(await openEntry(outer, name, 'ok.txt'))).toString(), 'ok\n');
    });
    assert.deepEqual(writes, []);
    assert.deepEqual(snapshot(tmp.dir), snap);
    fs.rmSync(outer);
  });

  void it('(self-check) the watch sees writes made through fs and fs/promises', async () => {
    const probe = path.join(tmp.dir, 'probe');
    const writes = await watchingWrites(async () => {
      await fsp.open(file, 'r').then((h) => h.close());
      fs.writeFileSync(probe, 'x');
      await (await fsp.open(probe, 'a')).close();
      await fsp.rm(probe);
    });
    assert.deepEqual(writes, [`fs.writeFileSync(${probe})`, `fs/promises.open(${probe})`, `fs/promises.rm(${probe})`]);
  });

  void it('nothing under the temporary folder changed', () => {
    assert.deepEqual(snapshot(tmp.dir), before0);
  });
});
