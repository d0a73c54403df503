// Test helpers: start an emulator, call it, poll jobs, and read archives with an independent
// tar parser (tar-stream) and an independent SecureTar v2 decryptor.
import assert from 'node:assert/strict';
import { createDecipheriv, createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import * as tarStream from 'tar-stream';
import type { Scenario } from '../../src/emulator/scenario';
import { startEmulator } from '../../src/emulator/server';
import type { RunningEmulator } from '../../src/emulator/server';

export const TOKEN = 'test-manager-token';
export const BACKUP_TOKEN = 'backup-role-token';
export const REPO_ROOT = path.resolve(__dirname, '../..');
export const TEST_SCENARIO = path.join(REPO_ROOT, 'scenarios/test.json');
export const FIXTURES = path.join(__dirname, 'fixtures');

/** A small, fast scenario for most tests. */
export const FAST_SCENARIO: Scenario = {
  jobStepDelayMs: 20,
  newBackupPayloadBytes: 4000,
  tokens: [{ token: BACKUP_TOKEN, role: 'backup' }],
  mounts: [
    { name: 'nas_backups', type: 'cifs', usage: 'backup', server: 'nas.local', share: 'backups', state: 'active' },
    { name: 'offsite', type: 'nfs', usage: 'backup', server: 'backup.example.net', path: '/export/ha', state: 'active' },
    { name: 'nas_media', type: 'cifs', usage: 'media', server: 'nas.local', share: 'media', state: 'active' },
  ],
  backups: [
    { name: 'Seeded full', date: '2026-11-20T03:00:00.104512+01:00', type: 'full', payloadBytes: 3000 },
    { name: 'Seeded partial', date: '2026-10-15T21:30:12.345678+02:00', type: 'partial', addons: ['core_mosquitto'], folders: ['share'], locations: [null, 'nas_backups'] },
    { name: 'Seeded protected', date: '2026-09-01T03:00:00.111111+02:00', type: 'full', password: 'secret', payloadBytes: 2000 },
  ],
};

export interface Response {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body (undefined for non-JSON bodies). */
  json: Record<string, unknown> & { result?: string; data?: Record<string, unknown>; message?: string };
}

export interface TestEmulator extends RunningEmulator {
  call(method: string, urlPath: string, opts?: { body?: unknown; rawBody?: string; token?: string | null; headers?: Record<string, string> }): Promise<Response>;
  waitForJob(jobId: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  control(method: string, urlPath: string, body?: unknown): Promise<Response>;
}

export async function startTestEmulator(scenario: Scenario | string = FAST_SCENARIO): Promise<TestEmulator> {
  const emu = await startEmulator({ port: 0, token: TOKEN, scenario });
  const call: TestEmulator['call'] = async (method, urlPath, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? TOKEN : opts.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(`${emu.url}${urlPath}`, { method, headers, body });
    const text = await res.text();
    let json: Response['json'] = {};
    if ((res.headers.get('content-type') ?? '').includes('application/json')) json = JSON.parse(text) as Response['json'];
    return { status: res.status, headers: res.headers, text, json };
  };
  return {
    ...emu,
    call,
    async close() {
      await emu.close();
      await rm(emu.dataDir, { recursive: true, force: true });
    },
    async waitForJob(jobId, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await call('GET', `/jobs/${jobId}`);
        assert.equal(res.status, 200, res.text);
        const job = res.json.data as Record<string, unknown>;
        if (job.done === true) return job;
        if (Date.now() > deadline) throw new Error(`job ${jobId} not done in time`);
        await new Promise((r) => setTimeout(r, 15));
      }
    },
    control(method, urlPath, body) {
      return call(method, urlPath, { body, token: null });
    },
  };
}

export interface TarItem {
  name: string;
  type: string;
  data: Buffer;
  mtime: Date | undefined;
}

/** Parse a tar with tar-stream (independent of the emulator's own reader). */
export async function readTar(buf: Buffer): Promise<TarItem[]> {
  const extract = tarStream.extract();
  const items: TarItem[] = [];
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      items.push({ name: entry.header.name, type: entry.header.type ?? 'file', data: Buffer.concat(chunks), mtime: entry.header.mtime });
    }
  })();
  Readable.from([buf]).pipe(extract);
  await done;
  return items;
}

function sha256x100(data: Buffer): Buffer {
  let d = data;
  for (let i = 0; i < 100; i++) d = createHash('sha256').update(d).digest();
  return d.subarray(0, 16);
}

/** Independent SecureTar v2 decryptor: checks the header and returns the plaintext inner archive. */
export function decryptSecureTarV2(entry: Buffer, password: string): Buffer {
  assert.equal(entry.subarray(0, 9).toString('ascii'), 'SecureTar', 'magic');
  assert.equal(entry[9], 2, 'version byte');
  assert.deepEqual([...entry.subarray(10, 16)], [0, 0, 0, 0, 0, 0], 'reserved bytes 10..15');
  const plaintextSize = Number(entry.readBigUInt64BE(16));
  const salt = entry.subarray(32, 48);
  const key = sha256x100(Buffer.from(password, 'utf8'));
  const iv = sha256x100(Buffer.concat([key, salt]));
  const decipher = createDecipheriv('aes-128-cbc', key, iv);
  const plain = Buffer.concat([decipher.update(entry.subarray(48)), decipher.final()]);
  assert.equal(plain.length, plaintextSize, 'plaintext size from header');
  assert.equal(entry.length - 48, plaintextSize + 16 - (plaintextSize % 16), 'one PKCS7 padding');
  return plain;
}

/** Inner archive (tar.gz or tar) → its member names. */
export async function innerNames(data: Buffer, compressed = true): Promise<string[]> {
  return (await readTar(compressed ? gunzipSync(data) : data)).map((i) => i.name);
}
