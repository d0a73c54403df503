// The emulated host's clock: POST /_emulator/settings {clockOffsetMs} makes it real time + offset, and
// everything stamped with "now" follows it: the Date header of every answer (Supervisor routes, errors,
// the Home Assistant front, websocket handshakes, Node's own 400), new backups' dates, job `created`,
// the times inside a new archive and the file times (a download's Last-Modified).
import assert from 'node:assert/strict';
import { stat, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_CLOCK_OFFSET_MS } from '../../src/emulator/clock';
import { FAST_SCENARIO, readTar, startTestEmulator, TOKEN } from './helpers';
import type { TestEmulator } from './helpers';

const DAY = 86_400_000;
const ADMIN = 'admin-llat';

/** |a - b| ≤ tolerance (an HTTP date has whole seconds; the test itself takes a little time). */
function near(actualMs: number, expectedMs: number, what: string, toleranceMs = 3000): void {
  assert.ok(Math.abs(actualMs - expectedMs) <= toleranceMs, `${what}: ${new Date(actualMs).toISOString()} is not near ${new Date(expectedMs).toISOString()}`);
}

/** The Date header of a response, in ms. */
function dateOf(headers: Headers | Record<string, string | string[] | undefined>, what: string): number {
  const value = headers instanceof Headers ? headers.get('date') : headers.date;
  assert.equal(typeof value, 'string', `${what}: no Date header`);
  assert.match(value as string, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/, what);
  return Date.parse(value as string);
}

/** Sends raw bytes and returns the raw answer (until the server closes or the headers are complete). */
function raw(url: string, text: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      if (out.includes('\r\n\r\n') && out.startsWith('HTTP/1.1 101')) socket.destroy();
    });
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}

