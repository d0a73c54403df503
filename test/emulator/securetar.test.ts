import assert from 'node:assert/strict';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { assembleArchive, makeInnerPart } from '../../src/emulator/archive';
import type { BackupJson } from '../../src/emulator/archive';
import { folderMembers } from '../../src/emulator/content';
import { encryptSecureTarV2, secureTarV2PasswordMatches } from '../../src/emulator/secureTarV2';
import { decryptSecureTarV2, FIXTURES, innerNames, readTar, startTestEmulator } from './helpers';
import type { TestEmulator } from './helpers';

const ENC_FIXTURE = path.join(FIXTURES, 'backup_example_enc.tar');
const PLAIN_FIXTURE = path.join(FIXTURES, 'backup_example.tar');

/** ustar header fields that must match Python tarfile's output (everything but name/size/mtime/checksum). */
function headerShape(block: Buffer): Record<string, string> {
  const field = (o: number, l: number): string => block.subarray(o, o + l).toString('latin1');
  return {
    mode: field(100, 8),
    uid: field(108, 8),
    gid: field(116, 8),
    typeflag: field(156, 1),
    linkname: field(157, 100),
    magic: field(257, 6),
    version: field(263, 2),
    uname: field(265, 32),
    gname: field(297, 32),
    devmajor: field(329, 8),
    devminor: field(337, 8),
    prefix: field(345, 155),
    checksumFormat: field(148, 8).replace(/[0-7]/g, 'd'),
  };
}

void describe('SecureTar v2 and archive format against real Supervisor fixtures', () => {
  void it('decrypts the real encrypted fixture with the test helper (password "test")', async () => {
    const items = await readTar(await readFile(ENC_FIXTURE));
    assert.deepEqual(
      items.map((i) => i.name),
      ['ssl.tar.gz', './backup.json'],
    );
    const entry = items[0]?.data ?? Buffer.alloc(0);
    assert.equal(entry.length, 256);
    const plain = decryptSecureTarV2(entry, 'test');
    assert.equal(plain.length, 199);
    assert.deepEqual([...plain.subarray(0, 2)], [0x1f, 0x8b]);
    assert.ok((await innerNames(plain)).length > 0);
    assert.throws(() => decryptSecureTarV2(entry, 'bad'));
    // The emulator's own password check agrees.
    assert.equal(secureTarV2PasswordMatches(entry, 'test'), true);
    assert.equal(secureTarV2PasswordMatches(entry, 'bad'), false);
  });

  void it('round-trips the emulator writer through the independent decryptor', () => {
    for (const size of [0, 1, 15, 16, 17, 199, 4096, 100_003]) {
      const data = Buffer.alloc(size, 7);
      const enc = encryptSecureTarV2(data, 'pässwörd');
      assert.equal(enc.subarray(0, 10).toString('latin1'), 'SecureTar\u0002');
      assert.equal(enc.length, 48 + size + 16 - (size % 16));
      assert.ok(decryptSecureTarV2(enc, 'pässwörd').equals(data));
    }
  });

  void it('writes outer and inner tar headers shaped exactly like Python tarfile', async () => {
    const fixture = await readFile(ENC_FIXTURE);
    const mtime = 1738608508.3468127;
    const part = makeInnerPart('ssl', folderMembers('ssl', { mtime }), { compressed: true, password: 'test', mtime });
    const json: BackupJson = {
      slug: 'abcdef12',
      version: 2,
      name: 'x',
      date: '2025-02-03T18:48:28.273501+00:00',
      type: 'partial',
      supervisor_version: '2026.11.0',
      extra: {},
      compressed: true,
      protected: true,
      homeassistant: null,
      folders: ['ssl'],
      addons: [],
      repositories: [],
    };
    const ours = assembleArchive([part], json, 1738608508);
    assert.equal(ours.length % 10240, 0);
    // Block 0: PAX header, block 1: PAX records, block 2: inner member header.
    assert.deepEqual(headerShape(ours.subarray(0, 512)), headerShape(fixture.subarray(0, 512)));
    assert.equal(ours.subarray(0, 100).toString('latin1'), fixture.subarray(0, 100).toString('latin1'), '././@PaxHeader name');
    assert.equal(ours.subarray(512, 540).toString('latin1'), fixture.subarray(512, 540).toString('latin1'), 'same "28 mtime=…" record');
    assert.deepEqual(headerShape(ours.subarray(1024, 1536)), headerShape(fixture.subarray(1024, 1536)));
    assert.equal(ours.subarray(1024, 1124).toString('latin1'), fixture.subarray(1024, 1124).toString('latin1'), 'inner name without ./');
    // backup.json header (no PAX record before it) sits right after the inner data.
    const jsonHeaderAt = 1536 + Math.ceil(part.data.length / 512) * 512;
    assert.deepEqual(headerShape(ours.subarray(jsonHeaderAt, jsonHeaderAt + 512)), headerShape(fixture.subarray(2048, 2560)));
    assert.equal(ours.subarray(jsonHeaderAt, jsonHeaderAt + 13).toString(), './backup.json');
  });

  void it('writes gzip headers like Python gzip inside securetar (FNAME, OS 255)', async () => {
    const real = (await readTar(await readFile(PLAIN_FIXTURE)))[0]?.data ?? Buffer.alloc(0);
    const ours = makeInnerPart('a0d7b954_example', folderMembers('share', { mtime: 1 }), { compressed: true, password: null, mtime: 1 }).data;
    assert.deepEqual([...ours.subarray(0, 4)], [...real.subarray(0, 4)], 'magic, deflate, FNAME flag');
    assert.equal(ours[9], real[9], 'OS byte');
    const nameEnd = (b: Buffer): string => b.subarray(10, b.indexOf(0, 10)).toString();
    assert.equal(nameEnd(ours), nameEnd(real));
    assert.ok(gunzipSync(ours).length % 10240 === 0, 'inner tar padded to full records too');
  });
});

