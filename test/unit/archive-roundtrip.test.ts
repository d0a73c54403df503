// Archives written by others, read back: the emulator's protected (SecureTar v2) backups downloaded
// over HTTP, and v1 (password-derived key, old padding bug, gzip and plain tar) and multi-message v3
// archives written by the test helpers.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArchiveError, listBackup, openEntry, readBackupJson, verifyBackup } from '../../src/core/archive/index';
import { startEmulator } from '../../src/emulator/server';
import type { RunningEmulator } from '../../src/emulator/server';
import { backupJsonFor, encryptV1, encryptV3, gzip, makeTar, readAll, tempDir, v1KeyFromPassword, writeBackup } from './archive/helpers';

const TOKEN = 'archive-test-token';

void describe('archive round trip: emulator backups (SecureTar v2)', () => {
  let emu: RunningEmulator;
  const tmp = tempDir();
  const files: Record<string, string> = {};

  before(async () => {
    emu = await startEmulator({
      port: 0,
      token: TOKEN,
      scenario: {
        jobStepDelayMs: 5,
        backups: [
          { slug: 'prot1234', name: 'Protected full', date: '2026-09-01T03:00:00.111111+02:00', type: 'full', password: 'secret', payloadBytes: 300_000 },
          {
            slug: 'unc12345',
            name: 'Protected uncompressed',
            date: '2026-09-02T03:00:00.111111+02:00',
            type: 'partial',
            homeassistant: true,
            folders: ['ssl'],
            password: 'secret',
            compressed: false,
            payloadBytes: 5000,
          },
        ],
      },
    });
    for (const slug of ['prot1234', 'unc12345']) {
      const res = await fetch(`${emu.url}/backups/${slug}/download`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      assert.equal(res.status, 200);
      files[slug] = path.join(tmp.dir, `${slug}.tar`);
      await writeFile(files[slug], Buffer.from(await res.arrayBuffer()));
    }
  });
  after(async () => {
    await emu.close();
    tmp.cleanup();
  });

  void it('lists every part of a downloaded protected full backup and reads a file from it', async () => {
    const file = files.prot1234!;
    const l = await listBackup(file, { password: 'secret' });
    assert.equal(l.backup.slug, 'prot1234');
    assert.equal(l.backup.protected, true);
    assert.deepEqual(l.missing, []);
    assert.ok(l.archives.length >= 5, 'homeassistant, add-ons and folders');
    for (const a of l.archives) {
      assert.equal(a.encrypted, true, a.name);
      assert.equal(a.version, 2, a.name);
      assert.equal(a.compressed, true, a.name);
      assert.ok(a.entries.length > 0, a.name);
      assert.ok(
        a.entries.every((e) => !e.unsafe),
        a.name,
      );
    }
    const ha = l.archives.find((a) => a.name === 'homeassistant.tar.gz')!;
    const paths = ha.entries.map((e) => e.path);
    for (const p of ['homeassistant.json', 'data', 'data/configuration.yaml', 'data/secrets.yaml', 'data/home-assistant_v2.db']) assert.ok(paths.includes(p), p);
    const config = await openEntry(file, 'homeassistant.tar.gz', 'data/configuration.yaml', { password: 'secret' });
    assert.equal(config.entry.path, 'data/configuration.yaml');
    const text = (await readAll(config)).toString('utf8');
    assert.match(text, /^# Loads default set of integrations/);
    assert.match(text, /automation: !include automations\.yaml/);
    const db = ha.entries.find((e) => e.path === 'data/home-assistant_v2.db')!;
    assert.equal(db.size, 300_000);
    const dbBytes = await readAll(await openEntry(file, 'homeassistant.tar.gz', 'data/home-assistant_v2.db', { password: 'secret' }));
    assert.equal(dbBytes.length, 300_000);
    // A folder part ("./" names inside).
    const ssl = l.archives.find((a) => a.name === 'ssl.tar.gz')!;
    assert.ok(ssl.entries.some((e) => e.path === 'privkey.pem'));
    const key = (await readAll(await openEntry(file, 'ssl.tar.gz', './privkey.pem', { password: 'secret' }))).toString();
    assert.match(key, /BEGIN PRIVATE KEY/);
  });

  void it('says "wrong password" for a wrong password, and verifies with the right one', async () => {
    const file = files.prot1234!;
    await assert.rejects(
      listBackup(file, { password: 'Secret' }),
      (e: unknown) => e instanceof ArchiveError && e.kind === 'wrong_password' && /wrong password/.test(e.message),
    );
    await assert.rejects(
      openEntry(file, 'homeassistant.tar.gz', 'data/configuration.yaml', { password: 'nope' }),
      (e: unknown) => e instanceof ArchiveError && e.kind === 'wrong_password',
    );
    const v = await verifyBackup(file, { password: 'secret' });
    assert.equal(v.ok, true, JSON.stringify(v.parts.filter((p) => !p.ok)));
    assert.ok(v.parts.every((p) => p.ok && p.version === 2 && p.bytes > 0 && p.tarBytes > 0));
  });

  void it('reads uncompressed protected parts (.tar inside SecureTar v2)', async () => {
    const file = files.unc12345!;
    const meta = await readBackupJson(file);
    assert.equal(meta.compressed, false);
    const l = await listBackup(file, { password: 'secret' });
    assert.deepEqual(l.archives.map((a) => [a.name, a.version, a.compressed]).sort(), [
      ['homeassistant.tar', 2, false],
      ['ssl.tar', 2, false],
    ]);
    const pem = (await readAll(await openEntry(file, 'ssl.tar', 'fullchain.pem', { password: 'secret' }))).toString();
    assert.match(pem, /BEGIN CERTIFICATE/);
  });
});

void describe('archive round trip: SecureTar v1 and v3 written by the helpers', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());
  const big = randomBytes(2_500_000); // spans three v3 messages
  const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
  let innerTar: Buffer;
  before(async () => {
    innerTar = await makeTar([
      { name: './', type: 'directory' },
      { name: './addon.json', data: '{"state":"started"}' },
      { name: 'data/', type: 'directory' },
      { name: 'data/big.bin', data: big },
      { name: 'data/link', type: 'symlink', linkname: 'big.bin' },
    ]);
  });

  void it('v1 with a password-derived key, gzip (padding bug) and plain tar parts', async () => {
    const key = v1KeyFromPassword('legacy-pass');
    const file = path.join(tmp.dir, 'v1.tar');
    await writeBackup(
      file,
      [
        { name: 'a.tar.gz', data: encryptV1(gzip(innerTar), key) },
        { name: 'b.tar', data: encryptV1(innerTar, key) },
      ],
      { ...backupJsonFor(['a.tar.gz'], { protected: true }), addons: [{ slug: 'a', name: 'A', version: '1', size: 0 }], protected: 'legacy-hash' },
    );
    const l = await listBackup(file, { password: 'legacy-pass' });
    assert.equal(l.backup.protected, true, 'a non-boolean protected counts as true');
    assert.deepEqual(
      l.archives.map((a) => [a.name, a.version, a.compressed]),
      [
        ['a.tar.gz', 1, true],
        ['b.tar', 1, false],
      ],
    );
    assert.equal(sha(await readAll(await openEntry(file, 'a.tar.gz', 'data/big.bin', { password: 'legacy-pass' }))), sha(big));
    assert.equal(sha(await readAll(await openEntry(file, 'b.tar', 'data/big.bin', { key }))), sha(big));
    const v = await verifyBackup(file, { password: 'legacy-pass' });
    assert.ok(
      v.parts.every((p) => p.ok),
      JSON.stringify(v.parts),
    );
    await assert.rejects(listBackup(file, { password: 'other' }), (e: unknown) => e instanceof ArchiveError && e.kind === 'wrong_password' && e.archive === 'a.tar.gz');
  });

  void it('v3 over several 1 MiB messages, gzip and plain tar, one Argon2id derivation per root salt', async () => {
    const rootSalt = randomBytes(16);
    const file = path.join(tmp.dir, 'v3.tar');
    await writeBackup(
      file,
      [
        { name: 'homeassistant.tar.gz', data: await encryptV3(gzip(innerTar), 'pw3', { rootSalt }) },
        { name: 'local_x.tar', data: await encryptV3(innerTar, 'pw3', { rootSalt }) },
      ],
      backupJsonFor(['homeassistant.tar.gz', 'local_x.tar.gz'], { protected: true }),
    );
    const l = await listBackup(file, { password: 'pw3' });
    assert.deepEqual(
      l.archives.map((a) => [a.name, a.version, a.compressed, a.entries.length]),
      [
        ['homeassistant.tar.gz', 3, true, 5],
        ['local_x.tar', 3, false, 5],
      ],
    );
    assert.deepEqual(l.missing, ['local_x.tar.gz'], 'backup.json promised a compressed part');
    const entry = await openEntry(file, 'local_x.tar', 'data/big.bin', { password: 'pw3' });
    assert.equal(entry.entry.size, big.length);
    assert.equal(sha(await readAll(entry)), sha(big));
    const link = l.archives[0]!.entries.find((e) => e.path === 'data/link')!;
    assert.deepEqual([link.type, link.linkname, link.unsafe], ['symlink', 'big.bin', undefined]);
    await assert.rejects(
      openEntry(file, 'homeassistant.tar.gz', 'data/link', { password: 'pw3' }),
      (e: unknown) => e instanceof ArchiveError && e.kind === 'unsupported' && /symbolic link to big\.bin/.test(e.message),
    );
    await assert.rejects(
      openEntry(file, 'homeassistant.tar.gz', 'data', { password: 'pw3' }),
      (e: unknown) => e instanceof ArchiveError && e.kind === 'unsupported' && /directory/.test(e.message),
    );
    await assert.rejects(openEntry(file, 'homeassistant.tar.gz', 'data/none', { password: 'pw3' }), (e: unknown) => e instanceof ArchiveError && e.kind === 'not_found');
    await assert.rejects(
      openEntry(file, 'nope.tar.gz', 'x', { password: 'pw3' }),
      (e: unknown) => e instanceof ArchiveError && e.kind === 'not_found' && /has: homeassistant\.tar\.gz, local_x\.tar/.test(e.message),
    );
  });

  void it('v3 damage written by the helper: early and missing final tags name the part', async () => {
    const file = path.join(tmp.dir, 'v3-bad.tar');
    await writeBackup(
      file,
      [
        { name: 'early.tar.gz', data: await encryptV3(gzip(innerTar), 'pw', { tags: 'early-final' }) },
        { name: 'nofinal.tar.gz', data: await encryptV3(gzip(innerTar), 'pw', { tags: 'no-final' }) },
      ],
      backupJsonFor(['early.tar.gz', 'nofinal.tar.gz'], { protected: true }),
    );
    const v = await verifyBackup(file, { password: 'pw' });
    assert.equal(v.ok, false);
    assert.deepEqual(
      v.parts.map((p) => [p.name, p.ok]),
      [
        ['early.tar.gz', false],
        ['nofinal.tar.gz', false],
      ],
    );
    assert.match(v.parts[0]!.error ?? '', /^early\.tar\.gz: unexpected final tag/);
    assert.match(v.parts[1]!.error ?? '', /^nofinal\.tar\.gz: missing final tag/);
  });
});
