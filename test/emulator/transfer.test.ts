import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readTar, startTestEmulator, TOKEN } from './helpers';
import type { TestEmulator } from './helpers';

async function download(emu: TestEmulator, slug: string, query = '', headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(`${emu.url}/backups/${slug}/download${query}`, { headers: { Authorization: `Bearer ${TOKEN}`, ...headers } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

async function upload(emu: TestEmulator, archive: Buffer, query = '', field = 'file'): Promise<{ status: number; json: Record<string, unknown> }> {
  const form = new FormData();
  form.append(field, new Blob([archive], { type: 'application/x-tar' }), 'backup.tar');
  const res = await fetch(`${emu.url}/backups/new/upload${query}`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: form });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

void describe('download and upload', () => {
  let emu: TestEmulator;
  let slug: string;
  let file: string;
  before(async () => {
    emu = await startTestEmulator();
    const list = await emu.call('GET', '/backups');
    const seeded = ((list.json.data?.backups ?? []) as { slug: string; name: string }[]).find((b) => b.name === 'Seeded full');
    assert.ok(seeded);
    slug = seeded.slug;
    file = path.join(emu.dataDir, 'backup', `${slug}.tar`);
  });
  after(() => emu.close());

  void it('sends the stored archive with FileResponse headers', async () => {
    const res = await download(emu, slug);
    const stored = await readFile(file);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/tar');
    assert.equal(res.headers.get('content-length'), String(stored.length));
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename=Seeded_full.tar');
    assert.equal(res.headers.get('accept-ranges'), 'bytes');
    assert.ok(res.body.equals(stored));
  });

  void it('supports Range requests', async () => {
    const stored = await readFile(file);
    const part = await download(emu, slug, '', { Range: 'bytes=100-199' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-199/${stored.length}`);
    assert.equal(part.headers.get('content-length'), '100');
    assert.ok(part.body.equals(stored.subarray(100, 200)));
    const tail = await download(emu, slug, '', { Range: 'bytes=-10' });
    assert.ok(tail.body.equals(stored.subarray(stored.length - 10)));
    const open = await download(emu, slug, '', { Range: `bytes=${stored.length - 5}-` });
    assert.equal(open.body.length, 5);
    const bad = await download(emu, slug, '', { Range: `bytes=${stored.length + 10}-` });
    assert.equal(bad.status, 416);
    assert.equal(bad.headers.get('content-range'), `bytes */${stored.length}`);
  });

  void it('downloads per location', async () => {
    const list = await emu.call('GET', '/backups');
    const partial = ((list.json.data?.backups ?? []) as { slug: string; name: string }[]).find((b) => b.name === 'Seeded partial');
    assert.ok(partial);
    assert.equal((await download(emu, partial.slug, '?location=nas_backups')).status, 200);
    assert.equal((await download(emu, partial.slug, '?location=.local')).status, 200);
    const missing = await emu.call('GET', `/backups/${slug}/download?location=nas_backups`);
    assert.equal(missing.status, 400);
    assert.equal(missing.json.message, `Backup ${slug} is not in location nas_backups`);
  });

  void it('imports a downloaded archive into another location and merges the copies', async () => {
    const archive = (await download(emu, slug)).body;
    const res = await upload(emu, archive, '?location=nas_backups');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json, { result: 'ok', data: { slug } });
    const info = await emu.call('GET', `/backups/${slug}/info`);
    assert.deepEqual(info.json.data?.locations, [null, 'nas_backups']);
    const stored = await readFile(path.join(emu.dataDir, 'mounts', 'nas_backups', `${slug}.tar`));
    assert.ok(stored.equals(archive));
  });

  void it('takes the first part whatever its name, and honours filename and extra locations', async () => {
    const archive = (await download(emu, slug)).body;
    await emu.call('DELETE', `/backups/${slug}`, { body: { location: ['nas_backups'] } });
    const res = await upload(emu, archive, '?location=offsite&location=nas_backups&filename=copy.tar', 'anything');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const info = await emu.call('GET', `/backups/${slug}/info`);
    assert.deepEqual(info.json.data?.locations, [null, 'nas_backups', 'offsite']);
    const names = (await readTar(await readFile(path.join(emu.dataDir, 'mounts', 'offsite', 'copy.tar')))).map((i) => i.name);
    assert.equal(names.at(-1), './backup.json');
    const dl = await download(emu, slug, '?location=offsite');
    assert.equal(dl.headers.get('content-disposition'), 'attachment; filename=copy.tar');
  });

  void it('rejects an invalid archive with the generic message', async () => {
    const res = await upload(emu, Buffer.from('this is not a tar file'.repeat(100)));
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, { result: 'error', message: 'Unknown error, see Supervisor logs' });
    const badName = await upload(emu, Buffer.alloc(10), '?filename=a/b.tar');
    assert.equal(badName.json.message, "does not match regular expression ^[^\\\\\\/]+\\.tar$. Got 'a/b.tar'");
  });
});