void describe('the emulator reads real Supervisor archives', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator();
    await copyFile(ENC_FIXTURE, path.join(emu.dataDir, 'backup', 'backup_example_enc.tar'));
    await copyFile(PLAIN_FIXTURE, path.join(emu.dataDir, 'mounts', 'nas_backups', '7fed74c8.tar'));
    assert.equal((await emu.call('POST', '/backups/reload')).status, 200);
  });
  after(() => emu.close());

  void it('lists the fixtures after a reload', async () => {
    const enc = await emu.call('GET', '/backups/93b462f8/info');
    assert.equal(enc.status, 200);
    assert.equal(enc.json.data?.protected, true);
    assert.equal(enc.json.data?.name, 'Encrypt test');
    assert.deepEqual(enc.json.data?.folders, ['ssl']);
    const plain = await emu.call('GET', '/backups/7fed74c8/info');
    assert.deepEqual(plain.json.data?.locations, ['nas_backups']);
    assert.deepEqual(
      (plain.json.data?.addons as { slug: string }[]).map((a) => a.slug),
      ['a0d7b954_example'],
    );
  });

  void it('validates the real archive password before restoring', async () => {
    const bad = await emu.call('POST', '/backups/93b462f8/restore/partial', { body: { folders: ['ssl'], password: 'bad' } });
    assert.equal(bad.json.message, 'Invalid password for backup 93b462f8');
    const good = await emu.call('POST', '/backups/93b462f8/restore/partial', { body: { folders: ['ssl'], password: 'test' } });
    assert.equal(good.status, 200, good.text);
  });

  void it('names a download after the file on disk unless it is <slug>.tar', async () => {
    const enc = await emu.call('GET', '/backups/93b462f8/download');
    assert.equal(enc.headers.get('content-disposition'), 'attachment; filename=backup_example_enc.tar');
    const plain = await emu.call('GET', '/backups/7fed74c8/download');
    assert.equal(plain.headers.get('content-disposition'), 'attachment; filename=Example.tar');
  });
});
