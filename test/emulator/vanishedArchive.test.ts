// An archive file that vanished behind the Supervisor's back (a test deletes it from the data folder),
// and unknown slugs. BackupManager.remove (supervisor/backups/manager.py) unlinks the copies one by
// one; the first vanished file ends the request with 404 "Cannot delete backup at <path>, file does not
// exist!" (BackupFileNotFoundError, an APINotFound), copies unlinked before it are gone, it and the ones
// after it stay, and (since 2025.02.0) a background reload of that location drops the stale copy.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Scenario } from '../../src/emulator/scenario';
import { FAST_SCENARIO, startTestEmulator, TOKEN } from './helpers';
import type { TestEmulator } from './helpers';

interface Info {
  locations: (string | null)[];
  location_attributes: Record<string, unknown>;
}

async function slugOf(emu: TestEmulator, name: string): Promise<string> {
  const list = (await emu.call('GET', '/backups')).json.data?.backups as { slug: string; name: string }[];
  const found = list.find((b) => b.name === name);
  assert.ok(found, name);
  return found.slug;
}

/** The archive of one copy, as /_emulator/state reports it. */
async function fileOf(emu: TestEmulator, slug: string, location: string | null): Promise<string> {
  const state = (await emu.control('GET', '/_emulator/state')).json as unknown as { files: Record<string, Record<string, string>> };
  const relative = state.files[slug]?.[location ?? '.local'];
  assert.ok(relative, `${slug} has no copy in ${location ?? '.local'}`);
  return path.join(emu.dataDir, relative);
}

async function locationsOf(emu: TestEmulator, slug: string): Promise<(string | null)[] | 'gone'> {
  const res = await emu.call('GET', `/backups/${slug}/info`);
  if (res.status === 404) return 'gone';
  return (res.json.data as unknown as Info).locations;
}

/** Polls until the backup's locations are `expected` (the Supervisor's reload runs after its answer). */
async function eventually(emu: TestEmulator, slug: string, expected: (string | null)[] | 'gone'): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const now = await locationsOf(emu, slug);
    if (JSON.stringify(now) === JSON.stringify(expected)) return;
    if (Date.now() > deadline) assert.deepEqual(now, expected);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const withVersion = (supervisorVersion: string): Scenario => ({ ...FAST_SCENARIO, supervisorVersion });

void describe('DELETE /backups/{slug} when the local archive vanished (Supervisor ≥ 2025.02.0)', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.close());

  void it('answers 404 with the path, keeps the mount copy, and the reload drops the local one', async () => {
    const slug = await slugOf(emu, 'Seeded partial');
    assert.deepEqual(await locationsOf(emu, slug), [null, 'nas_backups']);
    const local = await fileOf(emu, slug, null);
    const onMount = await fileOf(emu, slug, 'nas_backups');
    assert.equal(local, path.join(emu.dataDir, 'backup', `${slug}.tar`));
    await rm(local);

    const res = await emu.call('DELETE', `/backups/${slug}`);
    assert.equal(res.status, 404);
    assert.deepEqual(res.json, { result: 'error', message: `Cannot delete backup at ${local}, file does not exist!` });
    // The local copy came first and failed: nothing was deleted.
    assert.ok(existsSync(onMount), 'the mount copy is still there');
    await eventually(emu, slug, ['nas_backups']);
    const info = (await emu.call('GET', `/backups/${slug}/info`)).json.data as unknown as Info;
    assert.deepEqual(Object.keys(info.location_attributes), ['nas_backups']);

    // Deleting again now deletes the remaining copy.
    const again = await emu.call('DELETE', `/backups/${slug}`);
    assert.deepEqual([again.status, again.json], [200, { result: 'ok', data: {} }]);
    assert.ok(!existsSync(onMount));
    assert.equal(await locationsOf(emu, slug), 'gone');
  });

  void it('deletes the copies before the vanished one: a backup made on a mount first loses both', async () => {
    const made = await emu.call('POST', '/backups/new/partial', { body: { name: 'Mount first', folders: ['ssl'], location: ['nas_backups', '.local'] } });
    assert.equal(made.status, 200, made.text);
    const { slug } = made.json.data as { slug: string };
    // Its copies are in the order they were made: the mount, then the local copy.
    const onMount = await fileOf(emu, slug, 'nas_backups');
    await rm(await fileOf(emu, slug, null));
    const res = await emu.call('DELETE', `/backups/${slug}`);
    assert.equal(res.status, 404);
    assert.match(res.json.message ?? '', /^Cannot delete backup at .*\/backup\/[0-9a-f]{8}\.tar, file does not exist!$/);
    assert.ok(!existsSync(onMount), 'the mount copy was deleted before the local file was found missing');
    // The reload of the local folder then finds no copy left: the backup leaves the list.
    await eventually(emu, slug, 'gone');
  });

  void it('deletes only the named copies: the vanished one untouched is 200, named it is 404', async () => {
    const names = async (name: string): Promise<string> => {
      const made = await emu.call('POST', '/backups/new/partial', { body: { name, folders: ['ssl'], location: ['.local', 'nas_backups'] } });
      assert.equal(made.status, 200, made.text);
      return (made.json.data as { slug: string }).slug;
    };
    const a = await names('Named mount');
    await rm(await fileOf(emu, a, null));
    const mountOnly = await emu.call('DELETE', `/backups/${a}`, { body: { location: ['nas_backups'] } });
    assert.equal(mountOnly.status, 200, mountOnly.text);
    // The stale local copy is still listed until something reloads.
    assert.deepEqual(await locationsOf(emu, a), [null]);
    assert.equal((await emu.call('POST', '/backups/reload')).status, 200);
    assert.equal(await locationsOf(emu, a), 'gone');

    const b = await names('Named local');
    const bMount = await fileOf(emu, b, 'nas_backups');
    await rm(await fileOf(emu, b, null));
    const localOnly = await emu.call('DELETE', `/backups/${b}`, { body: { location: ['.local'] } });
    assert.equal(localOnly.status, 404);
    assert.ok(existsSync(bMount));
    await eventually(emu, b, ['nas_backups']);
  });

  void it('an empty location list deletes every copy, like no list', async () => {
    const made = await emu.call('POST', '/backups/new/partial', { body: { name: 'Empty list', folders: ['ssl'], location: ['.local', 'nas_backups'] } });
    const { slug } = made.json.data as { slug: string };
    const files = [await fileOf(emu, slug, null), await fileOf(emu, slug, 'nas_backups')];
    const res = await emu.call('DELETE', `/backups/${slug}`, { body: { location: [] } });
    assert.equal(res.status, 200, res.text);
    assert.equal(await locationsOf(emu, slug), 'gone');
    for (const f of files) assert.ok(!existsSync(f), f);
  });

  void it('a download of the vanished copy is a bare 404 and reloads that location', async () => {
    const made = await emu.call('POST', '/backups/new/partial', { body: { name: 'Download gone', folders: ['ssl'], location: ['.local', 'nas_backups'] } });
    const { slug } = made.json.data as { slug: string };
    await rm(await fileOf(emu, slug, null));
    const res = await fetch(`${emu.url}/backups/${slug}/download?location=.local`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 404);
    assert.equal(await res.text(), '');
    await eventually(emu, slug, ['nas_backups']);
  });

  void it('another unlink error is 400 "Cannot delete backup at <path>: <OSError>" (since 2026.07.0)', async () => {
    const made = await emu.call('POST', '/backups/new/partial', { body: { name: 'A directory', folders: ['ssl'] } });
    const { slug } = made.json.data as { slug: string };
    const file = await fileOf(emu, slug, null);
    await rm(file);
    await mkdir(file);
    const res = await emu.call('DELETE', `/backups/${slug}`);
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, { result: 'error', message: `Cannot delete backup at ${file}: [Errno 21] Is a directory: '${file}'` });
    await rm(file, { recursive: true });
  });
});

