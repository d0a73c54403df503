// The Home Assistant front's `/api/hassio/…` REST proxy: who may use it, its allowlist, and the
// streamed download and upload.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inflateSync, gunzipSync } from 'node:zlib';
import { FormData, request } from 'undici';
import { FAST_SCENARIO, startTestEmulator } from './helpers';
import type { TestEmulator } from './helpers';

const ADMIN = 'admin-llat';
const USER = 'user-llat';

describe('Home Assistant front: /api/hassio proxy', () => {
  let emu: TestEmulator;
  let slug: string;

  before(async () => {
    emu = await startTestEmulator({
      ...FAST_SCENARIO,
      core: {
        tokens: [
          { token: ADMIN, admin: true },
          { token: USER, admin: false },
        ],
      },
    });
    const list = await emu.call('GET', '/backups');
    slug = ((list.json.data?.backups ?? []) as { slug: string; name: string }[]).find((b) => b.name === 'Seeded full')!.slug;
  });
  after(() => emu.close());

  /** undici.request: no automatic decompression, so the proxy's headers are seen as sent. */
  async function proxy(method: string, p: string, opts: { token?: string | null; headers?: Record<string, string>; body?: FormData } = {}) {
    const token = opts.token === undefined ? ADMIN : opts.token;
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await request(`${emu.url}/api/hassio/${p}`, { method: method as 'GET', headers, body: opts.body as never });
    return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) };
  }

  it('answers GET /api/ for a valid token and 401 otherwise', async () => {
    const ok = await fetch(`${emu.url}/api/`, { headers: { authorization: `Bearer ${USER}` } });
    assert.deepEqual(await ok.json(), { message: 'API running.' });
    const denied = await fetch(`${emu.url}/api/`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(denied.status, 401);
    assert.equal(await denied.text(), '401: Unauthorized');
  });

  it('passes backup info for an admin token, with the Supervisor envelope', async () => {
    const res = await proxy('GET', `backups/${slug}/info`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    const json = JSON.parse(res.body.toString()) as { result: string; data: { slug: string } };
    assert.equal(json.result, 'ok');
    assert.equal(json.data.slug, slug);
  });

  it('answers an empty 401 for other paths, other users and bad tokens', async () => {
    for (const p of ['backups', 'backups/info', 'backups/new/full', 'jobs/info', 'mounts', `backups/${slug}/foo`, 'backups/Not-Hex1/info']) {
      const res = await proxy(p === 'backups/new/full' ? 'POST' : 'GET', p);
      assert.equal(res.status, 401, p);
      assert.equal(res.body.length, 0, p);
    }
    for (const token of [USER, 'nope', null]) assert.equal((await proxy('GET', `backups/${slug}/info`, { token })).status, 401, String(token));
  });

  it('knows only GET and POST, and refuses encoded characters', async () => {
    const del = await proxy('DELETE', `backups/${slug}`);
    assert.equal(del.status, 405);
    const encoded = await proxy('GET', `backups/${slug}%2Finfo`);
    assert.equal(encoded.status, 400);
  });

  it('streams a download without Content-Length but with the file name', async () => {
    const res = await proxy('GET', `backups/${slug}/download`);
    const stored = await readFile(path.join(emu.dataDir, 'backup', `${slug}.tar`));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/tar');
    assert.equal(res.headers['content-disposition'], 'attachment; filename=Seeded_full.tar');
    assert.equal(res.headers['content-length'], undefined);
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.ok(res.body.equals(stored));
  });

  it('compresses like aiohttp when the client accepts it (deflate first)', async () => {
    const stored = await readFile(path.join(emu.dataDir, 'backup', `${slug}.tar`));
    const both = await proxy('GET', `backups/${slug}/download`, { headers: { 'accept-encoding': 'gzip, deflate' } });
    assert.equal(both.headers['content-encoding'], 'deflate');
    assert.ok(inflateSync(both.body).equals(stored));
    const gzip = await proxy('GET', `backups/${slug}/download`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    assert.ok(gunzipSync(gzip.body).equals(stored));
  });

  it('forwards the query string', async () => {
    const res = await proxy('GET', `backups/${slug}/download?location=nas_backups`);
    assert.equal(res.status, 400);
    assert.match(res.body.toString(), /is not in location nas_backups/);
  });

  it('forwards a multipart upload with its boundary', async () => {
    const archive = await readFile(path.join(emu.dataDir, 'backup', `${slug}.tar`));
    await emu.call('DELETE', `/backups/${slug}`);
    const form = new FormData();
    form.append('file', new Blob([archive]), 'upload.tar');
    const res = await proxy('POST', 'backups/new/upload', { body: form });
    assert.equal(res.status, 200, res.body.toString());
    assert.deepEqual(JSON.parse(res.body.toString()), { result: 'ok', data: { slug } });
    assert.equal((await emu.call('GET', `/backups/${slug}/info`)).status, 200);
  });

  it('answers 502 when the Supervisor connection breaks', async () => {
    await emu.control('POST', '/_emulator/faults', { faults: [{ match: `GET /backups/${slug}/info`, kind: 'reset' }] });
    const res = await proxy('GET', `backups/${slug}/info`);
    assert.equal(res.status, 502);
    assert.equal(res.body.toString(), '502: Bad Gateway');
  });
});
