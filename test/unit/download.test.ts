// Downloading a backup to a folder, against the emulator over real HTTP.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DownloadError, downloadBackupToFile, exactSizeOf, removeStaleTempFiles } from '../../src/core/download';
import { HttpTransport, SupervisorClient, SupervisorError, type Backup } from '../../src/core/supervisor';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('downloadBackupToFile', () => {
  let emu: RunningEmulator;
  let client: SupervisorClient;
  let backups: Backup[];
  let dir: string;
  const fault = (f: Record<string, unknown>) =>
    fetch(`${emu.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ faults: [f] }) });

  before(async () => {
    emu = await startEmulator({
      port: 0,
      token: 't',
      scenario: {
        mounts: [{ name: 'nas_backups', type: 'cifs', usage: 'backup', server: 'nas.local', share: 'b', state: 'active' }],
        backups: [
          { name: 'Big one', date: '2026-11-20T03:00:00.000000+01:00', type: 'full', payloadBytes: 3_000_000 },
          { name: 'Two places', date: '2026-10-20T03:00:00.000000+01:00', type: 'full', locations: [null, 'nas_backups'], payloadBytes: 20_000 },
        ],
      },
    });
    client = new SupervisorClient(new HttpTransport({ baseUrl: emu.url, token: 't' }));
    backups = (await client.listBackups()).backups;
  });
  after(async () => {
    await client.transport.close();
    await emu.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ha-dl-'));
  });

  const archivesOnDisk = (sub: string) =>
    readdirSync(path.join(emu.dataDir, sub))
      .filter((f) => f.endsWith('.tar'))
      .map((f) => sha(path.join(emu.dataDir, sub, f)));

  it('writes the archive under the wanted name, byte for byte, and reports progress', async () => {
    const big = backups[0]!;
    const progress: number[] = [];
    const result = await downloadBackupToFile(client, big.slug, dir, { fileName: 'Big_one.tar', expectedBytes: big.size_bytes, onProgress: (n) => progress.push(n) });
    assert.equal(result.path, path.join(dir, 'Big_one.tar'));
    assert.equal(result.bytes, big.size_bytes);
    assert.ok(archivesOnDisk('backup').includes(sha(result.path)), 'same bytes as the stored archive');
    assert.ok(progress.length > 1 && progress.at(-1) === big.size_bytes);
    assert.deepEqual(readdirSync(dir), ['Big_one.tar'], 'no temporary file left behind');
  });

  it('never overwrites: an existing name gets a numbered suffix', async () => {
    writeFileSync(path.join(dir, 'Big_one.tar'), 'precious');
    const result = await downloadBackupToFile(client, backups[0]!.slug, dir, { fileName: 'Big_one.tar' });
    assert.equal(path.basename(result.path), 'Big_one (1).tar');
    assert.equal(readFileSync(path.join(dir, 'Big_one.tar'), 'utf8'), 'precious');
  });

  it('reads the chosen location', async () => {
    const two = backups[1]!;
    const result = await downloadBackupToFile(client, two.slug, dir, { fileName: 'x.tar', location: 'nas_backups' });
    assert.ok(archivesOnDisk('mounts/nas_backups').includes(sha(result.path)));
  });

  it('a connection reset mid-way leaves no file at all', async () => {
    await fault({ match: 'GET /backups/*/download', kind: 'reset' });
    await assert.rejects(downloadBackupToFile(client, backups[0]!.slug, dir, { fileName: 'Big_one.tar' }), (e: unknown) => {
      assert.ok(e instanceof SupervisorError || e instanceof DownloadError, String(e));
      return true;
    });
    assert.deepEqual(readdirSync(dir), []);
  });

  it('cancelling removes the partial file', async () => {
    const ac = new AbortController();
    await assert.rejects(
      downloadBackupToFile(client, backups[0]!.slug, dir, { fileName: 'Big_one.tar', signal: ac.signal, onProgress: () => ac.abort() }),
      (e: unknown) => e instanceof SupervisorError && e.kind === 'aborted',
    );
    assert.deepEqual(readdirSync(dir), []);
  });

  it('a missing folder is a clear error before anything is requested', async () => {
    await assert.rejects(downloadBackupToFile(client, backups[0]!.slug, path.join(dir, 'nope'), { fileName: 'a.tar' }), (e: unknown) => {
      assert.ok(e instanceof DownloadError);
      assert.equal(e.kind, 'folder_missing');
      assert.match(e.message, /nope/);
      return true;
    });
  });

  it('a size that does not match what the Supervisor listed is refused and removed', async () => {
    await assert.rejects(downloadBackupToFile(client, backups[1]!.slug, dir, { fileName: 'a.tar', expectedBytes: backups[1]!.size_bytes + 1 }), (e: unknown) => {
      assert.ok(e instanceof DownloadError);
      assert.equal(e.kind, 'incomplete');
      return true;
    });
    assert.deepEqual(readdirSync(dir), []);
  });

  it('an unknown backup is the Supervisor error, with no file', async () => {
    await assert.rejects(downloadBackupToFile(client, 'deadbeef', dir, { fileName: 'a.tar' }), (e: unknown) => e instanceof SupervisorError && e.kind === 'not_found');
    assert.deepEqual(readdirSync(dir), []);
  });

  it('removes temporary files a crashed download left behind, only old ones of the same name', async () => {
    const old = path.join(dir, '.Big_one.tar.0badc0de.partial');
    const fresh = path.join(dir, '.Big_one.tar.12345678.partial');
    const other = path.join(dir, '.Other.tar.0badc0de.partial');
    for (const f of [old, fresh, other]) writeFileSync(f, 'x');
    const twoDaysAgo = (Date.now() - 2 * 86_400_000) / 1000;
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    utimesSync(other, twoDaysAgo, twoDaysAgo);
    assert.deepEqual(await removeStaleTempFiles(dir, 'Big_one.tar'), [old]);
    assert.deepEqual(readdirSync(dir).sort(), ['.Big_one.tar.12345678.partial', '.Other.tar.0badc0de.partial']);
  });
});

void describe('exactSizeOf', () => {
  const backup = (over: Partial<Backup>): Backup => ({ slug: 'a', locations: [null, 'nas'], size_bytes: 1000, size_exact: true, ...over }) as Backup;

  void it("takes the copy's own size, the primary copy's when no location is named, else the listed size", () => {
    const attrs = { '.local': { protected: false, size_bytes: 1001 }, nas: { protected: false, size_bytes: 1002 } };
    assert.equal(exactSizeOf(backup({ location_attributes: attrs }), 'nas'), 1002);
    assert.equal(exactSizeOf(backup({ location_attributes: attrs }), null), 1001);
    assert.equal(exactSizeOf(backup({ location_attributes: attrs })), 1001);
    assert.equal(exactSizeOf(backup({ locations: ['nas'], location_attributes: attrs })), 1002);
    assert.equal(exactSizeOf(backup({})), 1000);
  });

  void it('gives nothing to check against when the Supervisor listed only an estimate', () => {
    assert.equal(exactSizeOf(backup({ size_exact: false })), undefined);
  });
});
