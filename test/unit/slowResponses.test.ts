// Fault matrix, "slow responses past the timeout": each operation's request against a Supervisor
// (the emulator, over real HTTP) that answers later than the client waits. The product's timeouts are
// 60 s for JSON calls and download headers and 10 min for uploads, too long for the integration run,
// so the real HttpTransport is given a short timeout here; the rest of the path is the product's.
import * as assert from 'node:assert/strict';
import { mkdtempSync, openAsBlob, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { downloadBackupToFile } from '../../src/core/download';
import { HttpTransport, SupervisorClient, waitForJob, type RequestOptions, type SupervisorTransport, type UploadSource } from '../../src/core/supervisor';
import { startTestEmulator, TOKEN, type TestEmulator } from '../emulator/helpers';
import { rejectsWith } from './transportScenarios';

const TIMEOUT_MS = 250;
const LATE_MS = 1200;

/** The real transport, waiting TIMEOUT_MS for every answer instead of the product's minutes. */
class ImpatientTransport implements SupervisorTransport {
  constructor(private readonly inner: HttpTransport) {}
  get target(): string {
    return this.inner.target;
  }
  send(method: string, p: string, o: RequestOptions = {}) {
    return this.inner.send(method, p, { ...o, timeoutMs: TIMEOUT_MS });
  }
  openStream(method: string, p: string, o: RequestOptions = {}) {
    return this.inner.openStream(method, p, { ...o, timeoutMs: TIMEOUT_MS });
  }
  upload(p: string, source: UploadSource, o: RequestOptions = {}) {
    return this.inner.upload(p, source, { ...o, timeoutMs: TIMEOUT_MS });
  }
  serverDate(o: RequestOptions = {}) {
    return this.inner.serverDate({ ...o, timeoutMs: TIMEOUT_MS });
  }
  close() {
    return this.inner.close();
  }
}

// Concurrent: every test delays its own route, and each waits for its late request to end.
describe('slow responses past the timeout', { concurrency: true }, () => {
  let emu: TestEmulator;
  let client: SupervisorClient;
  let dir: string;
  const slow = (match: string) => emu.control('POST', '/_emulator/faults', { faults: [{ match, kind: 'delay', delayMs: LATE_MS }] });
  const slugs = async () => ((await emu.call('GET', '/backups')).json.data?.backups as { slug: string; name: string }[]).map((b) => b.slug);
  const seeded = async (name: string) => ((await emu.call('GET', '/backups')).json.data?.backups as { slug: string; name: string }[]).find((b) => b.name === name)!.slug;
  /** Lets the late request reach the emulator and end, so it cannot spill into the next test. */
  const afterTheDelay = () => new Promise((r) => setTimeout(r, LATE_MS + 300));

  before(async () => {
    emu = await startTestEmulator();
    client = new SupervisorClient(new ImpatientTransport(new HttpTransport({ baseUrl: emu.url, token: TOKEN })));
    dir = mkdtempSync(path.join(tmpdir(), 'ha-slow-'));
  });
  after(async () => {
    await client.transport.close();
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('create: the start request times out with its own kind, and no backup is claimed', async () => {
    await slow('POST /backups/new/partial');
    await rejectsWith(client.startPartialBackup({ name: 'Late start', folders: ['ssl'] }), 'timeout', /did not answer in time/);
    await afterTheDelay();
    const names = ((await emu.call('GET', '/backups')).json.data?.backups as { name: string }[]).map((b) => b.name);
    assert.ok(!names.includes('Late start'));
  });

  it('following a job: a poll that times out is passed over, and the job is followed to its end', async () => {
    const jobId = await client.startPartialBackup({ name: 'Followed', folders: ['ssl'] });
    await slow(`GET /jobs/${jobId}`);
    const outcome = await waitForJob(client, jobId, { intervalMs: 50 });
    assert.equal(outcome.failed, false);
    assert.ok(outcome.slug && (await slugs()).includes(outcome.slug));
  });

  it('download: times out waiting for the answer and leaves no file', async () => {
    const slug = await seeded('Seeded partial');
    await slow(`GET /backups/${slug}/download`);
    await rejectsWith(downloadBackupToFile(client, slug, dir, { fileName: 'Seeded_partial.tar' }), 'timeout');
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('Seeded_partial')),
      [],
      'no file, partial or final',
    );
    await afterTheDelay();
  });

  it('upload: times out and nothing is stored, not even a temporary file', async () => {
    const slug = await seeded('Seeded full');
    const res = await fetch(`${emu.url}/backups/${slug}/download`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const file = path.join(dir, 'upload.tar');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    await slow('POST /backups/new/upload');
    await rejectsWith(client.uploadBackup({ fileName: 'upload.tar', blob: await openAsBlob(file) }, { locations: ['nas_backups'] }), 'timeout');
    await afterTheDelay();
    const info = await emu.call('GET', `/backups/${slug}/info`);
    assert.deepEqual(info.json.data?.locations, [null], 'no copy on nas_backups');
    assert.deepEqual(readdirSync(path.join(emu.dataDir, 'tmp')), []);
  });

  it('delete: times out without deleting; the next try deletes it', async () => {
    const slug = await seeded('Seeded protected');
    await slow(`DELETE /backups/${slug}`);
    await rejectsWith(client.deleteBackup(slug), 'timeout');
    assert.ok((await slugs()).includes(slug), 'not deleted while the Supervisor was slow');
    await afterTheDelay();
    // The next try (a purge tries again) deletes it, or finds it gone if the late request did: both count as done.
    assert.ok(['deleted', 'already_gone'].includes(await client.deleteBackup(slug)));
    assert.ok(!(await slugs()).includes(slug));
  });

  it('restore: the start request times out with its own kind', async () => {
    const slug = await seeded('Seeded partial');
    await slow(`POST /backups/${slug}/restore/partial`);
    await rejectsWith(client.startPartialRestore(slug, { folders: ['share'] }), 'timeout');
    await afterTheDelay();
  });
});