void describe('a vanished archive and an unknown slug in older Supervisors', () => {
  const cases: {
    version: string;
    vanished: { status: number; /** 'path': the file-does-not-exist message */ message: string };
    reloads: boolean;
    unknownSlug: number;
    otherError: string;
  }[] = [
    // remove() returned False: api_process's generic error; nothing reloads.
    {
      version: '2024.11.4',
      vanished: { status: 400, message: 'Unknown error, see Supervisor logs' },
      reloads: false,
      unknownSlug: 400,
      otherError: 'Unknown error, see Supervisor logs',
    },
    {
      version: '2024.12.3',
      vanished: { status: 400, message: 'Unknown error, see Supervisor logs' },
      reloads: false,
      unknownSlug: 404,
      otherError: 'Unknown error, see Supervisor logs',
    },
    // BackupFileNotFoundError, without a reload yet; other errors say "Could delete".
    { version: '2025.01.2', vanished: { status: 404, message: 'path' }, reloads: false, unknownSlug: 404, otherError: 'Could' },
    { version: '2025.02.0', vanished: { status: 404, message: 'path' }, reloads: true, unknownSlug: 404, otherError: 'Could' },
    { version: '2026.06.2', vanished: { status: 404, message: 'path' }, reloads: true, unknownSlug: 404, otherError: 'Could' },
    { version: '2026.07.0', vanished: { status: 404, message: 'path' }, reloads: true, unknownSlug: 404, otherError: 'Cannot' },
  ];
  for (const c of cases) {
    void it(`Supervisor ${c.version}`, async () => {
      const emu = await startTestEmulator(withVersion(c.version));
      try {
        const unknown = await emu.call('DELETE', '/backups/deadbeef');
        assert.deepEqual([unknown.status, unknown.json], [c.unknownSlug, { result: 'error', message: 'Backup does not exist' }]);
        assert.equal((await emu.call('GET', '/backups/deadbeef/info')).status, c.unknownSlug);

        const slug = await slugOf(emu, 'Seeded partial');
        const local = await fileOf(emu, slug, null);
        const onMount = await fileOf(emu, slug, 'nas_backups');
        await rm(local);
        const res = await emu.call('DELETE', `/backups/${slug}`);
        const message = c.vanished.message === 'path' ? `Cannot delete backup at ${local}, file does not exist!` : c.vanished.message;
        assert.deepEqual([res.status, res.json], [c.vanished.status, { result: 'error', message }]);
        assert.ok(existsSync(onMount));
        if (c.reloads) await eventually(emu, slug, ['nas_backups']);
        else {
          await new Promise((r) => setTimeout(r, 200));
          assert.deepEqual(await locationsOf(emu, slug), [null, 'nas_backups'], 'no reload: the stale copy stays listed');
        }

        const full = await slugOf(emu, 'Seeded full');
        const file = await fileOf(emu, full, null);
        await rm(file);
        await mkdir(file);
        const other = await emu.call('DELETE', `/backups/${full}`);
        assert.equal(other.status, 400);
        const expected = c.otherError.endsWith('logs') ? c.otherError : `${c.otherError} delete backup at ${file}: [Errno 21] Is a directory: '${file}'`;
        assert.equal(other.json.message, expected);
      } finally {
        await emu.close();
      }
    });
  }
});