void describe('the emulated host clock', () => {
  let emu: TestEmulator;
  let offset = 0;
  const setOffset = async (ms: number): Promise<void> => {
    const res = await emu.control('POST', '/_emulator/settings', { clockOffsetMs: ms });
    assert.equal(res.status, 200, res.text);
    assert.equal((res.json as { clockOffsetMs?: number }).clockOffsetMs, ms);
    near(Date.parse((res.json as { now?: string }).now ?? ''), Date.now() + ms, 'settings now');
    offset = ms;
  };
  const emulatedNow = (): number => Date.now() + offset;

  before(async () => (emu = await startTestEmulator({ ...FAST_SCENARIO, core: { tokens: [{ token: ADMIN, admin: true }] } })));
  after(() => emu.close());

  void it('starts at real time', async () => {
    near(dateOf((await emu.call('GET', '/supervisor/ping', { token: null })).headers, 'ping'), Date.now(), 'ping');
  });

  void it('dates every answer with the shifted clock, errors and the Home Assistant front included', async () => {
    await setOffset(3 * DAY + 12_345);
    const answers: [string, Promise<{ status: number; headers: Headers }>][] = [
      ['GET /supervisor/ping (no token)', emu.call('GET', '/supervisor/ping', { token: null })],
      ['GET /info', emu.call('GET', '/info')],
      ['GET /backups', emu.call('GET', '/backups')],
      ['404 envelope', emu.call('GET', '/backups/deadbeef/info')],
      ['400 validation error', emu.call('POST', '/backups/new/full', { body: { bogus: 1 } })],
      ['401 plain text', emu.call('GET', '/backups', { token: null })],
      ['403 plain text', emu.call('GET', '/backups', { token: 'unknown' })],
      ['404 unknown route', emu.call('GET', '/no/such/route')],
      ['405', emu.call('PUT', '/backups')],
      ['control route', emu.control('GET', '/_emulator/state')],
      ['Core GET /api/', emu.call('GET', '/api/', { token: ADMIN })],
      ['Core GET /api/ 401', emu.call('GET', '/api/', { token: 'nope' })],
      ['Core /api/hassio proxy', emu.call('GET', `/api/hassio/backups/${'0'.repeat(8)}/info`, { token: ADMIN })],
      ['Core /api/websocket without upgrade', emu.call('GET', '/api/websocket', { token: null })],
    ];
    for (const [what, pending] of answers) {
      const res = await pending;
      near(dateOf(res.headers, what), emulatedNow(), `${what} (${res.status})`);
    }
    const seeded = ((await emu.call('GET', '/backups')).json.data?.backups as { slug: string }[])[0]!.slug;
    const download = await fetch(`${emu.url}/backups/${seeded}/download`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    await download.arrayBuffer();
    near(dateOf(download.headers, 'download'), emulatedNow(), 'download');
  });

  void it('dates websocket handshakes and the answers Node writes itself', async () => {
    const key = Buffer.alloc(16, 7).toString('base64');
    for (const p of ['/api/websocket', '/core/websocket']) {
      const answer = await raw(
        emu.url,
        `GET ${p} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
      assert.match(answer, /^HTTP\/1\.1 101 /, p);
      near(Date.parse(/\r\nDate: ([^\r]+)\r\n/.exec(answer)?.[1] ?? ''), emulatedNow(), `101 on ${p}`);
    }
    for (const [what, text] of [
      ['a bad upgrade (400)', 'GET /api/websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'],
      [
        'an upgrade elsewhere (404)',
        `GET /elsewhere HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ],
      ['a malformed request (Node 400)', 'NOT HTTP AT ALL\r\n\r\n'],
    ] as const) {
      const answer = await raw(emu.url, text);
      assert.match(answer, /^HTTP\/1\.1 (400|404) /, what);
      near(Date.parse(/\r\nDate: ([^\r]+)\r\n/.exec(answer)?.[1] ?? ''), emulatedNow(), what);
    }
    // node:http's upgrade event: the handshake's headers as a client library sees them.
    const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
      const req = request(`${emu.url}/api/websocket`, { headers: { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' } });
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve(res.headers);
      });
      req.on('error', reject);
      req.end();
    });
    near(dateOf(headers, 'upgrade'), emulatedNow(), 'upgrade');
  });

  void it('stamps new backups, their jobs, archive members and files with the shifted time', async () => {
    await setOffset(-400 * DAY);
    const res = await emu.call('POST', '/backups/new/partial', { body: { name: 'Back in time', folders: ['ssl'] } });
    assert.equal(res.status, 200, res.text);
    const { slug, job_id: jobId } = res.json.data as { slug: string; job_id: string };
    const info = (await emu.call('GET', `/backups/${slug}/info`)).json.data as { date: string };
    assert.match(info.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
    near(Date.parse(info.date), emulatedNow(), 'backup date');
    const job = (await emu.call('GET', `/jobs/${jobId}`)).json.data as { created: string; child_jobs: { created: string }[] };
    near(Date.parse(job.created), emulatedNow(), 'job created');
    for (const child of job.child_jobs) near(Date.parse(child.created), emulatedNow(), 'child job created');

    const file = path.join(emu.dataDir, 'backup', `${slug}.tar`);
    near((await stat(file)).mtimeMs, emulatedNow(), 'file mtime');
    const members = await readTar(await readFile(file));
    for (const m of members) near(m.mtime?.getTime() ?? 0, emulatedNow(), `member ${m.name}`);
    const backupJson = JSON.parse(members.find((m) => m.name === './backup.json')?.data.toString('utf8') ?? '{}') as { date: string };
    assert.equal(backupJson.date, info.date);

    const download = await fetch(`${emu.url}/backups/${slug}/download`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const body = Buffer.from(await download.arrayBuffer());
    near(Date.parse(download.headers.get('last-modified') ?? ''), emulatedNow(), 'Last-Modified');

    // An upload is a file written now; its copy to another location too.
    await emu.call('DELETE', `/backups/${slug}`);
    await setOffset(-20 * DAY);
    const form = new FormData();
    form.append('file', new Blob([body]), 'again.tar');
    const up = await fetch(`${emu.url}/backups/new/upload?location=.local&location=nas_backups`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: form,
    });
    assert.equal(up.status, 200);
    near((await stat(file)).mtimeMs, emulatedNow(), 'uploaded file mtime');
    near((await stat(path.join(emu.dataDir, 'mounts', 'nas_backups', `${slug}.tar`))).mtimeMs, emulatedNow(), 'copied file mtime');
  });

  void it('moving the clock back does not leave "now" at the later time', async () => {
    await setOffset(10 * DAY);
    const later = (await emu.call('POST', '/backups/new/partial', { body: { name: 'later', folders: ['ssl'] } })).json.data as { slug: string };
    await setOffset(-10 * DAY);
    const earlier = (await emu.call('POST', '/backups/new/partial', { body: { name: 'earlier', folders: ['ssl'] } })).json.data as { slug: string };
    const dateOfBackup = async (slug: string): Promise<number> => Date.parse(((await emu.call('GET', `/backups/${slug}/info`)).json.data as { date: string }).date);
    near(await dateOfBackup(later.slug), Date.now() + 10 * DAY, 'later backup', 10_000);
    near(await dateOfBackup(earlier.slug), Date.now() - 10 * DAY, 'earlier backup', 10_000);
  });

  void it('takes integers of at most 10 years either way, and 0 puts it back', async () => {
    for (const bad of [1.5, MAX_CLOCK_OFFSET_MS + 1, -MAX_CLOCK_OFFSET_MS - 1, '5']) {
      const res = await emu.control('POST', '/_emulator/settings', { clockOffsetMs: bad });
      assert.equal(res.status, 400, String(bad));
    }
    await setOffset(-MAX_CLOCK_OFFSET_MS);
    near(dateOf((await emu.call('GET', '/supervisor/ping', { token: null })).headers, 'ten years back'), emulatedNow(), 'ten years back');
    await setOffset(MAX_CLOCK_OFFSET_MS);
    near(dateOf((await emu.call('GET', '/supervisor/ping', { token: null })).headers, 'ten years ahead'), emulatedNow(), 'ten years ahead');
    await setOffset(0);
    near(dateOf((await emu.call('GET', '/info')).headers, 'back to real time'), Date.now(), 'back to real time');
  });
});
